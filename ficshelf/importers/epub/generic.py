"""Any other EPUB: OPF metadata and one chapter per table-of-contents entry."""

from __future__ import annotations

from ficshelf.importers.ao3_markup import chapter_title, element_text, inner_html
from ficshelf.importers.base import ImportedChapter, ImportedWork, ImportFailed
from ficshelf.importers.epub.ao3_flattened import remove_flattened_furniture
from ficshelf.importers.epub.common import FORMAT, reading_documents, toc_sections
from ficshelf.importers.epub.container import EpubBook


def read_other(book: EpubBook) -> ImportedWork:
    """One chapter per table-of-contents entry, titled by it; metadata from the OPF."""
    sections = toc_sections(book.toc, reading_documents(book))
    chapters = []
    for position, section in enumerate(sections, start=1):
        content = section.content()
        remove_flattened_furniture(content, heading=section.label)
        if element_text(content) or content.find(".//img") is not None:
            chapters.append(
                ImportedChapter(
                    chapter_title(section.label, position), text_html=inner_html(content)
                )
            )
    if not chapters:
        raise ImportFailed("this EPUB has no text")
    return ImportedWork(
        title="",
        chapters=chapters,
        freeforms=list(book.metadata.subjects),
        source_format=FORMAT,
        notices=[
            "this EPUB was not made by AO3, FanFicFare or FicHub: only its title, creators, "
            "language, summary, subjects (as additional tags) and chapters were imported"
        ],
    )

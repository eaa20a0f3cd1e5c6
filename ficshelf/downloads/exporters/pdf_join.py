"""Join the PDFs of a work's parts into the one PDF a single pass would have made.

Pages are taken in order; the first part's PDF is the base, so its document information
(title, producer) and language stay as WeasyPrint wrote them. What WeasyPrint writes for
the whole document is rebuilt over all the parts: the named destinations that internal
links point to, the outline (bookmarks), and the page numbers of the parts after the
first, which come from pages WeasyPrint laid out with only the footer (see
``pdf.page_numbers_html``), laid over the parts' pages, which have none.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import pikepdf

from ficshelf.downloads.exporters.pdf_layout import Bookmark, LaidOutPart


def join_parts(parts: Sequence[LaidOutPart], page_numbers: Sequence[bytes]) -> bytes:
    """One PDF of all ``parts``. The first part numbers its own pages; ``page_numbers``
    hold, in order, the numbers for all the pages after it."""
    sources = [pikepdf.open(io.BytesIO(part.pdf)) for part in parts]
    joined = sources[0]
    with warnings.catch_warnings():
        # pikepdf warns that extend() leaves named destinations behind: they are merged
        # below, the first anchor of a name winning as in WeasyPrint (``add_pages_from``
        # would rename the later ones instead).
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        for source in sources[1:]:
            joined.pages.extend(source.pages)
    first_pages = list(itertools.accumulate((part.page_count for part in parts[:-1]), initial=0))
    _merge_destinations(joined, sources, parts, first_pages)
    _write_outline(joined, parts, first_pages)
    # Copied objects read their data from these PDFs when the join is saved: keep them open.
    number_pdfs = [pikepdf.open(io.BytesIO(pdf)) for pdf in page_numbers]
    numbers = [page for pdf in number_pdfs for page in pdf.pages]
    _lay_over(joined, joined.pages[parts[0].page_count :], numbers)
    _retag_font_subsets(joined)
    output = io.BytesIO()
    # Object streams, as WeasyPrint writes them (11% smaller for the 300,000-word work).
    joined.save(output, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def _merge_destinations(
    joined: pikepdf.Pdf,
    sources: Sequence[pikepdf.Pdf],
    parts: Sequence[LaidOutPart],
    first_pages: Sequence[int],
) -> None:
    """One name tree of anchors for the links: the first anchor of a name wins, as in
    WeasyPrint. (A link to an anchor that no part holds would be kept, leading nowhere,
    where WeasyPrint drops it; the HTML has none: ``to_xhtml`` drops writers' "#" links.)"""
    destinations: dict[str, pikepdf.Array] = {}
    for source, part, first_page in zip(sources, parts, first_pages, strict=True):
        if "/Names" not in source.Root or "/Dests" not in source.Root.Names:
            continue
        # A destination names a page of its part's PDF; point it at that page in the join.
        page_at: dict[tuple[int, int], int] = {
            page.obj.objgen: first_page + index
            for index, page in zip(range(part.page_count), source.pages, strict=False)
        }
        for key, destination in pikepdf.NameTree(source.Root.Names.Dests).items():
            name = str(key)
            if name in destinations or name in part.stand_in_anchors:
                continue
            page = joined.pages[page_at[destination[0].objgen]].obj
            destinations[name] = pikepdf.Array([page, *list(destination)[1:]])
    if not destinations:
        return
    tree = pikepdf.NameTree.new(joined)
    for name in sorted(destinations):
        tree[name] = destinations[name]
    if "/Names" not in joined.Root:
        joined.Root.Names = pikepdf.Dictionary()
    joined.Root.Names.Dests = tree.obj


@dataclass
class _Entry:
    bookmark: Bookmark
    page_index: int  # in the joined PDF
    children: list[_Entry] = field(default_factory=list)


def _nest(parts: Sequence[LaidOutPart], first_pages: Sequence[int]) -> list[_Entry]:
    """The bookmarks as a tree, nested by WeasyPrint's own rule (``weasyprint.anchors.
    make_page_bookmark_tree``): a level skipped (an h4 under an h2) adds no depth."""
    root: list[_Entry] = []
    skipped_levels: list[int] = []
    last_by_depth = [root]
    previous_level = 0
    for part, first_page in zip(parts, first_pages, strict=True):
        for bookmark in part.bookmarks:
            level = bookmark.level
            if level > previous_level:
                skipped_levels.append(level - previous_level - 1)
            else:
                shallower = level
                while shallower < previous_level:
                    shallower += 1 + skipped_levels.pop()
                if shallower > previous_level:
                    skipped_levels.append(shallower - previous_level - 1)
            previous_level = level
            depth = level - sum(skipped_levels)
            entry = _Entry(bookmark, first_page + bookmark.page_index)
            last_by_depth[depth - 1].append(entry)
            del last_by_depth[depth:]
            last_by_depth.append(entry.children)
    return root


def _write_outline(
    joined: pikepdf.Pdf, parts: Sequence[LaidOutPart], first_pages: Sequence[int]
) -> None:
    def item(entry: _Entry) -> pikepdf.OutlineItem:
        bookmark = entry.bookmark
        outline_item = pikepdf.OutlineItem(
            bookmark.label, entry.page_index, "XYZ", left=bookmark.left, top=bookmark.top, zoom=0
        )
        outline_item.is_closed = not bookmark.is_open
        outline_item.children.extend(item(child) for child in entry.children)
        return outline_item

    with joined.open_outline() as outline:
        outline.root[:] = [item(entry) for entry in _nest(parts, first_pages)]


def _lay_over(
    joined: pikepdf.Pdf, pages: Sequence[pikepdf.Page], numbers: Sequence[pikepdf.Page]
) -> None:
    """Draw each numbers page, as a form, over its page, which is the same size.

    The page's own content is kept as it is (not decoded and merged, as pikepdf's
    ``add_overlay`` does): the page's contents become [save state, its content, restore
    state and draw the number], the two small streams shared by every page.
    """
    assert len(numbers) == len(pages), (len(numbers), len(pages))
    before = joined.make_stream(b"q\n")
    after = joined.make_stream(b"Q\n/PageNumber Do\n")
    for page, number in zip(pages, numbers, strict=True):
        # WeasyPrint's pages share one resource dictionary: the number's form goes into a
        # copy of it, or every page would list every number.
        shared = page.obj.Resources
        resources = pikepdf.Dictionary(dict(shared.items()))
        resources.XObject = pikepdf.Dictionary(
            {
                **dict(shared.get("/XObject", {}).items()),
                "/PageNumber": joined.copy_foreign(number.as_form_xobject()),
            }
        )
        page.obj.Resources = resources
        page.obj.Contents = pikepdf.Array([before, page.obj.Contents, after])


def _retag_font_subsets(pdf: pikepdf.Pdf) -> None:
    """Each part embedded its own subset of a font under the tag WeasyPrint derives from
    the font's name ("BAWKYD+DejaVu-Serif"), but different subsets in one file must have
    different tags (PDF 1.7, 9.6.4): printing through PostScript mixes up same-named fonts."""
    used: set[str] = set()
    new_names: dict[tuple[int, int], pikepdf.Name] = {}  # by the descriptor's object
    for descriptor in _objects_of_type(pdf, "/FontDescriptor"):
        tag, plus, base = str(descriptor.FontName)[1:].partition("+")
        if not plus:
            continue
        new_tag, serial = tag, 0
        while new_tag in used:
            serial += 1
            digest = hashlib.md5(f"{tag}{serial}".encode(), usedforsecurity=False).digest()
            new_tag = "".join(chr(65 + byte % 26) for byte in digest[:6])
        used.add(new_tag)
        if new_tag != tag:
            descriptor.FontName = new_names[descriptor.objgen] = pikepdf.Name(f"/{new_tag}+{base}")
    for font in _objects_of_type(pdf, "/Font") if new_names else []:
        # A composite (Type0) font names its subset again in its descendant font.
        family = [font, *font.get("/DescendantFonts", [])]
        descriptor = family[-1].get("/FontDescriptor")
        if descriptor is not None and descriptor.objgen in new_names:
            for member in family:
                member.BaseFont = new_names[descriptor.objgen]


def _objects_of_type(pdf: pikepdf.Pdf, type_name: str) -> list[pikepdf.Dictionary]:
    return [
        obj
        for obj in pdf.objects
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == type_name
    ]

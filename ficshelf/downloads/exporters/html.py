"""One self-contained HTML file in AO3's download markup.

The markup (``#preface`` with ``p.message``, ``dl.tags``, ``h1``, ``div.byline`` and the
"Summary"/"Notes" label paragraphs before their blockquotes; ``#chapters`` with a
``div.meta.group`` heading block and a ``div.userstuff`` per chapter; ``#afterword``) is
what AO3's own download uses, so our AO3 download importer reads the file back whole.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from ficshelf.downloads.document import WorkDocument


def export_html(doc: WorkDocument) -> bytes:
    return render_to_string("downloads/work.html", {"doc": doc, "afterword_href": ""}).encode()

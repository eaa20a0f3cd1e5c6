"""The EPUB importer: the container, its refusals, and each producer's markup.

The first half builds small EPUBs with invented text; the second reads the shared AO3,
FanFicFare and FicHub fixtures (skipped when they are missing, see ``fixtures_path``).
"""

from __future__ import annotations

import datetime
import os
import zipfile
from pathlib import Path

import pytest

from ficshelf.importers import epub
from ficshelf.importers.base import ImportedWork, ImportFailed
from tests.fixtures_path import fixture

# --- building small EPUBs ------------------------------------------------------------------

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""

DEFAULT_METADATA = """
    <dc:title>The Lighthouse Keeper's Almanac</dc:title>
    <dc:creator opf:role="aut">inkwell_moth</dc:creator>
    <dc:language>en</dc:language>
    <dc:description>&lt;p&gt;Tides, lamps and one stubborn gull.&lt;/p&gt;</dc:description>
"""


def xhtml(body: str, title: str = "page") -> str:
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f"<title>{title}</title></head><body>{body}</body></html>"
    )


def package(files: list[str], metadata: str = DEFAULT_METADATA, *, ncx: bool = True) -> str:
    items = "".join(
        f'<item id="page{n}" href="{name}" media-type="application/xhtml+xml"/>'
        for n, name in enumerate(files)
    )
    itemrefs = "".join(f'<itemref idref="page{n}"/>' for n in range(len(files)))
    ncx_item = '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:opf="http://www.idpf.org/2007/opf">'
        f"{metadata}</metadata>"
        f"<manifest>{items}{ncx_item if ncx else ''}</manifest>"
        f"<spine{' toc=' + chr(34) + 'ncx' + chr(34) if ncx else ''}>{itemrefs}</spine>"
        "</package>"
    )


def toc_ncx(entries: list[tuple[str, str]]) -> str:
    points = "".join(
        f'<navPoint id="p{n}" playOrder="{n}"><navLabel><text>{label}</text></navLabel>'
        f'<content src="{href}"/></navPoint>'
        for n, (label, href) in enumerate(entries, start=1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
        f"<navMap>{points}</navMap></ncx>"
    )


def write_zip(path: Path, members: dict[str, str | bytes], *, mimetype: bool = True) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype:
            archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def write_book(
    path: Path,
    chapters: list[tuple[str, str]],
    metadata: str = DEFAULT_METADATA,
) -> Path:
    """An EPUB with one XHTML file per (table-of-contents label, body) pair."""
    files = [f"chapter{n}.xhtml" for n in range(1, len(chapters) + 1)]
    members: dict[str, str | bytes] = {
        "META-INF/container.xml": CONTAINER,
        "OEBPS/content.opf": package(files, metadata),
        "OEBPS/toc.ncx": toc_ncx(
            [(label, name) for (label, _), name in zip(chapters, files, strict=True)]
        ),
    }
    members.update(
        {f"OEBPS/{name}": xhtml(body) for (_, body), name in zip(chapters, files, strict=True)}
    )
    return write_zip(path, members)


TWO_CHAPTERS = [
    ("Low Tide", "<h2>Low Tide</h2><p>The gull arrived before the fog did.</p>"),
    ("High Water", "<h2>High Water</h2><p>By noon the lamp room was an island.</p>"),
]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "almanac.epub", TWO_CHAPTERS)


def head_of(path: Path) -> bytes:
    return path.read_bytes()[:4096]


# --- recognising EPUBs ---------------------------------------------------------------------


def test_can_parse_recognises_the_epub_mimetype_whatever_the_file_name(
    book: Path, tmp_path: Path
) -> None:
    renamed = book.rename(tmp_path / "download.bin")
    assert epub.can_parse(renamed, head_of(renamed))


def test_can_parse_accepts_a_zip_named_epub_without_mimetype_member(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "book.epub", {"a.txt": "x"}, mimetype=False)
    assert epub.can_parse(path, head_of(path))


def test_can_parse_rejects_an_ordinary_zip(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "photos.zip", {"a.txt": "x"}, mimetype=False)
    assert not epub.can_parse(path, head_of(path))


def test_can_parse_rejects_html(tmp_path: Path) -> None:
    path = tmp_path / "work.epub"
    path.write_text("<html><body>not a zip</body></html>")
    assert not epub.can_parse(path, head_of(path))


# --- reading the container -----------------------------------------------------------------


def test_reads_title_creators_and_summary_from_package_metadata(book: Path) -> None:
    work = epub.parse(book)
    assert (work.title, work.creators) == ("The Lighthouse Keeper's Almanac", ["inkwell_moth"])
    assert work.summary_html == "<p>Tides, lamps and one stubborn gull.</p>"


def test_language_code_becomes_the_name_ao3_shows(book: Path) -> None:
    assert epub.parse(book).language == "English"


def test_chapters_follow_the_spine_with_table_of_contents_titles(book: Path) -> None:
    work = epub.parse(book)
    assert [chapter.title for chapter in work.chapters] == ["Low Tide", "High Water"]


def test_chapter_heading_repeating_the_title_is_not_kept_in_the_text(book: Path) -> None:
    text = epub.parse(book).chapters[0].text_html
    assert "Low Tide" not in text
    assert "The gull arrived before the fog did." in text


def test_spine_order_wins_over_manifest_order(tmp_path: Path) -> None:
    opf = package(["b.xhtml", "a.xhtml"]).replace(
        '<itemref idref="page0"/><itemref idref="page1"/>',
        '<itemref idref="page1"/><itemref idref="page0"/>',
    )
    path = write_zip(
        tmp_path / "order.epub",
        {
            "META-INF/container.xml": CONTAINER,
            "OEBPS/content.opf": opf,
            "OEBPS/toc.ncx": toc_ncx([("First", "a.xhtml"), ("Second", "b.xhtml")]),
            "OEBPS/a.xhtml": xhtml("<p>first words</p>"),
            "OEBPS/b.xhtml": xhtml("<p>second words</p>"),
        },
    )
    assert [chapter.title for chapter in epub.parse(path).chapters] == ["First", "Second"]


def test_reads_the_epub3_navigation_document_when_there_is_no_ncx(tmp_path: Path) -> None:
    nav = xhtml('<nav><ol><li><a href="chapter1.xhtml">Driftwood</a></li></ol></nav>')
    opf = package(["chapter1.xhtml"], ncx=False).replace(
        "</manifest>",
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" '
        'properties="nav"/></manifest>',
    )
    path = write_zip(
        tmp_path / "nav.epub",
        {
            "META-INF/container.xml": CONTAINER,
            "OEBPS/content.opf": opf,
            "OEBPS/nav.xhtml": nav,
            "OEBPS/chapter1.xhtml": xhtml("<p>Salt on every sill.</p>"),
        },
    )
    assert epub.parse(path).chapters[0].title == "Driftwood"


def test_finds_files_whose_hrefs_are_url_encoded(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "spaces.epub",
        {
            "META-INF/container.xml": CONTAINER,
            "OEBPS/content.opf": package(["chapter%20one.xhtml"]),
            "OEBPS/toc.ncx": toc_ncx([("Foghorn", "chapter%20one.xhtml")]),
            "OEBPS/chapter one.xhtml": xhtml("<p>The horn sounded twice.</p>"),
        },
    )
    assert "The horn sounded twice." in epub.parse(path).chapters[0].text_html


def test_decodes_pages_in_their_declared_encoding(tmp_path: Path) -> None:
    page = "<?xml version='1.0' encoding='iso-8859-1'?><html><body><p>café</p></body></html>"
    path = write_zip(
        tmp_path / "latin1.epub",
        {
            "META-INF/container.xml": CONTAINER,
            "OEBPS/content.opf": package(["chapter1.xhtml"]),
            "OEBPS/toc.ncx": toc_ncx([("One", "chapter1.xhtml")]),
            "OEBPS/chapter1.xhtml": page.encode("iso-8859-1"),
        },
    )
    assert "café" in epub.parse(path).chapters[0].text_html


def test_calibre_series_metadata_gives_the_series_and_its_part(tmp_path: Path) -> None:
    metadata = DEFAULT_METADATA + (
        '<meta name="calibre:series" content="Coastal Records"/>'
        '<meta name="calibre:series_index" content="3.0"/>'
    )
    work = epub.parse(write_book(tmp_path / "series.epub", TWO_CHAPTERS, metadata))
    assert [(part.title, part.position) for part in work.series] == [("Coastal Records", 3)]


def test_epub_from_an_unknown_tool_is_imported_with_a_notice(book: Path) -> None:
    work = epub.parse(book)
    assert work.source_format == "epub"
    assert any("not made by AO3" in notice for notice in work.notices)


def test_external_entities_in_the_package_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    metadata = DEFAULT_METADATA.replace(
        "<dc:title>The Lighthouse Keeper's Almanac</dc:title>", "<dc:title>&leak;</dc:title>"
    )
    opf = package(["chapter1.xhtml"], metadata).replace(
        "<package",
        f'<!DOCTYPE package [<!ENTITY leak SYSTEM "file://{secret}">]><package',
        1,
    )
    path = write_zip(
        tmp_path / "xxe.epub",
        {
            "META-INF/container.xml": CONTAINER,
            "OEBPS/content.opf": opf.replace('<?xml version="1.0" encoding="utf-8"?>', ""),
            "OEBPS/toc.ncx": toc_ncx([("One", "chapter1.xhtml")]),
            "OEBPS/chapter1.xhtml": xhtml("<p>Nothing to see.</p>"),
        },
    )
    assert "TOP-SECRET" not in epub.parse(path).title


# --- refusing bad archives -----------------------------------------------------------------


def test_refuses_a_file_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.epub"
    path.write_text("just some words")
    with pytest.raises(ImportFailed, match="not an EPUB"):
        epub.parse(path)


def test_refuses_a_truncated_zip(book: Path) -> None:
    data = book.read_bytes()
    book.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFailed):
        epub.parse(book)


def test_refuses_a_zip_whose_compressed_data_is_damaged(tmp_path: Path) -> None:
    path = write_book(tmp_path / "damaged.epub", [("One", "<p>" + "wave " * 2000 + "</p>")])
    data = bytearray(path.read_bytes())
    start = data.index(b"OEBPS/chapter1.xhtml") + len("OEBPS/chapter1.xhtml")
    data[start + 40 : start + 80] = b"\xff" * 40
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFailed, match="damaged"):
        epub.parse(path)


def test_refuses_an_epub_without_container_xml(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "nocontainer.epub", {"OEBPS/content.opf": package([])})
    with pytest.raises(ImportFailed, match=r"META-INF/container\.xml"):
        epub.parse(path)


def test_refuses_an_epub_whose_package_file_is_missing(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "noopf.epub", {"META-INF/container.xml": CONTAINER})
    with pytest.raises(ImportFailed, match="package file"):
        epub.parse(path)


def test_refuses_an_epub_with_no_pages_in_its_spine(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "empty.epub",
        {"META-INF/container.xml": CONTAINER, "OEBPS/content.opf": package([])},
    )
    with pytest.raises(ImportFailed, match="no readable pages"):
        epub.parse(path)


def test_refuses_a_zip_bomb(tmp_path: Path) -> None:
    path = write_book(tmp_path / "bomb.epub", TWO_CHAPTERS)
    megabyte_of_zeros = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("OEBPS/padding.xhtml", "w") as member,
    ):
        for _ in range(epub.MAX_UNCOMPRESSED_BYTES // len(megabyte_of_zeros) + 1):
            member.write(megabyte_of_zeros)
    assert path.stat().st_size < 1024 * 1024  # small on disk, huge once unpacked
    with pytest.raises(ImportFailed, match="unpacks to 201 MB, over the limit of 100 MB"):
        epub.parse(path)


def test_refuses_a_part_packed_like_a_bomb_before_unpacking_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_book(tmp_path / "small-bomb.epub", TWO_CHAPTERS)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("OEBPS/zeros.xhtml", bytes(4 * 1024 * 1024))  # 4 MB in about 4 KB

    def no_unpacking(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was opened before the archive was checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_unpacking)
    with pytest.raises(ImportFailed, match=r"packed 1,0[0-9]{2} to 1.*zip bomb"):
        epub.parse(path)


def test_refuses_an_archive_that_unpacks_to_more_than_the_total_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ficshelf.core.zip_limits import ZipLimits
    from ficshelf.importers.epub import archive as epub_archive

    small = ZipLimits(max_entries=100, max_entry_bytes=60_000, max_total_bytes=100_000)
    monkeypatch.setattr(epub_archive, "EPUB_LIMITS", small)
    path = write_book(tmp_path / "big.epub", TWO_CHAPTERS)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("OEBPS/a.jpg", os.urandom(50_000))
        archive.writestr("OEBPS/b.jpg", os.urandom(50_000))
    with pytest.raises(ImportFailed, match=r"would unpack to 0\.1 MB, over the limit of 0\.1 MB"):
        epub.parse(path)


def test_refuses_an_archive_with_too_many_files(book: Path) -> None:
    with zipfile.ZipFile(book, "a") as archive:
        for number in range(epub.MAX_MEMBER_COUNT):
            archive.writestr(f"OEBPS/empty-{number}.txt", b"")
    with pytest.raises(ImportFailed, match="files, more than it can need"):
        epub.parse(book)


def test_refuses_a_member_path_that_climbs_out_of_the_archive(book: Path) -> None:
    with zipfile.ZipFile(book, "a") as archive:
        archive.writestr("../../outside.xhtml", "<p>escape</p>")
    with pytest.raises(ImportFailed, match="outside the archive"):
        epub.parse(book)


def test_refuses_an_absolute_member_path(book: Path) -> None:
    with zipfile.ZipFile(book, "a") as archive:
        archive.writestr(zipfile.ZipInfo("/etc/cron.d/evil"), "x")
    with pytest.raises(ImportFailed, match="outside the archive"):
        epub.parse(book)


def test_refuses_a_manifest_href_that_points_outside_the_archive(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "climb.epub",
        {
            "META-INF/container.xml": CONTAINER,
            "OEBPS/content.opf": package(["../../etc/passwd"]),
        },
    )
    with pytest.raises(ImportFailed, match="outside the archive"):
        epub.parse(path)


# --- producers, with invented markup ------------------------------------------------------

FANFICFARE_METADATA = DEFAULT_METADATA + (
    "<dc:contributor>FanFicFare [https://github.com/JimmXinu/FanFicFare]</dc:contributor>"
)
FANFICFARE_TITLE_PAGE = (
    '<h3><a href="https://archiveofourown.org/works/111">The Lighthouse Keeper\'s Almanac</a>'
    ' by <a class="authorlink" href="https://archiveofourown.org/users/moth/pseuds/moth">'
    "inkwell_moth</a></h3><div>"
    "<b>Category:</b> Tide Tales<br/>"
    "<b>Genre:</b> F/F, Found Family, Gen<br/>"
    "<b>Series:</b> <a href='https://archiveofourown.org/series/77'>Coastal Records [2]</a><br/>"
    "<b>Status:</b> Completed<br/>"
    "<b>Published:</b> 2021-03-04<br/>"
    "<b>Updated:</b> 2021-05-06<br/>"
    "<b>Chapters:</b> 2<br/>"
    "<b>Story URL:</b> http://archiveofourown.org/works/111/chapters/9<br/>"
    "</div>"
)


def fanficfare_chapter(title: str, story: str) -> str:
    return f'<h3 class="fff_chapter_title">{title}</h3><div class="story">{story}</div>'


@pytest.fixture
def fanficfare_book(tmp_path: Path) -> Path:
    first = fanficfare_chapter(
        "Low Tide",
        '<div class="fff_chapter_notes fff_head_notes"><b>Author\'s Note:</b>'
        "<blockquote><p>Written on a ferry.</p></blockquote>"
        "<b>Notes for the Chapter:</b><blockquote><p>Gulls ahead.</p></blockquote></div>"
        '<div class="userstuff module"><p>The gull arrived.</p></div>',
    )
    second = fanficfare_chapter(
        "High Water",
        '<div class="userstuff module"><p>The lamp held.</p></div>'
        '<div class="fff_chapter_notes fff_foot_notes"><b>Notes for the Chapter:</b>'
        "<blockquote><p>Storm next.</p></blockquote><b>Author's Note:</b>"
        "<blockquote><p>Thanks for reading.</p></blockquote></div>",
    )
    path = write_book(
        tmp_path / "fff.epub",
        [("Title Page", FANFICFARE_TITLE_PAGE), ("Low Tide", first), ("High Water", second)],
        FANFICFARE_METADATA,
    )
    # FanFicFare marks its pages by body class.
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist() if name != "mimetype"}
    for name, body_class in [
        ("OEBPS/chapter1.xhtml", "fff_titlepage"),
        ("OEBPS/chapter2.xhtml", "fff_chapter"),
        ("OEBPS/chapter3.xhtml", "fff_chapter"),
    ]:
        members[name] = members[name].replace(b"<body>", f'<body class="{body_class}">'.encode())
    return write_zip(tmp_path / "fanficfare.epub", dict(members))


def test_fanficfare_author_note_before_the_text_is_the_work_notes(fanficfare_book: Path) -> None:
    assert epub.parse(fanficfare_book).notes_html == "<p>Written on a ferry.</p>"


def test_fanficfare_author_note_after_the_last_text_is_the_work_end_notes(
    fanficfare_book: Path,
) -> None:
    assert epub.parse(fanficfare_book).end_notes_html == "<p>Thanks for reading.</p>"


def test_fanficfare_chapter_notes_go_before_or_after_the_chapter_by_position(
    fanficfare_book: Path,
) -> None:
    first, second = epub.parse(fanficfare_book).chapters
    assert (first.notes_html, second.end_notes_html) == (
        "<p>Gulls ahead.</p>",
        "<p>Storm next.</p>",
    )


def test_fanficfare_chapter_text_leaves_the_notes_out(fanficfare_book: Path) -> None:
    assert epub.parse(fanficfare_book).chapters[0].text_html == "<p>The gull arrived.</p>"


def test_fanficfare_category_is_read_as_fandoms(fanficfare_book: Path) -> None:
    assert epub.parse(fanficfare_book).fandoms == ["Tide Tales"]


def test_fanficfare_genre_splits_ao3_categories_from_additional_tags(
    fanficfare_book: Path,
) -> None:
    work = epub.parse(fanficfare_book)
    assert (work.categories, work.freeforms) == (["F/F", "Gen"], ["Found Family"])


def test_fanficfare_series_title_and_part_come_from_the_bracketed_number(
    fanficfare_book: Path,
) -> None:
    (part,) = epub.parse(fanficfare_book).series
    assert (part.title, part.position, part.source_url) == (
        "Coastal Records",
        2,
        "https://archiveofourown.org/series/77",
    )


def test_fanficfare_completed_work_knows_its_chapter_count_and_completion(
    fanficfare_book: Path,
) -> None:
    work = epub.parse(fanficfare_book)
    assert (work.expected_chapter_count, work.completed_on) == (2, datetime.date(2021, 5, 6))


def test_fanficfare_story_url_is_normalised(fanficfare_book: Path) -> None:
    assert epub.parse(fanficfare_book).source_url == "https://archiveofourown.org/works/111"


FICHUB_CHAPTER = (
    '<div id="chapters" role="article"><div class="chapter" id="chapter-2">'
    '<div class="chapter preface group"><h3 class="title"><a href="#">Chapter 2</a>: Fog</h3>'
    '<div id="summary" class="summary module"><h3 class="heading">Summary:</h3>'
    '<blockquote class="userstuff"><p>It rolls in.</p></blockquote></div>'
    '<div id="notes" class="notes module"><h3 class="heading">Notes:</h3>'
    '<blockquote class="userstuff"><p>Short one.</p></blockquote></div></div>'
    '<div class="userstuff module" role="article"><h3 class="landmark heading">Chapter Text</h3>'
    "<p>Nothing beyond the rail.</p></div>"
    '<div class="chapter preface group"><div id="chapter_2_endnotes" class="end notes module">'
    '<h3 class="heading">Notes:</h3><blockquote class="userstuff"><p>Next: sun.</p>'
    "</blockquote></div></div></div></div>"
)


@pytest.fixture
def fichub_chapter_book(tmp_path: Path) -> Path:
    title_page = (
        '<h3><a href="https://archiveofourown.org/works/222">Fogbound</a> by moth, gull</h3>'
        "<p>Rating: General Audiences</p><p>Chapters: 2/?</p>"
    )
    return write_book(
        tmp_path / "fichub.epub",
        [("Title page", title_page), ("Chapter 2", FICHUB_CHAPTER)],
    )


def test_fichub_byline_lists_every_creator(fichub_chapter_book: Path) -> None:
    assert epub.parse(fichub_chapter_book).creators == ["moth", "gull"]


def test_fichub_unknown_expected_chapter_count_stays_unknown(fichub_chapter_book: Path) -> None:
    assert epub.parse(fichub_chapter_book).expected_chapter_count is None


def test_fichub_chapter_title_drops_the_chapter_number(fichub_chapter_book: Path) -> None:
    assert epub.parse(fichub_chapter_book).chapters[0].title == "Fog"


def test_fichub_chapter_summary_and_notes_are_read(fichub_chapter_book: Path) -> None:
    chapter = epub.parse(fichub_chapter_book).chapters[0]
    assert (chapter.summary_html, chapter.notes_html, chapter.end_notes_html) == (
        "<p>It rolls in.</p>",
        "<p>Short one.</p>",
        "<p>Next: sun.</p>",
    )


def test_fichub_chapter_text_has_no_landmark_heading(fichub_chapter_book: Path) -> None:
    assert (
        epub.parse(fichub_chapter_book).chapters[0].text_html == "<p>Nothing beyond the rail.</p>"
    )


@pytest.fixture
def flattened_ao3_book(tmp_path: Path) -> Path:
    """AO3's markup as calibre leaves it after a MOBI round trip: no divs, only paragraphs."""
    preface = (
        '<p><span class="bold">Fogbound</span><br/> Posted originally on the '
        '<a href="https://archiveofourown.org/">Archive of Our Own</a> at '
        '<a href="http://archiveofourown.org/works/333">link</a>.</p>'
        '<p><span class="bold">Rating:</span></p><blockquote><a href="#">Mature</a></blockquote>'
        '<p><span class="bold">Additional Tags:</span></p>'
        '<blockquote><a href="#">Fog</a>, <a href="#">Boats</a></blockquote>'
        '<p><span class="bold">Stats:</span></p><blockquote>Published: 2020-01-02 '
        "Chapters: 2/2</blockquote>"
        '<p>by <a href="https://archiveofourown.org/users/moth/pseuds/moth">moth</a></p>'
        "<p>Summary</p><blockquote>Grey everywhere.</blockquote>"
    )
    first = (
        '<p id="filepos1"> </p><p><span class="bold">Chapter 1: Fog</span></p>'
        "<p>Chapter Notes</p><blockquote>Short one.</blockquote>"
        "<p>Nothing beyond the rail.</p>"
    )
    second = (
        '<p><span class="bold">Chapter 2</span></p><p>Chapter Notes</p>'
        "<p>See the end of the chapter for notes</p><p>The sun came back.</p>"
        "<p>Chapter End Notes</p><blockquote>The end.</blockquote>"
    )
    afterword = "<p>End Notes</p><blockquote>Thanks, all.</blockquote>"
    metadata = DEFAULT_METADATA + "<dc:publisher>Archive of Our Own</dc:publisher>"
    return write_book(
        tmp_path / "flat.epub",
        [
            ("Preface", preface),
            ("Chapter 1: Fog", first),
            ("Chapter 2", second),
            ("Afterword", afterword),
        ],
        metadata,
    )


def test_flattened_ao3_epub_reads_tags_from_label_paragraphs(flattened_ao3_book: Path) -> None:
    work = epub.parse(flattened_ao3_book)
    assert (work.rating, work.freeforms) == ("Mature", ["Fog", "Boats"])


def test_flattened_ao3_epub_reads_title_creator_and_source(flattened_ao3_book: Path) -> None:
    work = epub.parse(flattened_ao3_book)
    assert (work.title, work.creators, work.source_url) == (
        "Fogbound",
        ["moth"],
        "https://archiveofourown.org/works/333",
    )


def test_flattened_ao3_epub_chapters_come_from_the_table_of_contents(
    flattened_ao3_book: Path,
) -> None:
    work = epub.parse(flattened_ao3_book)
    assert [chapter.title for chapter in work.chapters] == ["Fog", ""]


def test_flattened_ao3_epub_chapter_text_has_no_heading_or_notes(
    flattened_ao3_book: Path,
) -> None:
    first, second = epub.parse(flattened_ao3_book).chapters
    assert (first.text_html, second.text_html) == (
        "<p>Nothing beyond the rail.</p>",
        "<p>The sun came back.</p>",
    )


def test_flattened_ao3_epub_reads_chapter_and_work_notes(flattened_ao3_book: Path) -> None:
    work = epub.parse(flattened_ao3_book)
    assert (
        work.summary_html,
        work.chapters[0].notes_html,
        work.chapters[1].end_notes_html,
        work.end_notes_html,
    ) == ("Grey everywhere.", "Short one.", "The end.", "Thanks, all.")


# --- the shared fixtures -------------------------------------------------------------------

AO3_EPUBS = {
    "ao3epub_218676_3ch_wip_2026-07.epub": (
        "Fire and Feather",
        ["nianeyna"],
        "General Audiences",
        ["Festival", "Riversong K'Vala", "Conversations"],
        ("characters", "Original Characters"),
    ),
    "ao3epub_218676_3ch_wip_2025-06.epub": (
        "Fire and Feather",
        ["nianeyna"],
        "General Audiences",
        ["Festival", "Riversong K'Vala", "Conversations"],
        ("fandoms", "Valdemar Series - Mercedes Lackey"),
    ),
    "ao3epub_23009290_1ch_2026-07.epub": (
        "My Aim Is Steady And True",
        ["nianeyna"],
        "Teen And Up Audiences",
        [""],
        ("warnings", "Graphic Depictions Of Violence"),
    ),
    "ao3epub_23009290_1ch_2025-06.epub": (
        "My Aim Is Steady And True",
        ["nianeyna"],
        "Teen And Up Audiences",
        [""],
        ("fandoms", "Final Fantasy XIV"),
    ),
    "ao3epub_334557_8ch_series_2026-07.epub": (
        "The World on His Wrist",
        ["bendingsignpost"],
        "Teen And Up Audiences",
        ["Prologue", "", "Part 2", "Part 3", "Part 4", "Part 5", "Part 6", "Epilogue"],
        ("categories", "M/M"),
    ),
    "ao3epub_88555541_1ch_calibre2026.epub": (
        "Johnlock—A random day",
        ["Sunsoona"],
        "General Audiences",
        [""],
        ("freeforms", "Catlock"),
    ),
}


def read_fixture(name: str) -> ImportedWork:
    return epub.parse(fixture(f"ao3/epub/{name}"))


@pytest.mark.parametrize("name", AO3_EPUBS)
def test_ao3_epub_title_and_creators(name: str) -> None:
    title, creators, *_ = AO3_EPUBS[name]
    work = read_fixture(name)
    assert (work.title, work.creators) == (title, creators)


@pytest.mark.parametrize("name", AO3_EPUBS)
def test_ao3_epub_rating(name: str) -> None:
    assert read_fixture(name).rating == AO3_EPUBS[name][2]


@pytest.mark.parametrize("name", AO3_EPUBS)
def test_ao3_epub_chapter_titles_have_no_chapter_prefix(name: str) -> None:
    work = read_fixture(name)
    assert [chapter.title for chapter in work.chapters] == AO3_EPUBS[name][3]


@pytest.mark.parametrize("name", AO3_EPUBS)
def test_ao3_epub_carries_its_tags(name: str) -> None:
    field_name, tag = AO3_EPUBS[name][4]
    assert tag in getattr(read_fixture(name), field_name)


@pytest.mark.parametrize("name", AO3_EPUBS)
def test_ao3_epub_source_format_and_https_work_url(name: str) -> None:
    work = read_fixture(name)
    work_id = name.split("_")[1]
    assert (work.source_format, work.source_url) == (
        "epub-ao3",
        f"https://archiveofourown.org/works/{work_id}",
    )


def test_ao3_epub_series_has_its_part_number() -> None:
    (part,) = read_fixture("ao3epub_334557_8ch_series_2026-07.epub").series
    assert (part.title, part.position) == ("Watches 'Verse", 1)


def test_ao3_epub_work_in_progress_expects_an_unknown_chapter_count() -> None:
    work = read_fixture("ao3epub_218676_3ch_wip_2026-07.epub")
    assert work.expected_chapter_count is None


def test_ao3_epub_keeps_work_notes_and_end_notes() -> None:
    work = read_fixture("ao3epub_218676_3ch_wip_2026-07.epub")
    assert "first fanfic ever" in work.notes_html
    assert "longest published work" in work.end_notes_html


def test_ao3_epub_keeps_chapter_notes() -> None:
    chapter = read_fixture("ao3epub_218676_3ch_wip_2026-07.epub").chapters[1]
    assert "Only one more chapter" in chapter.notes_html


def test_ao3_epub_chapter_text_is_complete() -> None:
    chapters = read_fixture("ao3epub_218676_3ch_wip_2026-07.epub").chapters
    assert "Now. Review!" in chapters[0].text_html
    assert "Chapter End Notes" not in chapters[2].text_html


def test_fanficfare_fixture_maps_ao3_fields() -> None:
    work = epub.parse(fixture("ao3/epub/fanficfare_ao3_19153414_1ch.epub"))
    assert (work.title, work.creators, work.rating, work.categories) == (
        "Like Fire and Water",
        ["sussexbound"],
        "Teen And Up Audiences",
        ["M/M"],
    )


def test_fanficfare_fixture_is_one_chapter_from_its_ao3_work() -> None:
    work = epub.parse(fixture("ao3/epub/fanficfare_ao3_19153414_1ch.epub"))
    assert (len(work.chapters), work.source_url, work.source_format) == (
        1,
        "https://archiveofourown.org/works/19153414",
        "epub-fanficfare",
    )


def test_fanficfare_fixture_tags() -> None:
    work = epub.parse(fixture("ao3/epub/fanficfare_ao3_19153414_1ch.epub"))
    assert "Aziraphale/Crowley (Good Omens)" in work.relationships
    assert "Post-Apocalypse" in work.freeforms


def test_fichub_fixture_maps_ao3_fields() -> None:
    work = epub.parse(fixture("ao3/epub/fichub_ao3_sigh-no-more_1ch.epub"))
    assert (work.title, work.creators, work.rating, work.fandoms) == (
        "sigh no more",
        ["gripyourwits"],
        "Mature",
        ["The Pitt (TV)"],
    )


def test_fichub_fixture_is_one_chapter_without_the_work_text_landmark() -> None:
    work = epub.parse(fixture("ao3/epub/fichub_ao3_sigh-no-more_1ch.epub"))
    assert len(work.chapters) == 1
    assert "Work Text:" not in work.chapters[0].text_html
    assert (work.source_url, work.source_format) == (
        "https://archiveofourown.org/works/64675198",
        "epub-fichub",
    )


def test_fichub_fixture_keeps_its_end_notes() -> None:
    work = epub.parse(fixture("ao3/epub/fichub_ao3_sigh-no-more_1ch.epub"))
    assert "tumblr.com" in work.end_notes_html

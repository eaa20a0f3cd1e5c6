"""PDFs embed the server's fonts: Chinese, Japanese, Korean and emoji must be drawn, not
printed as empty boxes (a font's .notdef glyph)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from django.test import Client

from ficshelf.downloads.exporters.pdf_fonts import scripts_without_fonts
from ficshelf.downloads.exporters.pdf_layout import write_pdf
from ficshelf.works.models import Work
from tests.downloads.conftest import download_prepared, pdf_text
from tests.downloads.pdf_glyphs import fonts_drawing, notdef_characters
from tests.factories import WorkFactory, language

pytestmark = pytest.mark.django_db

CHINESE = "他说：“你好，世界！”骨头和龙。"
EMOJI = "👍🔥🥺🐉"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@pytest.fixture
def fonts_for_every_script() -> None:
    missing = scripts_without_fonts()
    if not missing:
        return
    reason = (
        "no installed font draws "
        + ", ".join(s.name for s in missing)
        + (" (apt install fonts-noto-cjk fonts-noto-color-emoji)")
    )
    if os.environ.get("FICSHELF_REQUIRE_FIXTURES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def work_in(language_code: str, text: str) -> Work:
    """A work in that language, with emoji in its title and text; it needs the fonts."""
    work = WorkFactory(title=f"龙的传说 {EMOJI}", language=language(language_code))
    work.chapters.update(text=f"<p>{text}</p><p>{EMOJI} 😀 ❤️</p>")
    return work


def embedded_fonts(pdf: bytes) -> set[str]:
    """The embedded fonts' names without their subset tags ("Noto-Serif-CJK-SC")."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return {
            str(font["/BaseFont"]).split("+", 1)[-1]
            for page in document.pages
            for font in page.Resources.get("/Font", {}).values()
        }


def test_pdf_of_a_chinese_work_with_emoji_draws_every_character(
    client: Client, fonts_for_every_script: None
) -> None:
    pdf = download_prepared(client, work_in("zh", CHINESE), "pdf")

    assert notdef_characters(pdf) == []
    text = pdf_text(pdf)
    assert "你好，世界" in text and "龙的传说" in text
    assert "🔥" in text


def test_pdf_of_a_chinese_work_prints_han_in_simplified_chinese_forms(
    client: Client, fonts_for_every_script: None
) -> None:
    fonts = embedded_fonts(download_prepared(client, work_in("zh", CHINESE), "pdf"))

    assert "Noto-Serif-CJK-SC" in fonts
    assert not {font for font in fonts if "CJK-JP" in font}


@pytest.mark.parametrize(
    ("language_code", "text", "region"),
    [
        ("ja", "こんにちは、世界。骨", "JP"),
        ("ko", "안녕하세요 세계", "KR"),
        ("yue", "你好嗎，世界", "TC"),
    ],
)
def test_pdf_prints_cjk_in_the_works_own_regional_forms(
    client: Client, fonts_for_every_script: None, language_code: str, text: str, region: str
) -> None:
    pdf = download_prepared(client, work_in(language_code, text), "pdf")

    assert notdef_characters(pdf) == []
    assert f"Noto-Serif-CJK-{region}" in embedded_fonts(pdf)


def test_pdf_draws_digits_and_asterisks_in_the_text_font_and_emoji_in_an_emoji_font(
    client: Client, fonts_for_every_script: None
) -> None:
    work = WorkFactory(title="Chapter 12 of 2025")
    work.chapters.update(text="<p>Part 2 of 3, 1,234 words.</p><p>* * *</p><p>Yes 👍🔥</p>")

    runs = fonts_drawing(download_prepared(client, work, "pdf"))

    emoji_fonts = {font for font, text in runs if "👍" in text}
    assert emoji_fonts and all("Emoji" in font for font in emoji_fonts)
    digits = [(font, text) for font, text in runs if any(c.isdigit() or c == "*" for c in text)]
    assert digits and not [run for run in digits if "Emoji" in run[0]]


def test_the_empty_box_check_finds_a_character_no_font_draws() -> None:
    # A private-use character of plane 15: no font has it, so the check must see the box.
    pdf = write_pdf("<html><body><p>a \U000f0000 b 你</p></body></html>")

    assert notdef_characters(pdf) == ["\U000f0000"]


@pytest.mark.skipif(not DEJAVU.is_dir(), reason="needs Debian's fonts-dejavu-core")
def test_without_cjk_and_emoji_fonts_the_pdf_draws_empty_boxes_and_the_probe_says_so(
    tmp_path: Path,
) -> None:
    # A fontconfig that knows only DejaVu, in a process of its own: fontconfig reads its
    # configuration once per process.
    config = tmp_path / "fonts.conf"
    config.write_text(
        f"<fontconfig><dir>{DEJAVU}</dir><cachedir>{tmp_path}/cache</cachedir></fontconfig>"
    )
    script = (
        "import sys\n"
        "from ficshelf.downloads.exporters.pdf_fonts import scripts_without_fonts\n"
        "from ficshelf.downloads.exporters.pdf_layout import write_pdf\n"
        "print(','.join(s.name for s in scripts_without_fonts()))\n"
        f"sys.stdout.flush(); sys.stdout.buffer.write(write_pdf('<p>{CHINESE}{EMOJI}</p>'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
        capture_output=True,
        timeout=120,
        check=True,
    )
    names, pdf = result.stdout.split(b"\n", 1)

    assert names.decode() == "Chinese,Japanese,Korean,emoji"
    assert set(notdef_characters(pdf)) == set(CHINESE.replace("“", "").replace("”", "")) | {
        "👍",
        "🔥",
        "🥺",
        "🐉",
    }

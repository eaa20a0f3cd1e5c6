"""Our word count equals the one AO3 printed in each of its downloads."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from ficshelf.importers.actions import save_imported_work
from ficshelf.importers.detect import read_work_file
from tests.fixtures_path import fixture

pytestmark = pytest.mark.django_db

DOWNLOADS = [
    "ao3dl_218676_3ch_wip_2026-07.html",
    "ao3dl_22961215_13ch_original-of-39565956_genA.html",
    "ao3dl_23009290_1ch_2026-07.html",
    "ao3dl_29811993_3ch_genA.html",
    "ao3dl_334557_8ch_series_inspired-by_2026-07.html",
    "ao3dl_35152225_1ch_series-part1_genA.html",
    "ao3dl_37317859_1ch_completed-date_genA.html",
    "ao3dl_39565956_13ch_zh_genA.html",  # Chinese: every Han character is a word
    "ao3dl_41442183_1ch_genA.html",
    "ao3dl_41588007_v1_2of2_genA.html",
    "ao3dl_41588007_v2_3of3_genB.html",
    "ao3dl_47409136_2ch_genA.html",
    "ao3dl_47657656_3ch_wip_genB.html",
]


@pytest.mark.parametrize("name", DOWNLOADS)
def test_word_count_equals_the_count_ao3_printed(name: str) -> None:
    path = fixture(f"ao3/download-html/{name}")
    printed = re.search(r"Words: ([\d,]+)", path.read_text(encoding="utf-8"))
    assert printed is not None
    imported = read_work_file(path, max_bytes=settings.FICSHELF_IMPORT_MAX_BYTES)
    work = save_imported_work(imported, fallback_pseud=None).work
    assert work.word_count == int(printed.group(1).replace(",", ""))

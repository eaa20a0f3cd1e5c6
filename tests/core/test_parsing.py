"""parse_id: only plain ASCII ids that fit a 64-bit column."""

from __future__ import annotations

import pytest

from ficshelf.core.parsing import MAX_ID, parse_id


def test_plain_digits_are_an_id() -> None:
    assert parse_id("42") == 42


def test_largest_64_bit_id_is_accepted() -> None:
    assert parse_id(str(MAX_ID)) == MAX_ID


def test_id_too_large_for_the_database_is_refused() -> None:
    assert parse_id(str(MAX_ID + 1)) is None


def test_twenty_five_nines_are_refused() -> None:
    assert parse_id("9" * 25) is None


@pytest.mark.parametrize("value", ["²", "1²", "٣", "３", "Ⅻ"])
def test_unicode_digits_are_refused(value: str) -> None:
    assert parse_id(value) is None


@pytest.mark.parametrize("value", ["0", "000"])
def test_zero_is_not_an_id(value: str) -> None:
    assert parse_id(value) is None


@pytest.mark.parametrize("value", ["", " 7", "7 ", "+7", "-7", "7.0", "1_000", "abc"])
def test_anything_but_bare_digits_is_refused(value: str) -> None:
    assert parse_id(value) is None


def test_missing_value_is_refused() -> None:
    assert parse_id(None) is None


def test_leading_zeros_are_allowed() -> None:
    assert parse_id("007") == 7

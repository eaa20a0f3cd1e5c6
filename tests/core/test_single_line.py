"""One-line text: line breaks folded, control characters refused, nothing cut silently."""

from __future__ import annotations

import pytest
from django import forms

from ficshelf.core.forms import LongTextField, SingleLineField
from ficshelf.core.single_line import control_characters, fold_lines, one_line


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("A Title\n", "A Title "),
        ("Two\r\nLines", "Two Lines"),
        ("Tab\tbed", "Tab bed"),
        ("Line \n\n  breaks", "Line breaks"),
        ("Unicode\u2028line\u2029sep", "Unicode line sep"),
        ("Next\x85line", "Next line"),
        ("Form\x0cfeed\x0bvertical", "Form feed vertical"),
        ("Keeps  double  spaces", "Keeps  double  spaces"),
    ],
)
def test_line_breaks_and_tabs_fold_into_one_space(typed: str, folded: str) -> None:
    assert fold_lines(typed) == folded


def test_other_control_characters_are_named() -> None:
    assert control_characters("Bell\x07 and escape\x1b and DEL\x7f") == [
        "U+0007",
        "U+001B",
        "U+007F",
    ]
    assert control_characters("Plain title, ünïcode, 漢字, emoji 🙂, ZWJ 👩\u200d💻") == []


def test_one_line_makes_any_stored_text_fit_a_header() -> None:
    assert one_line(" Title\r\nwith\x00 junk\x07 ") == "Title with junk"


class TitleForm(forms.Form):
    title = SingleLineField(max_length=20)
    text = LongTextField(max_length=30, required=False, widget=forms.Textarea)


def test_single_line_field_folds_what_was_pasted() -> None:
    form = TitleForm({"title": "Pasted\ntitle\t"})
    assert form.is_valid()
    assert form.cleaned_data["title"] == "Pasted title"


def test_single_line_field_refuses_control_characters_with_a_message() -> None:
    form = TitleForm({"title": "Bell\x07title"})
    assert not form.is_valid()
    assert "control characters (found U+0007)" in form.errors["title"][0]


def test_over_long_text_is_refused_with_the_limit_named_not_cut_by_the_browser() -> None:
    form = TitleForm({"title": "x" * 25, "text": "y" * 31})
    assert not form.is_valid()
    assert form.errors["title"] == ["This can be at most 20 characters long (it has 25)."]
    assert form.errors["text"] == ["This can be at most 30 characters long (it has 31)."]
    html = str(form["title"]) + str(form["text"])
    assert "maxlength" not in html  # a browser would cut pasted text there, silently
    assert 'data-char-limit="30"' in html

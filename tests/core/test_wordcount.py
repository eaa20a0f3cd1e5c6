from __future__ import annotations

from html import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ficshelf.core.wordcount import count_words_in_html, count_words_in_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("Two words", 2),
        ("one's well-known", 2),  # apostrophes and hyphens join, as on AO3
        ("one--two", 2),  # a double hyphen is a dash
        ("… — !!", 0),  # punctuation alone counts for nothing
        ("漢字かなカナ", 6),  # each Han/kana character is a word
        ("我爱你 and you", 5),
        ("ภาษาไทย", 7),
        ("Привет, мир", 2),
    ],
)
def test_counts_words_the_way_ao3_does(text: str, expected: int) -> None:
    assert count_words_in_text(text) == expected


def test_markup_does_not_count() -> None:
    html = '<p class="x">Hello <em>brave</em> new<br/>world</p><img alt="not counted">'
    assert count_words_in_html(html) == 4


def test_words_split_by_tags_are_counted_per_text_node() -> None:
    assert count_words_in_html("<p>a</p><p>b</p>") == 2


@given(st.lists(st.text(alphabet=st.sampled_from("ab漢 '-—’.\n"), max_size=12), max_size=6))
def test_counting_joined_text_nodes_equals_counting_each_node(nodes: list[str]) -> None:
    # count_words_in_html joins the text nodes for speed; AO3 counts node by node.
    html = "".join(f"<span>{escape(node)}</span>" for node in nodes)
    assert count_words_in_html(html) == sum(count_words_in_text(node) for node in nodes)

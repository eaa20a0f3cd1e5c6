from __future__ import annotations

import html
import random
import re
import time
from collections.abc import Iterator

from django.utils.safestring import SafeString
from hypothesis import given, settings
from hypothesis import strategies as st

from ficshelf.search.query import AllOf, AnyOf, Not, Words
from ficshelf.search.snippets import Snippet, fold, make_snippets, matched_terms


def marked(text: str, node: Words | AllOf | AnyOf | Not, **kwargs: int) -> list[str]:
    return [match for snippet in make_snippets(text, node, **kwargs) for match in snippet.matches]


# --- Which terms ------------------------------------------------------------------------------


def test_matched_terms_lists_each_word_once_folded() -> None:
    assert matched_terms(Words("Dragon hoard dragon")) == ["dragon", "hoard"]


def test_matched_terms_keeps_a_phrase_whole() -> None:
    assert matched_terms(Words("Slow Burn", is_phrase=True)) == ["slow burn"]


def test_matched_terms_leaves_out_excluded_words() -> None:
    assert matched_terms(AllOf((Words("dragon"), Not(Words("angst"))))) == ["dragon"]


def test_matched_terms_leaves_out_words_for_other_fields() -> None:
    node = AnyOf((Words("dragon", field="title"), Words("hoard", field="text")))
    assert matched_terms(node) == ["hoard"]


def test_matched_terms_of_nothing_is_empty() -> None:
    assert matched_terms(None) == []


def test_fold_keeps_the_length_of_the_text() -> None:
    text = "Café İstanbul straße ﬁne"
    assert len(fold(text)) == len(text)


# --- Matching ---------------------------------------------------------------------------------


def test_no_search_gives_no_snippets() -> None:
    assert make_snippets("A dragon slept.", None) == []


def test_text_without_the_words_gives_no_snippets() -> None:
    assert make_snippets("A wyvern slept.", Words("dragon")) == []


def test_matching_ignores_case() -> None:
    assert marked("The DRAGON slept.", Words("dragon")) == ["DRAGON"]


def test_matching_ignores_accents_in_the_text() -> None:
    assert marked("They met at the café.", Words("cafe")) == ["café"]


def test_matching_ignores_accents_in_the_search() -> None:
    assert marked("They met at the cafe.", Words("café")) == ["cafe"]


def test_matching_respects_word_boundaries() -> None:
    assert marked("A dragonfly hummed.", Words("dragon")) == []


def test_simple_plural_is_matched() -> None:
    assert marked("Two dragons slept.", Words("dragon")) == ["dragons"]


def test_y_plural_is_matched() -> None:
    assert marked("Bedtime stories.", Words("story")) == ["stories"]


def test_trailing_star_matches_any_ending() -> None:
    assert marked("The dragonfly hummed.", Words("drag*")) == ["dragonfly"]


def test_phrase_matches_consecutive_words_across_punctuation() -> None:
    assert marked("It was a slow-burn romance.", Words("slow burn", is_phrase=True)) == [
        "slow-burn"
    ]


def test_phrase_does_not_match_words_apart() -> None:
    assert marked("Slow and burning.", Words("slow burn", is_phrase=True)) == []


def test_excluded_words_are_never_marked() -> None:
    node = AllOf((Words("dragon"), Not(Words("angst"))))
    assert marked("Angst, and a dragon.", node) == ["dragon"]


def test_words_for_another_field_are_not_marked() -> None:
    assert make_snippets("A dragon slept.", Words("dragon", field="title")) == []


def test_words_for_the_story_text_are_marked() -> None:
    assert marked("A dragon slept.", Words("dragon", field="text")) == ["dragon"]


# --- Windows ----------------------------------------------------------------------------------


def filler(count: int, word: str = "lorem") -> str:
    return " ".join([word] * count)


def test_window_with_most_distinct_terms_comes_first_in_choice() -> None:
    text = f"dragon dragon dragon {filler(100)} dragon hoard {filler(100)}"
    [snippet] = make_snippets(text, Words("dragon hoard"), max_snippets=1, width=40)
    assert "hoard" in snippet.matches


def test_snippets_are_cut_at_word_boundaries_with_ellipses() -> None:
    text = f"{filler(50, 'alpha')} dragon {filler(50, 'omega')}"
    [snippet] = make_snippets(text, Words("dragon"), width=40)
    assert re.fullmatch(r"…(alpha )+dragon( omega)+…", snippet.text)


def test_snippet_at_the_start_has_no_leading_ellipsis() -> None:
    [snippet] = make_snippets(f"dragon {filler(50)}", Words("dragon"), width=40)
    assert snippet.text.startswith("dragon")


def test_nearby_matches_share_one_snippet() -> None:
    text = f"{filler(50)} dragon lorem lorem hoard {filler(50)}"
    snippets = make_snippets(text, Words("dragon hoard"), width=60)
    assert [s.matches for s in snippets] == [["dragon", "hoard"]]


def test_no_more_snippets_than_asked_for() -> None:
    text = " ".join(f"dragon {filler(60)}" for _ in range(10))
    assert len(make_snippets(text, Words("dragon"), max_snippets=2, width=40)) == 2


def test_snippets_come_in_text_order() -> None:
    text = f"first dragon {filler(80)} second dragon hoard {filler(80)} third hoard"
    snippets = make_snippets(text, Words("dragon hoard"), width=40)
    positions = [text.index(s.text.strip("…")[:20]) for s in snippets]
    assert positions == sorted(positions)


def test_whitespace_runs_are_shown_as_one_space() -> None:
    [snippet] = make_snippets("a\n\n  dragon   slept", Words("dragon"))
    assert snippet.text == "a dragon slept"


# --- HTML -------------------------------------------------------------------------------------


def test_html_marks_matches() -> None:
    snippet = Snippet(parts=(("A ", False), ("dragon", True)))
    assert snippet.to_html() == "A <mark>dragon</mark>"


def test_html_escapes_the_text_around_and_in_matches() -> None:
    [snippet] = make_snippets("<b>dragon</b> & <script>", Words("dragon"))
    assert "<b>" not in snippet.to_html()
    assert "&lt;script&gt;" in snippet.to_html()


def test_html_is_marked_safe() -> None:
    assert isinstance(Snippet(parts=(("x", True),)).to_html(), SafeString)


def test_html_shows_ellipses_where_cut() -> None:
    snippet = Snippet(parts=(("dragon", True),), is_cut_before=True, is_cut_after=True)
    assert snippet.to_html() == "…<mark>dragon</mark>…"


# --- Speed and robustness ---------------------------------------------------------------------


def test_a_300000_word_text_is_searched_well_under_a_fifth_of_a_second() -> None:
    rng = random.Random(3)
    vocabulary = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyzé", k=6)) for _ in range(3000)]
    text = " ".join(rng.choices([*vocabulary, "dragon", "Hoard", "café"], k=300_000))
    node = AllOf((Words("dragon hoard cafe"), Words("slow burn", is_phrase=True)))
    timings = []
    for _ in range(3):  # the best of three, as other processes share the machine
        started = time.perf_counter()
        snippets = make_snippets(text, node)
        timings.append(time.perf_counter() - started)
    assert snippets
    assert min(timings) < 0.15


words_strategy = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), word=words_strategy, width=st.integers(0, 300))
def test_any_text_and_word_give_snippets_without_raising(text: str, word: str, width: int) -> None:
    for snippet in make_snippets(text, Words(word), width=width):
        assert isinstance(snippet.to_html(), SafeString)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab <>&\"'\n", max_size=200))
def test_html_without_marks_is_the_escaped_snippet_text(text: str) -> None:
    for snippet in make_snippets(text, Words("ab")):
        shown = str(snippet.to_html()).replace("<mark>", "").replace("</mark>", "")
        assert html.unescape(shown) == snippet.text


# --- Limits on the work done ------------------------------------------------------------------


def test_reading_stops_once_common_words_are_found_often_enough() -> None:
    # A long work whose every chapter has the word: the later chapters are never read (nor
    # made plain by the caller's generator), and the snippets say the text goes on.
    read: list[int] = []

    def chapters() -> Iterator[str]:
        for number in range(200):
            read.append(number)
            yield " ".join(["the dragon slept and the moon rose"] * 40)

    snippets = make_snippets(chapters(), Words("the"))
    assert len(snippets) == 3
    assert len(read) < 10
    assert snippets[-1].is_cut_after


def test_a_rare_term_late_in_the_text_is_still_found_beside_a_common_one() -> None:
    parts = [" ".join(["the cat sat on the mat"] * 300)] * 20 + ["and then the hoard appeared"]
    snippets = make_snippets(parts, Words("the hoard"))
    assert any("hoard" in snippet.matches for snippet in snippets)


def test_parts_are_read_as_one_text_separated_by_a_blank_line() -> None:
    snippets = make_snippets(["first part ends with dragon", "second starts"], Words("dragon"))
    assert [snippet.text for snippet in snippets] == ["first part ends with dragon second starts"]


def _plainly_compiled(terms: tuple[str, ...]) -> re.Pattern[str]:
    """The pattern as written before it was made fast: what ``_compile`` must still find."""
    from ficshelf.search.snippets import _letter_forms, _term_pattern

    ordered = sorted(range(len(terms)), key=lambda i: -len(terms[i]))
    alternatives = "|".join(f"(?P<t{i}>{_term_pattern(terms[i])})" for i in ordered)
    firsts = sorted({term.replace("*", "")[:1] for term in terms} - {""})
    first_letters = "".join(_letter_forms(letter) for letter in firsts)
    return re.compile(rf"(?=[{first_letters}])(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["moon", "silver moon", "mo*", "ship", "ćafe", "kiss", "e", "1x",
                              "𐐨x"]), min_size=1, max_size=3, unique=True),
    st.lists(st.sampled_from(["moon", "Moon", "MÖÖN", "mooned", "moons", "silver", "Silver—moon",
                              "ship's", "shipping", "CAFE", "café", "KISSES", "K", "ſhip", "e",
                              "É", "1x", "x1x", "𐐀X", "𐐨x", " ", "\n", ",", "’", "_"]),
             max_size=30),
)  # fmt: skip
def test_the_fast_pattern_finds_what_the_plain_one_finds(
    terms: list[str], words: list[str]
) -> None:
    from ficshelf.search.snippets import _compile

    text = "".join(words)
    fast = [(m.span(), m.lastgroup) for m in _compile(tuple(terms)).finditer(text)]
    plain = [(m.span(), m.lastgroup) for m in _plainly_compiled(tuple(terms)).finditer(text)]
    assert fast == plain

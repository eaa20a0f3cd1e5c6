from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ficshelf.search.query import AllOf, AnyOf, DateRange, IntRange, Not, Sort, Words
from ficshelf.search.query_language import (
    MAX_COUNT,
    ParsedSearch,
    TagCondition,
    describe,
    parse_search,
)

TODAY = datetime.date(2026, 11, 24)  # a Tuesday


def parse(text: str) -> ParsedSearch:
    return parse_search(text, today=TODAY)


# --- Words, phrases and operators -------------------------------------------------------------


def test_empty_search_has_no_text() -> None:
    assert parse("   ").text is None


def test_bare_words_must_all_match_anywhere() -> None:
    assert parse("dragon hoard").text == Words("dragon hoard")


def test_quoted_words_are_a_phrase() -> None:
    assert parse('"slow burn"').text == Words("slow burn", is_phrase=True)


def test_terms_side_by_side_are_anded() -> None:
    assert parse('dragon "slow burn"').text == AllOf(
        (Words("dragon"), Words("slow burn", is_phrase=True))
    )


def test_or_binds_looser_than_implicit_and() -> None:
    assert parse("a OR b c").text == AnyOf((Words("a"), Words("b c")))


def test_and_binds_tighter_than_or() -> None:
    assert parse("a AND b OR c").text == AnyOf((Words("a b"), Words("c")))


def test_not_binds_tighter_than_and() -> None:
    assert parse("NOT a b").text == AllOf((Not(Words("a")), Words("b")))


def test_parentheses_group_before_not() -> None:
    assert parse("NOT (a OR b)").text == Not(AnyOf((Words("a"), Words("b"))))


def test_minus_prefix_excludes_a_word() -> None:
    assert parse("dragon -angst").text == AllOf((Words("dragon"), Not(Words("angst"))))


def test_exclamation_prefix_excludes_a_word() -> None:
    assert parse("!angst").text == Not(Words("angst"))


def test_minus_before_a_phrase_excludes_the_phrase() -> None:
    assert parse('-"major character death"').text == Not(
        Words("major character death", is_phrase=True)
    )


def test_symbol_operators_work_like_words() -> None:
    assert parse("a || b && c").text == parse("a OR b AND c").text


def test_lowercase_operators_are_ordinary_words() -> None:
    assert parse("cats and dogs").text == Words("cats and dogs")


def test_double_not_cancels_out() -> None:
    assert parse("NOT NOT dragon").text == Words("dragon")


def test_punctuation_on_its_own_is_dropped() -> None:
    assert parse("Harry & Draco").text == Words("Harry Draco")


# --- Fields -----------------------------------------------------------------------------------


def test_field_applies_to_the_next_word_only() -> None:
    assert parse("title:dragon hoard").text == AllOf(
        (Words("dragon", field="title"), Words("hoard"))
    )


def test_field_allows_a_space_after_the_colon_as_ao3_requires() -> None:
    assert parse("summary: dragon").text == Words("dragon", field="summary")


def test_field_applies_to_a_phrase() -> None:
    assert parse('notes:"ball game"').text == Words("ball game", field="notes", is_phrase=True)


def test_field_applies_to_a_parenthesised_group() -> None:
    assert parse("title:(dragon OR wyvern)").text == AnyOf(
        (Words("dragon", field="title"), Words("wyvern", field="title"))
    )


def test_inner_field_wins_inside_a_group() -> None:
    assert parse("title:(dragon text:hoard)").text == AllOf(
        (Words("dragon", field="title"), Words("hoard", field="text"))
    )


def test_author_and_creators_mean_creator() -> None:
    assert parse("author:ann creators:bob").text == Words("ann bob", field="creator")


def test_tags_means_tag() -> None:
    assert parse("tags:fluff").text == Words("fluff", field="tag")


def test_field_names_ignore_case() -> None:
    assert parse("TITLE:dragon").text == Words("dragon", field="title")


def test_excluded_field_word_is_negated_within_the_field() -> None:
    assert parse("-creators:bob").text == Not(Words("bob", field="creator"))


def test_unknown_field_is_searched_as_ordinary_words() -> None:
    assert parse("colour:red").text == Words("colour:red")


def test_unknown_field_is_told_back() -> None:
    assert any("colour:" in notice for notice in parse("colour:red").notices)


# --- Tags -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "tag_type"),
    [
        ("fandom", "fandom"),
        ("fandoms", "fandom"),
        ("fandom_names", "fandom"),
        ("rating", "rating"),
        ("warning", "warning"),
        ("archive_warnings", "warning"),
        ("category", "category"),
        ("character", "character"),
        ("characters", "character"),
        ("relationship", "relationship"),
        ("ship", "relationship"),
        ("freeform", "freeform"),
        ("additional_tags", "freeform"),
        ("Fandom", "fandom"),
    ],
)
def test_tag_field_names_readers_type_become_tag_conditions(typed: str, tag_type: str) -> None:
    parsed = parse(f"{typed}:Naruto dragon")

    assert parsed.tags == (TagCondition(tag_type, "Naruto"),)  # type: ignore[arg-type]
    assert parsed.text == Words("dragon")
    assert parsed.notices == ()


def test_tag_name_may_be_quoted_and_follow_a_space() -> None:
    assert parse('fandom: "Harry Potter"').tags == (TagCondition("fandom", "Harry Potter"),)


def test_excluded_tag_condition() -> None:
    for typed in ['-warning:"Major Character Death"', 'NOT warning:"Major Character Death"']:
        parsed = parse(typed)
        assert parsed.tags == (TagCondition("warning", "Major Character Death", True),), typed
        assert parsed.text is None


def test_ratings_joined_by_or_are_either_without_a_notice() -> None:
    parsed = parse("rating:Mature OR rating:Explicit")

    assert [c.name for c in parsed.tags] == ["Mature", "Explicit"]
    assert parsed.notices == ()


def test_or_between_other_tags_is_told_back() -> None:
    parsed = parse("fandom:Naruto OR fandom:Bleach")

    assert len(parsed.tags) == 2
    assert parsed.notices and "OR does not join" in parsed.notices[0]


def test_a_tag_field_without_a_name_is_left_out_and_told_back() -> None:
    parsed = parse("fandom:")

    assert parsed.tags == () and parsed.text is None
    assert parsed.notices == ("“fandom:” had no tag name after it, so it was left out.",)


def test_tags_are_said_back() -> None:
    described = describe(parse('dragon fandom:Naruto -warning:"Major Character Death"'))

    assert described == 'word "dragon", fandom "Naruto", not warning "Major Character Death"'


# --- What cannot be read ----------------------------------------------------------------------


def test_a_count_that_is_not_a_number_says_what_was_left_out_and_why() -> None:
    parsed = parse("words>abc dragon")

    assert parsed.text == Words("dragon") and parsed.words == IntRange()
    assert parsed.notices == (
        "“words>abc” was left out: “abc” is not a number this search understands. "
        "Counts are written like words>1000, kudos<50 or words:1000-5000.",
    )


def test_a_count_without_a_number_says_so() -> None:
    assert "there is no number after it" in parse("kudos>").notices[0]


def test_a_date_that_is_not_a_date_says_what_was_left_out_and_why() -> None:
    (notice,) = parse("updated>yesterday").notices

    assert notice.startswith("“updated>yesterday” was left out: “yesterday” is not a date")
    assert 'updated<"2 weeks ago"' in notice


def test_ao3_property_without_a_filter_here_is_left_out_with_its_value() -> None:
    parsed = parse("otp: true dragon")
    assert parsed.text == Words("dragon")
    assert any("otp:" in notice for notice in parsed.notices)


# --- Counts -----------------------------------------------------------------------------------


def test_more_than_is_strict_as_on_ao3() -> None:
    assert parse("words>1000").words == IntRange(low=1001)


def test_fewer_than_is_strict_as_on_ao3() -> None:
    assert parse("words<5000").words == IntRange(high=4999)


def test_colon_range_is_inclusive() -> None:
    assert parse("words:1000-5000").words == IntRange(low=1000, high=5000)


def test_at_least_includes_the_number() -> None:
    assert parse("words:>=1000").words == IntRange(low=1000)


def test_bare_number_means_exactly() -> None:
    assert parse("kudos:10").kudos == IntRange(low=10, high=10)


def test_thousands_separators_are_read() -> None:
    assert parse("words>10,000").words == IntRange(low=10001)


def test_k_suffix_means_thousands() -> None:
    assert parse("words>10k").words == IntRange(low=10001)


def test_ao3_count_names_are_understood() -> None:
    parsed = parse("word_count:>1 kudos_count:>2 hits:>3 comments_count:>4 bookmarks_count:>5")
    assert (parsed.words, parsed.kudos, parsed.hits, parsed.comments, parsed.bookmarks) == (
        IntRange(low=2),
        IntRange(low=3),
        IntRange(low=4),
        IntRange(low=5),
        IntRange(low=6),
    )


def test_space_after_colon_before_condition_is_allowed() -> None:
    assert parse("words: >1000").words == IntRange(low=1001)


def test_name_and_condition_may_be_written_apart() -> None:
    assert parse("words > 1000").words == IntRange(low=1001)


def test_elasticsearch_bracket_range_is_read() -> None:
    assert parse("word_count:[1000 TO *]").words == IntRange(low=1000)


def test_open_ended_dash_range_is_read() -> None:
    assert parse("words:1000-").words == IntRange(low=1000)


def test_reversed_range_is_put_in_order() -> None:
    assert parse("words:5000-1000").words == IntRange(low=1000, high=5000)


def test_two_conditions_on_one_count_narrow_each_other() -> None:
    assert parse("kudos>10 kudos<100").kudos == IntRange(low=11, high=99)


def test_absurd_numbers_are_clamped() -> None:
    assert parse("words>" + "9" * 5000).words == IntRange(low=MAX_COUNT)


def test_counts_are_taken_out_of_the_text() -> None:
    assert parse("dragon words>1000").text == Words("dragon")


def test_unreadable_count_is_left_out_and_told_back() -> None:
    parsed = parse("words:lots")
    assert (parsed.words, parsed.text) == (IntRange(), None)
    assert parsed.notices


def test_excluding_a_count_applies_it_as_written_and_says_so() -> None:
    parsed = parse("-words>5")
    assert (parsed.words, parsed.text) == (IntRange(low=6), None)
    assert parsed.notices


def test_count_name_inside_a_phrase_is_just_text() -> None:
    parsed = parse('"words>1000"')
    assert (parsed.text, parsed.words) == (Words("words>1000", is_phrase=True), IntRange())


# --- Dates ------------------------------------------------------------------------------------


def test_less_than_some_time_ago_means_more_recent() -> None:
    assert parse('revised_at:<"2 weeks ago"').updated == DateRange(
        since=datetime.date(2026, 11, 10)
    )


def test_more_than_some_time_ago_means_older() -> None:
    assert parse('updated:>"2 weeks ago"').updated == DateRange(until=datetime.date(2026, 11, 9))


def test_bare_time_ago_is_that_calendar_week_as_on_ao3() -> None:
    assert parse('updated:"2 weeks ago"').updated == DateRange(
        since=datetime.date(2026, 11, 9), until=datetime.date(2026, 11, 15)
    )


def test_bare_month_ago_is_all_of_last_month() -> None:
    assert parse('updated:"1 month ago"').updated == DateRange(
        since=datetime.date(2026, 10, 1), until=datetime.date(2026, 10, 31)
    )


def test_time_ago_may_be_written_without_quotes() -> None:
    assert parse("updated: <3 days ago dragon").updated == DateRange(
        since=datetime.date(2026, 11, 21)
    )


def test_time_ago_words_are_not_searched() -> None:
    assert parse("updated: <3 days ago dragon").text == Words("dragon")


def test_span_of_periods_ago_runs_oldest_to_newest() -> None:
    assert parse('updated:"2-4 weeks ago"').updated == DateRange(
        since=datetime.date(2026, 10, 27), until=datetime.date(2026, 11, 10)
    )


def test_after_a_calendar_date_starts_the_next_day() -> None:
    assert parse("updated>2024-01-01").updated == DateRange(since=datetime.date(2024, 1, 2))


def test_before_a_calendar_date_ends_the_day_before() -> None:
    assert parse("posted<2023-06-30").posted == DateRange(until=datetime.date(2023, 6, 29))


def test_date_range_between_two_full_dates() -> None:
    assert parse("updated:2024-01-01-2024-03-31").updated == DateRange(
        since=datetime.date(2024, 1, 1), until=datetime.date(2024, 3, 31)
    )


def test_year_range_covers_whole_years() -> None:
    assert parse("created_at:2020-2022").posted == DateRange(
        since=datetime.date(2020, 1, 1), until=datetime.date(2022, 12, 31)
    )


def test_a_month_means_the_whole_month() -> None:
    assert parse("posted:2024-02").posted == DateRange(
        since=datetime.date(2024, 2, 1), until=datetime.date(2024, 2, 29)
    )


def test_impossible_date_is_left_out_and_told_back() -> None:
    parsed = parse("updated:2024-02-30")
    assert parsed.updated == DateRange()
    assert parsed.notices


def test_enormous_periods_ago_do_not_overflow() -> None:
    assert parse('updated:>"99999999999 years ago"').updated.until is not None


# --- Order ----------------------------------------------------------------------------------


def test_sort_names_the_order() -> None:
    parsed = parse("sort:kudos dragon")
    assert (parsed.sort, parsed.descending, parsed.text) == (Sort.KUDOS, None, Words("dragon"))


def test_sort_direction_word_is_read() -> None:
    assert parse("sort: words ascending").descending is False


def test_sort_greater_than_means_ascending_as_on_ao3() -> None:
    assert (parse("sort:>title").sort, parse("sort:>title").descending) == (Sort.TITLE, False)


def test_unknown_sort_is_left_out_and_told_back() -> None:
    parsed = parse("sort:banana")
    assert (parsed.sort, parsed.text) == (None, None)
    assert parsed.notices


# --- Never failing ----------------------------------------------------------------------------


def test_unclosed_quote_runs_to_the_end_and_says_so() -> None:
    parsed = parse('"slow burn')
    assert parsed.text == Words("slow burn", is_phrase=True)
    assert parsed.notices


def test_unclosed_parenthesis_is_closed_at_the_end() -> None:
    assert parse("(a OR b").text == AnyOf((Words("a"), Words("b")))


def test_stray_closing_parenthesis_is_ignored() -> None:
    assert parse("a) b").text == Words("a b")


def test_stray_operators_are_ignored_and_told_back() -> None:
    parsed = parse("AND OR NOT")
    assert parsed.text is None
    assert parsed.notices


def test_very_deep_parentheses_do_not_exhaust_recursion() -> None:
    assert parse("(" * 3000 + "dragon").text == Words("dragon")


def test_very_long_field_chains_do_not_exhaust_recursion() -> None:
    assert parse("title:" * 600 + "dragon").text == Words("dragon", field="title")


def test_overlong_search_is_cut_and_says_so() -> None:
    parsed = parse("a " * 5000 + "dragon")
    assert parsed.text == Words(" ".join(["a"] * 2000))
    assert parsed.notices


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_without_raising(text: str) -> None:
    assert isinstance(parse(text), ParsedSearch)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "b",
                "AND",
                "OR",
                "NOT",
                "(",
                ")",
                '"',
                "-",
                "!",
                "title:",
                "words>",
                "10",
                "updated:",
                "<",
                "2 weeks ago",
                "[",
                "TO",
                "]",
                "&&",
                "||",
                ":",
                "2024-01-01",
            ]
        ),
        max_size=20,
    )
)
def test_any_mix_of_operators_parses_and_describes_without_raising(pieces: list[str]) -> None:
    parsed = parse(" ".join(pieces))
    assert isinstance(describe(parsed), str)


# --- Describing -------------------------------------------------------------------------------


def test_description_names_the_field_and_the_count() -> None:
    assert describe(parse("title:dragon words>1000")) == (
        'word "dragon" in the title, more than 1,000 words'
    )


def test_description_of_fewer_than_nothing_says_none() -> None:
    assert describe(parse("words<0")) == "no words"


def test_description_of_an_empty_search_is_empty() -> None:
    assert describe(parse("")) == ""


def test_description_reads_exclusions_and_alternatives() -> None:
    assert describe(parse("(a OR b) -c")) == '(either word "a" or word "b") and not word "c"'


def test_description_gives_dates_as_readers_see_them() -> None:
    assert describe(parse("updated>2024-01-01")) == "updated since 2 Jan 2024"

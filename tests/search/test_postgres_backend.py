"""The PostgreSQL backend's full text: chunked tsvectors filled from the work documents.

Filters, sorts and facets are ``DatabaseBackend``'s and tested in test_database_backend.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from ficshelf.search.backends.postgres import (
    CHUNK_WORDS,
    TEXT_SEARCH_CONFIG,
    PostgresBackend,
    chunk_values,
)
from ficshelf.search.documents import build_documents
from ficshelf.search.models import WorkTextChunk
from ficshelf.search.query import AllOf, AnyOf, Not, Sort, Words, WorkQuery
from ficshelf.tags.models import TagType
from ficshelf.works.models import Work
from tests.factories import ChapterFactory, PseudFactory, TagFactory, WorkFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://...)",
    ),
]

# PostgreSQL's last word position in a tsvector.
LAST_POSITION = 16383


@pytest.fixture
def backend(tmp_path: Path) -> PostgresBackend:
    return PostgresBackend(str(tmp_path / "search"))


def indexed(backend: PostgresBackend, *works: Work) -> None:
    documents, removed = build_documents([work.pk for work in works])
    backend.update(documents, removed)


def found(backend: PostgresBackend, **query: Any) -> list[int]:
    return backend.search(WorkQuery(facet_limit=0, per_page=100, **query)).work_ids


def filler(count: int) -> str:
    """Words that are not the ones looked for (and not "the": see ``CHUNK_WORDS``)."""
    return " ".join(f"w{n % 997}" for n in range(count))


def work_with_text(text: str, **fields: Any) -> Work:
    work = WorkFactory(**fields)
    work.chapters.update(text=f"<p>{text}</p>")
    return work


PHRASE = Words("silver lantern glows", is_phrase=True)


# What chunking is for


def test_a_phrase_past_the_16383rd_word_of_a_long_chapter_is_found(
    backend: PostgresBackend,
) -> None:
    work = work_with_text(f"{filler(20_000)} the silver lantern glows {filler(500)}")
    indexed(backend, work)
    assert found(backend, text=PHRASE) == [work.pk]


def test_a_single_tsvector_of_the_same_chapter_misses_that_phrase() -> None:
    # The PostgreSQL limit chunking works around, shown on the database itself.
    text = f"{filler(LAST_POSITION + 100)} the silver lantern glows"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector(%s::regconfig, %s) @@ phraseto_tsquery(%s::regconfig, %s)",
            [TEXT_SEARCH_CONFIG, text, TEXT_SEARCH_CONFIG, PHRASE.text],
        )
        assert cursor.fetchone() == (False,)


def test_a_phrase_across_a_chunk_boundary_is_found(backend: PostgresBackend) -> None:
    # The phrase's words are the last two of the first chunk and the first of the next.
    work = work_with_text(f"{filler(CHUNK_WORDS - 2)} silver lantern glows {filler(100)}")
    indexed(backend, work)
    assert WorkTextChunk.objects.filter(work_id=work.pk, field="text").count() == 2
    assert found(backend, text=PHRASE) == [work.pk]


def test_long_text_is_cut_into_overlapping_windows() -> None:
    words = [f"w{n}" for n in range(2 * CHUNK_WORDS)]
    chunks = chunk_values([" ".join(words)])
    first, second = (chunk[0].split() for chunk in chunks[:2])
    assert len(first) == CHUNK_WORDS
    assert first[-1] in second
    assert " ".join(words[-3:]) in chunks[-1][0]


def test_short_values_of_a_field_share_a_chunk() -> None:
    assert chunk_values(["Fluff", "Hurt/Comfort", "", "Angst"]) == [
        ["Fluff", "Hurt/Comfort", "Angst"]
    ]


# Words, phrases, fields


def test_words_may_be_in_different_chunks_of_the_work(backend: PostgresBackend) -> None:
    work = work_with_text(f"lighthouse {filler(3 * CHUNK_WORDS)} keeper")
    indexed(backend, work)
    assert found(backend, text=Words("lighthouse keeper")) == [work.pk]


def test_words_may_be_in_different_fields(backend: PostgresBackend) -> None:
    work = work_with_text("A keeper waits.", title="The Lighthouse")
    indexed(backend, work)
    assert found(backend, text=Words("lighthouse keeper")) == [work.pk]


def test_every_word_must_be_in_the_work(backend: PostgresBackend) -> None:
    indexed(backend, work_with_text("A keeper waits.", title="The Lighthouse"))
    assert found(backend, text=Words("lighthouse dragon")) == []


def test_words_are_stemmed_as_english(backend: PostgresBackend) -> None:
    work = work_with_text("Three dragons were running.")
    indexed(backend, work)
    assert found(backend, text=Words("dragon run")) == [work.pk]


def test_common_words_are_searchable(backend: PostgresBackend) -> None:
    work = work_with_text("To be or not to be.")
    indexed(backend, work)
    assert found(backend, text=Words("not to be", is_phrase=True)) == [work.pk]


def test_a_phrase_with_another_small_word_in_it_is_not_found(backend: PostgresBackend) -> None:
    indexed(backend, work_with_text("The king in the north."))
    assert found(backend, text=Words("king of the north", is_phrase=True)) == []


def test_a_phrase_does_not_run_from_one_tag_into_the_next(backend: PostgresBackend) -> None:
    work = WorkFactory()
    work.tags.add(
        TagFactory(name="Harry", type=TagType.CHARACTER),
        TagFactory(name="Potter Cat", type=TagType.FREEFORM),
    )
    indexed(backend, work)
    assert found(backend, text=Words("harry potter", is_phrase=True)) == []
    assert found(backend, text=Words("potter cat", is_phrase=True)) == [work.pk]


def test_a_phrase_does_not_run_from_one_chapter_into_the_next(backend: PostgresBackend) -> None:
    work = work_with_text("The end of the silver")
    ChapterFactory(work=work, position=2, text="<p>lantern story.</p>")
    indexed(backend, work)
    assert found(backend, text=Words("silver lantern", is_phrase=True)) == []


def test_words_in_a_field_are_looked_for_there_only(backend: PostgresBackend) -> None:
    in_title = work_with_text("Nothing here.", title="Winter Song")
    in_text = work_with_text("A winter tale.")
    indexed(backend, in_title, in_text)
    assert found(backend, text=Words("winter", field="title")) == [in_title.pk]
    assert found(backend, text=Words("winter", field="text")) == [in_text.pk]


def test_creator_field_finds_pseud_names(backend: PostgresBackend) -> None:
    work = WorkFactory(creator=PseudFactory(name="Quill"))
    indexed(backend, work)
    assert found(backend, text=Words("quill", field="creator")) == [work.pk]


def test_not_leaves_out_works_with_the_words(backend: PostgresBackend) -> None:
    dragon = work_with_text("Dragon tales.")
    plain = work_with_text("Plain tales.")
    indexed(backend, dragon, plain)
    assert found(backend, text=AllOf((Words("tales"), Not(Words("dragon"))))) == [plain.pk]


def test_any_of_finds_works_with_either(backend: PostgresBackend) -> None:
    dragon, wyvern = work_with_text("A dragon."), work_with_text("A wyvern.")
    indexed(backend, dragon, wyvern, work_with_text("A griffin."))
    either = AnyOf((Words("dragon"), Words("wyvern", is_phrase=True)))
    assert set(found(backend, text=either)) == {dragon.pk, wyvern.pk}


def test_words_and_filters_apply_together(backend: PostgresBackend) -> None:
    restricted = work_with_text("Dragon tales.", restricted=True)
    public = work_with_text("Dragon songs.")
    indexed(backend, restricted, public)
    assert found(backend, text=Words("dragon")) == [public.pk]


def test_best_match_puts_a_title_hit_before_a_mention_in_the_text(
    backend: PostgresBackend,
) -> None:
    mention = work_with_text("And then a dragon flew past.")
    titled = work_with_text("Nothing to see.", title="The Dragon")
    indexed(backend, mention, titled)
    assert found(backend, text=Words("dragon"), sort=Sort.BEST_MATCH) == [titled.pk, mention.pk]


# Keeping the chunks current


def test_update_replaces_the_text_of_a_work(backend: PostgresBackend) -> None:
    work = work_with_text("An old story.")
    indexed(backend, work)
    work.chapters.update(text="<p>A new story.</p>")
    indexed(backend, work)
    assert found(backend, text=Words("new")) == [work.pk]
    assert found(backend, text=Words("old")) == []


def test_update_removes_the_chunks_of_removed_works(backend: PostgresBackend) -> None:
    kept, deleted = work_with_text("A dragon."), work_with_text("A dragon.")
    indexed(backend, kept, deleted)
    backend.update([], [deleted.pk])
    assert set(WorkTextChunk.objects.values_list("work_id", flat=True)) == {kept.pk}


def test_a_work_made_a_draft_leaves_the_chunks_on_its_next_update(
    backend: PostgresBackend,
) -> None:
    work = work_with_text("A dragon.")
    indexed(backend, work)
    Work.objects.filter(pk=work.pk).update(is_posted=False)
    indexed(backend, work)
    assert not WorkTextChunk.objects.filter(work_id=work.pk).exists()


def test_rebuild_replaces_every_chunk_and_reports_progress(backend: PostgresBackend) -> None:
    old, new = work_with_text("An old dragon."), work_with_text("A new dragon.")
    indexed(backend, old)
    progress: list[int] = []
    documents, _ = build_documents([new.pk])
    backend.rebuild(iter(documents), on_progress=progress.append)
    assert set(WorkTextChunk.objects.values_list("work_id", flat=True)) == {new.pk}
    assert sum(progress) == 1

"""Two co-creators saving different chapters of one work at once, on PostgreSQL: the
work's word count holds both edits (``works.actions._lock_work_of``)."""

from __future__ import annotations

import pytest
from django.db import connection

from ficshelf.works import actions
from ficshelf.works.models import Chapter, Work
from tests.concurrent_transactions import one_transaction_waits_for_the_other
from tests.factories import UserFactory
from tests.works.factories_posting import posted_work

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL's READ COMMITTED snapshots; SQLite has one writer at a time",
    ),
]


def _words(n: int) -> str:
    return "<p>" + " ".join(["word"] * n) + "</p>"


def _edit(chapter_id: int, words: int, *, post: bool = False) -> None:
    chapter = Chapter.objects.select_related("work").get(pk=chapter_id)
    actions.update_chapter(chapter, actions.ChapterData(text=_words(words)), post=post)


def test_two_chapters_edited_at_once_both_count() -> None:
    writer = UserFactory()
    work = posted_work(writer)  # one chapter of four words
    second = actions.add_chapter(work, actions.ChapterData(text=_words(4)), post=True)
    first_id = work.chapters.get(position=1).pk

    one_transaction_waits_for_the_other(
        lambda: _edit(first_id, 100), lambda: _edit(second.pk, 1000)
    )

    work = Work.objects.get(pk=work.pk)
    assert work.word_count == 1100 == sum(c.word_count for c in work.chapters.all())


def test_a_chapter_posted_while_another_is_edited_both_count() -> None:
    writer = UserFactory()
    work = posted_work(writer)
    draft = actions.add_chapter(work, actions.ChapterData(text=_words(50)), post=False)
    first_id = work.chapters.get(position=1).pk

    def post_the_draft() -> None:
        actions.post_chapter(Chapter.objects.select_related("work").get(pk=draft.pk))

    one_transaction_waits_for_the_other(lambda: _edit(first_id, 100), post_the_draft)

    work = Work.objects.get(pk=work.pk)
    assert work.word_count == 150
    assert work.chapters.filter(is_posted=True).count() == 2

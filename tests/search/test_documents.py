from __future__ import annotations

import pytest

from ficshelf.search.documents import build_documents, is_crossover, plain_text
from ficshelf.tags.models import MetaTagging, TagType
from ficshelf.works.models import Creatorship
from tests.factories import ChapterFactory, PseudFactory, TagFactory, WorkFactory

pytestmark = pytest.mark.django_db


def fandom(name: str) -> object:
    return TagFactory(name=name, type=TagType.FANDOM, is_canonical=True)


def test_plain_text_keeps_paragraphs_apart() -> None:
    assert plain_text("<p>one</p><p>two<br>three</p>").split() == ["one", "two", "three"]


def test_document_holds_text_of_posted_chapters_only() -> None:
    work = WorkFactory(chapters=1)
    ChapterFactory(work=work, position=2, text="<p>secret draft chapter</p>", is_posted=False)
    [document], removed = build_documents([work.pk])
    assert removed == []
    assert document.chapter_texts == ["Once there was a story with five words."]


def test_document_lists_filter_tags_by_type_with_the_canonical_of_a_synonym() -> None:
    canonical = TagFactory(name="Sherlock Holmes", type=TagType.CHARACTER, is_canonical=True)
    synonym = TagFactory(name="Sherlock", type=TagType.CHARACTER, merger=canonical)
    work = WorkFactory()
    work.tags.add(synonym)
    [document], _ = build_documents([work.pk])
    assert document.filter_tag_ids["character"] == [canonical.pk]
    assert {"Sherlock", "Sherlock Holmes"} <= set(document.tag_names)


def test_document_names_creators_by_pseud_and_username() -> None:
    pseud = PseudFactory(name="Quill")
    work = WorkFactory(creator=pseud)
    [document], _ = build_documents([work.pk])
    assert "Quill" in document.creator_names
    assert pseud.user is not None
    assert pseud.user.username in document.creator_names
    assert document.creator_user_ids == [pseud.user_id]


def test_an_invited_co_creator_is_not_credited_in_the_index() -> None:
    work = WorkFactory()
    invited = PseudFactory(name="NotYet")
    Creatorship.objects.create(work=work, pseud=invited, is_approved=False)
    [document], _ = build_documents([work.pk])
    assert "NotYet" not in document.creator_names


def test_drafts_and_missing_works_are_reported_for_removal() -> None:
    draft = WorkFactory(draft=True)
    [], removed = build_documents([draft.pk, 424242])
    assert removed == [draft.pk, 424242]


def test_two_unrelated_fandoms_make_a_crossover() -> None:
    work = WorkFactory()
    work.tags.add(fandom("Sherlock (TV)"), fandom("Doctor Who"))
    [document], _ = build_documents([work.pk])
    assert document.is_crossover
    assert document.fandom_count == 2


def test_fandoms_related_through_a_meta_tag_are_not_a_crossover() -> None:
    marvel, mcu = fandom("Marvel"), fandom("Marvel Cinematic Universe")
    MetaTagging.objects.create(meta_tag=marvel, sub_tag=mcu)
    work = WorkFactory()
    work.tags.add(marvel, mcu)
    [document], _ = build_documents([work.pk])
    assert not document.is_crossover


def test_crossover_rule_joins_families_that_share_a_meta_tag() -> None:
    meta_of = {1: {1, 9}, 2: {2, 9}, 3: {3}}
    assert not is_crossover({1, 2}, meta_of)
    assert is_crossover({1, 2, 3}, meta_of)
    assert not is_crossover({3}, meta_of)

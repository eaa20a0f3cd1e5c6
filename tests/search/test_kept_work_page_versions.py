"""Kept work pages are checked against the versions of the works they show
(``search.page_versions``), not the archive's state: a change elsewhere leaves a work's kept
page standing; a change to the work, to a work its page names, or to a name many pages show
gives the next guest a fresh page. On the cache the archive runs (embedded and Redis),
and across two processes sharing it."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings

from ficshelf.accounts.actions import rename_pseud
from ficshelf.search import page_cache
from ficshelf.search.models import WorkPageChange
from ficshelf.search.page_cache import KEPT_PAGE_ENVIRON
from ficshelf.search.page_versions import (
    EVERY_WORK,
    fold_work_page_changes,
    move_every_work_page,
    versions_of,
)
from ficshelf.social.actions import leave_kudos, post_comment
from ficshelf.tags.actions import make_canonical, make_uncanonical, merge_into
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.inspiration import InspirationData, set_inspirations
from ficshelf.works.models import (
    ChapterCreatorship,
    Collection,
    CollectionItem,
    Inspiration,
    Language,
    Series,
    SeriesWork,
    SourceApproval,
    Work,
)
from ficshelf.works.moderation import hide_works
from tests.caches import shared_cache  # noqa: F401 (a fixture)
from tests.factories import PseudFactory, TagFactory, UserFactory, WorkFactory, language
from tests.tags.factories import wrangler as make_wrangler

pytestmark = pytest.mark.django_db


def guest_page(work: Work, number: int) -> str:
    answer = Client(REMOTE_ADDR=f"10.0.3.{number}").get(work.get_absolute_url())
    return answer.content.decode() if answer.status_code == 200 else f"status {answer.status_code}"


def viewed(work: Work) -> Work:
    Client().get(work.get_absolute_url())  # the factory's text is cleaned on a first view
    return work


def admin() -> Any:
    return UserFactory(is_staff=True, is_superuser=True)


def test_a_kudos_on_another_work_leaves_the_page_kept(
    shared_cache: str,  # noqa: F811
    work_page_renders: list[int],
) -> None:
    work, other = viewed(WorkFactory()), viewed(WorkFactory())
    work_page_renders.clear()
    guest_page(work, 1)
    leave_kudos(other, actor=UserFactory())
    guest_page(work, 2)
    assert work_page_renders == [work.pk]  # before, any change anywhere made every kept page stale
    leave_kudos(work, actor=UserFactory())
    assert '<dd class="kudos-count">1</dd>' in guest_page(work, 3)
    assert work_page_renders == [work.pk, work.pk]


def test_a_work_hidden_by_an_admin_is_never_served_from_its_kept_copy(
    shared_cache: str,  # noqa: F811
) -> None:
    work = viewed(WorkFactory())
    assert "Once there was a story" in guest_page(work, 1)
    hide_works([work], reason="Reported", actor=admin())
    assert "Once there was a story" not in guest_page(work, 2)


def source_and_inspired_work() -> tuple[Work, Work]:
    """A work, and one that names it as its source with the source's creators' approval,
    both viewed once."""
    source = viewed(WorkFactory())
    child = viewed(WorkFactory(title="The Answering Story"))
    Inspiration.objects.create(
        work=child, source=source, title=source.title, approval=SourceApproval.APPROVED
    )
    return source, child


def test_a_hidden_inspired_work_leaves_its_sources_kept_page_at_once() -> None:
    source, child = source_and_inspired_work()
    assert "The Answering Story" in guest_page(source, 1)
    hide_works([child], reason="Reported", actor=admin())
    assert "The Answering Story" not in guest_page(source, 2)


def test_a_hidden_source_loses_its_link_on_the_inspired_works_kept_page() -> None:
    source, child = source_and_inspired_work()
    assert f'href="{source.get_absolute_url()}"' in guest_page(child, 1)
    hide_works([source], reason="Reported", actor=admin())
    page = guest_page(child, 2)
    assert "Inspired by a work that is not available" in page
    assert f'href="{source.get_absolute_url()}"' not in page


def test_a_creators_new_pseud_name_shows_on_the_kept_page_at_once() -> None:
    pseud = PseudFactory()
    work = viewed(WorkFactory(creator=pseud))
    assert pseud.name in guest_page(work, 1)
    rename_pseud(pseud, name="Quite Renamed")
    assert "Quite Renamed" in guest_page(work, 2)


def test_a_commenters_new_username_shows_on_the_kept_page_at_once(shared_cache: str) -> None:  # noqa: F811
    """A comment and a kudos name their member on a work they are no creator of: a username
    changed by the admin's form (a full save) moves every kept work page."""
    work = viewed(WorkFactory())
    reader = UserFactory(username="old_name")
    post_comment(work.chapters.get(), actor=reader, text="<p>Lovely.</p>")
    leave_kudos(work, actor=reader)
    assert "/users/old_name/" in guest_page(work, 1)
    assert "/users/old_name/" in guest_page(work, 2)  # kept
    reader.username = "new_name"
    reader.save()
    page = guest_page(work, 3)
    assert "/users/new_name/" in page and "/users/old_name/" not in page
    assert "new_name left kudos" in page


def test_a_deleted_commenters_name_leaves_the_kept_page_at_once(shared_cache: str) -> None:  # noqa: F811
    work = viewed(WorkFactory())
    reader = UserFactory(username="leaving_reader")
    post_comment(work.chapters.get(), actor=reader, text="<p>Goodbye.</p>")
    assert "/users/leaving_reader/" in guest_page(work, 1)
    reader.delete()  # as the admin's delete does (the comment stays, nameless)
    assert "/users/leaving_reader/" not in guest_page(work, 2)


def test_a_renamed_tag_shows_on_every_kept_page_at_once(work_page_renders: list[int]) -> None:
    """A tag renamed from the admin pages saves the tag alone: nothing names the works it
    is on, so every kept work page is checked afresh."""
    tag = TagFactory(name="Slow Burn")
    work = viewed(WorkFactory())
    work.tags.add(tag)
    work_page_renders.clear()
    assert "Slow Burn" in guest_page(work, 1)
    assert "Slow Burn" in guest_page(work, 2)
    assert work_page_renders == [work.pk]  # the second was the kept copy
    every_before = versions_of([])[EVERY_WORK]
    tag.name = "Slowest Burn"
    tag.save()  # as the admin's form saves it: the whole row
    assert versions_of([])[EVERY_WORK] == every_before + 1
    assert "Slowest Burn" in guest_page(work, 3)
    assert work_page_renders == [work.pk, work.pk]


def _tag_name_alone(tag: Tag, spoken: Language) -> None:
    tag.name = "Renamed Alone"
    tag.save(update_fields=["name"])


def _tag_type(tag: Tag, spoken: Language) -> None:
    tag.type = TagType.CHARACTER
    tag.save()


def _language_name(tag: Tag, spoken: Language) -> None:
    spoken.name = "Englisch"
    spoken.save()


def _language_code_alone(tag: Tag, spoken: Language) -> None:
    spoken.short = "en-x"
    spoken.save(update_fields=["short"])


@pytest.mark.parametrize(
    "change", [_tag_name_alone, _tag_type, _language_name, _language_code_alone]
)
def test_what_pages_show_of_a_tag_or_language_moves_every_page(change: Any) -> None:
    tag = TagFactory(name="Fluff", type=TagType.FREEFORM)
    spoken = language("en")
    every_before = versions_of([])[EVERY_WORK]
    tag.save(update_fields=["is_canonical"])  # names no field a page shows: not compared
    spoken.save()  # the same name and code
    assert versions_of([])[EVERY_WORK] == every_before
    change(tag, spoken)
    assert versions_of([])[EVERY_WORK] == every_before + 1


def test_wrangling_moves_the_pages_of_the_works_it_refilters_and_no_other(
    shared_cache: str,  # noqa: F811
    work_page_renders: list[int],
) -> None:
    """A wrangler's canonical toggle or merge changes no name a page shows: the works it
    refilters get a fresh page (their filters moved), every other kept page stays kept."""
    wrangler = make_wrangler("weather")
    tagged, other = viewed(WorkFactory()), viewed(WorkFactory())
    synonym = TagFactory(name="Rainy Days", is_canonical=False)
    tagged.tags.add(synonym)
    canonical = TagFactory(name="Rain", is_canonical=True)
    guest_page(tagged, 1), guest_page(other, 2)
    every_before = versions_of([])[EVERY_WORK]
    work_page_renders.clear()
    make_canonical(synonym, actor=wrangler)
    make_uncanonical(synonym, actor=wrangler)
    merge_into(synonym, canonical, actor=wrangler)
    guest_page(tagged, 3), guest_page(other, 4)
    assert versions_of([])[EVERY_WORK] == every_before
    assert work_page_renders == [tagged.pk]  # before, each of them made every page stale
    assert "Rainy Days" in guest_page(tagged, 5)


def test_a_series_or_collection_title_moves_its_works_pages_and_its_settings_none(
    shared_cache: str,  # noqa: F811
    work_page_renders: list[int],
) -> None:
    in_both, other = viewed(WorkFactory()), viewed(WorkFactory())
    series = Series.objects.create(title="Old Series")
    SeriesWork.objects.create(series=series, work=in_both, position=1)
    collection = Collection.objects.create(name="old_collection", title="Old Collection")
    CollectionItem.objects.create(collection=collection, work=in_both)
    assert "Old Collection" in guest_page(in_both, 1) and "Old Series" in guest_page(in_both, 1)
    guest_page(other, 2)
    every_before = versions_of([])[EVERY_WORK]
    work_page_renders.clear()
    series.summary = "<p>Now with a summary.</p>"
    series.is_complete = True
    series.save()
    collection.is_open = False
    collection.intro = "<p>Welcome.</p>"
    collection.save()
    guest_page(in_both, 3), guest_page(other, 4)
    assert work_page_renders == []  # nothing either page shows changed
    series.title = "New Series"
    series.save()  # as the admin's form saves it (the series' own page moves its works too)
    assert "New Series" in guest_page(in_both, 5)
    collection.title = "New Collection"
    collection.save()
    assert "New Collection" in guest_page(in_both, 6)
    guest_page(other, 7)
    assert work_page_renders == [in_both.pk, in_both.pk]
    assert versions_of([])[EVERY_WORK] == every_before


def test_a_change_moves_the_version_in_its_own_transaction_and_hits_move_none() -> None:
    from ficshelf.social.counters import add_hits

    work = WorkFactory()
    before = versions_of([work.pk])[work.pk]
    add_hits({work.pk: 5})
    assert versions_of([work.pk])[work.pk] == before  # kept pages show hits late
    Work.objects.get(pk=work.pk).save()
    assert versions_of([work.pk])[work.pk] == before + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        Work.objects.get(pk=work.pk).save()
        raise RuntimeError("rolled back")
    assert versions_of([work.pk])[work.pk] == before + 1


def test_folding_keeps_every_version_and_leaves_one_row_per_work() -> None:
    works = [WorkFactory() for _ in range(3)]
    for _ in range(4):
        Work.objects.get(pk=works[0].pk).save()
    move_every_work_page()
    ids = [work.pk for work in works]
    before = versions_of(ids)
    assert WorkPageChange.objects.filter(work_id=works[0].pk).count() > 1
    assert fold_work_page_changes() > 0
    assert versions_of(ids) == before
    assert WorkPageChange.objects.filter(work_id__in=[*ids, EVERY_WORK]).count() == 4
    assert fold_work_page_changes() == 0  # nothing left to fold
    assert versions_of(ids) == before


def _keep_the_page_in_a_child(work_id: int) -> None:
    # The child leaves the parent's database connection as it is (os._exit closes nothing;
    # on PostgreSQL the socket is shared after fork and the parent waits meanwhile).
    try:
        answer = Client(REMOTE_ADDR="10.0.4.1").get(f"/works/{work_id}/")
        os._exit(0 if answer.status_code == 200 else 3)
    except BaseException:  # noqa: BLE001 (any failure is the exit code)
        os._exit(4)


def test_a_page_kept_by_another_process_is_served_until_its_work_changes(
    shared_cache: str,  # noqa: F811
    work_page_renders: list[int],
) -> None:
    work = viewed(WorkFactory())
    work_page_renders.clear()
    child = multiprocessing.get_context("fork").Process(
        target=_keep_the_page_in_a_child, args=(work.pk,)
    )
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert "Once there was a story" in guest_page(work, 1)
    assert work_page_renders == []  # the other process's copy, from the shared cache
    hide_works([work], reason="Reported", actor=admin())
    assert "Once there was a story" not in guest_page(work, 2)


def test_an_answer_from_a_kept_copy_is_marked_for_the_access_log_alone() -> None:
    work = viewed(WorkFactory())
    first = Client(REMOTE_ADDR="10.0.5.1").get(work.get_absolute_url())
    second = Client(REMOTE_ADDR="10.0.5.2").get(work.get_absolute_url())
    assert KEPT_PAGE_ENVIRON not in first.wsgi_request.META
    assert second.wsgi_request.META[KEPT_PAGE_ENVIRON] == "work"
    assert not any("kept" in header.lower() for header in second.headers)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_with_the_postgresql_search_backend_guests_work_pages_are_kept_too(
    work_page_renders: list[int],
) -> None:
    """That backend has no index generation, so no listing is kept; a work page needs none."""
    work = viewed(WorkFactory())
    work_page_renders.clear()
    backend = "ficshelf.search.backends.postgres.PostgresBackend"
    with override_settings(FICSHELF_SEARCH_BACKEND=backend):
        assert all("Once there was a story" in guest_page(work, n) for n in (1, 2, 3))
        assert work_page_renders == [work.pk]
        leave_kudos(work, actor=UserFactory())
        assert '<dd class="kudos-count">1</dd>' in guest_page(work, 4)
        assert work_page_renders == [work.pk, work.pk]


def test_naming_ones_own_work_as_a_source_lists_it_on_the_sources_kept_page_at_once() -> None:
    """Naming one's own work is approved at once: the source's page lists it at once, and a
    copy rendered while the naming committed is never served after the named work is
    hidden. Found by review."""
    pseud = PseudFactory()
    source = viewed(WorkFactory(creator=pseud))
    child = viewed(WorkFactory(creator=pseud, title="The Answering Story"))
    assert "The Answering Story" not in guest_page(source, 1)
    with transaction.atomic():  # as the edit does: the sources, then the work's save
        named = [(source, InspirationData(url=source.get_absolute_url()))]
        set_inspirations(child, named, actor=pseud.user)
        Work.objects.get(pk=child.pk).save()
    assert Inspiration.objects.get(work=child).approval == SourceApproval.APPROVED
    assert "The Answering Story" in guest_page(source, 2)


def test_a_naming_committed_while_the_source_renders_never_outlives_the_named_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pseud = PseudFactory()
    source = viewed(WorkFactory(creator=pseud))
    child = viewed(WorkFactory(creator=pseud, title="The Answering Story"))
    read_versions = page_cache.versions_with_named
    committed: list[bool] = []

    def naming_commits_after_the_read(work_id: int, named: Any) -> dict[int, int]:
        versions = read_versions(work_id, named)
        if not committed:  # another request's edit, just after this one read the versions
            committed.append(True)
            sources = [(source, InspirationData(url=source.get_absolute_url()))]
            set_inspirations(child, sources, actor=pseud.user)
        return versions

    monkeypatch.setattr(page_cache, "versions_with_named", naming_commits_after_the_read)
    assert "The Answering Story" in guest_page(source, 1)
    hide_works([child], reason="Reported", actor=admin())
    assert "The Answering Story" not in guest_page(source, 2)


def test_a_chapter_co_creators_new_pseud_name_shows_on_the_kept_page_at_once() -> None:
    """The pseud is credited on a chapter, not on the work. Found by review."""
    work = viewed(WorkFactory(chapters=2))
    credited = PseudFactory(name="Chapter Guest")
    chapter = work.chapters.order_by("position").first()
    ChapterCreatorship.objects.create(chapter=chapter, pseud=credited, position=0, is_approved=True)
    assert "Chapter Guest" in guest_page(work, 1)
    rename_pseud(credited, name="Renamed Guest")
    assert "Renamed Guest" in guest_page(work, 2)

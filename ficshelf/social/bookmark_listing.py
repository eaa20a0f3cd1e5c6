"""Which bookmarks a reader may see, filtered as a bookmark listing asks, and the counts of
its sidebar: one member's bookmarks (``/users/<name>/bookmarks/``) and bookmark search
(``/bookmarks/search/``) are the same query with a different scope.

Queried in SQL over the bookmark rows, each row's target checked by the one visibility rule
as a condition per row (``work_visible_to``, ``series_visible_to``), not through the search
index: a bookmark's own fields (notes, its bookmarker's tags, rec, private, spam state)
change on every save and are not in the works' documents, and the rule must decide per row
anyway (docs/design.md, "Bookmark listings").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import In

from ficshelf.accounts.models import User
from ficshelf.core.spam import SpamState
from ficshelf.social.access import muted_user_ids
from ficshelf.social.bookmark_counting import CountedMatches, SidebarRow
from ficshelf.social.bookmark_tags import tag_key
from ficshelf.social.models import Bookmark, BookmarkTag, ExternalWork
from ficshelf.tags.models import FilterTagging, Tag, TagType
from ficshelf.works.models import Creatorship, series_visible_to, work_visible_to
from ficshelf.works.tag_access import visible_among

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Viewer = User | AnonymousUser | None

SORT_BOOKMARKED = "bookmarked"
SORT_UPDATED = "updated"
SORT_LABELS = {SORT_BOOKMARKED: "Date Bookmarked", SORT_UPDATED: "Date Updated"}

# The work's tag groups of the sidebar, in AO3's order, and the choices shown in each.
WORK_TAG_GROUPS = [
    (TagType.RATING, "Ratings"),
    (TagType.WARNING, "Warnings"),
    (TagType.FANDOM, "Fandoms"),
    (TagType.CHARACTER, "Characters"),
    (TagType.RELATIONSHIP, "Relationships"),
    (TagType.FREEFORM, "Additional Tags"),
]
FACET_LIMIT = 10


@dataclass(frozen=True)
class BookmarkQuery:
    """What a bookmark listing asks for; empty fields ask nothing."""

    bookmarker_id: int | None = None  # one member's bookmarks
    bookmarker_name: str = ""
    notes_words: str = ""
    bookmark_tags: tuple[str, ...] = ()  # the bookmarker's tags, as typed (case aside)
    work_tag_ids: tuple[int, ...] = ()  # the work's tags, by filter (synonyms and subtags)
    title_words: str = ""
    creator_name: str = ""
    is_rec: bool = False
    has_notes: bool = False
    sort: str = SORT_BOOKMARKED


@dataclass
class FacetChoice:
    value: str  # the checkbox's value: a tag's id, or a bookmarker's tag
    label: str
    count: int
    is_checked: bool


@dataclass
class FacetGroup:
    param: str
    label: str
    choices: list[FacetChoice] = field(default_factory=list)


def shown_bookmarks(viewer: Viewer) -> QuerySet[Bookmark]:
    """Every bookmark ``viewer`` may see: others' public ones (not private, not held or
    hidden as spam) and their own, of a work or series the rule lets them see or an external
    work no admin hid, by members they have not muted and whose accounts are open."""
    shown_to_all = Q(is_private=False, spam_state=SpamState.CLEAR)
    signed_in = viewer is not None and viewer.is_authenticated
    whose = (shown_to_all | Q(user_id=viewer.pk)) if viewer and signed_in else shown_to_all
    target = (
        (Q(work__isnull=False) & Q(work_visible_to(viewer)))
        | (Q(series__isnull=False) & Q(series_visible_to(viewer)))
        | Q(external_work__is_hidden_by_admin=False)
    )
    # Closed accounts as a subquery, not a join: a join made SQLite start from the members
    # and sort every match; this walks the bookmarks newest first and stops at the page.
    closed = User.objects.filter(is_active=False).values("pk")
    bookmarks = Bookmark.objects.filter(whose, target).exclude(user_id__in=closed)
    if signed_in:
        bookmarks = bookmarks.exclude(user_id__in=muted_user_ids(viewer))
    return bookmarks


def find_bookmarks(viewer: Viewer, query: BookmarkQuery) -> QuerySet[Bookmark]:
    """The bookmarks ``viewer`` may see that ``query`` asks for, in its order."""
    bookmarks = Bookmark.objects.all()
    if query.bookmarker_id is not None:
        bookmarks = bookmarks.filter(user_id=query.bookmarker_id)
    if query.bookmarker_name:
        bookmarks = bookmarks.filter(user__username__iexact=query.bookmarker_name.strip())
    if query.notes_words.split() or query.has_notes:
        # Said as the partial index ``bookmark_notes_newest`` says it, so it is walked.
        bookmarks = bookmarks.filter(~Q(notes=""))
    for word in query.notes_words.split():
        bookmarks = bookmarks.filter(notes__icontains=word)
    for name in query.bookmark_tags:
        bookmarks = bookmarks.filter(_with_bookmark_tag(name))
    for tag_id in query.work_tag_ids:
        bookmarks = bookmarks.filter(_target_tagged(tag_id, viewer))
    for word in query.title_words.split():
        bookmarks = bookmarks.filter(
            Q(work__title__icontains=word)
            | Q(series__title__icontains=word)
            | Q(external_work__title__icontains=word)
        )
    if query.creator_name.strip():
        bookmarks = bookmarks.filter(_by_creator(query.creator_name.strip()))
    if query.is_rec:
        bookmarks = bookmarks.filter(is_rec=True)
    # The query's own conditions first: SQLite tests them in the order written, and most
    # bookmarks of a walk fail them by an index look-up, before their work is read.
    bookmarks = bookmarks & shown_bookmarks(viewer)
    if query.sort == SORT_UPDATED:
        updated = Coalesce(
            "work__updated_on",
            "work__published_on",
            TruncDate("external_work__updated_at"),
            TruncDate("series__created_at"),
            output_field=DateField(),
        )
        return bookmarks.alias(target_updated=updated).order_by(
            "-target_updated", "-created_at", "-pk"
        )
    return bookmarks.order_by("-created_at", "-pk")


# A bookmarker's tag on more bookmarks than this is checked on each bookmark of the walk
# newest first, which finds the listing's first matches soon; a rarer one is looked up from
# its rows, which the walk would have to pass nearly every bookmark to find. At 100,000 works
# (1.6 million bookmarks) a tag on 36,000 took 0.4 s from its rows (each looked up and all
# sorted); 20,000 is about where the two cost the same.
COMMON_BOOKMARK_TAG_ROWS = 20_000


def _with_bookmark_tag(name: str) -> Q:
    rows = BookmarkTag.objects.filter(key=tag_key(name))
    tagged = rows.values("bookmark_id")
    if rows[:COMMON_BOOKMARK_TAG_ROWS].count() == COMMON_BOOKMARK_TAG_ROWS:
        # "pk + 0 IN (...)": a test of each walked bookmark against the tag's bookmarks,
        # listed once, which SQLite cannot turn into a look-up per tag row (as "pk IN").
        return Q(In(ExpressionWrapper(F("pk") + 0, output_field=IntegerField()), tagged))
    return Q(pk__in=tagged)


def _target_tagged(tag_id: int, viewer: Viewer) -> Q:
    """The bookmark's target carries the tag as a filter finds it: a work by its filter
    taggings, an external work by the tag or a synonym of it, a series by the visible works
    in it."""
    on_work = FilterTagging.objects.filter(work=OuterRef("work"), tag_id=tag_id)
    on_external = ExternalWork.tags.through.objects.filter(
        externalwork=OuterRef("external_work")
    ).filter(Q(tag_id=tag_id) | Q(tag__merger_id=tag_id))
    in_series = FilterTagging.objects.filter(
        work_visible_to(viewer), tag_id=tag_id, work__series_works__series=OuterRef("series")
    )
    # Each look-up only for its kind of target: SQLite would run all three for every row.
    return (
        (Q(work__isnull=False) & Q(Exists(on_work)))
        | (Q(external_work__isnull=False) & Q(Exists(on_external)))
        | (Q(series__isnull=False) & Q(Exists(in_series)))
    )


def _by_creator(name: str) -> Q:
    """A work credited to a pseud of that name (never one whose byline names nobody, in an
    anonymous collection), or an external work whose creator's name holds it."""
    credited = Creatorship.objects.filter(
        work=OuterRef("work"), is_approved=True, pseud__name__iexact=name
    )
    return (Q(Exists(credited)) & Q(work__in_anonymous_collection=False)) | Q(
        external_work__creator__icontains=name
    )


def facet_groups(viewer: Viewer, counted: CountedMatches, query: BookmarkQuery) -> list[FacetGroup]:
    """The sidebar's groups: the bookmarker's tags, then the work's tags by type, each with
    how many of the listing's matches carry it, the most first: counted over
    ``counted.sidebar_rows``, already within what ``viewer`` may see (every match, or a broad
    listing's newest, ``bookmark_counting``). Chosen tags always show."""
    groups = [_bookmark_tag_group(counted, query)]
    counts = _work_tag_counts(viewer, counted.sidebar_rows)
    chosen = set(query.work_tag_ids)
    top: list[int] = []
    by_type: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (tag_id, tag_type), count in counts.items():
        by_type[tag_type].append((tag_id, count))
    for tag_type, _label in WORK_TAG_GROUPS:
        ranked = sorted(by_type[tag_type], key=lambda pair: (-pair[1], pair[0]))
        top.extend(tag_id for tag_id, _count in ranked[:FACET_LIMIT])
    # A chosen tag no bookmark here carries shows only if the reader may know of it.
    top.extend(tag.pk for tag in tags_reader_may_meet(Tag.objects.filter(pk__in=chosen), viewer))
    tags = {tag.pk: tag for tag in Tag.objects.filter(pk__in=top)}
    count_of = {tag_id: count for (tag_id, _type), count in counts.items()}
    for tag_type, label in WORK_TAG_GROUPS:
        ids = [tag_id for tag_id in dict.fromkeys(top) if tag_id in tags]
        ids = [tag_id for tag_id in ids if tags[tag_id].type == tag_type]
        choices = [
            FacetChoice(
                value=str(tag_id),
                label=tags[tag_id].name,
                count=count_of.get(tag_id, 0),
                is_checked=tag_id in chosen,
            )
            for tag_id in ids
        ]
        choices.sort(key=lambda choice: (-choice.count, choice.label.casefold()))
        groups.append(FacetGroup(param="tag", label=label, choices=choices))
    return [group for group in groups if group.choices]


def tags_reader_may_meet(tags: Iterable[Tag], viewer: Viewer) -> list[Tag]:
    """Those of ``tags`` the reader may know of: by the works' rule (``visible_among``), or
    on an external work no admin hid (its blurb shows them to everyone)."""
    tags = list(tags)
    met = {tag.pk for tag in visible_among(tags, viewer)}
    rest = [tag.pk for tag in tags if tag.pk not in met]
    if rest:
        met |= set(
            ExternalWork.tags.through.objects.filter(
                tag_id__in=rest, externalwork__is_hidden_by_admin=False
            ).values_list("tag_id", flat=True)
        )
    return [tag for tag in tags if tag.pk in met]


def _bookmark_tag_group(counted: CountedMatches, query: BookmarkQuery) -> FacetGroup:
    rows = (
        BookmarkTag.objects.filter(bookmark_id__in=counted.sidebar_ids)
        .values("key")
        .annotate(count=Count("pk"), name=Min("name"))
        .order_by("-count", "key")[:FACET_LIMIT]
    )
    chosen = {tag_key(name) for name in query.bookmark_tags}
    choices = [
        FacetChoice(
            value=row["name"],
            label=row["name"],
            count=row["count"],
            is_checked=False,
        )
        for row in rows
    ]
    for choice in choices:
        choice.is_checked = tag_key(choice.value) in chosen
    shown = {tag_key(choice.value) for choice in choices}
    for name in query.bookmark_tags:
        if tag_key(name) not in shown:
            choices.append(FacetChoice(value=name, label=name, count=0, is_checked=True))
            shown.add(tag_key(name))
    return FacetGroup(param="bookmark_tag", label="Bookmarker's Tags", choices=choices)


def _work_tag_counts(viewer: Viewer, rows: list[SidebarRow]) -> dict[tuple[int, str], int]:
    """How many of the bookmarks ``rows`` carry each tag, by (tag id, type): a grouped query
    per kind of target (asked only when some bookmark has that kind), whose bookmarks never
    overlap, so their counts add up."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    of_works = [row.pk for row in rows if row.work_id is not None]
    of_external = [row.pk for row in rows if row.external_work_id is not None]
    of_series = [row.pk for row in rows if row.series_id is not None]
    grouped: list[Iterable[tuple[int | None, str, int]]] = []
    if of_works:
        grouped.append(
            Bookmark.objects.filter(pk__in=of_works)
            .order_by()
            .values_list("work__filter_taggings__tag", "work__filter_taggings__tag__type")
            .annotate(count=Count("pk"))
        )
    if of_external:
        grouped.append(
            Bookmark.objects.filter(pk__in=of_external)
            .order_by()
            .annotate(filter_tag=Coalesce("external_work__tags__merger", "external_work__tags"))
            .values_list("filter_tag", "external_work__tags__type")
            .annotate(count=Count("pk", distinct=True))
        )
    if of_series:
        # A series shows the tags of the works in it the reader may see.
        grouped.append(
            FilterTagging.objects.filter(
                work_visible_to(viewer), work__series_works__series__bookmarks__in=of_series
            )
            .values_list("tag_id", "tag__type")
            .annotate(count=Count("work__series_works__series__bookmarks", distinct=True))
        )
    for grouped_rows in grouped:
        for tag_id, tag_type, count in grouped_rows:
            if tag_id is not None:
                counts[(tag_id, tag_type)] += count
    return dict(counts)

"""What the search index holds for a work, built from the database in a few batched queries.

Only works a listing may show are indexed: posted, not hidden by an admin and not waiting to
be revealed in a collection. Restricted works are indexed with ``is_restricted`` so guests'
queries leave them out. A work in an anonymous collection is indexed without its creators,
so neither ``creator:`` nor a creator's listing finds it. The text is plain (tags
stripped); chapters that are not posted are left out.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import lxml.html
from django.db.models import Prefetch, Q
from lxml.etree import ParserError

from ficshelf.tags.models import FilterTagging, MetaTagging, TagType
from ficshelf.works.models import NOT_WITHHELD, Chapter, CollectionItem, Creatorship, Work


@dataclass
class WorkDocument:
    work_id: int
    title: str
    creator_names: list[str]
    creator_user_ids: list[int]
    summary: str
    notes: str  # the work's and chapters' notes and end notes
    tag_names: list[str]  # the work's own tags and the canonicals they filter as
    chapter_texts: list[str]  # posted chapters, in order
    # tag type -> filter tag ids (tags.FilterTagging), for filters and facet counts
    filter_tag_ids: dict[str, list[int]] = field(default_factory=dict)
    fandom_count: int = 0  # the work's own fandom tags, as readers count them
    relationship_count: int = 0
    is_crossover: bool = False
    language_id: int | None = None
    is_complete: bool = False
    is_restricted: bool = False
    word_count: int = 0
    kudos_count: int = 0
    hits_count: int = 0
    comments_count: int = 0
    bookmarks_count: int = 0
    published_on: datetime.date | None = None
    updated_on: datetime.date | None = None
    series_ids: list[int] = field(default_factory=list)
    collection_ids: list[int] = field(default_factory=list)

    @property
    def all_filter_tag_ids(self) -> list[int]:
        return [tag_id for ids in self.filter_tag_ids.values() for tag_id in ids]

    @property
    def creator_sort_key(self) -> str:
        return min((name.casefold() for name in self.creator_names), default="")

    @property
    def title_sort_key(self) -> str:
        return self.title.casefold()


# What the index holds (the module docstring says why).
_INDEXED = Q(is_posted=True, in_unrevealed_collection=False) & NOT_WITHHELD


def plain_text(html: str) -> str:
    """Text of sanitized HTML, block elements separated so words never run together."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return html
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "hr"):
        block.tail = "\n" + (block.tail or "")
    return str(root.text_content()).strip()


def indexable_works() -> list[int]:
    """Ids of every work the index should hold, in id order (for ``reindex``). A list, not a
    cursor: building documents runs other queries meanwhile (8 MB per million works)."""
    return list(Work.objects.filter(_INDEXED).order_by("pk").values_list("pk", flat=True))


def all_documents(batch_size: int = 200) -> Iterator[WorkDocument]:
    """A document for every work the index should hold, built a batch at a time (for a
    rebuild: ``reindex``, a host's own index)."""
    batch: list[int] = []
    for work_id in indexable_works():
        batch.append(work_id)
        if len(batch) == batch_size:
            yield from build_documents(batch)[0]
            batch = []
    if batch:
        yield from build_documents(batch)[0]


def build_documents(work_ids: Sequence[int]) -> tuple[list[WorkDocument], list[int]]:
    """Documents for the given works, and the ids among them that must leave the index
    (deleted, drafts, hidden)."""
    works = {
        w.pk: w
        for w in Work.objects.filter(_INDEXED, pk__in=work_ids).prefetch_related(
            "tags",
            "series_works",
            Prefetch(
                "collection_items",
                queryset=CollectionItem.objects.approved().select_related("collection"),
            ),
        )
    }
    removed = [work_id for work_id in work_ids if work_id not in works]
    if not works:
        return [], removed
    creators: dict[int, list[Creatorship]] = defaultdict(list)
    # A work in an anonymous collection is indexed as if nobody were credited.
    named = [work_id for work_id, work in works.items() if not work.in_anonymous_collection]
    for credit in Creatorship.objects.filter(work_id__in=named, is_approved=True).select_related(
        "pseud__user"
    ):
        creators[credit.work_id].append(credit)
    chapters: dict[int, list[Chapter]] = defaultdict(list)
    for chapter in Chapter.objects.filter(work_id__in=works, is_posted=True).order_by(
        "work_id", "position"
    ):
        chapters[chapter.work_id].append(chapter)
    filter_tags: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for work_id, tag_id, tag_type, tag_name in FilterTagging.objects.filter(
        work_id__in=works
    ).values_list("work_id", "tag_id", "tag__type", "tag__name"):
        filter_tags[work_id].append((tag_id, tag_type, tag_name))
    meta_of = _meta_tag_closure()
    return [
        _document(work, creators[work.pk], chapters[work.pk], filter_tags[work.pk], meta_of)
        for work in works.values()
    ], removed


def _document(
    work: Work,
    credits: list[Creatorship],
    chapters: list[Chapter],
    filter_tags: list[tuple[int, str, str]],
    meta_of: dict[int, set[int]],
) -> WorkDocument:
    own_tags = list(work.tags.all())
    by_type: dict[str, list[int]] = defaultdict(list)
    for tag_id, tag_type, _ in filter_tags:
        by_type[tag_type].append(tag_id)
    names = []
    for credit in credits:
        names.append(credit.pseud.name)
        if credit.pseud.user is not None and credit.pseud.user.username != credit.pseud.name:
            names.append(credit.pseud.user.username)
    notes = [work.notes, work.end_notes]
    for chapter in chapters:
        notes += [chapter.summary, chapter.notes, chapter.end_notes]
    own_fandoms = [t for t in own_tags if t.type == TagType.FANDOM]
    canonical_fandom_ids = {t.merger_id or t.pk for t in own_fandoms}
    return WorkDocument(
        work_id=work.pk,
        title=work.title,
        creator_names=names,
        creator_user_ids=sorted({c.pseud.user_id for c in credits if c.pseud.user_id is not None}),
        summary=plain_text(work.summary),
        notes="\n".join(plain_text(n) for n in notes if n),
        tag_names=sorted({t.name for t in own_tags} | {name for _, _, name in filter_tags}),
        chapter_texts=[plain_text(c.text) for c in chapters],
        filter_tag_ids=dict(by_type),
        fandom_count=len(own_fandoms),
        relationship_count=sum(1 for t in own_tags if t.type == TagType.RELATIONSHIP),
        is_crossover=is_crossover(canonical_fandom_ids, meta_of),
        language_id=work.language_id,
        is_complete=work.is_complete,
        is_restricted=work.is_restricted,
        word_count=work.word_count,
        kudos_count=work.kudos_count,
        hits_count=work.hits_count,
        comments_count=work.comments_count,
        bookmarks_count=work.bookmarks_count,
        published_on=work.published_on,
        updated_on=work.updated_on or work.published_on,
        series_ids=[part.series_id for part in work.series_works.all()],
        # A work in a subcollection is in its parent's listing too (as AO3 lists them).
        collection_ids=sorted(
            {item.collection_id for item in work.collection_items.all()}
            | {
                item.collection.parent_id
                for item in work.collection_items.all()
                if item.collection.parent_id
            }
        ),
    )


def _meta_tag_closure() -> dict[int, set[int]]:
    """tag id -> the tag and all its meta tags, transitively (fandom trees are small)."""
    parents: dict[int, set[int]] = defaultdict(set)
    for meta_id, sub_id in MetaTagging.objects.filter(sub_tag__type=TagType.FANDOM).values_list(
        "meta_tag_id", "sub_tag_id"
    ):
        parents[sub_id].add(meta_id)
    closure: dict[int, set[int]] = {}

    def ancestors(tag_id: int, seen: frozenset[int] = frozenset()) -> set[int]:
        if tag_id in closure:
            return closure[tag_id]
        found = {tag_id}
        for parent in parents.get(tag_id, ()):
            if parent not in seen:  # a wrangling mistake must not loop forever
                found |= ancestors(parent, seen | {tag_id})
        closure[tag_id] = found
        return found

    for tag_id in list(parents):
        ancestors(tag_id)
    return closure


def is_crossover(canonical_fandom_ids: set[int], meta_of: dict[int, set[int]]) -> bool:
    """AO3's rule: more than one fandom, and not all of them related through meta tags
    (a work tagged "Marvel" and "Marvel Cinematic Universe" is not a crossover)."""
    groups: list[set[int]] = []
    for fandom_id in canonical_fandom_ids:
        family = meta_of.get(fandom_id, {fandom_id})
        joined = [g for g in groups if g & family]
        merged = set(family).union(*joined)
        groups = [g for g in groups if not (g & family)] + [merged]
    return len(groups) > 1

"""A deterministic AO3-shaped corpus for the search benchmarks (issue 4).

Usage: .venv/bin/python -m bench.corpus [--works N] [--seed S] [--dump DIR]
prints the shape of the OTW dump sample next to the shape of a generated corpus.

The shape follows the OTW data dump (2021-02-26; 7.27 million works, 14.5 million tags;
the sample in ``../shared/fixtures/ao3-dump``): tags per work lognormal with median 20 and
p90 36 (mean about 22.5), Zipf-like popularity of fandoms and of tags within a fandom,
meta fandoms and meta freeforms, a long tail of unwrangled one-off tags, about a quarter of
all tags synonyms; ratings, warnings and categories in the dump's shares (their
``cached_count``s over the rating total); 84% complete, 90.6% English; word counts
lognormal (median 2,000, sigma 1.5); dates over 15 years, busier lately; kudos and hits
heavy-tailed and growing with age and length.

Everything is drawn from numpy generators seeded by ``(seed, part)``: the tag set from the
seed, each batch of ``BATCH`` works from ``(seed, batch)``, each work's text from
``(seed, work id)``. The same seed and size give the same corpus whatever reads it, so the
database sink and ``documents()`` agree on every id.

Fixed tags (ratings, warnings, categories) and languages keep the ids their data migrations
give them (1..17 and 1..35, in the migrations' order; ``load_into_database`` checks).
Generated tags start at ``TAG_ID_BASE``, works and users at 1.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import itertools
import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

REPO = Path(__file__).resolve().parents[1]
DUMP = REPO.parent / "shared" / "fixtures" / "ao3-dump"
SEED = 20260226
BATCH = 10_000  # works per generation batch: part of the corpus's definition
TAG_ID_BASE = 1000

TYPES = ["rating", "warning", "category", "fandom", "relationship", "character", "freeform"]
RATING, WARNING, CATEGORY, FANDOM, RELATIONSHIP, CHARACTER, FREEFORM = range(7)
NO_TYPE = 255

RATINGS = ["Not Rated", "General Audiences", "Teen And Up Audiences", "Mature", "Explicit"]
WARNINGS = [
    "Creator Chose Not To Use Archive Warnings",
    "Graphic Depictions Of Violence",
    "Major Character Death",
    "No Archive Warnings Apply",
    "Rape/Non-Con",
    "Underage Sex",
]
CATEGORIES = ["F/F", "F/M", "Gen", "M/M", "Multi", "Other"]
# Ids the migration gives them (update_or_create in this order on an empty table).
RATING_IDS = {name: 1 + i for i, name in enumerate(RATINGS)}
WARNING_IDS = {name: 6 + i for i, name in enumerate(WARNINGS)}
CATEGORY_IDS = {name: 12 + i for i, name in enumerate(CATEGORIES)}
FIXED_IDS = {**RATING_IDS, **WARNING_IDS, **CATEGORY_IDS}

# Shares from the issue / the dump's rating cached counts (their total, 7,602,817, is the
# denominator for warnings and categories too). F/F and Multi are not in the sample's first
# 2,000 tag rows: 8% and 7% are estimates.
RATING_SHARES = [0.109, 0.278, 0.299, 0.151, 0.163]
WARNING_SHARES = {  # specific warnings, drawn independently
    "Graphic Depictions Of Violence": 0.068,
    "Major Character Death": 0.050,
    "Rape/Non-Con": 0.025,
    "Underage Sex": 0.023,
}
CATEGORY_SHARES = [0.08, 0.242, 0.187, 0.492, 0.07, 0.030]
COMPLETE_SHARE = 0.84
ENGLISH_SHARE = 0.906
RESTRICTED_SHARE = 0.016  # the sample: 16 of 999
WORDS_MEDIAN, WORDS_SIGMA = 2000, 1.5
# Drawn a little wider than the target (median 20, p90 36, mean 22.5): duplicates drop out.
TAGS_MEDIAN, TAGS_SIGMA = 21.5, 0.52
SYNONYM_SHARE = 0.25
YEARS = 15
FIRST_DAY = datetime.date(2011, 1, 1)


def _words(text: str) -> list[str]:
    return text.split()


# The languages migration's order (ficshelf/works/migrations/0002_languages.py); English
# is id 8. Shares of the other 9.4%: a rough AO3 order (Chinese, Russian, Spanish, ...).
LANGUAGE_CODES = _words(
    "ar bg ca cs da de el en es fa fi fil fr he hi hu id it ja ko la nl no pl pt-BR pt-PT ro "
    "ru sv th tr uk vi zh yue"
)
ENGLISH_ID = LANGUAGE_CODES.index("en") + 1
OTHER_LANGUAGE_ORDER = _words(
    "zh ru es fr de pt-BR it pl ja ko vi id uk tr nl cs fi sv hu ca pt-PT th ar da no ro bg el "
    "he fa fil hi la yue"
)

# Real words, so text queries read like queries. The first ones are the commonest words of
# the text; the rest are spread over the vocabulary's ranks.
FUNCTION_WORDS = _words(
    "the and to a of he she was in it his her that with you i had for on as at but they him "
    "not be is said from have this all what were so one out by there up no if me my like "
    "could when would an them about into"
)
CONTENT_WORDS = _words(
    "night hand eyes time back head face door room way something nothing voice thought "
    "moment light heart dark hair smile world water fire blood sword dragon king queen "
    "prince castle forest river mountain city street house window table bed kitchen coffee "
    "tea bread wine letter book song music dance rain snow wind storm sun moon star sky "
    "silver golden iron stone glass paper ribbon candle shadow mirror garden flower rose "
    "winter summer autumn spring morning evening midnight dawn dusk ship sea island harbour "
    "shore wave boat anchor map compass journey road bridge gate tower wall field horse "
    "wolf fox bird raven owl cat dog bear deer whisper laugh scream kiss touch breath "
    "promise secret lie truth memory dream fear hope anger grief joy love hate trust "
    "friend enemy brother sister mother father child stranger soldier healer thief knight "
    "witch wizard spell potion magic curse crown throne war battle peace army captain "
    "doctor hospital school library office train station car phone message coat scarf "
    "boots gloves blanket pillow chair fireplace lantern torch key lock chain ring "
    "necklace feather velvet silk wool leather copper bronze marble ivory amber jade "
    "crimson scarlet azure violet emerald lighthouse orchard vineyard meadow glacier "
    "volcano desert canyon lagoon marsh thicket quarry cellar attic balcony staircase "
    "corridor chapel cathedral monastery observatory telescope pendulum hourglass "
    "clockwork lute harp violin cello piano trumpet drum banner parchment quill inkwell "
    "satchel lantern marmalade quince juniper saffron cinnamon honey almond"
)
HEAD_FREEFORMS = [
    "Fluff", "Angst", "Hurt/Comfort", "Alternate Universe", "Romance", "Humor", "Smut",
    "Friendship", "Drama", "Established Relationship", "Slow Burn", "Happy Ending",
    "Canon Compliant", "Post-Canon", "Pre-Canon", "Alternate Universe - Canon Divergence",
    "Alternate Universe - Modern Setting", "Alternate Universe - Coffee Shops & Cafés",
    "Fluff and Angst", "Enemies to Lovers", "Friends to Lovers", "Mutual Pining",
    "Found Family", "Oral Sex", "Anal Sex", "Major Character Injury", "Whump",
    "Character Study", "Missing Scene", "Domestic Fluff", "Pining", "Kissing", "Crack",
    "Tags May Change", "Drabble", "One Shot", "First Kiss", "Banter", "Grief/Mourning",
    "Emotional Hurt/Comfort",
]  # fmt: skip
# Meta freeforms: each of these gets sub tags of the form "<meta> - <thing>".
META_FREEFORMS = ["Alternate Universe", "Sexual Content", "Family", "Magic"]
FANDOM_SUFFIXES = ["(TV)", "(Anime & Manga)", "- All Media Types", "(Video Game)", "(Comics)",
                   "(Movies)", "RPF", "(Books)", "Series", "(Cartoon)"]  # fmt: skip
SYLLABLES = ["ka", "lo", "mi", "ren", "sa", "tor", "vel", "ith", "an", "ou", "dre", "fen",
             "bri", "cal", "dun", "el", "gar", "hal", "is", "jor", "mor", "nir", "pel",
             "quo", "ras", "sul", "tam", "ur", "vin", "wen", "yor", "zel"]  # fmt: skip

# Words and phrases the text mix looks for. The rare word sits far down the vocabulary;
# the phrase is also planted in a few works; the deep phrase is planted only past word
# 16,383 of long works (PostgreSQL's tsvector position limit).
COMMON_WORD = "night"
RARE_WORD = "lighthouse"
NOT_WORD = "dragon"
PHRASE = ("silver", "moon")
DEEP_PHRASE = ("quince", "marmalade")
DEEP_PHRASE_AFTER = 20_000


def encode(number: int) -> str:
    """A pseudo-word unique to ``number`` (its base-32 digits as syllables)."""
    parts = []
    while True:
        number, digit = divmod(number, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
        if number == 0:
            return "".join(reversed(parts))


def zipf_cdf(n: int, s: float) -> np.ndarray[Any, np.dtype[np.float64]]:
    weights = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** s
    cdf = np.cumsum(weights)
    result: np.ndarray[Any, np.dtype[np.float64]] = cdf / cdf[-1]
    return result


def zipf_rank(rng: np.random.Generator, sizes: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """A rank in [0, size) for each size, P(rank) about 1/(rank+1) (Zipf, s = 1)."""
    u = rng.random(len(sizes))
    ranks = np.floor((sizes + 1.0) ** u).astype(np.int64) - 1
    result: np.ndarray[Any, Any] = np.minimum(ranks, np.maximum(sizes - 1, 0))
    return result


# -- the tag set ---------------------------------------------------------------------------


@dataclass
class TagSet:
    names: list[str]  # by id; "" where no tag
    types: np.ndarray[Any, np.dtype[np.uint8]]  # by id; NO_TYPE where no tag
    canonical: np.ndarray[Any, np.dtype[np.bool_]]
    merger: np.ndarray[Any, np.dtype[np.int64]]  # 0 = none
    filter_of: np.ndarray[Any, np.dtype[np.int64]]  # the canonical (merger or itself)
    metas: dict[int, tuple[int, ...]]  # canonical id -> its meta tags, transitively
    meta_pairs: list[tuple[int, int]]  # (meta, sub)
    parent_pairs: list[tuple[int, int]]  # (parent, child)
    fandoms: np.ndarray[Any, np.dtype[np.int64]]  # canonical fandoms, most popular first
    fandom_cdf: np.ndarray[Any, np.dtype[np.float64]]
    # per fandom (by popularity rank): its pool of characters, relationships, freeforms
    pools: dict[int, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]]
    freeforms: np.ndarray[Any, np.dtype[np.int64]]  # global canonical freeforms, by rank
    freeform_cdf: np.ndarray[Any, np.dtype[np.float64]]
    tail: np.ndarray[Any, np.dtype[np.int64]]  # unwrangled one-off freeforms
    syn_start: np.ndarray[Any, np.dtype[np.int64]]  # by canonical id, into syn_ids
    syn_count: np.ndarray[Any, np.dtype[np.int64]]
    syn_ids: np.ndarray[Any, np.dtype[np.int64]]
    meta_of_fandom: dict[int, set[int]] = field(default_factory=dict)  # for is_crossover

    @property
    def ids(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        return np.flatnonzero(self.types != NO_TYPE).astype(np.int64)

    def filters(self, tag_id: int) -> tuple[int, ...]:
        canonical = int(self.filter_of[tag_id])
        return (canonical, *self.metas.get(canonical, ()))


def make_tags(works: int, seed: int = SEED) -> TagSet:
    rng = np.random.default_rng([seed, 0])
    names: list[str] = []
    types: list[int] = []
    canonical: list[bool] = []
    merger: list[int] = []
    used: set[str] = set()

    def add(name: str, tag_type: int, *, is_canonical: bool = True, merged_into: int = 0) -> int:
        tag_id = len(names)
        if name in used:
            name = f"{name} ({encode(tag_id)})"
        used.add(name)
        names.append(name)
        types.append(tag_type)
        canonical.append(is_canonical)
        merger.append(merged_into)
        return tag_id

    for _ in range(TAG_ID_BASE):
        names.append("")
        types.append(NO_TYPE)
        canonical.append(False)
        merger.append(0)
    for ids, tag_type in ((RATING_IDS, RATING), (WARNING_IDS, WARNING), (CATEGORY_IDS, CATEGORY)):
        for name, tag_id in ids.items():
            names[tag_id], types[tag_id], canonical[tag_id] = name, tag_type, True

    meta_pairs: list[tuple[int, int]] = []
    parent_pairs: list[tuple[int, int]] = []
    # Fandoms, most popular first; a twentieth of them are meta fandoms over 2-4 others.
    n_fandoms = max(30, works // 40)
    fandoms = np.array(
        [add(f"{encode(i + 7).title()} {FANDOM_SUFFIXES[i % len(FANDOM_SUFFIXES)]}", FANDOM)
         for i in range(n_fandoms)], dtype=np.int64)  # fmt: skip
    fandom_cdf = zipf_cdf(n_fandoms, 1.0)
    metas_chosen = rng.choice(n_fandoms, size=max(1, n_fandoms // 20), replace=False)
    meta_set = {int(fandoms[m]) for m in metas_chosen}
    for m in metas_chosen:
        names[fandoms[m]] = names[fandoms[m]].rsplit(" ", 1)[0] + " Universe"
        subs = rng.choice(n_fandoms, size=int(rng.integers(2, 5)), replace=False)
        for s in subs:
            if int(fandoms[s]) not in meta_set:
                meta_pairs.append((int(fandoms[m]), int(fandoms[s])))
    # A few meta fandoms sit under another (a two-level tree).
    metas_list = sorted(meta_set)
    for a, b in zip(metas_list[::10], metas_list[1::10], strict=False):
        meta_pairs.append((a, b))

    expected = works * np.diff(np.concatenate([[0.0], fandom_cdf]))
    pools = {}
    for rank, fandom_id in enumerate(fandoms.tolist()):
        root = math.sqrt(expected[rank])
        fandom_word = encode(rank + 7).title()
        chars = []
        for _ in range(min(2000, int(4 + 2 * root))):
            chars.append(add(f"{encode(len(names)).title()} {fandom_word}", CHARACTER))
            parent_pairs.append((fandom_id, chars[-1]))
        rels = []
        for _ in range(min(3000, int(3 + 3 * root))):
            a, b = zipf_rank(rng, np.array([len(chars), len(chars)]))
            if a == b:
                b = (b + 1) % len(chars)
            joiner = " & " if rng.random() < 0.2 else "/"
            name = names[chars[a]] + joiner + names[chars[b]]
            rels.append(add(name, RELATIONSHIP))
            parent_pairs += [(fandom_id, rels[-1]), (chars[a], rels[-1]), (chars[b], rels[-1])]
        frees = []
        for i in range(int(1 + root)):
            word = CONTENT_WORDS[(rank + i) % len(CONTENT_WORDS)].title()
            frees.append(add(f"{word} ({names[fandom_id]})", FREEFORM))
            parent_pairs.append((fandom_id, frees[-1]))
        pools[rank] = (np.array(chars), np.array(rels), np.array(frees))

    # Global freeforms: the familiar head, then made-up ones; meta freeforms over some.
    n_free = max(100, works // 10)
    free_ids = [add(name, FREEFORM) for name in HEAD_FREEFORMS]
    while len(free_ids) < n_free:
        a, b = rng.choice(len(CONTENT_WORDS), size=2)
        free_ids.append(add(f"{CONTENT_WORDS[a].title()} {CONTENT_WORDS[b].title()}", FREEFORM))
    freeforms = np.array(free_ids, dtype=np.int64)
    by_name = {names[t]: t for t in free_ids}
    for meta in META_FREEFORMS:
        meta_id = by_name[meta] if meta in by_name else add(meta, FREEFORM)
        for sub_rank in rng.choice(np.arange(40, n_free), size=8, replace=False):
            sub_id = free_ids[int(sub_rank)]
            names[sub_id] = f"{meta} - {names[sub_id]}"
            meta_pairs.append((meta_id, sub_id))
    # Unwrangled one-off tags (not canonical, no merger): they filter as themselves.
    tail = np.array(
        [add(f"{CONTENT_WORDS[i % len(CONTENT_WORDS)]} {encode(i + 101)}", FREEFORM,
             is_canonical=False) for i in range(int(works * 0.95))], dtype=np.int64)  # fmt: skip

    # Synonyms: a quarter of all tags, given to tags in proportion to the square root of
    # their expected use (popular tags collect many spellings).
    real = [t for t in range(TAG_ID_BASE, len(names)) if types[t] != NO_TYPE]
    n_syn = int(len(real) * SYNONYM_SHARE / (1 - SYNONYM_SHARE))
    wranglable = np.array([t for t in real if canonical[t]], dtype=np.int64)
    weight = _popularity_weights(
        wranglable, fandoms, fandom_cdf, pools, freeforms, n_names=len(names)
    )
    targets = np.sort(rng.choice(wranglable, size=n_syn, p=weight / weight.sum()))
    syn_ids = np.array(
        [add(f"{names[t]} ({encode(k).lower()})", types[t], is_canonical=False, merged_into=int(t))
         for k, t in enumerate(targets.tolist())], dtype=np.int64)  # fmt: skip

    size = len(names)
    syn_start = np.zeros(size, dtype=np.int64)
    syn_count = np.zeros(size, dtype=np.int64)
    uniq, first, counts = np.unique(targets, return_index=True, return_counts=True)
    syn_start[uniq], syn_count[uniq] = first, counts
    merger_arr = np.array(merger, dtype=np.int64)
    filter_of = np.where(merger_arr > 0, merger_arr, np.arange(size))
    subs_metas: dict[int, set[int]] = defaultdict(set)
    for meta_id, sub_id in meta_pairs:
        subs_metas[sub_id].add(meta_id)

    def closure(tag_id: int, seen: frozenset[int] = frozenset()) -> set[int]:
        found: set[int] = set()
        for meta in subs_metas.get(tag_id, ()):
            if meta not in seen:
                found |= {meta} | closure(meta, seen | {tag_id})
        return found

    metas = {t: tuple(sorted(closure(t))) for t in subs_metas}
    tags = TagSet(
        names=names, types=np.array(types, dtype=np.uint8),
        canonical=np.array(canonical, dtype=np.bool_), merger=merger_arr, filter_of=filter_of,
        metas=metas, meta_pairs=meta_pairs, parent_pairs=parent_pairs, fandoms=fandoms,
        fandom_cdf=fandom_cdf, pools=pools, freeforms=freeforms,
        freeform_cdf=zipf_cdf(len(freeforms), 1.05), tail=tail, syn_start=syn_start,
        syn_count=syn_count, syn_ids=syn_ids,
    )  # fmt: skip
    tags.meta_of_fandom = {
        int(f): {int(f), *metas.get(int(f), ())} for f in fandoms if int(f) in metas
    }
    return tags


def _popularity_weights(ids, fandoms, fandom_cdf, pools, freeforms, n_names) -> Any:
    share = np.full(n_names, 1e-3)
    fandom_share = np.diff(np.concatenate([[0.0], fandom_cdf]))
    share[fandoms] = fandom_share
    for rank, (chars, rels, frees) in pools.items():
        for pool in (chars, rels, frees):
            if len(pool):
                share[pool] = fandom_share[rank] / np.arange(1, len(pool) + 1)
    share[freeforms] = np.diff(np.concatenate([[0.0], zipf_cdf(len(freeforms), 1.05)]))
    result: np.ndarray[Any, np.dtype[np.float64]] = np.sqrt(share[ids])
    return result


# -- works ---------------------------------------------------------------------------------


@dataclass
class WorkBatch:
    ids: np.ndarray[Any, np.dtype[np.int64]]
    language_id: np.ndarray[Any, Any]
    is_complete: np.ndarray[Any, Any]
    is_restricted: np.ndarray[Any, Any]
    word_count: np.ndarray[Any, Any]
    chapter_count: np.ndarray[Any, Any]
    expected_chapters: np.ndarray[Any, Any]  # 0 = unknown
    kudos: np.ndarray[Any, Any]
    hits: np.ndarray[Any, Any]
    comments: np.ndarray[Any, Any]
    bookmarks: np.ndarray[Any, Any]
    published: np.ndarray[Any, Any]  # days since FIRST_DAY
    updated: np.ndarray[Any, Any]
    titles: list[str]
    summaries: list[str]
    creators: list[list[int]]  # user ids (each user has one pseud of the same id)
    tag_work: np.ndarray[Any, Any]  # own tags: (index in batch, tag id), sorted
    tag_id: np.ndarray[Any, Any]
    filter_work: np.ndarray[Any, Any]  # filter taggings, sorted
    filter_id: np.ndarray[Any, Any]
    fandom_count: np.ndarray[Any, Any]
    relationship_count: np.ndarray[Any, Any]
    is_crossover: np.ndarray[Any, Any]

    def date(self, days: int) -> datetime.date:
        return FIRST_DAY + datetime.timedelta(days=int(days))


class Corpus:
    """The corpus of ``works`` works for ``seed``: tags once, works in batches."""

    def __init__(self, works: int, seed: int = SEED) -> None:
        self.works = works
        self.seed = seed
        self.tags = make_tags(works, seed)
        self.users = max(50, works // 4)
        self.user_cdf = zipf_cdf(self.users, 0.8)
        self.words = Vocabulary(seed)

    def user_name(self, user_id: int) -> str:
        return f"{encode(user_id + 500)}{user_id % 97}"

    def batches(self, progress: str | None = None) -> Iterator[WorkBatch]:
        starts = range(0, self.works, BATCH)
        bar = tqdm(total=self.works, desc=progress, unit="work", disable=progress is None)
        for number, start in enumerate(starts):
            batch = self.batch(number, start, min(BATCH, self.works - start))
            yield batch
            bar.update(len(batch.ids))
        bar.close()

    def batch(self, number: int, start: int, size: int) -> WorkBatch:
        rng = np.random.default_rng([self.seed, 1 + number])
        t = self.tags
        ids = np.arange(start + 1, start + size + 1, dtype=np.int64)
        rows_w: list[np.ndarray[Any, Any]] = []
        rows_t: list[np.ndarray[Any, Any]] = []
        every = np.arange(size)

        rating = rng.choice(5, size=size, p=RATING_SHARES) + 1
        rows_w.append(every)
        rows_t.append(rating)
        specific = {name: rng.random(size) < share for name, share in WARNING_SHARES.items()}
        any_specific = np.logical_or.reduce(list(specific.values()))
        chose_not = np.where(any_specific, rng.random(size) < 0.35, rng.random(size) < 0.36)
        no_warnings = ~any_specific & ~chose_not
        for name, mask in [*specific.items(), (WARNINGS[0], chose_not), (WARNINGS[3], no_warnings)]:
            rows_w.append(every[mask])
            rows_t.append(np.full(int(mask.sum()), WARNING_IDS[name]))
        for name, share in zip(CATEGORIES, CATEGORY_SHARES, strict=True):
            mask = rng.random(size) < share
            rows_w.append(every[mask])
            rows_t.append(np.full(int(mask.sum()), CATEGORY_IDS[name]))

        # Fandoms: 88% one, 9% two, 3% three (duplicates drop out).
        k = rng.choice([1, 2, 3], size=size, p=[0.88, 0.09, 0.03])
        fmat = np.searchsorted(t.fandom_cdf, rng.random((size, 3)))
        fmat[np.arange(3)[None, :] >= k[:, None]] = -1
        fmat[:, 1][fmat[:, 1] == fmat[:, 0]] = -1
        fmat[:, 2][(fmat[:, 2] == fmat[:, 0]) | (fmat[:, 2] == fmat[:, 1])] = -1
        order = np.argsort(fmat < 0, axis=1, kind="stable")
        fmat = np.take_along_axis(fmat, order, axis=1)
        k = (fmat >= 0).sum(axis=1)
        for col in range(3):
            mask = fmat[:, col] >= 0
            rows_w.append(every[mask])
            rows_t.append(t.fandoms[fmat[mask, col]])

        # The rest of the tag count goes to relationships, characters and freeforms.
        total = np.round(np.exp(rng.normal(math.log(TAGS_MEDIAN), TAGS_SIGMA, size)))
        fixed_counts = np.bincount(np.concatenate(rows_w), minlength=size)
        rest = np.maximum(total - fixed_counts, 1).astype(np.int64)
        split = np.array([rng.multinomial(n, [0.15, 0.32, 0.53]) for n in rest.tolist()])
        for col, pool_index in ((0, 1), (1, 0)):  # relationships, characters
            n = split[:, col]
            work = np.repeat(every, n)
            which = np.floor(rng.random(len(work)) * k[work]).astype(np.int64)
            frank = fmat[work, which]
            picked = np.empty(len(work), dtype=np.int64)
            for fr in np.unique(frank).tolist():
                sel = frank == fr
                pool = t.pools[fr][pool_index]
                if len(pool) == 0:
                    picked[sel] = -1
                    continue
                picked[sel] = pool[zipf_rank(rng, np.full(int(sel.sum()), len(pool)))]
            rows_w.append(work[picked >= 0])
            rows_t.append(picked[picked >= 0])
        n = split[:, 2]
        work = np.repeat(every, n)
        kind = rng.random(len(work))
        picked = t.freeforms[np.searchsorted(t.freeform_cdf, rng.random(len(work)))]
        tail = kind > 0.9
        picked[tail] = t.tail[rng.integers(0, len(t.tail), int(tail.sum()))]
        local = (kind > 0.8) & ~tail
        for fr in np.unique(fmat[work[local], 0]).tolist():
            sel = local & (fmat[work, 0] == fr)
            pool = t.pools[fr][2]
            picked[sel] = pool[zipf_rank(rng, np.full(int(sel.sum()), len(pool)))]
        rows_w.append(work)
        rows_t.append(picked)

        tag_work = np.concatenate(rows_w)
        tag_id = np.concatenate(rows_t).astype(np.int64)
        # A fifth of the uses of a tag with synonyms are written as one of them.
        has_syn = (t.syn_count[tag_id] > 0) & (tag_id >= TAG_ID_BASE)
        swap = has_syn & (rng.random(len(tag_id)) < 0.2)
        offset = np.floor(rng.random(int(swap.sum())) * t.syn_count[tag_id[swap]]).astype(np.int64)
        tag_id[swap] = t.syn_ids[t.syn_start[tag_id[swap]] + offset]
        key = np.unique(tag_work.astype(np.int64) << 32 | tag_id)
        tag_work, tag_id = key >> 32, key & 0xFFFFFFFF

        # Filter taggings: the canonical of each tag and its meta tags.
        canon = t.filter_of[tag_id]
        fw, ft = [tag_work], [canon]
        has_meta = np.isin(canon, np.fromiter(t.metas, dtype=np.int64, count=len(t.metas)))
        for w, c in zip(tag_work[has_meta].tolist(), canon[has_meta].tolist(), strict=True):
            metas = t.metas[c]
            fw.append(np.full(len(metas), w))
            ft.append(np.array(metas, dtype=np.int64))
        fkey = np.unique(np.concatenate(fw).astype(np.int64) << 32 | np.concatenate(ft))
        filter_work, filter_id = fkey >> 32, fkey & 0xFFFFFFFF

        types = t.types[tag_id]
        fandom_count = np.bincount(tag_work[types == FANDOM], minlength=size)
        relationship_count = np.bincount(tag_work[types == RELATIONSHIP], minlength=size)
        from ficshelf.search.documents import is_crossover

        crossover = np.zeros(size, dtype=np.bool_)
        for i in np.flatnonzero(k > 1).tolist():
            own = {int(f) for f in t.fandoms[fmat[i, : k[i]]]}
            crossover[i] = is_crossover(own, t.meta_of_fandom)

        words = np.clip(np.exp(rng.normal(math.log(WORDS_MEDIAN), WORDS_SIGMA, size)), 20, 2e6)
        words = words.astype(np.int64)
        per_chapter = np.clip(np.exp(rng.normal(math.log(3500), 0.6, size)), 500, 20_000)
        chapters = np.clip(np.ceil(words / per_chapter), 1, 300).astype(np.int64)
        complete = rng.random(size) < COMPLETE_SHARE
        expected = np.where(complete, chapters, np.where(rng.random(size) < 0.5, 0, chapters + 3))
        # More works every year: day = span * u^0.6.
        span = YEARS * 365
        published = np.floor(span * rng.random(size) ** 0.6).astype(np.int64)
        updated = np.where(
            chapters > 1,
            np.minimum(span - 1, published + (rng.random(size) * 400).astype(np.int64)),
            published,
        )
        age_years = (span - published) / 365
        log_kudos = (math.log(40) + 0.35 * np.log(words / 2000) + 0.4 * np.log(age_years + 0.5)
                     + rng.normal(0, 1.2, size))  # fmt: skip
        kudos = np.floor(np.exp(log_kudos)).astype(np.int64)
        hits = (kudos * np.exp(rng.normal(math.log(12), 0.5, size)) + 10).astype(np.int64)
        comments = rng.poisson(kudos * 0.08)
        bookmarks = rng.poisson(kudos * 0.12)
        language = np.where(
            rng.random(size) < ENGLISH_SHARE, ENGLISH_ID, self._other_languages(rng, size)
        )
        n_creators = rng.choice([1, 2, 3], size=size, p=[0.93, 0.06, 0.01])
        users = np.searchsorted(self.user_cdf, rng.random((size, 3))) + 1
        creators = [sorted(set(users[i, : n_creators[i]].tolist())) for i in range(size)]
        title_words = self.words.sample(rng, size * 3)
        titles = [" ".join(title_words[3 * i : 3 * i + 1 + i % 3]).title() for i in range(size)]
        summary_words = self.words.sample(rng, size * 30)
        summaries = [" ".join(summary_words[30 * i : 30 * i + 30]) + "." for i in range(size)]
        return WorkBatch(
            ids=ids, language_id=language, is_complete=complete,
            is_restricted=rng.random(size) < RESTRICTED_SHARE, word_count=words,
            chapter_count=chapters, expected_chapters=expected, kudos=kudos, hits=hits,
            comments=comments, bookmarks=bookmarks, published=published, updated=updated,
            titles=titles, summaries=summaries, creators=creators, tag_work=tag_work,
            tag_id=tag_id, filter_work=filter_work, filter_id=filter_id,
            fandom_count=fandom_count, relationship_count=relationship_count,
            is_crossover=crossover,
        )  # fmt: skip

    def _other_languages(self, rng: np.random.Generator, size: int) -> np.ndarray[Any, Any]:
        ids = np.array([LANGUAGE_CODES.index(c) + 1 for c in OTHER_LANGUAGE_ORDER])
        return ids[np.searchsorted(zipf_cdf(len(ids), 1.2), rng.random(size))]

    # -- text ----------------------------------------------------------------------------

    def chapter_texts(self, batch: WorkBatch, i: int) -> list[str]:
        """Work ``i`` of ``batch``: its words as plain-text chapters (seeded by work id)."""
        work_id = int(batch.ids[i])
        rng = np.random.default_rng([self.seed, 7, work_id])
        total = int(batch.word_count[i])
        n = int(batch.chapter_count[i])
        bounds = np.linspace(0, total, n + 1).astype(np.int64)
        chapters: list[list[str]] = []
        block = self.words.BLOCK
        pool = self.words.pool()
        for a, b in itertools.pairwise(bounds.tolist()):
            full, rest = divmod(b - a, block)
            parts = [pool[k] for k in rng.integers(0, len(pool), full).tolist()]
            if rest:
                parts.append(self.words.join(self.words.ranks(rng, rest)))
            chapters.append(parts)
        # Planted: the phrase in 2% of works, the deep phrase past word 20,000 in a third
        # of the works longer than that (both between two blocks).
        if rng.random() < 0.02:
            self._plant(chapters, " ".join(PHRASE), int(rng.integers(0, max(1, total))))
        if self.has_deep_phrase(work_id, total):
            deep_rng = np.random.default_rng([self.seed, 8, work_id])
            at = int(deep_rng.integers(DEEP_PHRASE_AFTER + block, total - block))
            self._plant(chapters, " ".join(DEEP_PHRASE), at)
        return [" ".join(parts) for parts in chapters]

    def _plant(self, chapters: list[list[str]], phrase: str, word: int) -> None:
        """Put ``phrase`` between the parts at about word ``word`` (never before it)."""
        seen = 0
        for parts in chapters:
            for i, part in enumerate(parts):
                seen += part.count(" ") + 1
                if seen >= word:
                    parts.insert(i + 1, phrase)
                    return
        chapters[-1].append(phrase)

    def has_deep_phrase(self, work_id: int, words: int) -> bool:
        return words > DEEP_PHRASE_AFTER + 1000 and work_id % 3 == 0


class Vocabulary:
    """Zipf-distributed words (s = 1): 60,000 pseudo-words with real words among them."""

    SIZE = 60_000
    TABLE = 1 << 22
    BLOCK = 64
    POOL = 500_000  # blocks: 32 million words

    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng([seed, 5])
        words = [encode(i + 1024) for i in range(self.SIZE)]
        words[: len(FUNCTION_WORDS)] = FUNCTION_WORDS
        # Content words at ranks spread from 60 to the far tail, in a fixed order.
        ranks = np.unique(np.geomspace(60, self.SIZE - 1, len(CONTENT_WORDS)).astype(int))
        content = list(CONTENT_WORDS)
        rng.shuffle(content)
        for rank, word in zip(ranks.tolist(), content, strict=False):
            words[rank] = word
        # The query words at fixed ranks: common, rare, the NOT word, the phrase parts.
        for rank, word in ((80, COMMON_WORD), (45_000, RARE_WORD), (300, NOT_WORD),
                           (2_000, PHRASE[0]), (3_000, PHRASE[1]),
                           (20_000, DEEP_PHRASE[0]), (25_000, DEEP_PHRASE[1])):  # fmt: skip
            if word in words:
                words[words.index(word)] = encode(words.index(word) + 1024)
            words[rank] = word
        self.words = np.array(words, dtype=object)
        self.rank = {word: rank for rank, word in enumerate(words)}
        self.cdf = zipf_cdf(self.SIZE, 1.0)
        # Sampling by table: 4 million slots, each the rank its quantile falls on.
        slots = (np.arange(self.TABLE, dtype=np.float64) + 0.5) / self.TABLE
        self.table = np.searchsorted(self.cdf, slots).astype(np.int32)
        self.seed = seed
        self._pool: list[str] | None = None

    def ranks(self, rng: np.random.Generator, n: int) -> np.ndarray[Any, Any]:
        result: np.ndarray[Any, Any] = self.table[rng.integers(0, self.TABLE, n)]
        return result

    def join(self, ranks: np.ndarray[Any, Any]) -> str:
        return " ".join(self.words[ranks].tolist())

    def sample(self, rng: np.random.Generator, n: int) -> list[str]:
        result: list[str] = self.words[self.ranks(rng, n)].tolist()
        return result

    def pool(self) -> list[str]:
        """Blocks of ``BLOCK`` words drawn once: chapters are random sequences of blocks plus
        a tail, which keeps each word's frequency and costs one join per block, not per word
        (the text of 100,000 works is 600 million words)."""
        if self._pool is None:
            rng = np.random.default_rng([self.seed, 6])
            words = self.words[self.ranks(rng, self.POOL * self.BLOCK)].tolist()
            self._pool = [
                " ".join(words[i : i + self.BLOCK]) for i in range(0, len(words), self.BLOCK)
            ]
        return self._pool

    def share(self, word: str) -> float:
        rank = list(self.words).index(word)
        return float(self.cdf[rank] - (self.cdf[rank - 1] if rank else 0.0))


# -- sink 1: documents for a backend's rebuild ----------------------------------------------


def documents(corpus: Corpus, *, text: bool = False, progress: str | None = None) -> Iterator[Any]:
    """``WorkDocument`` values of every work, as ``search.documents.build_documents`` would
    make them from the database ``load_into_database`` writes."""
    from ficshelf.search.documents import WorkDocument

    t = corpus.tags
    for batch in corpus.batches(progress):
        own = _split(batch.tag_work, batch.tag_id, len(batch.ids))
        filt = _split(batch.filter_work, batch.filter_id, len(batch.ids))
        for i in range(len(batch.ids)):
            by_type: dict[str, list[int]] = defaultdict(list)
            for tag_id in filt[i]:
                by_type[TYPES[t.types[tag_id]]].append(tag_id)
            names = [corpus.user_name(u) for u in batch.creators[i]]
            yield WorkDocument(
                work_id=int(batch.ids[i]),
                title=batch.titles[i],
                creator_names=names,
                creator_user_ids=batch.creators[i],
                summary=batch.summaries[i],
                notes="",
                tag_names=sorted({t.names[x] for x in own[i]} | {t.names[x] for x in filt[i]}),
                chapter_texts=corpus.chapter_texts(batch, i) if text else [],
                filter_tag_ids=dict(by_type),
                fandom_count=int(batch.fandom_count[i]),
                relationship_count=int(batch.relationship_count[i]),
                is_crossover=bool(batch.is_crossover[i]),
                language_id=int(batch.language_id[i]),
                is_complete=bool(batch.is_complete[i]),
                is_restricted=bool(batch.is_restricted[i]),
                word_count=int(batch.word_count[i]),
                kudos_count=int(batch.kudos[i]),
                hits_count=int(batch.hits[i]),
                comments_count=int(batch.comments[i]),
                bookmarks_count=int(batch.bookmarks[i]),
                published_on=batch.date(batch.published[i]),
                updated_on=batch.date(batch.updated[i]),
            )


def _split(works: np.ndarray[Any, Any], values: np.ndarray[Any, Any], size: int) -> list[list[int]]:
    bounds = np.searchsorted(works, np.arange(size + 1))
    flat = values.tolist()
    return [flat[bounds[i] : bounds[i + 1]] for i in range(size)]


# -- sink 2: the database -------------------------------------------------------------------


def load_into_database(
    corpus: Corpus, *, text: bool = False, progress: bool = True, as_superuser: bool = False
) -> None:
    """Write the corpus into the configured database (empty, migrated): users and pseuds,
    tags with their meta, parent and synonym links, works, chapters, creatorships, tags,
    filter taggings. Bulk writes: executemany on SQLite, COPY on PostgreSQL."""
    from django.db import connection, transaction

    from ficshelf.accounts.models import Pseud, User
    from ficshelf.tags.models import FilterTagging, MetaTagging, ParentTagging, Tag
    from ficshelf.works.models import Chapter, Creatorship, Language, Work

    _check_fixed_ids(Tag, Language)
    writer = _Writer(connection)
    t = corpus.tags
    now = datetime.datetime.now(datetime.UTC)
    with transaction.atomic():
        if as_superuser:
            writer.skip_foreign_key_checks()
        writer.rows(User, ["id", "password", "username", "first_name", "last_name", "email",
                           "is_superuser", "is_staff", "is_active", "date_joined"],
                    ((u, "!", corpus.user_name(u), "", "", "", False, False, True, now)
                     for u in range(1, corpus.users + 1)))  # fmt: skip
        writer.rows(Pseud, ["id", "user_id", "name", "is_default", "description", "created_at"],
                    ((u, u, corpus.user_name(u), True, "", now)
                     for u in range(1, corpus.users + 1)))  # fmt: skip
        ids = t.ids[t.ids >= TAG_ID_BASE].tolist()
        writer.rows(Tag, ["id", "name", "type", "is_canonical", "merger_id", "created_at"],
                    ((i, t.names[i], TYPES[t.types[i]], bool(t.canonical[i]),
                      int(t.merger[i]) or None, now) for i in ids))  # fmt: skip
        writer.rows(MetaTagging, ["meta_tag_id", "sub_tag_id"], t.meta_pairs)
        writer.rows(ParentTagging, ["parent_id", "child_id"], sorted(set(t.parent_pairs)))
        through = Work.tags.through
        for batch in corpus.batches("database" if progress else None):
            writer.rows(Work, _WORK_COLUMNS, _work_rows(batch, now))
            writer.rows(Chapter, _CHAPTER_COLUMNS, _chapter_rows(corpus, batch, now, text))
            writer.rows(Creatorship, ["work_id", "pseud_id", "position", "is_approved"],
                        ((int(w), u, n, True) for w, users in zip(batch.ids, batch.creators,
                         strict=True) for n, u in enumerate(users)))  # fmt: skip
            base = int(batch.ids[0])
            writer.pairs(through, ["work_id", "tag_id"], batch.tag_work + base, batch.tag_id)
            writer.pairs(FilterTagging, ["work_id", "tag_id"], batch.filter_work + base,
                         batch.filter_id)  # fmt: skip
        writer.reset_sequences([User, Pseud, Tag, Work])
    writer.analyze()


def _check_fixed_ids(tag_model: Any, language_model: Any) -> None:
    found = dict(tag_model.objects.filter(name__in=FIXED_IDS).values_list("name", "id"))
    if found != FIXED_IDS:
        raise RuntimeError(f"fixed tags have other ids than the corpus assumes: {found}")
    langs = dict(language_model.objects.values_list("short", "id"))
    expected = {code: i + 1 for i, code in enumerate(LANGUAGE_CODES)}
    if langs != expected:
        raise RuntimeError("languages have other ids than the corpus assumes")
    if tag_model.objects.filter(id__gte=TAG_ID_BASE).exists():
        raise RuntimeError("the database already holds generated tags: load into an empty one")


_WORK_COLUMNS = ["id", "title", "summary", "notes", "end_notes", "sanitizer_version",
                 "language_id", "expected_chapter_count", "is_complete", "word_count",
                 "kudos_count", "hits_count", "comments_count", "bookmarks_count",
                 "published_on", "updated_on", "completed_on", "is_posted", "is_restricted",
                 "is_hidden_by_admin", "comment_permission", "moderated_comments",
                 "source_url", "imported_from", "created_at", "modified_at"]  # fmt: skip
_CHAPTER_COLUMNS = ["work_id", "position", "title", "summary", "notes", "end_notes", "text",
                    "sanitizer_version", "word_count", "is_posted", "published_on",
                    "created_at", "modified_at"]  # fmt: skip


def _work_rows(batch: WorkBatch, now: datetime.datetime) -> Iterator[tuple[Any, ...]]:
    from ficshelf.core.sanitizer import SANITIZER_VERSION

    for i in range(len(batch.ids)):
        updated = batch.date(batch.updated[i])
        complete = bool(batch.is_complete[i])
        yield (int(batch.ids[i]), batch.titles[i], f"<p>{batch.summaries[i]}</p>", "", "",
               SANITIZER_VERSION, int(batch.language_id[i]),
               int(batch.expected_chapters[i]) or None, complete, int(batch.word_count[i]),
               int(batch.kudos[i]), int(batch.hits[i]), int(batch.comments[i]),
               int(batch.bookmarks[i]), batch.date(batch.published[i]), updated,
               updated if complete else None, True, bool(batch.is_restricted[i]), False,
               "everyone", False, "", "", now, now)  # fmt: skip


def _chapter_rows(
    corpus: Corpus, batch: WorkBatch, now: datetime.datetime, text: bool
) -> Iterator[tuple[Any, ...]]:
    from ficshelf.core.sanitizer import SANITIZER_VERSION

    for i in range(len(batch.ids)):
        n = int(batch.chapter_count[i])
        texts = corpus.chapter_texts(batch, i) if text else ["<p>…</p>"] * n
        share = int(batch.word_count[i]) // n
        day = batch.date(batch.published[i])
        for position, body in enumerate(texts, start=1):
            html = f"<p>{body}</p>" if text else body
            yield (int(batch.ids[i]), position, "", "", "", "", html, SANITIZER_VERSION,
                   share, True, day, now, now)  # fmt: skip


class _Writer:
    """Bulk rows into a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.is_postgres = connection.vendor == "postgresql"
        if not self.is_postgres and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous = OFF")

    def skip_foreign_key_checks(self) -> None:
        """PostgreSQL queues a deferred check per row for each foreign key: tens of millions
        for a large corpus. The corpus is consistent by construction, so a superuser's load
        skips them (``session_replication_role``) for this transaction."""
        if self.is_postgres:
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")

    def rows(self, model: Any, columns: list[str], rows: Any) -> None:
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            if self.is_postgres:
                sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
                cursor.cursor.executemany(sql, rows)  # sqlite3's own: no Django per-row work

    def pairs(self, model: Any, columns: list[str], a: Any, b: Any) -> None:
        if self.is_postgres:
            table = model._meta.db_table
            data = "".join(f"{x}\t{y}\n" for x, y in zip(a.tolist(), b.tolist(), strict=True))
            with (
                self.connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                copy.write(data)
        else:
            self.rows(model, columns, zip(a.tolist(), b.tolist(), strict=True))

    def reset_sequences(self, models: list[Any]) -> None:
        if not self.is_postgres:
            return
        with self.connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")  # fmt: skip

    def analyze(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# -- shape ----------------------------------------------------------------------------------


def dump_shape(folder: Path = DUMP) -> dict[str, float]:
    """Figures from the OTW dump sample (works: 999 rows, tags: 1,999 rows)."""
    with (folder / "works-20210226.sample1000.csv").open(encoding="utf-8") as f:
        works = list(csv.DictReader(f))
    counts = sorted(len(r["tags"].split("+")) for r in works)
    words = [int(r["word_count"]) for r in works if r["word_count"] and int(r["word_count"]) > 0]
    with (folder / "tags-20210226.sample2000.csv").open(encoding="utf-8") as f:
        tags = list(csv.DictReader(f))
    cached = {r["name"]: int(r["cached_count"]) for r in tags}
    rating_total = sum(cached[name] for name in RATINGS)
    return {
        "works": len(works),
        "tags_mean": statistics.mean(counts),
        "tags_median": statistics.median(counts),
        "tags_p90": counts[int(0.9 * len(counts))],
        "words_median": statistics.median(words),
        "words_log_sigma": statistics.pstdev([math.log(w) for w in words]),
        "complete": sum(r["complete"] == "TRUE" for r in works) / len(works),
        "restricted": sum(r["restricted"] == "TRUE" for r in works) / len(works),
        "synonyms_of_tags": sum(bool(r["merger_id"]) for r in tags) / len(tags),
        **{f"rating {name}": cached[name] / rating_total for name in RATINGS},
        "M/M": cached["M/M"] / rating_total,
        "No Archive Warnings Apply": cached["No Archive Warnings Apply"] / rating_total,
    }


@dataclass
class Shape:
    """What a generated corpus looks like, and per-tag use counts for choosing queries."""

    works: int = 0
    tags_per_work: list[int] = field(default_factory=list)
    ratings: np.ndarray[Any, Any] = field(default_factory=lambda: np.zeros(6, np.int64))
    complete: int = 0
    english: int = 0
    crossover: int = 0
    words: list[int] = field(default_factory=list)
    filter_uses: np.ndarray[Any, Any] = field(default_factory=lambda: np.zeros(0, np.int64))
    own_uses: np.ndarray[Any, Any] = field(default_factory=lambda: np.zeros(0, np.int64))

    def figures(self, tags: TagSet) -> dict[str, float]:
        counts = np.array(self.tags_per_work)
        words = np.array(self.words)
        real = tags.types != NO_TYPE
        synonyms = real & (tags.merger > 0)
        used = self.own_uses > 0
        return {
            "works": self.works,
            "tags": int(real.sum()),
            "synonyms_of_tags": float(synonyms.sum() / real.sum()),
            "tags_used": int(used.sum()),
            "tags_mean": float(counts.mean()),
            "tags_median": float(np.median(counts)),
            "tags_p90": float(np.percentile(counts, 90)),
            **{
                f"rating {name}": float(self.ratings[i + 1] / self.works)
                for i, name in enumerate(RATINGS)
            },
            "complete": self.complete / self.works,
            "english": self.english / self.works,
            "crossover": self.crossover / self.works,
            "words_median": float(np.median(words)),
            "words_log_sigma": float(np.log(np.maximum(words, 1)).std()),
            "words_total": int(words.sum()),
            "top_fandom_works": int(self.filter_uses[tags.fandoms[0]]),
        }


def measure(corpus: Corpus, progress: str | None = None) -> Shape:
    shape = Shape()
    size = len(corpus.tags.names)
    shape.filter_uses = np.zeros(size, np.int64)
    shape.own_uses = np.zeros(size, np.int64)
    for batch in corpus.batches(progress):
        n = len(batch.ids)
        shape.works += n
        shape.tags_per_work += np.bincount(batch.tag_work, minlength=n).tolist()
        ratings = batch.tag_id[batch.tag_id <= 5]
        shape.ratings += np.bincount(ratings, minlength=6)
        shape.complete += int(batch.is_complete.sum())
        shape.english += int((batch.language_id == ENGLISH_ID).sum())
        shape.crossover += int(batch.is_crossover.sum())
        shape.words += batch.word_count.tolist()
        shape.filter_uses += np.bincount(batch.filter_id, minlength=size)
        shape.own_uses += np.bincount(batch.tag_id, minlength=size)
    return shape


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--dump", type=Path, default=DUMP)
    args = parser.parse_args(argv)
    out("dump sample: " + ", ".join(f"{k} {v:.3g}" for k, v in dump_shape(args.dump).items()))
    corpus = Corpus(args.works, args.seed)
    figures = measure(corpus, "measuring").figures(corpus.tags)
    out("generated:   " + ", ".join(f"{k} {v:.3g}" for k, v in figures.items()))


if __name__ == "__main__":
    import django

    django.setup()
    main()

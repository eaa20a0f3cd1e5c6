"""The corpus's tag set: fixed, generated and synonym tags with their wrangling links."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench.corpus.shape import (
    CATEGORY,
    CATEGORY_IDS,
    CHARACTER,
    CONTENT_WORDS,
    FANDOM,
    FANDOM_SUFFIXES,
    FREEFORM,
    HEAD_FREEFORMS,
    META_FREEFORMS,
    NO_TYPE,
    RATING,
    RATING_IDS,
    RELATIONSHIP,
    SEED,
    SYNONYM_SHARE,
    TAG_ID_BASE,
    WARNING,
    WARNING_IDS,
    encode,
    zipf_cdf,
    zipf_rank,
)


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

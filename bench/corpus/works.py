"""The corpus's works, drawn in seeded batches, and their text."""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from tqdm import tqdm

from bench.corpus.shape import (
    BATCH,
    CATEGORY_IDS,
    CATEGORY_SHARES,
    COMMON_WORD,
    COMPLETE_SHARE,
    CONTENT_WORDS,
    DEEP_PHRASE,
    DEEP_PHRASE_AFTER,
    ENGLISH_ID,
    ENGLISH_SHARE,
    FANDOM,
    FIRST_DAY,
    FUNCTION_WORDS,
    LANGUAGE_CODES,
    NOT_WORD,
    OTHER_LANGUAGE_ORDER,
    PHRASE,
    RARE_WORD,
    RATING_SHARES,
    RELATIONSHIP,
    RESTRICTED_SHARE,
    SEED,
    TAG_ID_BASE,
    TAGS_MEDIAN,
    TAGS_SIGMA,
    WARNING_IDS,
    WARNING_SHARES,
    WORDS_MEDIAN,
    WORDS_SIGMA,
    YEARS,
    encode,
    zipf_cdf,
    zipf_rank,
)
from bench.corpus.tags import make_tags
from ficshelf.tags.fixed import ARCHIVE_WARNINGS, CATEGORIES


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
        for name, mask in [
            *specific.items(),
            (ARCHIVE_WARNINGS[0], chose_not),
            (ARCHIVE_WARNINGS[3], no_warnings),
        ]:
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

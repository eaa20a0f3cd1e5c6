"""Sink 1: the corpus's works as documents for a search backend's rebuild."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import numpy as np

from bench.corpus.shape import TYPES
from bench.corpus.works import Corpus


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

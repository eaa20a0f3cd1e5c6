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

from bench.corpus.database import load_into_database
from bench.corpus.documents import documents
from bench.corpus.shape import (
    COMMON_WORD,
    DEEP_PHRASE,
    ENGLISH_ID,
    NO_TYPE,
    NOT_WORD,
    PHRASE,
    RARE_WORD,
    RATING_SHARES,
    RELATIONSHIP,
    SEED,
    WARNING_IDS,
    Shape,
    dump_shape,
    measure,
)
from bench.corpus.tags import TagSet, make_tags
from bench.corpus.works import Corpus, Vocabulary, WorkBatch
from ficshelf.tags.fixed import RATINGS

__all__ = [
    "COMMON_WORD",
    "DEEP_PHRASE",
    "ENGLISH_ID",
    "NOT_WORD",
    "NO_TYPE",
    "PHRASE",
    "RARE_WORD",
    "RATINGS",
    "RATING_SHARES",
    "RELATIONSHIP",
    "SEED",
    "WARNING_IDS",
    "Corpus",
    "Shape",
    "TagSet",
    "Vocabulary",
    "WorkBatch",
    "documents",
    "dump_shape",
    "load_into_database",
    "make_tags",
    "measure",
]

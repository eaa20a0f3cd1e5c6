"""The corpus's constants and draws, and the shape of the dump sample and of a generated corpus."""

from __future__ import annotations

import csv
import datetime
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ficshelf.tags.fixed import ARCHIVE_WARNINGS, CATEGORIES, RATINGS

if TYPE_CHECKING:
    from bench.corpus.tags import TagSet
    from bench.corpus.works import Corpus

REPO = Path(__file__).resolve().parents[2]
DUMP = REPO.parent / "shared" / "fixtures" / "ao3-dump"
SEED = 20260226
BATCH = 10_000  # works per generation batch: part of the corpus's definition
TAG_ID_BASE = 1000

TYPES = ["rating", "warning", "category", "fandom", "relationship", "character", "freeform"]
RATING, WARNING, CATEGORY, FANDOM, RELATIONSHIP, CHARACTER, FREEFORM = range(7)
NO_TYPE = 255

# Ids the migration gives them (update_or_create in this order on an empty table).
RATING_IDS = {name: 1 + i for i, name in enumerate(RATINGS)}
WARNING_IDS = {name: 6 + i for i, name in enumerate(ARCHIVE_WARNINGS)}
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

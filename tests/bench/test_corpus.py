"""The benchmark corpus has AO3's shape, is the same for a seed, and its filter taggings are
the ones ``tags.filtering`` computes."""

from __future__ import annotations

import pytest

from bench import corpus as c
from ficshelf.tags.filtering import refresh_filter_taggings
from ficshelf.tags.models import FilterTagging
from ficshelf.works.models import Work

WORKS = 2000


@pytest.fixture(scope="module")
def small() -> c.Corpus:
    return c.Corpus(WORKS, seed=7)


def test_generated_corpus_has_the_dumps_shape(small: c.Corpus) -> None:
    figures = c.measure(small).figures(small.tags)
    for share, name in zip(c.RATING_SHARES, c.RATINGS, strict=True):
        assert figures[f"rating {name}"] == pytest.approx(share, abs=0.03)
    assert figures["complete"] == pytest.approx(0.84, abs=0.03)
    assert figures["english"] == pytest.approx(0.906, abs=0.03)
    assert 18 <= figures["tags_median"] <= 22
    assert 20 <= figures["tags_mean"] <= 25
    assert figures["synonyms_of_tags"] == pytest.approx(0.25, abs=0.02)
    assert 1500 <= figures["words_median"] <= 2600


def test_same_seed_gives_the_same_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(c.Vocabulary, "POOL", 2000)  # the text's blocks, fewer for speed
    small = c.Corpus(WORKS, seed=7)
    again = c.Corpus(WORKS, seed=7)
    first, second = next(small.batches()), next(again.batches())
    assert small.tags.names == again.tags.names
    assert first.tag_id.tolist() == second.tag_id.tolist()
    assert first.kudos.tolist() == second.kudos.tolist()
    assert small.chapter_texts(first, 3) == again.chapter_texts(second, 3)
    other = next(c.Corpus(WORKS, seed=8).batches())
    assert first.tag_id.tolist() != other.tag_id.tolist()


def test_documents_agree_with_the_batches(small: c.Corpus) -> None:
    batch = next(small.batches())
    documents = c.documents(small)
    for i in range(50):
        document = next(documents)
        assert document.work_id == int(batch.ids[i])
        assert document.kudos_count == int(batch.kudos[i])
        filters = batch.filter_id[batch.filter_work == i].tolist()
        assert sorted(document.all_filter_tag_ids) == sorted(filters)


@pytest.mark.django_db
def test_filter_taggings_are_what_filtering_computes(small: c.Corpus) -> None:
    c.load_into_database(small, progress=False)
    loaded = set(FilterTagging.objects.values_list("work_id", "tag_id"))
    refresh_filter_taggings(Work.objects.values_list("pk", flat=True))
    assert set(FilterTagging.objects.values_list("work_id", "tag_id")) == loaded
    assert Work.objects.count() == WORKS

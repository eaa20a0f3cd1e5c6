"""Twenty blurbs keyed on what was loaded for them against keyed on the works' page versions.

Usage: .venv/bin/python -m bench.blurb_keys [--works 100000] [--data-dir DIR] [--pages 60]
       [--rounds 3]

On the data folder of ``bench.traffic_load`` (``bench.traffic_data``). ``--pages`` pages of
twenty works drawn at random are shown as a guest's listing shows them
(``works.prepared_reads.visible_posted_works_for_blurbs``, then ``works.kept_blurbs.blurbs_of``)
two ways:

- loaded whole (``with_relations=True``: tags, credits and series loaded, the key a digest
  of all of it), as listings did before issue 12's step 7;
- loaded without relations (``with_relations=False``: the key is the work's own row and
  its page versions, one query; the relations are loaded only for the blurbs not kept).

Each way runs with the shared cache emptied first (no blurb kept: every one rendered and
kept) and then again over the same pages (every blurb kept), in alternated rounds; the
median time per page of twenty is reported for each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from bench.environment import use_data_folder
from bench.traffic_data import default_folder, prepare


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, help="default: <bench data>/traffic-<works>")
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = args.data_dir or default_folder(args.works)
    use_data_folder(folder)
    prepare(folder, args.works)

    from django.core.cache import cache

    from bench.traffic_load import machine
    from ficshelf.works.kept_blurbs import blurbs_of
    from ficshelf.works.models import Work
    from ficshelf.works.prepared_reads import visible_posted_works_for_blurbs

    ids = list(Work.objects.visible_to(None).posted().values_list("pk", flat=True))
    rng = random.Random(20261207)
    pages = [rng.sample(ids, 20) for _ in range(args.pages)]

    def median_ms(with_relations: bool) -> float:
        times = []
        for page in pages:
            started = time.perf_counter()
            works = visible_posted_works_for_blurbs(None, page, with_relations=with_relations)
            blurbs_of(works, None)
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    print(f"{machine()}; {folder}; {len(ids)} visible works; {args.pages} pages of 20")
    print()
    print("| round | loaded | none kept (ms/page) | all kept (ms/page) |")
    print("|---|---|---|---|")
    for round_number in range(1, args.rounds + 1):
        for with_relations in (True, False):
            cache.clear()
            cold = median_ms(with_relations)
            kept = median_ms(with_relations)
            how = "whole (keyed on relations)" if with_relations else "bare (keyed on versions)"
            print(f"| {round_number} | {how} | {cold:.1f} | {kept:.1f} |", flush=True)


if __name__ == "__main__":
    main()

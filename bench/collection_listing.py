"""Benchmark: a collection's works listing against the same works' fandom listing (issue 13).

Usage: .venv/bin/python -m bench.collection_listing --data-dir DIR [--duration 20]

DIR is a Ficshelf data folder with a corpus and its index (``bench.traffic_data`` or
``bench.search`` leave one). The most used fandom's works are put in a collection
("bench_fest", approved on both sides, made once and indexed); then ``bench.listing_load``
runs twice on gunicorn, first on the fandom's listing and then on the collection's, each
with the same filters (minus two warnings, by kudos) and its own static-file baseline:
guest (kept), signed in (kept part), and signed in with every page new (cold). Both
listings hold the same works, so their figures should match: a collection listing must
keep the listing targets.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from bench.listing_load import default_listing_path

COLLECTION = "bench_fest"
_PREPARE = """
import django; django.setup()
import sys
NAME = sys.argv[1]
from django.db.models import Count
from ficshelf.search.queue import drain_index_queue
from ficshelf.tags.models import FilterTagging, Tag
from ficshelf.works.models import Collection, CollectionItem
fandom = Tag.objects.filter(type="fandom").annotate(n=Count("filter_taggings")).order_by("-n")[0]
collection, made = Collection.objects.get_or_create(name=NAME, defaults={"title": "Bench Fest"})
if made:
    ids = FilterTagging.objects.filter(tag=fandom).values_list("work_id", flat=True).distinct()
    CollectionItem.objects.bulk_create(
        CollectionItem(collection=collection, work_id=i) for i in ids
    )
    from ficshelf.search.queue import enqueue_works
    enqueue_works(list(ids))
    drain_index_queue()
print(collection.items.count())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--duration", type=int, default=20)
    args = parser.parse_args()
    env = {**os.environ, "FICSHELF_DATA_DIR": str(args.data_dir),
           "DJANGO_SETTINGS_MODULE": "ficshelf.settings"}  # fmt: skip
    count = (
        subprocess.run(
            [sys.executable, "-c", _PREPARE, COLLECTION],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    fandom_listing = default_listing_path(env)
    query = fandom_listing.split("?", 1)[1]
    print(f"collection {COLLECTION}: {count} works (the most used fandom's)", flush=True)
    for path in (fandom_listing, f"/collections/{COLLECTION}/works/?{query}"):
        subprocess.run(
            [sys.executable, "-m", "bench.listing_load", "--data-dir", str(args.data_dir),
             "--servers", "gunicorn", "--duration", str(args.duration), "--path", path],
            env=env, check=True,
        )  # fmt: skip


if __name__ == "__main__":
    main()

"""What a wrangler's routine change costs the pages kept for everyone else.

Usage: .venv/bin/python -m bench.wrangling_keeps [--works 100000] [--data-dir DIR]
       [--pages 40] [--work-pages 40] [--rounds 3]

On the data folder of ``bench.traffic_load`` (``bench.traffic_data``). ``--pages`` pages of
twenty random visible works are shown as a listing shows their blurbs
(``works.prepared_reads.visible_posted_works_for_blurbs`` without relations, then
``works.kept_blurbs.blurbs_of``) and ``--work-pages`` work pages are asked for by guests
past the adult notice (drawn as ``bench.traffic_load`` draws them), so that all are kept.
Then a wrangler makes a tag that none of those works carry canonical and uncanonical again
(``tags.actions``), and the same blurbs and work pages are shown again, timed, counting how
many were rendered afresh rather than served kept. Two ways, alternated in each round:

- as the archive does now: the actions move the versions of the works they refilter;
- as it did before (main up to 5810adc): every save of a tag also moved the version every
  kept work page and blurb is checked against (``search.page_versions.move_every_work_page``,
  called here after each action, as the tag's save did).

The tag is left as it was found; the versions moved stay (they only grow).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.environment import use_data_folder
from bench.traffic_data import default_folder, prepare

WRANGLER = "bench-wrangler"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, help="default: <bench data>/traffic-<works>")
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--work-pages", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = args.data_dir or default_folder(args.works)
    use_data_folder(folder)
    prepare(folder, args.works)

    from django.contrib.auth.models import Permission
    from django.core.cache import cache

    from bench.traffic_load import Archive, Traffic, machine, make_readers
    from bench.traffic_profile import send
    from ficshelf.accounts.models import User
    from ficshelf.search.page_versions import move_every_work_page
    from ficshelf.tags.actions import make_canonical, make_uncanonical
    from ficshelf.works import kept_blurbs, views
    from ficshelf.works.kept_blurbs import blurbs_of
    from ficshelf.works.models import Work
    from ficshelf.works.prepared_reads import visible_posted_works_for_blurbs

    rng = random.Random(20261208)
    ids = list(Work.objects.visible_to(None).posted().values_list("pk", flat=True))
    pages = [rng.sample(ids, 20) for _ in range(args.pages)]
    archive = Archive.gather()
    traffic = Traffic(archive, make_readers(archive, 0, 50, 13), rng)
    work_requests = [traffic.read("work-chapter-guest") for _ in range(args.work_pages)]
    shown = {work_id for page in pages for work_id in page}
    shown |= {int(request.path.split("/")[2]) for request in work_requests}
    tag = _uncanonical_tag_on_none_of(shown)
    wrangler = _wrangler(User, Permission)
    print(f"{machine()}; {folder}; {len(ids)} visible works")
    print(
        f"{args.pages} pages of 20 blurbs, {len(work_requests)} guest work pages; the tag "
        f"wrangled: {tag.name!r} ({tag.works.count()} works)"
    )

    renders = {"blurbs": 0, "pages": 0}
    real_blurb, real_page = kept_blurbs._render, views._render_reading

    def blurb(links: Any, preference: Any, work: Any) -> str:
        renders["blurbs"] += 1
        return real_blurb(links, preference, work)

    def page(request: Any, work: Any, reading: Any, **kwargs: Any) -> Any:
        renders["pages"] += 1
        return real_page(request, work, reading, **kwargs)

    kept_blurbs._render = blurb
    views._render_reading = page

    def show_blurbs() -> list[float]:
        times = []
        for listed in pages:
            started = time.perf_counter()
            blurbs_of(visible_posted_works_for_blurbs(None, listed, with_relations=False), None)
            times.append((time.perf_counter() - started) * 1000)
        return times

    def show_work_pages() -> list[float]:
        times = []
        for request in work_requests:
            started = time.perf_counter()
            send(request)
            times.append((time.perf_counter() - started) * 1000)
        return times

    def wrangle(then: Callable[[], None]) -> None:
        make_canonical(tag, actor=wrangler)
        then()
        make_uncanonical(tag, actor=wrangler)
        then()

    print()
    print(
        "| round | after the wrangle | blurb pages: ms/page (p50) | blurbs rendered | "
        "work pages: ms/page (p50) | work pages rendered |"
    )
    print("|---|---|---|---|---|---|")
    ways: list[tuple[str, Callable[[], None]]] = [
        ("now (its works' versions)", lambda: None),
        ("before (every work's version too)", move_every_work_page),
    ]
    for round_number in range(1, args.rounds + 1):
        for name, then in ways:
            cache.clear()
            show_blurbs(), show_work_pages()  # kept
            renders.update(blurbs=0, pages=0)
            wrangle(then)
            blurb_times, page_times = show_blurbs(), show_work_pages()
            print(
                f"| {round_number} | {name} | {statistics.median(blurb_times):.1f} | "
                f"{renders['blurbs']} of {20 * len(pages)} | {statistics.median(page_times):.1f} "
                f"| {renders['pages']} of {len(work_requests)} |",
                flush=True,
            )


def _uncanonical_tag_on_none_of(work_ids: set[int]) -> Any:
    """A freeform tag, neither canonical nor a synonym, on a few works none of them shown."""
    from django.db.models import Count

    from ficshelf.tags.models import Tag, TagType

    candidates = (
        Tag.objects.filter(type=TagType.FREEFORM, is_canonical=False, merger__isnull=True)
        .annotate(uses=Count("works"))
        .filter(uses__gte=1, uses__lte=50)
        .order_by("-uses", "pk")
    )
    for tag in candidates[:200]:
        if not set(tag.works.values_list("pk", flat=True)) & work_ids:
            return tag
    raise SystemExit("no uncanonical freeform tag on a few works outside the sample")


def _wrangler(user_model: Any, permission_model: Any) -> Any:
    user, _ = user_model.objects.get_or_create(
        username=WRANGLER, defaults={"email": f"{WRANGLER}@example.org"}
    )
    user.user_permissions.add(
        permission_model.objects.get(content_type__app_label="tags", codename="wrangle_tag")
    )
    return user_model.objects.get(pk=user.pk)  # permissions are cached per instance


if __name__ == "__main__":
    main()

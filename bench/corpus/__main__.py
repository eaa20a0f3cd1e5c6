"""``python -m bench.corpus``: the dump sample's shape next to a generated corpus's."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import bench.corpus
from bench.corpus.shape import DUMP, SEED, dump_shape, measure
from bench.corpus.works import Corpus


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=(bench.corpus.__doc__ or "").split("\n")[0])
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

"""Benchmark: how much of a stream of guest comments the spam defence holds, spam and good.

Usage: .venv/bin/python -m bench.spam_stream [--comments 10000] [--spam-share 0.02] [--seed 14]

A week of guest comments on 20 works, generated from a seed, each posted through
``social.actions.post_comment`` as the comment view calls it (with the sender's address),
in time order, the rate limits' clock moved to each comment's moment. The form guard and
the per-address rate limit stand in front of that call in the view; they are left out, so
every comment here is one that got past them (a person, or a robot that waits and leaves
the honeypot empty). No outside checker is configured.

Spam (``--spam-share`` of the stream), in the shapes it takes:

- ``link list``  3 to 10 links to shops, from addresses all over (a botnet);
- ``repeated``   one of three long pitches with one link, each sent 20 times or so from
                 different addresses over a day;
- ``burst``      one address sending 15 to 25 short comments with one link or none, a few
                 seconds apart.

Good comments: praise and talk of varied length, most without links, 8% with one link
(fan art, the reader's own fic), 2% with two, 0.5% with three or four (recommendations);
many short ones alike ("Loved it!"); a few readers binge, leaving 3 to 8 comments on
consecutive chapters within a quarter of an hour.

Prints one row per kind: sent, held, share held; and the good comments held by reason.
The data folder is made anew in a temporary folder each run.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.environment import cpu_model, use_data_folder

WEEK = 7 * 24 * 3600
SHOPS = ["cheap-pills", "casino-royale-bonus", "replica-watch", "crypto-double", "seo-boost"]
WORDS = [
    *("chapter", "ending", "character", "voice", "slow", "burn", "angst", "fluff", "dialogue"),
    *("pacing", "scene", "kiss", "fight", "hurt", "comfort", "plot", "twist", "canon", "world"),
    *("building", "banter", "prose", "imagery", "heartbreak", "reunion"),
]
SHORT_PRAISE = [
    "Loved it!",
    "This was wonderful.",
    "Thank you for writing this!",
    "More please!",
    "Beautiful.",
    "I cried.",
    "Kudos!!",
    "So good!",
]
PITCHES = [
    "Are you tired of working for someone else? I earn five thousand a week from home with "
    "this simple method, no experience needed, see {link} and start today!",
    "Great story! By the way, the best replica watches at the lowest prices are here {link} "
    "with free shipping worldwide and a discount for readers of this site.",
    "Hello friends, I found a crypto program that doubled my savings in one month, it is "
    "legit and safe, check {link} before the offer closes this weekend.",
]


@dataclass(frozen=True)
class Sent:
    moment: float  # seconds into the week
    kind: str  # "good" or a spam shape
    address: str
    text: str


def link(rng: random.Random, host: str | None = None) -> str:
    host = host or f"{rng.choice(SHOPS)}{rng.randrange(1000)}.example"
    return f'<a href="https://{host}/{rng.randrange(10**6)}">{host}</a>'


def good_text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return f"<p>{rng.choice(SHORT_PRAISE)}</p>"
    sentences = []
    for _ in range(rng.randint(1, 8)):
        words = rng.choices(WORDS, k=rng.randint(5, 16))
        sentences.append(" ".join(words).capitalize() + ".")
    body = " ".join(sentences)
    links = rng.random()
    if links < 0.005:
        recs = " ".join(
            link(rng, f"archive{rng.randrange(99)}.example") for _ in range(3 + (links < 0.002))
        )
        body += f" If you liked this you might like {recs}."
    elif links < 0.025:
        body += f" I drew fan art: {link(rng, 'fanart.example')} and {link(rng, 'blog.example')}."
    elif links < 0.105:
        body += f" My own take is here: {link(rng, 'myfic.example')}."
    return f"<p>{body}</p>"


def stream(total: int, spam_share: float, rng: random.Random) -> list[Sent]:
    spam_total = round(total * spam_share)
    sent: list[Sent] = []
    # Spam: a third of each shape (link lists take what rounding leaves).
    repeated = spam_total // 3
    burst = spam_total // 3
    for n in range(spam_total - repeated - burst):
        links = " ".join(link(rng) for _ in range(rng.randint(3, 10)))
        sent.append(
            Sent(rng.uniform(0, WEEK), "link list", f"203.0.113.{n % 250}", f"<p>{links}</p>")
        )
    for n in range(repeated):
        pitch = PITCHES[n % len(PITCHES)]
        start = float((n % len(PITCHES)) * 2 * 24 * 3600)
        text = "<p>" + pitch.format(link=link(rng, f"{SHOPS[n % len(SHOPS)]}.example")) + "</p>"
        address = f"198.18.{rng.randrange(256)}.{rng.randrange(256)}"
        sent.append(Sent(start + rng.uniform(0, 24 * 3600), "repeated", address, text))
    bursts_left = burst
    while bursts_left:
        size = min(bursts_left, rng.randint(15, 25))
        start, address = rng.uniform(0, WEEK), f"198.51.100.{rng.randrange(256)}"
        for n in range(size):
            promo = link(rng) if rng.random() < 0.5 else "my profile"
            text = f"<p>{rng.choice(SHORT_PRAISE)} {rng.choice(WORDS)} {n}, see {promo}</p>"
            sent.append(Sent(start + n * rng.uniform(2, 8), "burst", address, text))
        bursts_left -= size
    # Good comments: readers at their own addresses, a few binge readers.
    good_total = total - spam_total
    while good_total > 0:
        moment = rng.uniform(0, WEEK)
        address = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        size = min(good_total, rng.randint(3, 8)) if rng.random() < 0.01 else 1
        for n in range(size):
            sent.append(Sent(moment + n * rng.uniform(60, 150), "good", address, good_text(rng)))
        good_total -= size
    return sorted(sent, key=lambda s: s.moment)


def make_works(count: int) -> list[Any]:
    from ficshelf.accounts.models import Pseud, User
    from ficshelf.works.models import Chapter, Creatorship, Language, Work

    writer = User.objects.create_user("benchwriter", "w@example.org", "x")
    pseud = Pseud.objects.create(user=writer, name="benchwriter", is_default=True)
    chapters = []
    for n in range(count):
        work = Work.objects.create(
            title=f"Work {n}", is_posted=True, language=Language.objects.get(short="en")
        )
        Creatorship.objects.create(work=work, pseud=pseud)
        for position in range(1, 6):
            chapters.append(
                Chapter.objects.create(
                    work=work, position=position, is_posted=True, text="<p>Words.</p>"
                )
            )
    return chapters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--spam-share", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--burst-window", type=int, default=0, help="seconds (default: the archive's)"
    )
    args = parser.parse_args()
    use_data_folder(Path(tempfile.mkdtemp(prefix="spam-stream-")))
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command

    from ficshelf.core.ratelimit import limit_address
    from ficshelf.social.actions import post_comment
    from ficshelf.social.spam_checks import Sender

    if args.burst_window:  # trying another window than the archive's default
        from ficshelf.core.ratelimit import RateLimit
        from ficshelf.social import spam_checks

        spam_checks.BURSTS = RateLimit(
            "comment-burst", limit=spam_checks.BURST_LIMIT, window_seconds=args.burst_window
        )
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    chapters = make_works(20)
    comments = stream(args.comments, args.spam_share, rng)
    real_time = time.time
    start = (int(real_time()) // 3600 + 1) * 3600
    sent: Counter[str] = Counter()
    held: Counter[str] = Counter()
    good_reasons: Counter[str] = Counter()
    began = time.perf_counter()
    try:
        for n, each in enumerate(comments):
            moment = start + each.moment
            time.time = lambda moment=moment: moment  # type: ignore[misc]  # the limits' clock
            request = _request_from(each.address)
            comment = post_comment(
                chapters[n % len(chapters)],
                actor=AnonymousUser(),
                text=each.text,
                guest_name="Reader",
                guest_email="reader@example.org",
                sender=Sender(address=each.address, burst_key=limit_address(request)),
            )
            sent[each.kind] += 1
            if comment.spam_state:
                held[each.kind] += 1
                if each.kind == "good":
                    good_reasons[_reason_kind(comment.held_because)] += 1
    finally:
        time.time = real_time
    seconds = time.perf_counter() - began
    rate = len(comments) / seconds
    print(f"{len(comments):,} comments in {seconds:.1f} s ({rate:.0f}/s) on {cpu_model()}")
    from ficshelf.social.spam_checks import BURSTS

    print(
        f"link limit {settings.FICSHELF_SPAM_LINK_LIMIT}, bursts: more than {BURSTS.limit} in "
        f"{BURSTS.window_seconds} s, seed {args.seed}\n"
    )
    print("| comments | sent | held | share held |")
    print("|---|---|---|---|")
    spam_kinds = ["link list", "repeated", "burst"]
    for kind in [*spam_kinds, "good"]:
        print(f"| {kind} | {sent[kind]:,} | {held[kind]:,} | {_share(held[kind], sent[kind])} |")
    spam_sent = sum(sent[k] for k in spam_kinds)
    spam_held = sum(held[k] for k in spam_kinds)
    print(f"| all spam | {spam_sent:,} | {spam_held:,} | {_share(spam_held, spam_sent)} |")
    print("\nGood comments held, by reason:")
    for reason, count in good_reasons.most_common():
        print(f"- {reason}: {count}")


def _request_from(address: str) -> Any:
    from django.test import RequestFactory

    return RequestFactory().post("/", REMOTE_ADDR=address)


def _reason_kind(reason: str) -> str:
    return "links" if reason.endswith("links") else reason


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


if __name__ == "__main__":
    main()

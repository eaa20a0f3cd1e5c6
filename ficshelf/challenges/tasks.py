"""The worker's part of an exchange: generating assignments, with progress for its page."""

from __future__ import annotations

import datetime
import time
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from ficshelf.challenges import matching
from ficshelf.challenges.models import Assignment, GiftExchange, Prompt, SignUp
from ficshelf.social.models import InboxItem, InboxKind

# Progress is written at most this often: each write is a transaction.
PROGRESS_SECONDS = 0.5


@task()
def generate_assignments(exchange_id: int) -> int:
    """Match the exchange's sign-ups (``challenges.matching``) and save one assignment per
    recipient, replacing earlier ones; returns how many recipients got a giver. A failure
    is written on the exchange for its page, and the exchange goes back to "closed"."""
    exchange = GiftExchange.objects.get(pk=exchange_id)
    try:
        signups = matching_input(exchange)
        found = matching.match(signups, rules_of(exchange), progress=_progress(exchange_id))
    except (ValueError, MemoryError) as failure:
        GiftExchange.objects.filter(pk=exchange_id).update(
            stage=GiftExchange.Stage.CLOSED, matching_error=str(failure)[:500]
        )
        return 0
    with transaction.atomic():
        Assignment.objects.filter(exchange_id=exchange_id).delete()
        givers = {a.recipient: a for a in found.assignments}
        Assignment.objects.bulk_create(
            Assignment(
                exchange_id=exchange_id,
                recipient_id=signup.id,
                giver_id=givers[signup.id].giver if signup.id in givers else None,
                quality=givers[signup.id].quality if signup.id in givers else 0,
            )
            for signup in signups
            if signup.requests
        )
        GiftExchange.objects.filter(pk=exchange_id).update(
            stage=GiftExchange.Stage.MATCHED,
            matching_stage="done",
            matched_at=timezone.now(),
        )
    return len(found.assignments)


def rules_of(exchange: GiftExchange) -> matching.MatchRules:
    required = {str(t): int(n) for t, n in dict(exchange.required_matches).items() if int(n)}
    return matching.MatchRules(required=required, prompts_required=exchange.prompts_required)


def matching_input(
    exchange: GiftExchange, *, only: list[int] | None = None
) -> list[matching.SignUp]:
    """The sign-ups as the matcher takes them (``only``: just these sign-up ids). A synonym
    counts as its canonical tag, so "Steve Rogers" offered matches "Captain America"
    requested when wranglers merged them."""
    prompts: dict[int, dict[str, list[matching.Prompt]]] = defaultdict(lambda: defaultdict(list))
    tags_of: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    signups = SignUp.objects.filter(exchange=exchange)
    if only is not None:
        signups = signups.filter(pk__in=only)
    through = Prompt.tags.through.objects.filter(prompt__signup__in=signups)
    for prompt_id, tag_id, merger_id, tag_type in through.values_list(
        "prompt_id", "tag_id", "tag__merger_id", "tag__type"
    ):
        tags_of[prompt_id][tag_type].add(merger_id or tag_id)
    rows = Prompt.objects.filter(signup__in=signups).order_by("signup_id", "kind", "position")
    for prompt in rows.values("pk", "signup_id", "kind", "any_types"):
        prompts[prompt["signup_id"]][prompt["kind"]].append(
            matching.Prompt(
                tags={t: frozenset(ids) for t, ids in tags_of[prompt["pk"]].items()},
                any_types=frozenset(prompt["any_types"] or []),
            )
        )
    return [
        matching.SignUp(
            id=signup_id,
            requests=tuple(prompts[signup_id][Prompt.Kind.REQUEST]),
            offers=tuple(prompts[signup_id][Prompt.Kind.OFFER]),
        )
        for signup_id in signups.order_by("pk").values_list("pk", flat=True)
    ]


def hand_made_quality(exchange: GiftExchange, giver_id: int, recipient_id: int) -> int | None:
    """The quality the matcher would give ``giver_id`` writing for ``recipient_id`` (sign-up
    ids), or None when their sign-ups do not match under the exchange's rules."""
    pair = matching_input(exchange, only=[giver_id, recipient_id])
    people = {signup.id: signup for signup in pair}
    if giver_id not in people or recipient_id not in people:
        return None
    # The sign-up form and the set-up form check everything the matcher would refuse: a
    # ValueError here is a bug, and is left to say so rather than read as "no match".
    return matching.pair_quality(people[giver_id], people[recipient_id], rules_of(exchange))


def _progress(exchange_id: int) -> matching.Progress:
    last = 0.0

    def report(stage: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < PROGRESS_SECONDS and done < total:
            return
        last = now
        GiftExchange.objects.filter(pk=exchange_id).update(
            matching_stage=stage[:40], matching_done=done, matching_total=total
        )

    return report


# Writers are reminded this long before their assignment is due.
REMINDER_BEFORE = datetime.timedelta(days=3)


@task()
def remind_writers() -> int:
    """Remind each writer of a sent, unfulfilled assignment due within ``REMINDER_BEFORE``,
    once; returns how many were reminded."""
    now = timezone.now()
    due = Assignment.objects.filter(
        sent_at__isnull=False,
        fulfilled_by__isnull=True,
        reminded_at__isnull=True,
        exchange__assignments_due_at__gt=now,
        exchange__assignments_due_at__lte=now + REMINDER_BEFORE,
    ).select_related("exchange__collection", "giver", "recipient__pseud")
    count = 0
    for assignment in due:
        writer = assignment.writer_id
        with transaction.atomic():
            if writer is not None:
                InboxItem.objects.create(
                    recipient_id=writer,
                    kind=InboxKind.COLLECTION,
                    text=(
                        f"A reminder: your gift for {assignment.recipient.pseud.byline} in "
                        f"{assignment.exchange.collection.title} is due "
                        f"{assignment.exchange.assignments_due_at:%d %B %Y, %H:%M} UTC."
                    )[:500],
                    link=reverse("challenges:my_assignments"),
                    awaits_digest=True,
                )
                count += 1
            assignment.reminded_at = now
            assignment.save(update_fields=["reminded_at"])
    return count

"""What people do in a gift exchange, each one transaction: moderators set it up, open and
close sign-ups, generate, review and send assignments, and handle defaults; members sign
up, default, and claim pinch hits. Refusals raise ``ExchangeRefused`` with the reasons and
leave nothing written. Notices go to inboxes (``InboxKind.COLLECTION``) in the same
transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from ficshelf.accounts.models import Pseud, User
from ficshelf.challenges.models import (
    MAX_TAGS_PER_TYPE,
    PROMPT_TAG_TYPES,
    Assignment,
    GiftExchange,
    Nomination,
    Prompt,
    SignUp,
    TagSet,
)
from ficshelf.challenges.tasks import generate_assignments, hand_made_quality
from ficshelf.collections.notices import moderator_ids, tell
from ficshelf.core.sanitizer import sanitize_html
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.actions import tags_named
from ficshelf.works.collection_items import moderates
from ficshelf.works.collection_models import (
    ChallengeType,
    Collection,
)
from ficshelf.works.models import Creatorship, Gift

if TYPE_CHECKING:
    from collections.abc import Sequence


class ExchangeRefused(Exception):
    """A change to an exchange that was not made; ``reasons`` says why (each a sentence)."""

    def __init__(self, *reasons: str) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = list(reasons)


Stage = GiftExchange.Stage


def _must_moderate(user: User, exchange: GiftExchange) -> None:
    if not moderates(user, exchange.collection):
        raise ExchangeRefused("Only the collection's moderators can do that.")


# --- Setting up -----------------------------------------------------------------------------


@transaction.atomic
def set_up_exchange(collection: Collection, exchange: GiftExchange, *, actor: User) -> GiftExchange:
    """Save ``exchange`` (new or changed) for ``collection``; the collection becomes a gift
    exchange. Its rules cannot change once assignments exist."""
    if not moderates(actor, collection):
        raise ExchangeRefused("Only the collection's moderators can set up its exchange.")
    if exchange.pk and exchange.stage in (Stage.MATCHED, Stage.SENT):
        raise ExchangeRefused("Assignments exist: the sign-up rules can no longer change.")
    exchange.collection = collection
    exchange.save()
    if collection.challenge_type != ChallengeType.GIFT_EXCHANGE:
        collection.challenge_type = ChallengeType.GIFT_EXCHANGE
        collection.save(update_fields=["challenge_type"])
    return exchange


@transaction.atomic
def set_signups_open(exchange: GiftExchange, *, is_open: bool, actor: User) -> None:
    _must_moderate(actor, exchange)
    allowed_from = (Stage.SETUP, Stage.CLOSED) if is_open else (Stage.OPEN,)
    if exchange.stage not in allowed_from:
        raise ExchangeRefused(f"Sign-ups cannot be {'opened' if is_open else 'closed'} now.")
    exchange.stage = Stage.OPEN if is_open else Stage.CLOSED
    exchange.save(update_fields=["stage"])


# --- Signing up ------------------------------------------------------------------------------


@dataclass
class PromptData:
    """One request or offer as a member typed it: tag names per type."""

    tags: dict[str, list[str]] = field(default_factory=dict)
    any_types: list[str] = field(default_factory=list)
    details: str = ""
    url: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(self.tags.values()) and not self.any_types and not self.details.strip()


@transaction.atomic
def save_signup(
    exchange: GiftExchange,
    *,
    user: User,
    pseud: Pseud,
    requests: Sequence[PromptData],
    offers: Sequence[PromptData],
) -> SignUp:
    """Sign ``user`` up (or change their sign-up) while sign-ups are open. Every rule is
    checked before anything is written; all broken rules are told at once."""
    if not exchange.signups_are_open:
        raise ExchangeRefused("Sign-ups for this exchange are closed.")
    if pseud.user_id != user.pk:
        raise ExchangeRefused("Sign up with one of your own pseuds.")
    requests = [p for p in requests if not p.is_empty]
    offers = [p for p in offers if not p.is_empty]
    reasons: list[str] = []
    tags: dict[tuple[str, int], list[Tag]] = {}
    for kind, prompts, least, most in (
        (Prompt.Kind.REQUEST, requests, exchange.requests_min, exchange.requests_max),
        (Prompt.Kind.OFFER, offers, exchange.offers_min, exchange.offers_max),
    ):
        noun = "requests" if kind == Prompt.Kind.REQUEST else "offers"
        if not least <= len(prompts) <= most:
            reasons.append(f"Give between {least} and {most} {noun}; you gave {len(prompts)}.")
        for position, prompt in enumerate(prompts, start=1):
            found, problems = _checked_tags(exchange, kind, position, prompt)
            tags[(kind, position)] = found
            reasons += problems
    if reasons:
        raise ExchangeRefused(*reasons)
    signup, _ = SignUp.objects.update_or_create(
        exchange=exchange, user=user, defaults={"pseud": pseud}
    )
    signup.prompts.all().delete()
    for kind, prompts in ((Prompt.Kind.REQUEST, requests), (Prompt.Kind.OFFER, offers)):
        for position, data in enumerate(prompts, start=1):
            row = Prompt.objects.create(
                signup=signup,
                kind=kind,
                position=position,
                any_types=sorted(set(data.any_types)),
                details=sanitize_html(data.details) if exchange.allow_details else "",
                url=data.url if exchange.allow_prompt_url else "",
            )
            row.tags.set(tags[(kind, position)])
    return signup


def _checked_tags(
    exchange: GiftExchange, kind: str, position: int, prompt: PromptData
) -> tuple[list[Tag], list[str]]:
    """The prompt's tags, and what is wrong with them (counts per type, "any" where it is
    not allowed, names outside the tag set or unknown)."""
    label = f"{'Request' if kind == Prompt.Kind.REQUEST else 'Offer'} {position}"
    limits = exchange.limits(kind)
    allowed = set(exchange.any_allowed or [])
    found: list[Tag] = []
    problems: list[str] = []
    for tag_type in PROMPT_TAG_TYPES:
        names = prompt.tags.get(tag_type, [])[: MAX_TAGS_PER_TYPE + 1]
        least, most = limits.get(tag_type, [0, 0])
        is_any = tag_type in prompt.any_types
        noun = TagType(tag_type).label.lower()
        if is_any and tag_type not in allowed:
            problems.append(f"{label}: “any” is not allowed for {noun} tags.")
        if not is_any and not least <= len(names) <= most:
            problems.append(f"{label}: give between {least} and {most} {noun} tags.")
        tags, unknown = _tags_named(exchange, tag_type, names)
        found += tags
        if unknown:
            where = "in this exchange's tag set" if exchange.tag_set_id else "on the archive"
            problems.append(f"{label}: not a {noun} tag {where}: {', '.join(unknown)}.")
    return found, problems


def _tags_named(
    exchange: GiftExchange, tag_type: str, names: list[str]
) -> tuple[list[Tag], list[str]]:
    """Tags of ``tag_type`` by name (any case); with a tag set, only its tags."""
    choices = Tag.objects.filter(type=tag_type)
    if exchange.tag_set_id:
        choices = choices.filter(tag_sets=exchange.tag_set_id)
    # One query for the prompt's names of this type, not one per name.
    wanted = {name.strip().casefold(): name for name in names}
    by_name = {
        tag.name.casefold(): tag
        for tag in choices.annotate(lower=Lower("name")).filter(lower__in=list(wanted))
    }
    found = [by_name[key] for key in wanted if key in by_name]
    unknown = [name for key, name in wanted.items() if key not in by_name]
    return found, unknown


@transaction.atomic
def delete_signup(signup: SignUp, *, actor: User) -> None:
    exchange = signup.exchange
    if actor.pk != signup.user_id:
        _must_moderate(actor, exchange)
    elif not exchange.signups_are_open:
        raise ExchangeRefused("Sign-ups are closed: ask the moderators to take you out.")
    signup.delete()


# --- The sign-up summary -------------------------------------------------------------------


@dataclass(frozen=True)
class TagDemand:
    tag: Tag
    requested: int
    offered: int

    @property
    def short_of_offers(self) -> bool:
        return self.requested > 0 and self.offered == 0


def signup_summary(exchange: GiftExchange) -> dict[str, list[TagDemand]]:
    """Per tag type: each tag with how many sign-ups request and offer it (AO3's sign-up
    summary), the requested-but-never-offered first: those requests cannot be matched."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    through = Prompt.tags.through.objects.filter(prompt__signup__exchange=exchange)
    rows = through.values_list("tag_id", "prompt__kind", "prompt__signup_id").distinct()
    for tag_id, kind, _signup in rows:
        counts[tag_id][kind] += 1
    tags = Tag.objects.in_bulk(list(counts))
    summary: dict[str, list[TagDemand]] = defaultdict(list)
    for tag_id, counted in counts.items():
        tag = tags[tag_id]
        summary[tag.type].append(
            TagDemand(tag, counted[Prompt.Kind.REQUEST], counted[Prompt.Kind.OFFER])
        )
    for demands in summary.values():
        demands.sort(key=lambda d: (not d.short_of_offers, -d.requested, d.tag.name.casefold()))
    return dict(summary)


# --- Matching and assignments ---------------------------------------------------------------


@transaction.atomic
def start_matching(exchange: GiftExchange, *, actor: User) -> None:
    """Ask the worker to generate assignments (again): sign-ups must be closed."""
    _must_moderate(actor, exchange)
    if exchange.stage not in (Stage.CLOSED, Stage.MATCHED):
        raise ExchangeRefused("Close sign-ups first; assignments that were sent stay as they are.")
    exchange.stage = Stage.MATCHING
    exchange.matching_stage, exchange.matching_done, exchange.matching_total = "queued", 0, 0
    exchange.matching_error = ""
    exchange.save()
    transaction.on_commit(lambda: generate_assignments.enqueue(exchange.pk))


@transaction.atomic
def swap_recipients(first: Assignment, second: Assignment, *, actor: User) -> None:
    """Swap two givers' recipients (a moderator's fix before sending)."""
    exchange = first.exchange
    _must_moderate(actor, exchange)
    if exchange.stage != Stage.MATCHED or second.exchange_id != exchange.pk:
        raise ExchangeRefused("Assignments can be changed only after matching and before sending.")
    if first.giver_id in (second.recipient_id,) or second.giver_id in (first.recipient_id,):
        raise ExchangeRefused("That swap would have someone write for themselves.")
    first.giver_id, second.giver_id = second.giver_id, first.giver_id
    for assignment in (first, second):
        assignment.quality = _scored(assignment)
    # The unique recipient constraint is on recipients, which do not move.
    first.save(update_fields=["giver", "quality"])
    second.save(update_fields=["giver", "quality"])


def _scored(assignment: Assignment) -> int:
    """A hand-made match's quality as the matcher scores it; 0 when the giver's offers do
    not match the recipient's requests under the rules (the page says so)."""
    if assignment.giver_id is None:
        return 0
    quality = hand_made_quality(assignment.exchange, assignment.giver_id, assignment.recipient_id)
    return quality if quality is not None else 0


@transaction.atomic
def set_giver(assignment: Assignment, giver: SignUp | None, *, actor: User) -> None:
    """A moderator names who writes for this recipient (None: nobody yet)."""
    exchange = assignment.exchange
    _must_moderate(actor, exchange)
    if exchange.stage != Stage.MATCHED:
        raise ExchangeRefused("Assignments can be changed only after matching and before sending.")
    is_stranger = giver is not None and giver.exchange_id != exchange.pk
    if is_stranger or (giver is not None and giver.pk == assignment.recipient_id):
        raise ExchangeRefused("Choose another participant of this exchange.")
    if giver is not None:
        # A giver writes one gift: take them off the assignment they had.
        Assignment.objects.filter(exchange=exchange, giver=giver).update(giver=None, quality=0)
    assignment.giver = giver
    assignment.quality = _scored(assignment)
    assignment.save(update_fields=["giver", "quality"])


@transaction.atomic
def send_assignments(exchange: GiftExchange, *, actor: User) -> int:
    """Tell every giver whom they write for; the unmatched become open pinch hits.
    Returns how many givers were told."""
    _must_moderate(actor, exchange)
    if exchange.stage != Stage.MATCHED:
        raise ExchangeRefused("Generate the assignments before sending them.")
    now = timezone.now()
    told = 0
    assignments = exchange.assignments.select_related("giver", "recipient__pseud")
    for assignment in assignments:
        assignment.sent_at = now
        assignment.save(update_fields=["sent_at"])
        if assignment.giver is not None:
            tell(
                [assignment.giver.user_id],
                f"Your assignment in {exchange.collection.title}: write for "
                f"{assignment.recipient.pseud.byline}.",
                reverse("challenges:my_assignments"),
            )
            told += 1
    exchange.stage = Stage.SENT
    exchange.save(update_fields=["stage"])
    return told


@transaction.atomic
def default_assignment(assignment: Assignment, *, actor: User) -> None:
    """The writer (or a moderator) gives the assignment up: it becomes a pinch hit."""
    exchange = assignment.exchange
    if actor.pk != assignment.writer_id:
        _must_moderate(actor, exchange)
    if assignment.fulfilled_by_id is not None:
        raise ExchangeRefused("This assignment is fulfilled already.")
    assignment.defaulted_at = timezone.now()
    assignment.giver = None
    assignment.pinch_hitter = None
    assignment.save(update_fields=["defaulted_at", "giver", "pinch_hitter"])
    tell(
        moderator_ids(exchange.collection),
        f"An assignment in {exchange.collection.title} was given up and is a pinch hit now.",
        reverse("challenges:assignments", args=[exchange.collection.name]),
    )


@transaction.atomic
def claim_pinch_hit(assignment: Assignment, *, user: User) -> None:
    """A member takes an open pinch hit (or a moderator gives it to them)."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.exchange.stage != Stage.SENT or not assignment.is_open_pinch_hit:
        raise ExchangeRefused("This pinch hit is taken.")
    if assignment.recipient.user_id == user.pk:
        raise ExchangeRefused("You cannot write your own gift.")
    assignment.pinch_hitter = user
    assignment.save(update_fields=["pinch_hitter"])
    tell(
        [user.pk],
        f"You took a pinch hit in {assignment.exchange.collection.title}: write for "
        f"{assignment.recipient.pseud.byline}.",
        reverse("challenges:my_assignments"),
    )


def fulfil_with(work_id: int, collection: Collection) -> int:
    """Mark fulfilled every sent assignment of ``collection``'s exchange that this work
    fulfils: its writer is credited on the work and the work is a gift to the recipient.
    Returns how many were."""
    exchange = GiftExchange.objects.filter(collection=collection).first()
    if exchange is None:
        return 0
    writers = set(
        Creatorship.objects.filter(work_id=work_id, is_approved=True).values_list(
            "pseud__user_id", flat=True
        )
    )
    gifted = Gift.objects.filter(work_id=work_id, refused_at__isnull=True)
    recipients = set(gifted.values_list("recipient__user_id", flat=True))
    count = 0
    # Only this work's writers' assignments to its recipients: not every open one.
    open_ones = exchange.assignments.filter(
        Q(giver__user_id__in=writers) | Q(pinch_hitter_id__in=writers),
        fulfilled_by__isnull=True,
        sent_at__isnull=False,
        recipient__user_id__in=recipients,
    )
    for assignment in open_ones.select_related("giver", "recipient"):
        if assignment.writer_id in writers and assignment.recipient.user_id in recipients:
            assignment.fulfilled_by_id = work_id
            assignment.save(update_fields=["fulfilled_by"])
            count += 1
    return count


# --- Tag sets --------------------------------------------------------------------------------


def _must_own(user: User, tag_set: TagSet) -> None:
    if not (user.is_staff or tag_set.owners.filter(pk=user.pk).exists()):
        raise ExchangeRefused("Only the tag set's owners can do that.")


@transaction.atomic
def add_tags_to_set(tag_set: TagSet, tag_type: str, names: Sequence[str], *, actor: User) -> int:
    """The owners add tags (made where missing, as the posting form makes them); a name
    that is a tag of another type is refused. Returns how many were added."""
    _must_own(actor, tag_set)
    names = [n for n in names if n][: MAX_TAGS_PER_TYPE * 10]
    clash = Tag.objects.filter(name__in=names).exclude(type=tag_type)
    if clash.exists():
        raise ExchangeRefused(
            "Already tags of another type: " + ", ".join(sorted(t.name for t in clash)) + "."
        )
    tags = tags_named([(tag_type, names)])
    before = tag_set.tags.count()
    tag_set.tags.add(*tags)
    return tag_set.tags.count() - before


@transaction.atomic
def nominate(tag_set: TagSet, tag_type: str, names: Sequence[str], *, user: User) -> int:
    """A member nominates tags for the set, within the set's limit per type."""
    if not tag_set.nominations_open:
        raise ExchangeRefused("Nominations for this tag set are closed.")
    mine = Nomination.objects.filter(tag_set=tag_set, nominator=user, tag_type=tag_type)
    fresh = [n for n in dict.fromkeys(names) if not mine.filter(name__iexact=n).exists()]
    if mine.count() + len(fresh) > tag_set.nomination_limit:
        raise ExchangeRefused(
            f"You may nominate {tag_set.nomination_limit} tags of each type; "
            f"you have {mine.count()}."
        )
    Nomination.objects.bulk_create(
        Nomination(tag_set=tag_set, nominator=user, tag_type=tag_type, name=name[:150])
        for name in fresh
    )
    return len(fresh)


@transaction.atomic
def review_nomination(nomination: Nomination, *, approve: bool, actor: User) -> None:
    _must_own(actor, nomination.tag_set)
    if approve:
        add_tags_to_set(nomination.tag_set, nomination.tag_type, [nomination.name], actor=actor)
    nomination.state = Nomination.State.APPROVED if approve else Nomination.State.REJECTED
    nomination.save(update_fields=["state"])

"""AO3's gift exchange assignment, re-implemented in Python to compare Ficshelf's with it.

Described from otwarchive (github.com/otwcode/otwarchive) as read for this benchmark, in
these files: ``app/models/challenge_assignment.rb`` (``delayed_generate``,
``assign_request!``, ``assign_offer!``), ``app/models/potential_match.rb`` (the ranking of
potential matches), ``app/models/potential_matcher/potential_matcher_constrained.rb`` and
``prompt_tag_type_info.rb`` beside it, ``app/models/prompt_batch.rb`` and
``app/models/potential_match_builder.rb`` (building the potential matches),
``app/models/prompt.rb`` (``matches?``, ``count_tags_matched``) and
``app/models/tag_set.rb`` (``match_rank``). This is a description in our own words, not a
translation of the Ruby.

Potential matches. For every (request sign-up, offer sign-up) pair of different people,
every request of the first is tried against every offer of the second; to avoid trying
all pairs, offers are indexed by the tags of one required type (the first "good" one: a
type with enough distinct tags and few "any" prompts; fandom in a Yuletide-like exchange),
and a request is tried only against offers sharing a tag of that type or offering "any" for
it (against every offer if the request itself has no tag of that type or ticks "any").
A request matches an offer when, for every tag type, either side ticked "any", or the
request's *match rank* against the offer reaches the required count: the rank is "all"
when the request names no tag of the type or every tag it names is offered, otherwise the
number of shared tags; a requirement of "all" needs rank "all". Each matching prompt pair
adds one to the potential match's ``num_prompts_matched`` (so one request matched by two
offers counts twice) and raises ``max_tags_matched`` to the tags the two prompts share (of
every type) if higher. A pair is a potential match when ``num_prompts_matched`` reaches
the exchange's required number of prompts (every request for "all").
Potential matches are ranked by ``num_prompts_matched``, then ``max_tags_matched``, then
their row id; a sign-up's list is sorted and reversed, so the best comes first and, among
equals, the one stored last. Rows are stored batch by batch (offer sign-ups in batches of
100, request sign-ups within), which is the order used here for the row id.

Assignment (greedy). Each sign-up is put in two buckets: by how many potential givers it
has as a recipient, and by how many potential recipients it has as a giver. Going through
the counts from 0 upwards, first the recipients with that many givers, in random order,
then the givers with that many recipients, in random order:

- a recipient not yet handled takes the first giver in its ranked list who is not yet
  giving; a giver who already receives from this recipient (a mutual pair) is passed over
  and kept as a last choice, used only if nobody else is free (only the first such giver
  is kept aside: a second one met later in the list is taken directly);
- a giver not yet handled does the same over its ranked recipients, skipping those who
  already have a giver.

Whoever finds nobody is still marked as handled, and gets a placeholder assignment: a
recipient without a giver, or a giver without a recipient. There is no second pass; the
challenge's moderators fill the placeholders by hand (pinch hitters). So a recipient
handled early without a giver is skipped later even when a giver with no recipient could
have written for them.

Not reproduced: the "no match required" settings, which put everyone into one bucket, and
the database round trips. A rewrite of this code using Hopcroft-Karp was proposed to
otwarchive in 2019 (pull request 3686, AO3-5802) and closed without being merged; the code
read here is the greedy one that AO3 runs.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ficshelf.challenges.matching import (
    ALL,
    QUALITY_BASE,
    TAG_TYPES,
    Assignment,
    Matching,
    MatchRules,
    Prompt,
    SignUp,
)

# AO3's constrained matcher reads sign-ups in batches of this many.
BATCH = 100
_NO_TAGS: frozenset[int] = frozenset()


@dataclass
class PotentialMatch:
    giver: int  # AO3: offer_signup
    recipient: int  # AO3: request_signup
    num_prompts_matched: int = 0
    max_tags_matched: int = 0
    row: int = 0  # the row id AO3 would give it: the order in which it is stored
    # Not AO3's: each matched request's best shared-tag count, to report the same quality
    # figure as Ficshelf's matcher for the same pair.
    best_per_request: dict[int, int] = field(default_factory=dict)

    def rank(self) -> tuple[int, int, int]:
        return (self.num_prompts_matched, self.max_tags_matched, self.row)

    def ficshelf_quality(self) -> int:
        shared = sum(self.best_per_request.values())
        return QUALITY_BASE * len(self.best_per_request) + min(shared, QUALITY_BASE - 1)


def match_rank(request: Prompt, offer: Prompt, tag_type: str) -> int:
    """ALL when the request names nothing of the type or all it names is offered, else the
    number of shared tags of the type."""
    asked = request.tags.get(tag_type, _NO_TAGS)
    offered = offer.tags.get(tag_type, _NO_TAGS)
    if asked <= offered:
        return ALL
    return len(asked & offered)


def prompts_match(request: Prompt, offer: Prompt, rules: MatchRules) -> bool:
    for tag_type in TAG_TYPES:
        if tag_type in request.any_types or tag_type in offer.any_types:
            continue
        needed = rules.required.get(tag_type, 0)
        rank = match_rank(request, offer, tag_type)
        if needed == ALL and rank != ALL:
            return False
        if rank != ALL and rank < needed:
            return False
    return True


def tags_shared(request: Prompt, offer: Prompt) -> int:
    return sum(len(tags & offer.tags.get(t, _NO_TAGS)) for t, tags in request.tags.items())


def index_type(people: Sequence[SignUp], rules: MatchRules) -> str | None:
    """AO3's first "good" index type: a required type with at least min(10, sign-ups / 10)
    distinct tags and at most max(10, prompts / 10) prompts ticking "any" for it; failing
    that, the first required type (None: nothing is required)."""
    prompts = [p for person in people for p in (*person.requests, *person.offers)]
    required = [t for t in TAG_TYPES if rules.required.get(t, 0) != 0]
    for tag_type in required:
        distinct = {tag for p in prompts for tag in p.tags.get(tag_type, ())}
        with_any = sum(tag_type in p.any_types for p in prompts)
        if len(distinct) >= min(10, len(people) // 10) and with_any <= max(10, len(prompts) // 10):
            return tag_type
    return required[0] if required else None


def _offer_candidates(
    people: Sequence[SignUp], tag_type: str | None
) -> tuple[dict[int, list[tuple[int, Prompt]]], list[tuple[int, Prompt]], list[tuple[int, Prompt]]]:
    by_tag: dict[int, list[tuple[int, Prompt]]] = {}
    with_any: list[tuple[int, Prompt]] = []
    every: list[tuple[int, Prompt]] = []
    for position, person in enumerate(people):
        for offer in person.offers:
            every.append((position, offer))
            if tag_type is None:
                continue
            if tag_type in offer.any_types:
                with_any.append((position, offer))
            for tag in offer.tags.get(tag_type, ()):
                by_tag.setdefault(tag, []).append((position, offer))
    return by_tag, with_any, every


def potential_matches(people: Sequence[SignUp], rules: MatchRules) -> list[PotentialMatch]:
    """AO3's potential matches, in the order AO3 would store them (``row``)."""
    tag_type = index_type(people, rules)
    by_tag, with_any, every = _offer_candidates(people, tag_type)
    found: dict[tuple[int, int], PotentialMatch] = {}
    for position, recipient in enumerate(people):
        for number, request in enumerate(recipient.requests):
            if tag_type is None or tag_type in request.any_types or not request.tags.get(tag_type):
                candidates: Iterable[tuple[int, Prompt]] = every
            else:
                # A set: an offer sharing two indexed tags is still one candidate.
                candidates = {
                    (g, id(o)): (g, o)
                    for tag in request.tags[tag_type]
                    for g, o in (*by_tag.get(tag, ()), *with_any)
                }.values()
            for giver, offer in candidates:
                if giver == position or not prompts_match(request, offer, rules):
                    continue
                pm = found.setdefault((giver, position), PotentialMatch(giver, position))
                shared = tags_shared(request, offer)
                pm.num_prompts_matched += 1
                pm.max_tags_matched = max(pm.max_tags_matched, shared)
                pm.best_per_request[number] = max(pm.best_per_request.get(number, -1), shared)
    kept = [pm for pm in found.values() if _enough(pm, people[pm.recipient], rules)]
    # Stored offer batch by offer batch, request sign-up by request sign-up.
    kept.sort(key=lambda pm: (pm.giver // BATCH, pm.recipient, pm.giver))
    for row, pm in enumerate(kept, start=1):
        pm.row = row
    return kept


def _enough(pm: PotentialMatch, recipient: SignUp, rules: MatchRules) -> bool:
    needed = len(recipient.requests) if rules.prompts_required == ALL else rules.prompts_required
    return pm.num_prompts_matched >= needed


@dataclass
class _State:
    handled_as_recipient: set[int] = field(default_factory=set)  # AO3: assigned_as_request
    handled_as_giver: set[int] = field(default_factory=set)  # AO3: assigned_as_offer
    giver_of: dict[int, PotentialMatch] = field(default_factory=dict)
    recipient_of: dict[int, PotentialMatch] = field(default_factory=dict)

    def assign(self, pm: PotentialMatch) -> None:
        self.giver_of[pm.recipient] = pm
        self.recipient_of[pm.giver] = pm
        self.handled_as_giver.add(pm.giver)
        self.handled_as_recipient.add(pm.recipient)


def _assign_recipient(state: _State, options: list[PotentialMatch], recipient: int) -> None:
    last_choice: PotentialMatch | None = None
    for pm in options:
        if pm.giver in state.handled_as_giver:
            continue
        mine = state.giver_of.get(pm.giver)
        if last_choice is None and mine is not None and mine.giver == recipient:
            last_choice = pm  # a mutual pair: only if nobody else is free
            continue
        state.assign(pm)
        return
    if last_choice is not None:
        state.assign(last_choice)
    state.handled_as_recipient.add(recipient)


def _assign_giver(state: _State, options: list[PotentialMatch], giver: int) -> None:
    last_choice: PotentialMatch | None = None
    for pm in options:
        if pm.recipient in state.handled_as_recipient:
            continue
        theirs = state.recipient_of.get(pm.recipient)
        if last_choice is None and theirs is not None and theirs.recipient == giver:
            last_choice = pm
            continue
        state.assign(pm)
        return
    if last_choice is not None:
        state.assign(last_choice)
    state.handled_as_giver.add(giver)


def _buckets(people: int, options: dict[int, list[PotentialMatch]]) -> dict[int, list[int]]:
    buckets: dict[int, list[int]] = {}
    for position in range(people):
        buckets.setdefault(len(options.get(position, [])), []).append(position)
    return buckets


def assign(people: int, matches: list[PotentialMatch], rng: random.Random) -> _State:
    """AO3's greedy assignment over ``matches``, fewest options first."""
    as_recipient: dict[int, list[PotentialMatch]] = {}
    as_giver: dict[int, list[PotentialMatch]] = {}
    for pm in matches:
        as_recipient.setdefault(pm.recipient, []).append(pm)
        as_giver.setdefault(pm.giver, []).append(pm)
    for options in (*as_recipient.values(), *as_giver.values()):
        options.sort(key=PotentialMatch.rank, reverse=True)
    recipient_buckets = _buckets(people, as_recipient)
    giver_buckets = _buckets(people, as_giver)
    state = _State()
    for count in range(max((*recipient_buckets, *giver_buckets), default=0) + 1):
        recipients = list(recipient_buckets.get(count, []))
        rng.shuffle(recipients)
        for recipient in recipients:
            if recipient not in state.handled_as_recipient:
                _assign_recipient(state, as_recipient.get(recipient, []), recipient)
        givers = list(giver_buckets.get(count, []))
        rng.shuffle(givers)
        for giver in givers:
            if giver not in state.handled_as_giver:
                _assign_giver(state, as_giver.get(giver, []), giver)
    return state


def greedy_match(signups: Iterable[SignUp], rules: MatchRules, *, seed: int = 0) -> Matching:
    """AO3's assignment for these sign-ups; ``seed`` drives its random orders. Qualities
    are Ficshelf's (``matching.QUALITY_BASE``), so the two matchers' figures compare."""
    people = sorted(signups, key=lambda s: s.id)
    state = assign(len(people), potential_matches(people, rules), random.Random(seed))
    return to_matching(people, state)


def to_matching(people: Sequence[SignUp], state: _State) -> Matching:
    ids = [p.id for p in people]
    chosen = sorted(state.giver_of.values(), key=lambda pm: pm.giver)
    mutual = sum(
        1
        for pm in chosen
        if (back := state.giver_of.get(pm.giver)) is not None and back.giver == pm.recipient
    )
    return Matching(
        assignments=[
            Assignment(ids[pm.giver], ids[pm.recipient], pm.ficshelf_quality()) for pm in chosen
        ],
        no_recipient=[ids[p] for p in range(len(people)) if p not in state.recipient_of],
        no_giver=[ids[p] for p in range(len(people)) if p not in state.giver_of],
        mutual_pairs=mutual // 2,
    )

"""Gift exchange matching: who writes for whom (docs/decisions/0015).

Pure Python with numpy and scipy and no Django: the challenges app turns its sign-up rows
into these dataclasses, calls ``match`` in a worker job, and saves what comes back.

When a request matches an offer (AO3's rules, so exchanges moved from AO3 keep their
meaning): for every tag type the rules require (``required[type] != 0``) the pair matches
on that type when

- either prompt ticked "any" for the type, or the request names no tag of the type (it is
  open to anything there);
- otherwise, with *shared* the request's tags of the type that the offer has too:
  ``ALL`` needs every one of the request's tags offered; a number ``n`` needs ``n`` shared,
  or every one of the request's tags offered (a request naming one character matches on
  it even where the rules ask for two).

A giver can write for a recipient when at least ``prompts_required`` of the recipient's
requests (every one of them for ``ALL``) are each matched by some offer of the giver. A
sign-up never gives to itself, and one without requests cannot receive.

The quality of a (giver, recipient) pair is ``QUALITY_BASE * R + S``: R is how many of the
recipient's requests the giver matches, S the sum over those requests of the most tags (of
every type) the request shares with one matching offer, capped at ``QUALITY_BASE - 1``. So
any pair matching more requests is better, and shared tags break ties.

``match`` finds, exactly, the assignment with the most participants matched, then the
highest total quality, then (by re-solving with penalties) as few mutual pairs as it can
find without giving up a match or any quality.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_array  # type: ignore[import-untyped]
from scipy.sparse.csgraph import min_weight_full_bipartite_matching  # type: ignore[import-untyped]

ALL: Final = -1
TAG_TYPES: Final = ("fandom", "character", "relationship", "freeform")
QUALITY_BASE: Final = 1000

# Solves spent on breaking up mutual pairs, the first included; each costs about as much as
# the first (a second or less at 3,000 sign-ups), and the benchmark's sets needed up to 5.
MUTUAL_ROUNDS: Final = 6
# Progress is reported every this many recipients while the pairs are computed.
PROGRESS_EVERY: Final = 250
# Costs are float64 inside scipy: integer sums stay exact below 2**53.
_EXACT_LIMIT: Final = 2**53

Progress = Callable[[str, int, int], None]
IntArray = npt.NDArray[np.int64]
_NO_TAGS: Final[frozenset[int]] = frozenset()
_Wanted = Sequence[tuple[str, int]]  # the required tag types and counts


@dataclass(frozen=True)
class Prompt:
    """One request or one offer of a sign-up."""

    tags: Mapping[str, frozenset[int]] = field(default_factory=dict)  # tag type -> tag ids
    # Types where the participant ticked "any": it matches anything of that type.
    any_types: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SignUp:
    id: int
    requests: tuple[Prompt, ...]
    offers: tuple[Prompt, ...]


@dataclass(frozen=True)
class MatchRules:
    # Per tag type, how many tags a request and an offer must share: 0 (or absent) = that
    # type need not match; ALL = every tag of the request must be offered.
    required: Mapping[str, int]
    # How many of the recipient's requests some offer of the giver must match; ALL = every one.
    prompts_required: int = 1


@dataclass(frozen=True)
class Assignment:
    giver: int
    recipient: int
    quality: int


@dataclass
class Matching:
    assignments: list[Assignment]
    no_recipient: list[int]  # givers left without anyone to write for
    no_giver: list[int]  # recipients left without a gift
    mutual_pairs: int  # pairs that give to each other


def potential_matches(
    signups: Iterable[SignUp], rules: MatchRules, *, progress: Progress | None = None
) -> dict[int, dict[int, int]]:
    """Every feasible pair: giver id -> {recipient id: quality}, givers and recipients in id
    order. A giver who can write for nobody is left out."""
    people = _validated(signups, rules)
    by_position = _feasible_pairs(people, rules, progress)
    return {
        people[giver].id: {people[recipient].id: q for recipient, q in row.items()}
        for giver, row in enumerate(by_position)
        if row
    }


def pair_quality(giver: SignUp, recipient: SignUp, rules: MatchRules) -> int | None:
    """The quality of ``giver`` writing for ``recipient``, or None if they do not match
    (e.g. to check an assignment a moderator wrote in)."""
    _validated([giver] if giver.id == recipient.id else [giver, recipient], rules)
    if giver.id == recipient.id:
        return None
    wanted = _wanted(rules)
    best = [_best_offer(request, giver.offers, wanted) for request in recipient.requests]
    return _quality(best, _needed(rules, recipient))


def match(
    signups: Iterable[SignUp], rules: MatchRules, *, progress: Progress | None = None
) -> Matching:
    """Who writes for whom: the most participants matched, then the best total quality,
    then the fewest mutual pairs found. The same input gives the same output."""
    people = _validated(signups, rules)
    edges = _Edges.of(_feasible_pairs(people, rules, progress))
    chosen, mutual = _fewest_mutual_pairs(edges, len(people), progress)
    givers, recipients = edges.giver[chosen], edges.recipient[chosen]
    ids = [person.id for person in people]
    return Matching(
        assignments=[
            Assignment(ids[g], ids[r], q)
            for g, r, q in zip(
                givers.tolist(), recipients.tolist(), edges.quality[chosen].tolist(), strict=True
            )
        ],
        no_recipient=_left_out(ids, givers),
        no_giver=_left_out(ids, recipients),
        mutual_pairs=mutual,
    )


# Checking the input


def _validated(signups: Iterable[SignUp], rules: MatchRules) -> list[SignUp]:
    """The sign-ups in id order, once the input is known to make sense."""
    people = sorted(signups, key=lambda signup: signup.id)
    _check_rules(rules)
    duplicates = sorted({a.id for a, b in pairwise(people) if a.id == b.id})
    if duplicates:
        raise ValueError(f"duplicate sign-up ids: {duplicates}")
    for person in people:
        for kind, prompts in (("request", person.requests), ("offer", person.offers)):
            for number, prompt in enumerate(prompts, start=1):
                unknown = (set(prompt.tags) | prompt.any_types) - set(TAG_TYPES)
                if unknown:
                    raise ValueError(
                        f"sign-up {person.id}, {kind} {number}: unknown tag type "
                        f"{sorted(unknown)} (known: {', '.join(TAG_TYPES)})"
                    )
    return people


def _check_rules(rules: MatchRules) -> None:
    for tag_type, count in rules.required.items():
        if tag_type not in TAG_TYPES:
            raise ValueError(
                f"the rules name an unknown tag type {tag_type!r} (known: {', '.join(TAG_TYPES)})"
            )
        if count < ALL:
            raise ValueError(f"required {tag_type} must be ALL (-1), 0 or more, not {count}")
    if rules.prompts_required < 1 and rules.prompts_required != ALL:
        raise ValueError(
            f"prompts_required must be ALL (-1) or at least 1, not {rules.prompts_required}"
        )


# When a request matches an offer, and how well


def _wanted(rules: MatchRules) -> tuple[tuple[str, int], ...]:
    """The types that must match, in a fixed order."""
    return tuple((t, rules.required[t]) for t in TAG_TYPES if rules.required.get(t, 0) != 0)


def _type_matches(request: Prompt, offer: Prompt, tag_type: str, count: int) -> bool:
    if tag_type in request.any_types or tag_type in offer.any_types:
        return True
    asked = request.tags.get(tag_type, _NO_TAGS)
    offered = offer.tags.get(tag_type, _NO_TAGS)
    if asked <= offered:  # also true when the request names nothing of the type
        return True
    return count != ALL and len(asked & offered) >= count


def _prompt_match(request: Prompt, offer: Prompt, wanted: _Wanted) -> int:
    """How many tags the two share if they match, or -1."""
    for tag_type, count in wanted:
        if not _type_matches(request, offer, tag_type, count):
            return -1
    return sum(len(tags & offer.tags.get(t, _NO_TAGS)) for t, tags in request.tags.items())


def _best_offer(request: Prompt, offers: Iterable[Prompt], wanted: _Wanted) -> int:
    return max((_prompt_match(request, offer, wanted) for offer in offers), default=-1)


def _needed(rules: MatchRules, recipient: SignUp) -> int:
    if rules.prompts_required == ALL:
        return len(recipient.requests)
    return rules.prompts_required


def _quality(best_per_request: Iterable[int], needed: int) -> int | None:
    """The pair's quality from the best shared-tag count of each request (-1 = unmatched),
    or None if too few requests are matched."""
    matched = [shared for shared in best_per_request if shared >= 0]
    if not matched or len(matched) < needed:
        return None
    return QUALITY_BASE * len(matched) + min(sum(matched), QUALITY_BASE - 1)


# The feasible pairs, through an index of the offers


@dataclass
class _OfferIndex:
    """The offers by tag of one required type, so a request is compared only with offers
    that share a tag of that type with it (or ticked "any" for it): at 3,000 sign-ups that
    is a few hundred thousand comparisons instead of nine million pairs of sign-ups."""

    tag_type: str | None
    by_tag: dict[int, list[tuple[int, Prompt]]]  # tag id -> (giver position, offer)
    any_offers: list[tuple[int, Prompt]]
    every_offer: list[tuple[int, Prompt]]

    @classmethod
    def of(cls, people: Sequence[SignUp], tag_type: str | None) -> _OfferIndex:
        index = cls(tag_type, {}, [], [])
        for position, person in enumerate(people):
            for offer in person.offers:
                index.every_offer.append((position, offer))
                if tag_type is None:
                    continue
                if tag_type in offer.any_types:
                    index.any_offers.append((position, offer))
                for tag in sorted(offer.tags.get(tag_type, _NO_TAGS)):
                    index.by_tag.setdefault(tag, []).append((position, offer))
        return index

    def candidates(self, request: Prompt) -> Iterable[tuple[int, Prompt]]:
        tag_type = self.tag_type
        if tag_type is None or tag_type in request.any_types or not request.tags.get(tag_type):
            return self.every_offer  # open to anything of the indexed type
        tags = sorted(request.tags[tag_type])
        return [entry for tag in tags for entry in self.by_tag.get(tag, [])] + self.any_offers


def _index_type(people: Sequence[SignUp], wanted: _Wanted) -> str | None:
    """The required type whose index makes the fewest comparisons. Counted, not guessed:
    characters have more distinct tags than fandoms, but a request with "any" character is
    compared with every offer when characters are the index."""
    offers = [offer for person in people for offer in person.offers]
    requests = [request for person in people for request in person.requests]

    def comparisons(tag_type: str) -> int:
        with_tag = Counter(tag for offer in offers for tag in offer.tags.get(tag_type, ()))
        with_any = sum(tag_type in offer.any_types for offer in offers)
        return sum(
            len(offers)
            if tag_type in request.any_types or not request.tags.get(tag_type)
            else with_any + sum(with_tag[tag] for tag in request.tags[tag_type])
            for request in requests
        )

    costs = {tag_type: comparisons(tag_type) for tag_type, _ in wanted}
    return min(costs, key=lambda t: (costs[t], TAG_TYPES.index(t)), default=None)


def _feasible_pairs(
    people: Sequence[SignUp], rules: MatchRules, progress: Progress | None
) -> list[dict[int, int]]:
    """By giver position: {recipient position: quality} for every feasible pair."""
    wanted = _wanted(rules)
    index = _OfferIndex.of(people, _index_type(people, wanted))
    pairs: list[dict[int, int]] = [{} for _ in people]
    for position, recipient in enumerate(people):
        for giver, quality in _givers_for(position, recipient, index, wanted, rules).items():
            pairs[giver][position] = quality
        done = position + 1
        if progress and (done % PROGRESS_EVERY == 0 or done == len(people)):
            progress("potential matches", done, len(people))
    return pairs


def _givers_for(
    position: int,
    recipient: SignUp,
    index: _OfferIndex,
    wanted: _Wanted,
    rules: MatchRules,
) -> dict[int, int]:
    """{giver position: quality} for the givers who can write for this recipient, in
    position order."""
    best: dict[int, list[int]] = {}  # giver -> best shared count per request, -1 = unmatched
    for number, request in enumerate(recipient.requests):
        for giver, offer in index.candidates(request):
            if giver == position:
                continue
            shared = _prompt_match(request, offer, wanted)
            if shared < 0:
                continue
            row = best.setdefault(giver, [-1] * len(recipient.requests))
            row[number] = max(row[number], shared)
    needed = _needed(rules, recipient)
    found = {giver: _quality(row, needed) for giver, row in sorted(best.items())}
    return {giver: quality for giver, quality in found.items() if quality is not None}


# The exact assignment


@dataclass(frozen=True)
class _Edges:
    """The feasible pairs as arrays sorted by (giver, recipient)."""

    giver: IntArray
    recipient: IntArray
    quality: IntArray

    @classmethod
    def of(cls, pairs: Sequence[Mapping[int, int]]) -> _Edges:
        rows = [(g, r, q) for g, row in enumerate(pairs) for r, q in sorted(row.items())]
        table = np.array(rows, dtype=np.int64).reshape(-1, 3)
        return cls(table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy())

    def reverse(self) -> IntArray:
        """For each edge g -> r, the position of r -> g, or -1."""
        span = int(max(self.giver.max(initial=0), self.recipient.max(initial=0))) + 1
        keys = self.giver * span + self.recipient  # sorted, as the edges are
        wanted = self.recipient * span + self.giver
        found = np.searchsorted(keys, wanted)
        found[found == len(keys)] = 0
        hit = keys[found] == wanted if len(keys) else np.zeros(0, dtype=bool)
        return np.where(hit, found, -1).astype(np.int64)


def _fewest_mutual_pairs(
    edges: _Edges, people: int, progress: Progress | None
) -> tuple[IntArray, int]:
    """The chosen edges and their mutual pairs. Each round penalizes the edges of the mutual
    pairs found so far and solves again; a penalty weighs less than one point of quality,
    so every round keeps the same number matched and the same total quality."""
    reverse = edges.reverse()
    penalty = np.zeros(len(edges.giver), dtype=np.int64)
    best: tuple[IntArray, int] | None = None
    for round_number in range(1, MUTUAL_ROUNDS + 1):
        chosen = _solve(edges, people, penalty)
        mutual = _mutual_edges(chosen, reverse)
        if best is None or len(mutual) // 2 < best[1]:
            best = (chosen, len(mutual) // 2)
        fresh = mutual[penalty[mutual] == 0]
        last = round_number == MUTUAL_ROUNDS or not len(fresh)
        if progress:
            progress("assignments", MUTUAL_ROUNDS if last else round_number, MUTUAL_ROUNDS)
        if last:  # none left, or only penalized ones: no equally good way around them found
            break
        penalty[fresh] = 1
    assert best is not None
    return best


def _mutual_edges(chosen: IntArray, reverse: IntArray) -> IntArray:
    taken = np.zeros(len(reverse), dtype=bool)
    taken[chosen] = True
    back = reverse[chosen]
    return chosen[(back >= 0) & taken[np.maximum(back, 0)]]


def _solve(edges: _Edges, people: int, penalty: IntArray) -> IntArray:
    """The positions of the chosen edges: the most pairs, then the highest total quality,
    then the lowest total penalty.

    scipy's ``min_weight_full_bipartite_matching`` needs every row matched, so the graph is
    doubled: giver g may instead take its own stand-in recipient, and recipient r its own
    stand-in giver, each at cost ``unmatched``; stand-in giver r may take stand-in recipient
    g wherever g -> r is an edge, which pairs off the stand-ins of the matched. So every
    matching of the real graph has a full matching of the same cost, and ``unmatched``
    outweighs all quality: the cheapest full matching has the most real pairs."""
    count = len(edges.giver)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    top = int(edges.quality.max())
    scale = int(penalty.sum()) + 1  # one point of quality outweighs every penalty together
    cost = (top - edges.quality) * scale + penalty
    unmatched = people * top * scale + scale + 1  # more than any matching's cost
    if 2 * people * (unmatched + 1) >= _EXACT_LIMIT:
        raise ValueError("too many sign-ups for exact costs in float64")
    stand_in = np.arange(people, dtype=np.int64) + people
    real = np.arange(people, dtype=np.int64)
    rows = np.concatenate([edges.giver, real, stand_in, edges.recipient + people])
    cols = np.concatenate([edges.recipient, stand_in, real, edges.giver + people])
    weights = np.concatenate([cost, np.full(2 * people, unmatched), np.zeros(count, np.int64)])
    # Every cost is one more than its meaning: scipy reads a zero as a missing edge.
    weights = weights.astype(np.float64) + 1.0
    graph = coo_array((weights, (rows, cols)), shape=(2 * people, 2 * people)).tocsr()
    found_rows, found_cols = min_weight_full_bipartite_matching(graph)
    givers: IntArray = np.asarray(found_rows, np.int64)
    recipients: IntArray = np.asarray(found_cols, np.int64)
    real_pairs = (givers < people) & (recipients < people)
    keys = edges.giver * people + edges.recipient
    wanted = givers[real_pairs] * people + recipients[real_pairs]
    return np.searchsorted(keys, wanted).astype(np.int64)


def _left_out(ids: Sequence[int], taken: IntArray) -> list[int]:
    used = set(taken.tolist())
    return [person for position, person in enumerate(ids) if position not in used]

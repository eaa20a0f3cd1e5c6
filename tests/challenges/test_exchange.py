"""A gift exchange from set-up to gifts: sign-up rules (bad input refused with nothing
written), the summary, matching by the worker, review, sending, defaults and pinch hits,
fulfilment by a posted gift, gift notices and refusing a gift."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.challenges import actions
from ficshelf.challenges.actions import ExchangeRefused, PromptData
from ficshelf.challenges.models import Assignment, GiftExchange, Nomination, Prompt, SignUp, TagSet
from ficshelf.social.models import InboxItem, InboxKind
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.collection_items import add_work, create_collection, reveal
from ficshelf.works.models import Collection, Gift, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

FANDOMS = ["Moomins", "Discworld", "Earthsea"]


def member(name: str) -> User:
    user = UserFactory(username=name)
    PseudFactory(user=user, name=name)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def exchange_with(**settings: Any) -> tuple[User, GiftExchange]:
    host = member("host")
    for name in FANDOMS:
        Tag.objects.get_or_create(name=name, defaults={"type": TagType.FANDOM})
    collection = create_collection(
        Collection(name="yule", title="Yule", is_unrevealed=True, is_anonymous=True), owner=host
    )
    exchange = GiftExchange(requests_min=1, requests_max=2, offers_min=1, offers_max=2, **settings)
    exchange.request_tag_limits = {TagType.FANDOM: [1, 1], TagType.CHARACTER: [0, 2]}
    exchange.offer_tag_limits = {TagType.FANDOM: [1, 1], TagType.CHARACTER: [0, 2]}
    actions.set_up_exchange(collection, exchange, actor=host)
    actions.set_signups_open(exchange, is_open=True, actor=host)
    return host, exchange


def prompt(fandom: str) -> PromptData:
    return PromptData(tags={TagType.FANDOM: [fandom]})


def sign_up(exchange: GiftExchange, name: str, requests: list[str], offers: list[str]) -> SignUp:
    user = member(name)
    return actions.save_signup(
        exchange,
        user=user,
        pseud=user.pseuds.get(),
        requests=[prompt(f) for f in requests],
        offers=[prompt(f) for f in offers],
    )


def refused(call: Callable[[], object]) -> list[str]:
    with pytest.raises(ExchangeRefused) as caught:
        call()
    return caught.value.reasons


# --- Sign-ups ------------------------------------------------------------------------------------


def test_too_few_requests_and_unknown_tags_are_refused_at_once_and_nothing_is_written() -> None:
    _host, exchange = exchange_with()
    user = member("eager")
    reasons = refused(
        lambda: actions.save_signup(
            exchange,
            user=user,
            pseud=user.pseuds.get(),
            requests=[],
            offers=[PromptData(tags={TagType.FANDOM: ["Nowhere Fandom"]})],
        )
    )
    assert "Give between 1 and 2 requests; you gave 0." in reasons
    assert any("not a fandom tag on the archive: Nowhere Fandom" in r for r in reasons)
    assert not SignUp.objects.exists() and not Prompt.objects.exists()


def test_tags_outside_the_tag_set_and_any_where_not_allowed_are_refused() -> None:
    host, exchange = exchange_with()
    tag_set = TagSet.objects.create(title="Yule fandoms")
    tag_set.owners.add(host)
    actions.add_tags_to_set(tag_set, TagType.FANDOM, ["Moomins"], actor=host)
    exchange.tag_set = tag_set
    exchange.save()
    user = member("picky")
    reasons = refused(
        lambda: actions.save_signup(
            exchange,
            user=user,
            pseud=user.pseuds.get(),
            requests=[prompt("Discworld")],
            offers=[PromptData(tags={TagType.FANDOM: ["Moomins"]}, any_types=[TagType.CHARACTER])],
        )
    )
    assert reasons == [
        "Request 1: not a fandom tag in this exchange's tag set: Discworld.",
        "Offer 1: “any” is not allowed for character tags.",
    ]
    assert not SignUp.objects.exists()


def test_a_closed_window_refuses_sign_ups() -> None:
    host, exchange = exchange_with()
    actions.set_signups_open(exchange, is_open=False, actor=host)
    assert refused(lambda: sign_up(exchange, "late", ["Moomins"], ["Discworld"])) == [
        "Sign-ups for this exchange are closed."
    ]
    assert not SignUp.objects.exists()


def test_the_sign_up_page_saves_and_edits_and_says_what_is_wrong() -> None:
    exchange_with()
    user = member("writer")
    client = signed_in(user)
    url = reverse("challenges:signup", args=["yule"])
    pseud = user.pseuds.get().pk
    bad = client.post(url, {"pseud": pseud, "offer-1-fandom": "Moomins"})
    assert "Give between 1 and 2 requests; you gave 0." in bad.content.decode()
    assert not SignUp.objects.exists()
    sent = {"pseud": pseud, "request-1-fandom": "moomins", "offer-1-fandom": "Discworld"}
    assert client.post(url, sent).status_code == 302
    signup = SignUp.objects.get()
    request = signup.prompts.get(kind=Prompt.Kind.REQUEST)
    assert [t.name for t in request.tags.all()] == ["Moomins"]  # found in any case
    page = client.get(url).content.decode()
    assert 'value="Moomins"' in page
    client.post(url, {**sent, "request-2-fandom": "Earthsea"})
    assert signup.prompts.filter(kind=Prompt.Kind.REQUEST).count() == 2


def test_the_summary_puts_requests_nobody_offers_first() -> None:
    _host, exchange = exchange_with()
    sign_up(exchange, "a", ["Earthsea"], ["Moomins"])
    sign_up(exchange, "b", ["Moomins"], ["Moomins"])
    fandoms = actions.signup_summary(exchange)[TagType.FANDOM]
    assert [(d.tag.name, d.requested, d.offered) for d in fandoms] == [
        ("Earthsea", 1, 0),
        ("Moomins", 1, 2),
    ]
    assert fandoms[0].short_of_offers


# --- Matching, sending, defaults ------------------------------------------------------------------


def matched_exchange(django_capture_on_commit_callbacks: Any) -> tuple[User, GiftExchange]:
    host, exchange = exchange_with()
    # A ring: each offers what the next requests.
    sign_up(exchange, "ann", ["Moomins"], ["Discworld"])
    sign_up(exchange, "bob", ["Discworld"], ["Earthsea"])
    sign_up(exchange, "cat", ["Earthsea"], ["Moomins"])
    actions.set_signups_open(exchange, is_open=False, actor=host)
    with django_capture_on_commit_callbacks(execute=True):
        actions.start_matching(exchange, actor=host)
    exchange.refresh_from_db()
    return host, exchange


def giver_of(exchange: GiftExchange, recipient: str) -> str | None:
    assignment = exchange.assignments.get(recipient__user__username=recipient)
    return assignment.giver.user.username if assignment.giver else None


def test_the_worker_matches_everyone_and_sending_tells_each_giver(
    django_capture_on_commit_callbacks: Any,
) -> None:
    host, exchange = matched_exchange(django_capture_on_commit_callbacks)
    assert exchange.stage == GiftExchange.Stage.MATCHED
    assert exchange.matching_stage == "done"
    assert {r: giver_of(exchange, r) for r in ("ann", "bob", "cat")} == {
        "ann": "cat",
        "bob": "ann",
        "cat": "bob",
    }
    assert actions.send_assignments(exchange, actor=host) == 3
    notice = InboxItem.objects.get(recipient__username="ann", kind=InboxKind.COLLECTION)
    assert notice.text == "Your assignment in Yule: write for bob."
    page = signed_in(User.objects.get(username="ann")).get("/assignments/").content.decode()
    assert "Yule: for bob" in page and "Discworld" in page


def test_moderators_swap_and_set_writers_before_sending(
    django_capture_on_commit_callbacks: Any,
) -> None:
    host, exchange = matched_exchange(django_capture_on_commit_callbacks)
    ann, bob = (exchange.assignments.get(recipient__user__username=n) for n in ("ann", "bob"))
    # ann's giver (cat) and bob's giver (ann) swap: ann would write for herself.
    assert refused(lambda: actions.swap_recipients(ann, bob, actor=host)) == [
        "That swap would have someone write for themselves."
    ]
    client = signed_in(host)
    url = reverse("challenges:assignments", args=["yule"])
    client.post(url, {"assignment": bob.pk, "giver_name": "Cat"})  # as the page lists names
    assert giver_of(exchange, "bob") == "cat"
    assert giver_of(exchange, "ann") is None  # cat writes one gift
    # cat offers Moomins, bob asked for Discworld: saved, and the page says it does not match.
    bob.refresh_from_db()
    assert bob.quality == 0
    assert "no match under the rules" in client.get(url).content.decode()
    client.post(url, {"assignment": ann.pk, "giver_name": "cat"})
    ann.refresh_from_db()
    assert giver_of(exchange, "ann") == "cat" and ann.quality > 0  # scored as the matcher does
    assert signed_in(member("stranger")).get(url).status_code == 404


def test_a_writer_named_by_a_name_nobody_or_several_have_is_refused_and_nothing_changes(
    django_capture_on_commit_callbacks: Any,
) -> None:
    host, exchange = exchange_with()
    sign_up(exchange, "ann", ["Moomins"], ["Discworld"])
    sign_up(exchange, "bob", ["Discworld"], ["Earthsea"])
    sign_up(exchange, "cat", ["Earthsea"], ["Moomins"])
    twin = member("twin")
    # A second participant whose pseud is also "ann".
    actions.save_signup(
        exchange,
        user=twin,
        pseud=PseudFactory(user=twin, name="ann"),
        requests=[prompt("Moomins")],
        offers=[prompt("Discworld")],
    )
    actions.set_signups_open(exchange, is_open=False, actor=host)
    with django_capture_on_commit_callbacks(execute=True):
        actions.start_matching(exchange, actor=host)
    bob = exchange.assignments.get(recipient__user__username="bob")
    before = list(exchange.assignments.values_list("pk", "giver_id", "quality").order_by("pk"))
    client = signed_in(host)
    url = reverse("challenges:assignments", args=["yule"])

    said = client.post(url, {"assignment": bob.pk, "giver_name": "zed"}, follow=True)
    assert "Nobody called “zed” signed up for this exchange." in said.content.decode()
    said = client.post(url, {"assignment": bob.pk, "giver_name": "ann"}, follow=True)
    assert "Several participants are called “ann”" in said.content.decode()
    assert client.post(url, {"assignment": "x", "giver_name": "ann"}).status_code == 404
    after = list(exchange.assignments.values_list("pk", "giver_id", "quality").order_by("pk"))
    assert after == before

    client.post(url, {"assignment": bob.pk, "giver_name": "ann (twin)"})
    assert giver_of(exchange, "bob") == "twin"


def test_the_assignments_list_is_paged_and_found_by_name(
    django_capture_on_commit_callbacks: Any,
) -> None:
    host, exchange = exchange_with()
    for number in range(60):
        sign_up(exchange, f"p{number:02}", ["Moomins"], ["Moomins"])
    actions.set_signups_open(exchange, is_open=False, actor=host)
    with django_capture_on_commit_callbacks(execute=True):
        actions.start_matching(exchange, actor=host)
    client = signed_in(host)
    url = reverse("challenges:assignments", args=["yule"])

    first = client.get(url).content.decode()
    assert "60 recipients; 0 without a writer" in first
    assert first.count('name="giver_name"') == 50 and "Page 1 of 2" in first
    assert client.get(url + "?page=2").content.decode().count('name="giver_name"') == 10
    found = client.get(url + "?name=p07").content.decode()
    # p07 as a recipient, and the row p07 writes for.
    assert 1 <= found.count('name="giver_name"') <= 2 and ">p07</th>" in found
    # A change on page 2 returns to page 2.
    row = exchange.assignments.order_by("recipient__pseud__name").last()
    assert row is not None
    response = client.post(url + "?page=2", {"assignment": row.pk, "giver_name": ""})
    assert response.status_code == 302 and response["Location"].endswith("?page=2")
    assert client.get(url + "?unmatched_only=on").content.decode().count('name="giver_name"') == 1


def test_a_default_becomes_a_pinch_hit_that_another_member_claims(
    django_capture_on_commit_callbacks: Any,
) -> None:
    host, exchange = matched_exchange(django_capture_on_commit_callbacks)
    actions.send_assignments(exchange, actor=host)
    ann = User.objects.get(username="ann")
    ann_client = signed_in(ann)
    mine = Assignment.objects.get(giver__user=ann)
    ann_client.post("/assignments/", {"assignment": mine.pk})
    mine.refresh_from_db()
    assert mine.giver is None and mine.defaulted_at is not None
    assert "was given up" in InboxItem.objects.filter(recipient=host).last().text  # type: ignore[union-attr]
    helper = member("helper")
    page = signed_in(helper).get(reverse("challenges:pinch_hits", args=["yule"]))
    assert "For bob" in page.content.decode()
    signed_in(helper).post(reverse("challenges:pinch_hits", args=["yule"]), {"assignment": mine.pk})
    mine.refresh_from_db()
    assert mine.pinch_hitter == helper
    assert refused(lambda: actions.claim_pinch_hit(mine, user=member("late"))) == [
        "This pinch hit is taken."
    ]


def test_a_gift_posted_to_the_collection_fulfils_the_assignment_and_tells_the_recipient(
    django_capture_on_commit_callbacks: Any,
) -> None:
    host, exchange = matched_exchange(django_capture_on_commit_callbacks)
    actions.send_assignments(exchange, actor=host)
    ann = User.objects.get(username="ann")
    bob = User.objects.get(username="bob")
    work = WorkFactory(title="For Bob", creator=ann.pseuds.get(), draft=True)
    Gift.objects.create(work=work, recipient_name="bob", recipient=bob.pseuds.get())
    add_work(exchange.collection, work, actor=ann)
    from ficshelf.works.actions import post_work

    post_work(work)

    assignment = Assignment.objects.get(giver__user=ann)
    assert assignment.fulfilled_by == work
    notice = InboxItem.objects.get(recipient=bob, kind=InboxKind.GIFT)
    assert notice.text == "Anonymous gave you a gift: For Bob"
    # The collection is unrevealed: bob's inbox shows the notice only after the reveal.
    bob_client = signed_in(bob)
    assert "For Bob" not in bob_client.get("/inbox/").content.decode()
    reveal(exchange.collection, actor=host)
    assert "For Bob" in bob_client.get("/inbox/").content.decode()
    assert "For Bob" in bob_client.get("/users/bob/gifts/").content.decode()


def test_refusing_a_gift_takes_the_credit_away_and_it_is_not_given_again() -> None:
    giver = member("giver")
    taker = member("taker")
    work = WorkFactory(title="Unwanted", creator=giver.pseuds.get())
    gift = Gift.objects.create(work=work, recipient_name="taker", recipient=taker.pseuds.get())
    guest = Client()
    assert "taker" in guest.get(work.get_absolute_url()).content.decode()  # kept for guests
    assert signed_in(member("other")).post(f"/gifts/{gift.pk}/refuse/").status_code == 404
    signed_in(taker).post(f"/gifts/{gift.pk}/refuse/")
    assert Gift.objects.get(pk=gift.pk).refused_at is not None
    assert (
        '<span class="recipient">taker</span>'
        not in guest.get(work.get_absolute_url()).content.decode()
    )
    assert "Unwanted" not in signed_in(taker).get("/users/taker/gifts/").content.decode()
    # The creator's next edit keeps the refusal.
    from ficshelf.works.forms.work import initial_for

    assert initial_for(Work.objects.get(pk=work.pk))["gift_recipients"] == ""


# --- Tag sets ------------------------------------------------------------------------------------


def test_members_nominate_within_the_limit_and_owners_approve_into_the_set() -> None:
    owner = member("owner")
    tag_set = TagSet.objects.create(title="Rare", nominations_open=True, nomination_limit=2)
    tag_set.owners.add(owner)
    nominator = signed_in(member("fan"))
    url = reverse("challenges:tag_set", args=[tag_set.pk])
    nominator.post(url, {"tag_type": TagType.FANDOM, "names": "Tove Fandom, Third"})
    assert Nomination.objects.count() == 2
    too_many = nominator.post(url, {"tag_type": TagType.FANDOM, "names": "Fourth"}, follow=True)
    assert "You may nominate 2 tags of each type" in too_many.content.decode()
    assert Nomination.objects.count() == 2
    first = Nomination.objects.get(name="Tove Fandom")
    signed_in(owner).post(url, {"nomination": first.pk, "answer": "approve"})
    assert list(tag_set.tags.values_list("name", flat=True)) == ["Tove Fandom"]
    assert Tag.objects.get(name="Tove Fandom").type == TagType.FANDOM


def test_writers_are_reminded_once_before_the_deadline(
    django_capture_on_commit_callbacks: Any,
) -> None:
    import datetime

    from django.utils import timezone

    from ficshelf.challenges.tasks import remind_writers

    host, exchange = matched_exchange(django_capture_on_commit_callbacks)
    exchange.assignments_due_at = timezone.now() + datetime.timedelta(days=10)
    exchange.save()
    actions.send_assignments(exchange, actor=host)
    assert remind_writers.call() == 0  # not due soon yet
    GiftExchange.objects.filter(pk=exchange.pk).update(
        assignments_due_at=timezone.now() + datetime.timedelta(days=2)
    )
    assert remind_writers.call() == 3
    assert remind_writers.call() == 0
    texts = InboxItem.objects.filter(recipient__username="ann").values_list("text", flat=True)
    assert any(t.startswith("A reminder: your gift for bob in Yule is due") for t in texts)

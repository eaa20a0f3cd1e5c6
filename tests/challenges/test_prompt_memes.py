"""A prompt meme from its settings to its fills: prompts posted within the meme's limits
(bad input refused with nothing written), anonymous prompters named to nobody but the
moderators on every page and notice, claims and their limits, fills through the
collection's own rules, and fills of an unrevealed collection kept out of sight."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ficshelf.accounts.models import User
from ficshelf.challenges import prompt_memes
from ficshelf.challenges.models import Claim, Fill, MemePrompt, PromptMeme
from ficshelf.challenges.prompt_memes import PromptData, PromptRefused
from ficshelf.social.models import InboxItem, InboxKind
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.collection_items import answer_as_collection, create_collection, reveal
from ficshelf.works.collection_models import Approval, ChallengeType
from ficshelf.works.models import Collection, CollectionItem, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

PROMPTER = "secretfan"


def member(name: str) -> User:
    user = UserFactory(username=name)
    PseudFactory(user=user, name=name)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def work_of(user: User, title: str) -> Work:
    return WorkFactory(title=title, creator=user.pseuds.get())


def meme_with(collection_fields: dict[str, Any] | None = None, **rules: Any) -> PromptMeme:
    """A prompt meme (open unless ``rules`` say otherwise) in the collection "kinkmeme",
    run by "host"."""
    host = member("host")
    collection = create_collection(
        Collection(name="kinkmeme", title="Kink Meme", **(collection_fields or {})), owner=host
    )
    meme = PromptMeme(collection=collection, **{"is_open": True, **rules})
    return prompt_memes.save_meme_settings(meme, actor=host)


def prompt_by(
    meme: PromptMeme, user: User, title: str = "Tea at the lighthouse", **fields: Any
) -> MemePrompt:
    return prompt_memes.post_prompt(meme, PromptData(title=title, **fields), actor=user)


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def prompts_url(meme: PromptMeme) -> str:
    return f"/collections/{meme.collection.name}/prompts/"


def rows_written() -> tuple[int, int, int, int, int, int]:
    """Everything a prompt meme action may write, counted."""
    return (
        MemePrompt.objects.count(),
        Claim.objects.count(),
        Fill.objects.count(),
        InboxItem.objects.count(),
        Tag.objects.count(),
        CollectionItem.objects.count(),
    )


def refused(action: Any, says: str) -> None:
    """``action`` is refused with a message containing ``says`` and writes nothing."""
    before = rows_written()
    with pytest.raises(PromptRefused, match=says):
        action()
    assert rows_written() == before


# --- Settings ---------------------------------------------------------------------------------


def test_moderators_make_a_collection_a_prompt_meme_and_nobody_else_sees_the_settings() -> None:
    host = member("host")
    collection = create_collection(Collection(name="meme", title="Meme"), owner=host)
    stranger = member("stranger")
    assert signed_in(stranger).get("/collections/meme/prompts/settings/").status_code == 404
    assert Client().get("/collections/meme/prompts/").status_code == 404  # not a meme yet
    form = page(signed_in(host), "/collections/meme/prompts/settings/")
    assert 'name="tag_types"' in form and 'name="claims_per_prompt"' in form

    response = signed_in(host).post(
        "/collections/meme/prompts/settings/",
        {
            "is_open": "on",
            "allows_anonymous_prompts": "on",
            "claims_per_prompt": "1",
            "prompts_per_member": "2",
            "tag_types": ["fandom", "character"],
            "tags_per_type": "3",
        },
    )

    assert response.status_code == 302
    meme = PromptMeme.objects.get(collection=collection)
    assert (meme.is_open, meme.claims_per_prompt, meme.prompts_per_member) == (True, 1, 2)
    assert meme.tag_types == ["fandom", "character"]
    collection.refresh_from_db()
    assert collection.challenge_type == ChallengeType.PROMPT_MEME
    assert ">Prompts</a>" in page(Client(), "/collections/meme/")
    assert signed_in(stranger).get("/collections/meme/prompts/settings/").status_code == 404


def test_a_gift_exchange_cannot_become_a_prompt_meme() -> None:
    host = member("host")
    collection = create_collection(
        Collection(name="yule", title="Yule", challenge_type=ChallengeType.GIFT_EXCHANGE),
        owner=host,
    )
    refused(
        lambda: prompt_memes.save_meme_settings(PromptMeme(collection=collection), actor=host),
        "runs a gift exchange",
    )
    assert not PromptMeme.objects.exists()


# --- Posting prompts --------------------------------------------------------------------------


def test_a_member_posts_a_prompt_with_tags_made_as_the_posting_form_makes_them() -> None:
    meme = meme_with()
    Tag.objects.create(name="Earthsea", type=TagType.FANDOM, is_canonical=True)
    prompter = member("prompter")

    response = signed_in(prompter).post(
        prompts_url(meme) + "new/",
        {
            "title": "Ged learns to bake",
            "fandom": "Earthsea",
            "character": "Ged, Tenar",
            "description": "<p>Bread <script>alert(1)</script><em>please</em></p>",
        },
    )

    prompt = MemePrompt.objects.get()
    assert response.status_code == 302 and response["Location"] == prompt.get_absolute_url()
    assert prompt.prompter == prompter and not prompt.is_anonymous
    assert "<script" not in prompt.description and "<em>please</em>" in prompt.description
    assert {(t.name, t.type) for t in prompt.tags.all()} == {
        ("Earthsea", TagType.FANDOM),
        ("Ged", TagType.CHARACTER),
        ("Tenar", TagType.CHARACTER),
    }
    shown = page(Client(), prompt.get_absolute_url())
    assert "Ged learns to bake" in shown and "Tenar" in shown and "<em>please</em>" in shown
    assert ">prompter</a>" in shown  # named: not anonymous


def test_a_closed_meme_refuses_prompts_and_writes_nothing() -> None:
    meme = meme_with(is_open=False)
    prompter = member("prompter")
    refused(
        lambda: prompt_by(meme, prompter, tags={"freeform": ["Brand New Tag"]}),
        "not taking prompts",
    )
    response = signed_in(prompter).get(prompts_url(meme) + "new/", follow=True)
    assert "This prompt meme is not taking prompts." in response.content.decode()


def test_a_member_may_post_no_more_prompts_than_the_limit() -> None:
    meme = meme_with(prompts_per_member=2)
    prompter = member("prompter")
    prompt_by(meme, prompter, "One")
    prompt_by(meme, prompter, "Two")

    refused(lambda: prompt_by(meme, prompter, "Three"), "this meme's limit")
    response = signed_in(prompter).post(prompts_url(meme) + "new/", {"title": "Three"})
    assert "You have posted 2 prompts, this meme" in response.content.decode()
    assert MemePrompt.objects.count() == 2
    prompt_by(meme, member("other"), "Another member's")  # the limit is per member


def test_too_many_tags_or_tags_of_a_type_the_meme_does_not_carry_are_refused() -> None:
    meme = meme_with(tags_per_type=2, tag_types=["fandom", "character"])
    prompter = member("prompter")
    refused(
        lambda: prompt_by(meme, prompter, tags={"character": ["Ann", "Bo", "Cy"]}),
        "Too many character tags: at most 2",
    )
    refused(
        lambda: prompt_by(meme, prompter, tags={"freeform": ["Fluff"]}),
        "carry no additional tags",
    )
    form = signed_in(prompter).get(prompts_url(meme) + "new/").content.decode()
    assert 'name="character"' in form and 'name="freeform"' not in form


def test_bad_form_input_is_told_and_nothing_is_written() -> None:
    meme = meme_with()
    before = rows_written()
    response = signed_in(member("prompter")).post(
        prompts_url(meme) + "new/", {"title": "", "description": "x" * 10_001}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html and "at most 10,000 characters" in html
    assert rows_written() == before


def test_anonymous_prompts_only_where_the_meme_allows_them() -> None:
    meme = meme_with(allows_anonymous_prompts=False)
    prompter = member("prompter")
    refused(lambda: prompt_by(meme, prompter, is_anonymous=True), "anonymous prompts")
    form = signed_in(prompter).get(prompts_url(meme) + "new/").content.decode()
    assert 'name="is_anonymous"' not in form


def test_a_prompt_posted_anonymously_stays_so_after_the_meme_stops_allowing_it() -> None:
    meme = meme_with()
    prompter = member(PROMPTER)
    prompt = prompt_by(meme, prompter, is_anonymous=True)
    meme.allows_anonymous_prompts = False
    prompt_memes.save_meme_settings(meme, actor=User.objects.get(username="host"))

    form = signed_in(prompter).get(prompts_url(meme) + f"{prompt.pk}/edit/").content.decode()
    assert 'name="is_anonymous"' in form and "checked" in form
    prompt_memes.edit_prompt(prompt, PromptData(title="Renamed", is_anonymous=True), actor=prompter)
    assert MemePrompt.objects.get().is_anonymous


# --- Anonymous prompters ----------------------------------------------------------------------


def test_an_anonymous_prompter_is_named_to_nobody_but_the_moderators() -> None:
    meme = meme_with()
    prompter = member(PROMPTER)
    prompt = prompt_by(meme, prompter, is_anonymous=True)
    writer = member("writer")
    work = work_of(writer, "Lighthouse Tea")
    prompt_memes.claim_prompt(prompt, actor=writer)
    prompt_memes.fill_prompt(prompt, work, actor=writer)

    pages = [
        prompts_url(meme),
        prompts_url(meme) + "?state=filled",
        prompt.get_absolute_url(),
        prompts_url(meme) + f"{prompt.pk}/fill/",
        "/inbox/",
    ]
    for viewer in (Client(), signed_in(writer), signed_in(member("reader"))):
        for path in pages:
            response = viewer.get(path)
            assert PROMPTER not in response.content.decode(), path
    assert "Anonymous" in page(Client(), prompt.get_absolute_url())
    # The notices go to the prompter alone, and name nobody.
    notices = InboxItem.objects.filter(kind=InboxKind.COLLECTION)
    assert {n.recipient_id for n in notices} == {prompter.pk}
    assert all("writer" not in n.text for n in notices)
    # The moderators know who prompted; the prompter sees it is theirs.
    host_view = page(signed_in(User.objects.get(username="host")), prompt.get_absolute_url())
    assert f">{PROMPTER}</a>" in host_view and "anonymous to others" in host_view
    own_view = page(signed_in(prompter), prompt.get_absolute_url())
    assert "Anonymous (you)" in own_view and ">Edit</a>" in own_view


# --- Editing and deleting ---------------------------------------------------------------------


def test_a_prompter_edits_and_deletes_their_prompt_while_the_meme_is_open() -> None:
    meme = meme_with()
    prompter = member("prompter")
    prompt = prompt_by(meme, prompter)
    client = signed_in(prompter)

    response = client.post(
        prompts_url(meme) + f"{prompt.pk}/edit/", {"title": "Coffee at the lighthouse"}
    )
    assert response.status_code == 302
    assert MemePrompt.objects.get().title == "Coffee at the lighthouse"

    response = client.post(prompts_url(meme) + f"{prompt.pk}/delete/")
    assert response.status_code == 302 and not MemePrompt.objects.exists()


def test_others_get_404_for_a_prompters_edit_and_delete() -> None:
    meme = meme_with()
    prompt = prompt_by(meme, member("prompter"))
    other = signed_in(member("other"))
    assert other.get(prompts_url(meme) + f"{prompt.pk}/edit/").status_code == 404
    assert other.post(prompts_url(meme) + f"{prompt.pk}/edit/", {"title": "X"}).status_code == 404
    assert other.post(prompts_url(meme) + f"{prompt.pk}/delete/").status_code == 404
    assert MemePrompt.objects.get().title == "Tea at the lighthouse"
    # The moderators may delete any prompt.
    host = signed_in(User.objects.get(username="host"))
    assert host.post(prompts_url(meme) + f"{prompt.pk}/delete/").status_code == 302
    assert not MemePrompt.objects.exists()


def test_a_closed_meme_keeps_its_prompts_as_they_are() -> None:
    meme = meme_with()
    prompter = member("prompter")
    prompt = prompt_by(meme, prompter)
    meme.is_open = False
    prompt_memes.save_meme_settings(meme, actor=User.objects.get(username="host"))

    refused(
        lambda: prompt_memes.edit_prompt(prompt, PromptData(title="X"), actor=prompter), "closed"
    )
    refused(lambda: prompt_memes.delete_prompt(prompt, actor=prompter), "closed")
    response = signed_in(prompter).post(prompts_url(meme) + f"{prompt.pk}/delete/", follow=True)
    assert "its prompts can no longer change" in response.content.decode()
    assert MemePrompt.objects.get().title == "Tea at the lighthouse"


def test_pages_of_another_collection_or_of_no_meme_are_404() -> None:
    meme = meme_with()
    prompt = prompt_by(meme, member("prompter"))
    other = create_collection(
        Collection(name="other", title="Other", challenge_type=ChallengeType.PROMPT_MEME),
        owner=member("owner"),
    )
    create_collection(Collection(name="plain", title="Plain"), owner=member("owner2"))
    client = Client()
    assert client.get(f"/collections/{other.name}/prompts/{prompt.pk}/").status_code == 404
    assert client.get("/collections/plain/prompts/").status_code == 404
    assert client.get(prompts_url(meme) + "999999/").status_code == 404
    assert client.get(f"/collections/{other.name}/prompts/").status_code == 200  # no prompts


# --- Claims -----------------------------------------------------------------------------------


def test_claiming_tells_the_prompter_without_naming_the_claimer() -> None:
    meme = meme_with()
    prompter = member("prompter")
    prompt = prompt_by(meme, prompter)
    writer = member("writer")

    response = signed_in(writer).post(prompts_url(meme) + f"{prompt.pk}/claim/", follow=True)

    assert "You claimed this prompt." in response.content.decode()
    assert Claim.objects.get().claimer == writer
    notice = InboxItem.objects.get(recipient=prompter)
    assert notice.text == "Your prompt “Tea at the lighthouse” in Kink Meme was claimed."
    assert notice.link == prompt.get_absolute_url() and notice.work is None
    shown = page(Client(), prompt.get_absolute_url())
    assert "Claimed" in shown and ">writer</a>" in shown  # not an anonymous collection


def test_claim_refusals_write_nothing() -> None:
    meme = meme_with(claims_per_prompt=1)
    prompter = member("prompter")
    prompt = prompt_by(meme, prompter)
    writer = member("writer")
    prompt_memes.claim_prompt(prompt, actor=writer)

    refused(lambda: prompt_memes.claim_prompt(prompt, actor=writer), "already claimed this")
    refused(lambda: prompt_memes.claim_prompt(prompt, actor=member("late")), "already claimed")
    refused(lambda: prompt_memes.claim_prompt(prompt, actor=prompter), "your own prompt")
    refused(lambda: prompt_memes.unclaim_prompt(prompt, actor=prompter), "not claimed")
    late = signed_in(User.objects.get(username="late"))
    response = late.post(prompts_url(meme) + f"{prompt.pk}/claim/", follow=True)
    assert "This prompt is already claimed." in response.content.decode()


def test_a_prompt_of_many_claims_takes_claims_up_to_the_limit() -> None:
    meme = meme_with(claims_per_prompt=2)
    prompt = prompt_by(meme, member("prompter"))
    prompt_memes.claim_prompt(prompt, actor=member("one"))
    prompt_memes.claim_prompt(prompt, actor=member("two"))
    refused(lambda: prompt_memes.claim_prompt(prompt, actor=member("three")), "2 claims")


def test_a_claimer_gives_up_their_claim() -> None:
    meme = meme_with(claims_per_prompt=1)
    prompt = prompt_by(meme, member("prompter"))
    writer = member("writer")
    prompt_memes.claim_prompt(prompt, actor=writer)
    response = signed_in(writer).post(
        prompts_url(meme) + f"{prompt.pk}/claim/", {"do": "unclaim"}, follow=True
    )
    assert "Your claim was given up." in response.content.decode()
    assert not Claim.objects.exists()
    prompt_memes.claim_prompt(prompt, actor=member("next"))  # the prompt is free again


def test_claimers_are_not_named_in_an_anonymous_collection() -> None:
    meme = meme_with({"is_anonymous": True})
    prompt = prompt_by(meme, member("prompter"))
    writer = member("writer")
    prompt_memes.claim_prompt(prompt, actor=writer)
    assert "writer" not in page(Client(), prompt.get_absolute_url())
    assert "writer</a> (you)" in page(signed_in(writer), prompt.get_absolute_url())


def test_deleting_a_claimed_prompt_tells_its_claimers_but_not_the_deleter() -> None:
    meme = meme_with(claims_per_prompt=2)
    prompter = member("prompter")
    prompt = prompt_by(meme, prompter)
    one, two = member("one"), member("two")
    prompt_memes.claim_prompt(prompt, actor=one)
    prompt_memes.claim_prompt(prompt, actor=two)
    InboxItem.objects.all().delete()  # the prompter's claim notices

    prompt_memes.delete_prompt(prompt, actor=prompter)

    told = InboxItem.objects.order_by("recipient__username")
    assert [item.recipient.username for item in told] == ["one", "two"]
    assert told[0].text == (
        "The prompt “Tea at the lighthouse” you claimed in Kink Meme was deleted; "
        "your claim went with it."
    )
    assert told[0].link == prompts_url(meme) and told[0].work is None
    assert not Claim.objects.exists()


def test_a_member_sees_their_prompts_and_claims_across_memes() -> None:
    meme = meme_with()
    prompter = member("prompter")
    prompt_by(meme, prompter, "Mine, openly")
    prompt_by(meme, prompter, "Mine, anonymously", is_anonymous=True)
    someone = member("someone")
    theirs = prompt_by(meme, someone, "Somebody else's")
    prompt_memes.claim_prompt(theirs, actor=prompter)
    client = signed_in(prompter)

    mine = page(client, "/prompts/mine/")
    assert "Mine, openly" in mine and "Mine, anonymously" in mine
    assert "posted anonymously" in mine and "Somebody else&#x27;s" not in mine
    claims = page(client, "/prompts/mine/claims/")
    assert "Somebody else&#x27;s" in claims and "Mine, openly" not in claims
    assert "Fill it" in claims
    assert "Somebody else" not in page(signed_in(member("stranger")), "/prompts/mine/claims/")
    assert Client().get("/prompts/mine/").status_code == 302  # members only


def test_a_claim_links_its_fill_only_while_the_claimer_may_see_the_work() -> None:
    meme = meme_with()
    prompt = prompt_by(meme, member("prompter"))
    writer = member("writer")
    prompt_memes.claim_prompt(prompt, actor=writer)
    work = work_of(writer, "The Filling Work")
    prompt_memes.fill_prompt(prompt, work, actor=writer)

    assert "The Filling Work" in page(signed_in(writer), "/prompts/mine/claims/")


# --- Fills ------------------------------------------------------------------------------------


def test_a_writer_fills_a_claimed_prompt_and_the_prompter_is_told() -> None:
    meme = meme_with()
    prompter = member("prompter")
    prompt = prompt_by(meme, prompter)
    writer = member("writer")
    work = work_of(writer, "Lighthouse Tea")
    prompt_memes.claim_prompt(prompt, actor=writer)
    client = signed_in(writer)
    form = page(client, prompts_url(meme) + f"{prompt.pk}/fill/")
    assert "Lighthouse Tea" in form

    response = client.post(prompts_url(meme) + f"{prompt.pk}/fill/", {"work": work.pk}, follow=True)

    assert "“Lighthouse Tea” fills this prompt." in response.content.decode()
    fill = Fill.objects.get()
    assert fill.work == work and fill.counted_at is not None
    assert Claim.objects.get().fulfilled_by == fill
    assert CollectionItem.objects.get(work=work).is_approved  # through add_work
    notice = InboxItem.objects.filter(recipient=prompter, work=work).get()
    assert (
        notice.text
        == "Your prompt “Tea at the lighthouse” in Kink Meme was filled: “Lighthouse Tea”."
    )
    shown = page(Client(), prompt.get_absolute_url())
    assert "Filled" in shown and "Lighthouse Tea</a> by writer" in shown
    assert "Tea at the lighthouse" in page(Client(), prompts_url(meme) + "?state=filled")
    refused(lambda: prompt_memes.unclaim_prompt(prompt, actor=writer), "fulfilled")


def test_filling_an_unclaimed_prompt_claims_it_and_respects_the_claims_limit() -> None:
    meme = meme_with(claims_per_prompt=1)
    prompt = prompt_by(meme, member("prompter"))
    writer = member("writer")
    prompt_memes.fill_prompt(prompt, work_of(writer, "First"), actor=writer)
    assert Claim.objects.get().claimer == writer
    other = member("other")
    refused(
        lambda: prompt_memes.fill_prompt(prompt, work_of(other, "Second"), actor=other),
        "already claimed",
    )
    # The claimer may fill it again with another work.
    prompt_memes.fill_prompt(prompt, work_of(writer, "Third"), actor=writer)
    assert Fill.objects.count() == 2


def test_fill_refusals_write_nothing() -> None:
    meme = meme_with({"is_open": False})  # the collection takes works from moderators only
    prompt = prompt_by(meme, member("prompter"))
    writer = member("writer")
    work = work_of(writer, "Lighthouse Tea")
    stranger = member("stranger")
    refused(lambda: prompt_memes.fill_prompt(prompt, work, actor=stranger), "creator of the work")
    refused(lambda: prompt_memes.fill_prompt(prompt, work, actor=writer), "closed to new works")
    draft = WorkFactory(title="Draft", creator=writer.pseuds.get(), draft=True)
    refused(lambda: prompt_memes.fill_prompt(prompt, draft, actor=writer), "draft")
    # Another member's work is not among the choices.
    response = signed_in(stranger).post(prompts_url(meme) + f"{prompt.pk}/fill/", {"work": work.pk})
    assert "Select a valid choice" in response.content.decode()


def test_a_fill_waiting_for_the_moderators_counts_when_they_approve_it() -> None:
    meme = meme_with({"is_moderated": True})
    prompter = member("prompter")
    prompt = prompt_by(meme, prompter)
    writer = member("writer")
    work = work_of(writer, "Lighthouse Tea")

    response = signed_in(writer).post(
        prompts_url(meme) + f"{prompt.pk}/fill/", {"work": work.pk}, follow=True
    )

    assert "It counts once Kink Meme takes it in" in response.content.decode()
    assert Fill.objects.get().counted_at is None
    assert not InboxItem.objects.filter(recipient=prompter, work=work).exists()
    assert "Lighthouse Tea" not in page(Client(), prompt.get_absolute_url())
    item = CollectionItem.objects.get(work=work)
    assert item.collection_approval == Approval.UNREVIEWED

    answer_as_collection(item, approve=True, actor=User.objects.get(username="host"))

    fill = Fill.objects.get()
    assert fill.counted_at is not None and Claim.objects.get().fulfilled_by == fill
    assert InboxItem.objects.filter(recipient=prompter, work=work).count() == 1
    assert "Lighthouse Tea" in page(Client(), prompt.get_absolute_url())


def test_fills_of_an_unrevealed_collection_stay_hidden_until_the_reveal() -> None:
    meme = meme_with({"is_unrevealed": True})
    prompter = member("prompter")
    prompt = prompt_by(meme, prompter)
    writer = member("writer")
    work = work_of(writer, "Lighthouse Tea")
    prompt_memes.fill_prompt(prompt, work, actor=writer)
    host = User.objects.get(username="host")

    for viewer in (Client(), signed_in(prompter), signed_in(member("reader"))):
        shown = page(viewer, prompt.get_absolute_url())
        assert "Lighthouse Tea" not in shown and "Filled" not in shown and ">filled<" not in shown
        assert "Tea at the lighthouse" not in page(viewer, prompts_url(meme) + "?state=filled")
    assert "Lighthouse Tea" not in page(signed_in(prompter), "/inbox/")
    assert "Lighthouse Tea" in page(signed_in(host), prompt.get_absolute_url())
    assert "Lighthouse Tea" in page(signed_in(writer), prompt.get_absolute_url())

    reveal(meme.collection, actor=host)

    assert "Lighthouse Tea" in page(Client(), prompt.get_absolute_url())
    assert "was filled: “Lighthouse Tea”" in page(signed_in(prompter), "/inbox/")


def test_a_fill_in_an_anonymous_collection_names_no_creator() -> None:
    meme = meme_with({"is_anonymous": True})
    prompter = member("prompter")
    prompt = prompt_by(meme, prompter)
    writer = member("writer")
    prompt_memes.fill_prompt(prompt, work_of(writer, "Lighthouse Tea"), actor=writer)

    shown = page(Client(), prompt.get_absolute_url())
    assert "Lighthouse Tea</a> by Anonymous" in shown and "writer" not in shown
    assert "writer" not in page(signed_in(prompter), "/inbox/")


# --- The listing ------------------------------------------------------------------------------


def test_the_listing_filters_by_state_fandom_and_title_and_is_paginated() -> None:
    meme = meme_with(prompts_per_member=30)
    Tag.objects.create(name="Earthsea", type=TagType.FANDOM)
    prompter = member("prompter")
    sea = prompt_by(meme, prompter, "Sea story", tags={"fandom": ["Earthsea"]})
    claimed = prompt_by(meme, prompter, "Claimed story")
    filled = prompt_by(meme, prompter, "Filled story")
    writer = member("writer")
    prompt_memes.claim_prompt(claimed, actor=writer)
    prompt_memes.fill_prompt(filled, work_of(writer, "The Fill"), actor=writer)
    client = Client()

    def titles(query: str) -> set[str]:
        html = page(client, prompts_url(meme) + query)
        return {p.title for p in (sea, claimed, filled) if f">{p.title}</a>" in html}

    assert titles("") == {"Sea story", "Claimed story", "Filled story"}
    assert titles("?state=unclaimed") == {"Sea story"}
    assert titles("?state=claimed") == {"Claimed story"}
    assert titles("?state=filled") == {"Filled story"}
    assert titles("?fandom=earthsea") == {"Sea story"}
    # A synonym finds the canonical's prompts, and the canonical finds the synonym's.
    canonical = Tag.objects.get(name="Earthsea")
    Tag.objects.create(name="Wizard of Earthsea", type=TagType.FANDOM, merger=canonical)
    assert titles("?fandom=wizard+of+earthsea") == {"Sea story"}
    assert titles("?fandom=Unknown+Fandom") == set()
    synonym_prompt = prompt_by(
        meme, prompter, "Wizard story", tags={"fandom": ["Wizard of Earthsea"]}
    )
    html = page(client, prompts_url(meme) + "?fandom=earthsea")
    assert ">Sea story</a>" in html and f">{synonym_prompt.title}</a>" in html
    assert titles("?q=CLAIMED") == {"Claimed story"}

    for number in range(20):
        prompt_by(meme, prompter, f"Extra {number}")
    first, second = page(client, prompts_url(meme)), page(client, prompts_url(meme) + "?page=2")
    assert "Page 1 of 2" in first and ">Extra 19</a>" in first and ">Sea story</a>" not in first
    assert ">Sea story</a>" in second

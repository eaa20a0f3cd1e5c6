"""The posting form's "Post to collections" field."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.social.models import InboxItem
from ficshelf.works.collection_items import create_collection
from ficshelf.works.collection_models import Approval
from ficshelf.works.models import Collection, CollectionItem, Work
from tests.factories import UserFactory
from tests.works.factories_posting import work_form_data, writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client: Client) -> User:
    user = writer()
    client.force_login(user)
    return user


@pytest.fixture
def owner() -> User:
    return UserFactory(username="owner")


def test_a_new_work_is_posted_to_named_collections(
    client: Client, author: User, owner: User
) -> None:
    create_collection(Collection(name="fest", title="Fest"), owner=owner)
    create_collection(
        Collection(name="mod_fest", title="Moderated Fest", is_moderated=True, is_anonymous=True),
        owner=owner,
    )
    response = client.post(reverse("works:new"), work_form_data(collections="fest, Moderated Fest"))
    assert response.status_code == 302
    work = Work.objects.get()
    items = {i.collection.name: i for i in CollectionItem.objects.select_related("collection")}
    assert items["fest"].is_approved
    assert items["mod_fest"].collection_approval == Approval.UNREVIEWED
    # The creator agreed, so the anonymous collection hides the name at once.
    assert work.in_anonymous_collection and work.byline == "Anonymous"
    assert InboxItem.objects.filter(recipient=owner, work=work).count() == 1
    # The edit form shows them; leaving one out takes the work out of it.
    edit = client.get(reverse("works:edit", args=[work.pk]))
    assert edit.context["form"].initial["collections"] == "fest, mod_fest"
    client.post(
        reverse("works:edit", args=[work.pk]), work_form_data(collections="fest", action="save")
    )
    assert list(CollectionItem.objects.values_list("collection__name", flat=True)) == ["fest"]
    assert not Work.objects.get().in_anonymous_collection


@pytest.mark.parametrize(
    ("named", "message"),
    [
        ("nowhere", "There is no collection named nowhere."),
        ("shut", "Shut is closed to new works."),
    ],
)
def test_a_missing_or_closed_collection_is_refused_and_nothing_is_posted(
    client: Client, author: User, owner: User, named: str, message: str
) -> None:
    create_collection(Collection(name="shut", title="Shut", is_open=False), owner=owner)
    response = client.post(reverse("works:new"), work_form_data(collections=named))
    assert response.status_code == 200
    assert message in response.context["form"].errors["collections"]
    assert not Work.objects.exists() and not CollectionItem.objects.exists()

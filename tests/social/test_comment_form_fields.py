"""The empty comment form under a work is rendered once per process (``empty_comment_fields``):
it must be the form a guest or a member would get rendered afresh."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from ficshelf.social.forms import CommentForm, GuestCommentForm
from ficshelf.social.templatetags.social import empty_comment_fields
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("form_class", [CommentForm, GuestCommentForm])
def test_the_kept_fields_are_the_form_rendered_afresh(form_class: type[CommentForm]) -> None:
    fresh = render_to_string("social/work/_comment_fields.html", {"form": form_class()})
    assert empty_comment_fields(form_class) == fresh
    assert empty_comment_fields(form_class) == fresh  # and again, from the process's copy


def test_guests_get_the_guest_fields_and_members_do_not() -> None:
    work = WorkFactory()
    guest_page = Client().get(work.get_absolute_url()).content.decode()
    member = Client()
    member.force_login(UserFactory())
    member_page = member.get(work.get_absolute_url()).content.decode()
    assert str(empty_comment_fields(GuestCommentForm)) in guest_page
    assert 'name="guest_email"' in guest_page
    assert str(empty_comment_fields(CommentForm)) in member_page
    assert 'name="guest_email"' not in member_page
    assert 'name="text"' in member_page

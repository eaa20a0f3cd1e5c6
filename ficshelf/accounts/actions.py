"""Everything members do to accounts: sign-up, invitations, pseuds, blocks, mutes, deletion.

What admins do to accounts (suspending, deleting) is in ``accounts.moderation``.

Each action runs in one transaction and sends email only after it commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ficshelf.accounts.icons import icon_digest
from ficshelf.accounts.models import (
    Block,
    Invitation,
    InviteRequest,
    MemberProfile,
    Mute,
    Preference,
    Pseud,
    PseudIcon,
    User,
)
from ficshelf.accounts.sessions import end_sessions
from ficshelf.accounts.signals import (
    account_closing,
    members_changed,
    pseud_deleting,
    terms_accepted,
)
from ficshelf.accounts.skin_actions import account_closing_site_skins
from ficshelf.core.audit import record
from ficshelf.core.sanitizer import SANITIZER_VERSION, sanitize_html

# AO3 credits orphaned works to one shared account with this name.
ORPHAN_USERNAME = "orphan_account"


class AccountActionError(Exception):
    """A request that cannot be done as asked; the message is shown to the person."""


# ---- Sign-up and invitations ----


@transaction.atomic
def create_account(
    *,
    username: str,
    email: str,
    password: str,
    invitation: Invitation | None = None,
    terms_version: int | None = None,
) -> User:
    """``terms_version``: the version of the Terms of Service the person accepted on the
    form, recorded by the app that keeps the Terms (``accounts.terms``)."""
    user = User.objects.create_user(username=username, email=email, password=password)
    Pseud.objects.create(user=user, name=username, is_default=True)
    if terms_version is not None:
        terms_accepted.send(sender=User, user=user, version=terms_version)
    if invitation is not None:
        # Locked and re-checked so two people racing with one code cannot both use it.
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.is_used:
            raise AccountActionError("This invitation code has already been used.")
        locked.used_by = user
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_by", "used_at"])
    return user


def find_unused_invitation(code: str) -> Invitation | None:
    code = code.strip()
    if not code:
        return None
    return Invitation.objects.filter(code=code, used_by__isnull=True, used_at__isnull=True).first()


@transaction.atomic
def request_invitation(*, email: str) -> InviteRequest:
    """Join the queue; asking twice keeps the first place in it."""
    invite_request, _ = InviteRequest.objects.get_or_create(
        email__iexact=email, defaults={"email": email}
    )
    return invite_request


@transaction.atomic
def approve_invite_requests(
    invite_requests: Iterable[InviteRequest], *, actor: User, signup_url: str
) -> int:
    """Make and email an invitation for each waiting request; returns how many went out."""
    approved = 0
    for invite_request in invite_requests:
        if invite_request.is_approved:
            continue
        invitation = Invitation.objects.create(email=invite_request.email)
        invite_request.invitation = invitation
        invite_request.save(update_fields=["invitation"])
        record(actor=actor, action="approve invite request", target=invite_request)
        send_invitation(invitation, actor=actor, signup_url=signup_url)
        approved += 1
    return approved


@transaction.atomic
def send_invitation(invitation: Invitation, *, actor: User, signup_url: str) -> None:
    if not invitation.email:
        raise AccountActionError("This invitation has no email address to send it to.")
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    record(
        actor=actor, action="send invitation", target=invitation, details={"to": invitation.email}
    )
    link = f"{signup_url}?invitation={invitation.code}"
    subject = f"Your invitation to {settings.SITE_NAME}"
    body = (
        f"You have been invited to create an account on {settings.SITE_NAME}.\n\n"
        f"Your invitation code: {invitation.code}\n\n"
        f"Sign up here: {link}\n\n"
        "The code works once. If you did not ask for it, ignore this email.\n"
    )
    recipient = invitation.email
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    )


def signup_path() -> str:
    return reverse("accounts:signup")


# ---- Account settings ----


@transaction.atomic
def change_email(user: User, *, email: str) -> None:
    old = user.email
    user.email = email
    user.save(update_fields=["email"])
    if old and old.lower() != email.lower():
        subject = f"Your email address on {settings.SITE_NAME} was changed"
        body = (
            f"The email address of the account {user.username} was changed to {email}.\n"
            "If you did not do this, reset your password and contact the archive's admins.\n"
        )
        transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [old]))


@transaction.atomic
def save_preferences(user: User, **values: object) -> Preference:
    preference, _ = Preference.objects.get_or_create(user=user)
    was_hidden = preference.hide_from_search_engines
    for name, value in values.items():
        setattr(preference, name, value)
    preference.save()
    if preference.hide_from_search_engines != was_hidden:
        # Their work and creator pages now say otherwise to robots: the pages kept for
        # guests, keyed on the archive's data state, must not outlive the change.
        members_changed.send(sender=User, user_ids=[user.pk])
    return preference


def orphan_pseud() -> Pseud:
    """The shared pseud orphaned works are credited to, made on first use."""
    user, _ = User.objects.get_or_create(
        username=ORPHAN_USERNAME,
        defaults={"is_active": False, "password": make_password(None)},
    )
    pseud, _ = Pseud.objects.get_or_create(
        user=user, name=ORPHAN_USERNAME, defaults={"is_default": True}
    )
    return pseud


@transaction.atomic
def delete_account(user: User, *, orphan_works: bool) -> None:
    """Delete ``user``; their works are orphaned (credit moves to orphan_account) or deleted.

    Deleting removes only works nobody else co-created; on shared works the user's credit
    is simply removed, as AO3 does when one co-creator leaves.
    """
    close_account(user, orphan_works=orphan_works)


def close_account(user: User, *, orphan_works: bool) -> None:
    """In the caller's transaction: sign the member out everywhere, let the works app hand
    their works on (``accounts.signals.account_closing``), and delete the account."""
    end_sessions([user.pk])
    account_closing.send(sender=User, user=user, orphan_works=orphan_works)
    members_changed.send(sender=User, user_ids=[user.pk])
    forget_addresses(user)
    account_closing_site_skins(user)
    user.delete()


def forget_addresses(user: User) -> None:
    """The member's email address in the accounts tables that outlive them: the invitation
    they signed up with (kept, it is counted as used) and any place in the queue."""
    Invitation.objects.filter(used_by=user).update(email="")
    if user.email:
        InviteRequest.objects.filter(email__iexact=user.email).delete()
        Invitation.objects.filter(email__iexact=user.email).update(email="")


# ---- Pseuds ----


@transaction.atomic
def ensure_default_pseud(user: User) -> Pseud:
    """The user's default pseud, made (named like the username) for accounts that lack one,
    such as those created with ``createsuperuser``."""
    pseud = Pseud.objects.filter(user=user, is_default=True).first()
    if pseud is not None:
        return pseud
    pseud = Pseud.objects.filter(user=user).order_by("created_at").first()
    if pseud is None:
        return Pseud.objects.create(user=user, name=user.username, is_default=True)
    pseud.is_default = True
    pseud.save(update_fields=["is_default"])
    return pseud


def _check_pseud_name(user: User, name: str, *, exclude: Pseud | None = None) -> str:
    name = name.strip()
    if not name:
        raise AccountActionError("A pseud needs a name.")
    taken = Pseud.objects.filter(user=user, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise AccountActionError(f"You already have a pseud named “{name}”.")
    return name


@transaction.atomic
def create_pseud(user: User, *, name: str, description: str = "") -> Pseud:
    name = _check_pseud_name(user, name)
    has_default = Pseud.objects.filter(user=user, is_default=True).exists()
    return Pseud.objects.create(
        user=user, name=name, description=description, is_default=not has_default
    )


@transaction.atomic
def rename_pseud(pseud: Pseud, *, name: str, description: str | None = None) -> None:
    assert pseud.user is not None
    pseud.name = _check_pseud_name(pseud.user, name, exclude=pseud)
    fields = ["name"]
    if description is not None:
        pseud.description = description
        fields.append("description")
    pseud.save(update_fields=fields)


@transaction.atomic
def set_pseud_icon(pseud: Pseud, *, image: bytes | None, alt: str, remove: bool = False) -> None:
    """Give ``pseud`` the icon ``image`` (made by ``accounts.icons``; None keeps the one it
    has) described by ``alt``, or take its icon away (``remove``)."""
    if remove:
        PseudIcon.objects.filter(pseud=pseud).delete()
        return
    icon = PseudIcon.objects.filter(pseud=pseud).first()
    if image is not None:
        icon = icon or PseudIcon(pseud=pseud)
        icon.image, icon.digest = image, icon_digest(image)
    if icon is None:
        return  # a description without an icon describes nothing
    icon.alt = alt
    icon.save()


# ---- The profile ----


@transaction.atomic
def save_profile_about(user: User, *, about: str) -> MemberProfile:
    """What the member says about themself, cleaned as every member's HTML is."""
    profile = MemberProfile.objects.filter(user=user).first() or MemberProfile(user=user)
    profile.about = sanitize_html(about)
    profile.sanitizer_version = SANITIZER_VERSION
    profile.save()
    return profile


@transaction.atomic
def set_default_pseud(pseud: Pseud) -> None:
    assert pseud.user_id is not None
    Pseud.objects.filter(user_id=pseud.user_id, is_default=True).exclude(pk=pseud.pk).update(
        is_default=False
    )
    if not pseud.is_default:
        pseud.is_default = True
        pseud.save(update_fields=["is_default"])


@transaction.atomic
def delete_pseud(pseud: Pseud) -> Pseud:
    """Delete a pseud; its works move to the default pseud. Returns that default pseud."""
    if pseud.is_default:
        raise AccountActionError(
            "You cannot delete your default pseud. Make another pseud the default first."
        )
    assert pseud.user_id is not None
    default = Pseud.objects.get(user_id=pseud.user_id, is_default=True)
    pseud_deleting.send(sender=Pseud, pseud=pseud, default=default)
    pseud.delete()
    return default


# ---- Blocks and mutes ----


def _refuse_self(target: User, actor: User, what: str) -> None:
    if target.pk == actor.pk:
        raise AccountActionError(f"You cannot {what} yourself.")


@transaction.atomic
def block_user(blocked: User, *, actor: User) -> Block:
    _refuse_self(blocked, actor, "block")
    block, _ = Block.objects.get_or_create(blocker=actor, blocked=blocked)
    return block


@transaction.atomic
def unblock_user(blocked: User, *, actor: User) -> None:
    Block.objects.filter(blocker=actor, blocked=blocked).delete()


@transaction.atomic
def mute_user(muted: User, *, actor: User) -> Mute:
    _refuse_self(muted, actor, "mute")
    mute, _ = Mute.objects.get_or_create(muter=actor, muted=muted)
    return mute


@transaction.atomic
def unmute_user(muted: User, *, actor: User) -> None:
    Mute.objects.filter(muter=actor, muted=muted).delete()

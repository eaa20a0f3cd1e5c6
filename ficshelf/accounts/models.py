"""Accounts and pseuds.

A pseud is the name a work is credited to. AO3 bylines show "pseud (user)" when they
differ. A pseud without a user is an external creator: the name in the byline of a work
imported from elsewhere, kept so the credit stays right until its creator claims it.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Custom from the first migration so later issues can add fields without pain."""

    # Raised whenever the member changes their preferences, mutes or saved exclusions:
    # what the cache keeps of those is keyed on it (``accounts.reader_cache``).
    reader_version = models.PositiveIntegerField(default=0, editable=False)
    # Spam defence: since when the member's posts skip the link limit (core/spam.py; set by
    # ``works.trust`` and ``social.trust`` once earned, cleared when marked a spammer).
    trusted_at = models.DateTimeField(null=True, blank=True)


class PseudQuerySet(models.QuerySet["Pseud"]):
    def external(self) -> PseudQuerySet:
        return self.filter(user__isnull=True)


class Pseud(models.Model):
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="pseuds"
    )
    name = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PseudQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="pseud_unique_name_per_user"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(user__isnull=True),
                name="external_pseud_unique_name",
            ),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.byline

    @property
    def is_external(self) -> bool:
        return self.user_id is None

    @property
    def byline(self) -> str:
        if self.user is None or self.user.username == self.name:
            return self.name
        return f"{self.name} ({self.user.username})"


class Block(models.Model):
    """``blocker`` has blocked ``blocked``: no comments, kudos, gifts or invitations from them."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocked_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="no_self_block"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker} blocks {self.blocked}"


class Mute(models.Model):
    """``muter`` has muted ``muted``: their works and comments vanish from what muter sees."""

    muter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mutes_made")
    muted = models.ForeignKey(User, on_delete=models.CASCADE, related_name="muted_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_unique"),
            models.CheckConstraint(
                condition=~models.Q(muter=models.F("muted")), name="no_self_mute"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.muter} mutes {self.muted}"


class SignupMode(models.TextChoices):
    OPEN = "open", "Open: anyone can create an account"
    INVITE = "invite", "Invitation code needed"
    QUEUE = "queue", "Invitation queue: people ask, admins approve"


class ArchiveSettings(models.Model):
    """The archive's own switches, changed by admins in the admin site (one row, pk=1)."""

    signup_mode = models.CharField(max_length=20, choices=SignupMode.choices)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "archive settings"
        verbose_name_plural = "archive settings"

    def __str__(self) -> str:
        return "Archive settings"

    @classmethod
    def current(cls) -> ArchiveSettings:
        """The one row, made on first use with the starting values from settings.py."""
        from django.conf import settings

        mode = settings.FICSHELF_SIGNUP_MODE
        if mode not in SignupMode.values:
            mode = SignupMode.OPEN
        row, _ = cls.objects.get_or_create(pk=1, defaults={"signup_mode": mode})
        return row


class Invitation(models.Model):
    """A code that lets one person create one account (AO3's invitations)."""

    code = models.CharField(max_length=40, unique=True, editable=False)
    email = models.EmailField(blank=True, help_text="Where the code was (or will be) sent.")
    used_by = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.code:
            self.code = new_invitation_code()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_used(self) -> bool:
        return self.used_by_id is not None or self.used_at is not None


def new_invitation_code() -> str:
    import secrets

    return secrets.token_urlsafe(15)


class InviteRequest(models.Model):
    """Someone waiting in the invitation queue; an admin approves and an invitation goes out."""

    email = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_approved(self) -> bool:
        return self.invitation_id is not None

    @property
    def place_in_queue(self) -> int:
        """1 for the next to be invited: waiting requests made before this one, plus one."""
        waiting = InviteRequest.objects.filter(invitation__isnull=True)
        earlier = waiting.filter(created_at__lt=self.created_at) | waiting.filter(
            created_at=self.created_at, pk__lt=self.pk
        )
        return earlier.count() + 1


class Theme(models.TextChoices):
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


FONT_SIZES = [90, 100, 110, 120, 135, 150]


class Preference(models.Model):
    """How one reader wants works shown; made the first time they save their preferences."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="preference")
    # As on AO3, everyone sees the notice until they choose to skip it.
    hide_adult_notice = models.BooleanField(
        "Show me adult content without the adult-content notice", default=False
    )
    hide_warnings = models.BooleanField(
        "Hide archive warnings until I click to show them", default=False
    )
    hide_freeform_tags = models.BooleanField("Hide additional tags in work listings", default=False)
    view_full_work = models.BooleanField(
        "Show the whole work by default (all chapters on one page)", default=False
    )
    font_size = models.PositiveSmallIntegerField(
        "Text size",
        default=100,
        choices=[(size, f"{size}%") for size in FONT_SIZES],
    )
    theme = models.CharField(max_length=10, choices=Theme.choices, default=Theme.LIGHT)

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    @property
    def body_class(self) -> str:
        """Classes for <body>: the theme and the text size (site.css styles both)."""
        classes = []
        if self.theme != Theme.LIGHT:
            classes.append(f"theme-{self.theme}")
        if self.font_size != 100:
            classes.append(f"font-size-{self.font_size}")
        return " ".join(classes)


class ReaderKey(models.Model):
    """A key an e-reader app signs in with (HTTP Basic: the username and this key), for the
    OPDS catalog and downloads only: the account's password never goes into the app, and
    a lost device's key is revoked alone. Only the key's SHA-256 is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reader_keys")
    label = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"reader key {self.label!r} of {self.user_id}"

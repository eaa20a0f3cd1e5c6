"""Accounts and pseuds.

A pseud is the name a work is credited to. AO3 bylines show "pseud (user)" when they
differ. A pseud without a user is an external creator: the name in the byline of a work
imported from elsewhere, kept so the credit stays right until its creator claims it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models

from ficshelf.core.public_skins import ReviewableSkin, owner_field
from ficshelf.core.skin_image_hosts import skin_stylesheet_version


class User(AbstractUser):
    """Custom from the first migration so later issues can add fields without pain."""

    # Raised whenever the member changes their preferences, mutes or saved exclusions:
    # what the cache keeps of those is keyed on it (``accounts.reader_cache``).
    reader_version = models.PositiveIntegerField(default=0, editable=False)
    # Spam defence: since when the member's posts skip the link limit (core/spam.py; set by
    # ``works.trust`` and ``social.trust`` once earned, cleared when marked a spammer).
    trusted_at = models.DateTimeField(null=True, blank=True)

    # A suspension (accounts.moderation.suspend): the member signs in and reads but writes
    # nothing until this moment passes; no task needs to lift it.
    suspended_until = models.DateTimeField(null=True, blank=True, editable=False)
    suspension_reason = models.TextField(blank=True, editable=False)
    # A ban is ``is_active=False`` (no sign-in at all); why, as the member is told.
    ban_reason = models.TextField(blank=True, editable=False)
    # AO3's "next of kin": who speaks for the account if its member dies. Admins only.
    next_of_kin_name = models.CharField(max_length=100, blank=True)
    next_of_kin_email = models.EmailField(blank=True)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        permissions = [
            ("suspend_member", "Can suspend and unsuspend members"),
            ("ban_member", "Can ban and unban members"),
            ("warn_member", "Can warn members"),
            ("note_member", "Can read and write admins' notes on members"),
            ("change_next_of_kin", "Can see and change a member's next of kin"),
            ("change_roles", "Can give and take admin roles"),
        ]

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        # A request's user (django-otp's middleware gives it ``is_verified``) holds its
        # permissions only once this session passed two-factor. Every admin view asks
        # ``has_perm``, so a new admin page is guarded without being named anywhere (the
        # middleware's list of admin paths only sends people to the right step first).
        # Outside a request (the worker, the shell) there is no session and no second
        # step: the permissions as given.
        if hasattr(self, "is_verified") and not self.is_verified():
            return False
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if hasattr(self, "is_verified") and not self.is_verified():
            return False
        return super().has_module_perms(app_label)

    def suspended_now(self) -> bool:
        from django.utils import timezone

        return self.suspended_until is not None and self.suspended_until > timezone.now()


ICON_ALT_MAX = 250


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


class MemberProfile(models.Model):
    """What a member says about themself on their profile (AO3's "About me"): sanitized
    HTML, made the first time they save it."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    about = models.TextField(blank=True)
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"profile of {self.user_id}"


class PseudIcon(models.Model):
    """A pseud's icon: a 100×100 PNG made from what the member uploaded
    (``accounts.icons``), kept in the database like a collection's header so every app
    server serves it. A row of its own, so the many queries that load pseuds (every byline)
    never carry the picture. Its address carries ``digest`` as its version: a new picture
    gets a new address, so browsers may keep each one for good."""

    pseud = models.OneToOneField(Pseud, on_delete=models.CASCADE, related_name="icon")
    image = models.BinaryField(editable=False)
    digest = models.CharField(max_length=16, editable=False)
    alt = models.CharField(max_length=ICON_ALT_MAX, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"icon of pseud {self.pseud_id}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        member = self.pseud.user
        assert member is not None  # only a member's pseud is given an icon
        return reverse("users:pseud_icon", args=[member.username, self.pseud_id, self.digest])


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
    """The site skins the archive ships (site.css styles each as a class on <body>)."""

    LIGHT = "light", "Default"
    DARK = "dark", "Dark"
    CONTRAST = "contrast", "Low vision (high contrast, larger text)"


class SiteSkin(ReviewableSkin):
    """A member's own CSS for the whole site, on top of the archive's skin they chose.

    Cleaned as work skins are (``core.css_sanitizer``, the same properties and values, but
    free to style any part of the page) and served as a stylesheet of its own at an address
    carrying its digest (``accounts.skin_views``); its owner's pages link it, and once it
    is approved as public (``core.public_skins``) the pages of every member who chose it.
    """

    owner = owner_field("site_skins")
    title = models.CharField(max_length=255)
    css = models.TextField(blank=True)  # cleaned
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        # Approving public skins, site and work skins alike (decision 0017's roles).
        permissions = [("approve_skins", "Can approve or reject public skins")]

    def __str__(self) -> str:
        return self.title

    @property
    def version(self) -> str:
        return skin_stylesheet_version(self.css)


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
    # Dates on the pages the member sees are shown in this zone ("" = the archive's own).
    # ``accounts.middleware`` activates it per request; the kept listing parts and blurbs
    # are keyed on every preference, so a page kept for one zone never shows in another.
    time_zone = models.CharField("Time zone", max_length=64, blank=True, default="")

    # Which notices also come by mail; the inbox keeps every notice whatever these say
    # (``social.notifications`` reads them when it mails).
    mail_comments = models.BooleanField("Comments and replies to my comments", default=True)
    mail_kudos = models.BooleanField("Kudos (gathered in a digest)", default=True)
    mail_subscriptions = models.BooleanField("New works and chapters I subscribed to", default=True)
    mail_gifts = models.BooleanField("Gifts given to me", default=True)
    mail_collections = models.BooleanField(
        "Collection and challenge notices, and works inspired by mine", default=True
    )
    mail_co_creator_invitations = models.BooleanField(
        "Invitations to co-create a work, a chapter or a series", default=True
    )
    daily_digest = models.BooleanField(
        "Send one mail a day gathering my notices, instead of one mail each", default=False
    )
    # When the last daily digest went; not a choice (so not in the form nor in the keys of
    # kept pages, which ``model_to_dict`` builds from editable fields only).
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    keep_history = models.BooleanField("Keep my reading history", default=True)
    refuse_gifts = models.BooleanField(
        "Refuse gifts (gifts for a challenge assignment still arrive)", default=False
    )
    refuse_co_creator_invitations = models.BooleanField(
        "Refuse invitations to be a co-creator", default=False
    )
    guest_comments_on_new_works = models.BooleanField(
        "Let guests comment on my new works", default=True
    )
    hide_from_search_engines = models.BooleanField(
        "Ask search engines not to index my works and my pages", default=False
    )
    private_bookmarks_by_default = models.BooleanField(
        "Make my new bookmarks private by default", default=False
    )
    # AO3 deletes a draft a month after it was begun; a member may ask to keep theirs
    # (``works.actions.purge_old_drafts`` reads it when it purges).
    keep_drafts = models.BooleanField("Keep my drafts until I delete them", default=False)
    # Skins: the member's own site skin over the archive's (``theme``), and whether
    # creators' work skins are shown to them (AO3's "Hide work skins").
    site_skin = models.ForeignKey(
        SiteSkin,
        verbose_name="My own site skin",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hide_work_skins = models.BooleanField(
        "Hide creators' styles on works (work skins)", default=False
    )

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


class MemberNote(models.Model):
    """What admins keep about a member for each other; the member never sees it."""

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="admin_notes")
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"note on {self.member}"


class MemberWarning(models.Model):
    """A warning from the admins, shown to the member on every page until they say they
    have read it."""

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="warnings")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"warning to {self.member}"

"""Site pages with their revisions, the Terms of Service versions members accepted, news
posts with their tags and comments, the site banner, and the state every kept page's key
reads (``SiteState``).

Every write to these rows goes through ``sitecontent.actions``: one transaction that moves
``SiteState.generation`` and, for what editors and publishers do, records an audit entry.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class PageKind(models.TextChoices):
    TERMS = "terms", "Terms of Service"
    PRIVACY = "privacy", "Privacy Policy"
    CONTENT_POLICY = "content-policy", "Content Policy"
    FAQ = "faq", "Frequently Asked Questions"
    ABOUT = "about", "About"


class TextFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML"


class SitePage(models.Model):
    """One of the archive's fixed pages; what it says is its current revision."""

    slug = models.SlugField(max_length=40, unique=True, choices=PageKind.choices)
    current_revision = models.ForeignKey(
        "PageRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["slug"]
        permissions = [("edit_site_pages", "Can edit the site pages (terms, FAQ, about...)")]

    def __str__(self) -> str:
        return PageKind(self.slug).label

    def get_absolute_url(self) -> str:
        return reverse("sitecontent:page", args=[self.slug])

    @property
    def is_terms(self) -> bool:
        return self.slug == PageKind.TERMS


class PageRevision(models.Model):
    """What a page said from ``created_at`` on: the text as written and as shown."""

    page = models.ForeignKey(SitePage, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text_format = models.CharField(max_length=10, choices=TextFormat.choices)
    source = models.TextField()
    # ``source`` rendered and cleaned by the sanitizer (``sitecontent.markup``).
    html = models.TextField()
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    summary = models.CharField(max_length=300)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    editor_name = models.CharField(max_length=150, blank=True)  # as it was, kept if they go
    created_at = models.DateTimeField(default=timezone.now)
    # Terms of Service only: the version this text is. A typo fix keeps the version; "a new
    # version members must accept" raises it, and members are asked to accept it.
    terms_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.page} revision {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("sitecontent:revision", args=[self.page.slug, self.number])


class TermsAcceptance(models.Model):
    """A member accepted this version of the Terms of Service (at sign-up or later)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="terms_acceptances"
    )
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="one_acceptance_a_version")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} accepted terms version {self.version}"


class NewsTag(models.Model):
    """A tag of news posts ("Releases", "Policy"...), apart from the works' tags."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WhoMayComment(models.TextChoices):
    MEMBERS = "members", "Members only"
    EVERYONE = "everyone", "Members and guests"
    NOBODY = "nobody", "Nobody (comments closed)"


class NewsPost(models.Model):
    """An announcement from the archive's team (AO3's admin posts)."""

    title = models.CharField(max_length=200)
    text_format = models.CharField(max_length=10, choices=TextFormat.choices)
    source = models.TextField()
    html = models.TextField()
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    tags = models.ManyToManyField(NewsTag, blank=True, related_name="posts")
    who_may_comment = models.CharField(
        max_length=10, choices=WhoMayComment.choices, default=WhoMayComment.MEMBERS
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_news", "Can publish news posts and the site banner")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sitecontent:news_post", args=[self.pk])


class NewsComment(models.Model):
    post = models.ForeignKey(NewsPost, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="news_comments",
    )  # fmt: skip
    guest_name = models.CharField(max_length=100, blank=True)
    text = models.TextField()  # cleaned (the comment profile: no images)
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"comment {self.pk} on news post {self.post_id}"

    @property
    def author_name(self) -> str:
        if self.user is not None:
            return self.user.username
        return self.guest_name or "Guest"


class SiteBanner(models.Model):
    """A short notice at the top of every page. One is active at a time; a new one shows
    again to everyone who dismissed the one before."""

    text = models.TextField()  # cleaned (the comment profile: short, no images)
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"banner {self.pk}"

    def is_shown_at(self, moment: datetime.datetime) -> bool:
        return self.is_active and (self.expires_at is None or self.expires_at > moment)


class BannerDismissal(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="banner_dismissals"
    )
    banner = models.ForeignKey(SiteBanner, on_delete=models.CASCADE, related_name="dismissals")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "banner"], name="one_dismissal_a_banner")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} dismissed banner {self.banner_id}"


class SiteState(models.Model):
    """One row: ``generation`` moves in the transaction of every change to the pages, news
    and banner, so what is kept of them (``sitecontent.state``) is keyed on it and never
    outlives a change."""

    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"site content generation {self.generation}"

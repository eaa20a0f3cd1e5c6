"""API tokens: a member's key for a tool, with the scopes it may use and an expiry."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from ficshelf.accounts.models import User


class Scope(models.TextChoices):
    """What a token may do. ``read`` reads as the member (registered-users-only works,
    their own drafts); each ``write:`` scope opens one kind of change."""

    READ = "read", "Read as you (registered-users-only works, your drafts)"
    KUDOS = "write:kudos", "Leave kudos"
    COMMENTS = "write:comments", "Post, edit and delete your comments"
    BOOKMARKS = "write:bookmarks", "Make, change and delete your bookmarks"
    SUBSCRIPTIONS = "write:subscriptions", "Subscribe and unsubscribe"
    READING = "write:reading", "Mark for Later and keep reading lists"
    WORKS = "write:works", "Post, edit and delete your works and chapters"


class ApiToken(models.Model):
    """Only the token's SHA-256 is kept (tokens are 192 random bits, as e-reader keys:
    ``accounts.reader_keys``); it is shown to the member once, when made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # Space-separated ``Scope`` values.
    scopes = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"API token {self.name!r} of {self.user_id}"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def allows(self, scope: str) -> bool:
        return scope in self.scope_list

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scope_list]

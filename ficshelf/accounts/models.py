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

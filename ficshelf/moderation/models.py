"""Reports of works and comments that land in the admins' queue.

AO3 sends these to its Policy & Abuse team; here the community's admins work the queue in
the admin site, where they can also hide the reported work.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ficshelf.works.models import Work


class ReportReason(models.TextChoices):
    WRONG_RATING_OR_WARNINGS = "ratings", "Wrong rating or missing warnings"
    SPAM = "spam", "Spam or commercial promotion"
    HARASSMENT = "harassment", "Harassment or threats"
    PLAGIARISM = "plagiarism", "Plagiarism or copyright"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


class Report(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="reports")
    # Set when the report is about one comment on the work rather than the work itself.
    # SET_NULL: deleting the comment must not delete the record that it was reported.
    comment = models.ForeignKey(
        "social.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Guests may report too; an address lets admins answer them.
    reporter_email = models.EmailField(blank=True)
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    details = models.TextField()
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        about = f"comment {self.comment_id} on {self.work}" if self.comment_id else self.work
        return f"{self.get_reason_display()}: {about}"


class SpamMark(models.Model):
    """A member's account marked as spam from the spam queue: everything they posted was
    hidden with it (``SpamState.SPAMMER``) until "not spam" lifts the mark.

    Its Meta declares ``review_spam``, the permission the spam queue checks."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="spam_marks"
    )
    reason = models.TextField()
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-marked_at", "-pk"]
        permissions = [("review_spam", "Can review the spam queue and mark posts and accounts")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_open_spam_mark",
            )
        ]

    def __str__(self) -> str:
        return f"spam mark on {self.user_id}"

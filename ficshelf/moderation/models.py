"""Reports that land in the admins' queue: of works, chapters, comments, bookmarks, tags
and member profiles (each from a "Report" link on its page), and messages sent through the
contact form.

AO3 sends these to its Policy & Abuse and Support teams; here the community's admins work
the queue on the moderators' desk (``moderation.desk_views``) or in the admin site, act on
what was reported and answer the reporter by mail.
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
    # The contact form's messages: a question or a problem, not about one thing shown.
    CONTACT = "contact", "A message to the admins"


class ReportKind(models.TextChoices):
    WORK = "work", "Work"
    CHAPTER = "chapter", "Chapter"
    COMMENT = "comment", "Comment"
    BOOKMARK = "bookmark", "Bookmark"
    TAG = "tag", "Tag"
    PROFILE = "profile", "Profile"
    CONTACT = "contact", "Contact form"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


class Report(models.Model):
    kind = models.CharField(
        max_length=20, choices=ReportKind.choices, default=ReportKind.WORK, db_index=True
    )
    # What was reported: the one field its kind names (a chapter's and a comment's report
    # name their work too). Deleting a work takes its reports, as before; deleting anything
    # else keeps the record that it was reported (SET_NULL).
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    chapter = models.ForeignKey(
        "works.Chapter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        "social.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    bookmark = models.ForeignKey(
        "social.Bookmark", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tag = models.ForeignKey(
        "tags.Tag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    profile = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_about",
    )
    # How the reported thing read when it was reported (it may change or go).
    about = models.CharField(max_length=300, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Guests may report too; an address lets admins answer them.
    reporter_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=200, blank=True)
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
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("resolve_report", "Can resolve and dismiss reports"),
            ("reply_to_report", "Can answer reporters by mail"),
        ]

    def __str__(self) -> str:
        if self.kind == ReportKind.CONTACT:
            return f"Contact: {self.subject}"
        # ``about`` says what it is ("comment 5 on ...", "tag ..."); reports made before
        # it was kept name their work.
        return f"{self.get_reason_display()}: {self.about or self.work or '(gone)'}"

    @property
    def answer_address(self) -> str:
        """Where a reply goes: the address left in the form, else the member's."""
        if self.reporter_email:
            return self.reporter_email
        if self.reporter is not None and self.reporter.email:
            return self.reporter.email
        return ""


class ReportReply(models.Model):
    """An admin's answer to a reporter, mailed by the worker."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    sent_to = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"reply to report {self.report_id}"


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
    # The end of the suspension made with the mark ("spam and suspend"), so "not spam" can
    # lift that suspension too while it is still the member's.
    suspended_until = models.DateTimeField(null=True, blank=True)
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

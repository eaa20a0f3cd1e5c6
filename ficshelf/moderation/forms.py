from __future__ import annotations

from typing import Any

from django import forms

from ficshelf.core.form_guards import FormGuard
from ficshelf.moderation.models import Report, ReportReason


class ReportForm(FormGuard, forms.ModelForm[Report]):
    class Meta:
        model = Report
        fields = ["reason", "details", "reporter_email"]
        labels = {
            "reason": "What is wrong?",
            "details": "Tell the admins what they need to know",
            "reporter_email": "Your email (so the admins can answer you)",
        }
        widgets = {"reason": forms.RadioSelect, "details": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: object, is_guest: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # A model field without a default gives its form field a blank "---------" choice,
        # which as a radio button is shown ticked and then refused: the reader picks one.
        reason = self.fields["reason"]
        assert isinstance(reason, forms.ChoiceField)
        # "A message to the admins" is the contact form's, not a report's.
        reason.choices = [c for c in ReportReason.choices if c[0] != ReportReason.CONTACT]
        reason.error_messages["required"] = "Choose what is wrong."
        if not is_guest:
            del self.fields["reporter_email"]


class ContactForm(FormGuard, forms.Form):
    """The support/contact form, guarded against spam as every form guests send is."""

    subject = forms.CharField(label="Subject", max_length=200)
    details = forms.CharField(
        label="Your message",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    email = forms.EmailField(label="Your email (so the admins can answer you)")

    def __init__(self, *args: Any, member_email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if member_email:
            self.fields["email"].initial = member_email


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Reply (mailed to the reporter)",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write the reply."},
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Actor", required=False, max_length=150)
    member = forms.CharField(label="Member (target)", required=False, max_length=150)
    action = forms.ChoiceField(label="Kind", required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Any"), *((a, a) for a in actions)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end comes after the start.")
        return cleaned

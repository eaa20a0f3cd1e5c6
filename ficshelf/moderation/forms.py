from __future__ import annotations

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
        reason.choices = ReportReason.choices
        reason.error_messages["required"] = "Choose what is wrong."
        if not is_guest:
            del self.fields["reporter_email"]

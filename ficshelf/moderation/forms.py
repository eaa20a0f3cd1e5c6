from __future__ import annotations

from django import forms

from ficshelf.moderation.models import Report


class ReportForm(forms.ModelForm[Report]):
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
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not is_guest:
            del self.fields["reporter_email"]

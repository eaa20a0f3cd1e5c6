"""The chapter form, and the chapter text (typed or a .docx upload) it shares with the work form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q

from ficshelf.accounts.models import Pseud, User
from ficshelf.core.forms import LongTextField, SingleLineField
from ficshelf.core.word_documents import MAX_DOCX_BYTES, DocumentRefused, docx_to_html
from ficshelf.works.actions import ChapterData
from ficshelf.works.chapter_credits import refused_chapter_creators
from ficshelf.works.forms.fields import (
    NOTES_MAX,
    SUMMARY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    TextFormat,
    _html_area,
    plain_text_to_html,
    split_names,
)
from ficshelf.works.forms.schedule import PostAtField
from ficshelf.works.models import Chapter, Work


class ChapterTextMixin(forms.Form):
    """The text of a chapter: typed as HTML or plain text, or uploaded as a .docx."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    text = LongTextField(
        label="Text",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 18}),
    )
    text_format = forms.ChoiceField(
        label="Text format",
        choices=TextFormat.CHOICES,
        initial=TextFormat.HTML,
        widget=forms.RadioSelect,
    )
    text_file = forms.FileField(
        label="Or upload a Word document (.docx)",
        required=False,
        help_text="Replaces the text above.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document"
            }
        ),
    )

    def clean_text_file(self) -> str:
        upload: UploadedFile | None = self.cleaned_data.get("text_file")
        if not upload:
            return ""
        if not (upload.name or "").lower().endswith(".docx"):
            raise forms.ValidationError("Upload a Word document whose name ends in .docx.")
        if upload.size is not None and upload.size > MAX_DOCX_BYTES:
            raise forms.ValidationError("That document is too large (20 MB at most).")
        try:
            html = docx_to_html(upload)
        except DocumentRefused as error:
            raise forms.ValidationError(f"Could not read the document: {error}.") from None
        if len(html) > TEXT_MAX:
            raise forms.ValidationError(
                f"The document's text is {len(html):,} characters long as HTML, over a "
                f"chapter's limit of {TEXT_MAX:,}: post it in more than one chapter."
            )
        return html

    def chapter_text_html(self) -> str:
        uploaded: str = self.cleaned_data.get("text_file") or ""
        if uploaded:
            return uploaded
        text: str = self.cleaned_data.get("text", "")
        if self.cleaned_data.get("text_format") == TextFormat.PLAIN:
            return plain_text_to_html(text)
        return text

    def _require_text(self) -> None:
        if "text_file" in self.errors or "text" in self.errors:
            return
        if not self.cleaned_data.get("text_file") and not self.cleaned_data.get("text", "").strip():
            self.add_error("text", "Your work needs some text: type it here or upload a .docx.")


class ChapterForm(PostAtField, ChapterTextMixin):
    title = SingleLineField(label="Chapter title", required=False, max_length=TITLE_MAX)
    summary = _html_area("Chapter summary", SUMMARY_MAX, rows=3)
    notes = _html_area("Chapter notes (at the beginning)", NOTES_MAX, rows=3)
    end_notes = _html_area("Chapter end notes", NOTES_MAX, rows=3)

    creators = SingleLineField(
        label="Chapter creators",
        required=False,
        max_length=2000,
        help_text="Leave empty to credit the work's creators. Or name this chapter's creators "
        "(pseuds or user names, separated by commas): the work's creators are credited at "
        "once, others once they accept.",
    )

    field_order = [
        "title",
        "creators",
        "summary",
        "notes",
        "end_notes",
        "text_format",
        "text",
        "text_file",
        "post_at",
    ]

    def __init__(
        self,
        *args: Any,
        chapter: Chapter | None = None,
        work: Work,
        user: User,
        **kwargs: Any,
    ) -> None:
        if chapter is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": chapter.title,
                "creators": ", ".join(
                    c.pseud.name for c in chapter.credits.select_related("pseud")
                ),
                "summary": chapter.summary,
                "notes": chapter.notes,
                "end_notes": chapter.end_notes,
                "text": chapter.text,
                "text_format": TextFormat.HTML,
                "post_at": chapter.post_at,
            }
        super().__init__(*args, **kwargs)
        self.chapter = chapter
        self.work = work
        self.user = user

    def clean_creators(self) -> list[Pseud]:

        pseuds: list[Pseud] = []
        unknown: list[str] = []
        for name in split_names(self.cleaned_data["creators"]):
            pseud = (
                Pseud.objects.filter(Q(name=name) | Q(user__username=name, is_default=True))
                .filter(user__isnull=False)
                .order_by("-is_default", "pk")
                .first()
            )
            if pseud is None:
                unknown.append(name)
            elif pseud not in pseuds:
                pseuds.append(pseud)
        if unknown:
            raise forms.ValidationError("No member here is called " + ", ".join(unknown) + ".")
        problems = refused_chapter_creators(self.chapter, self.work.pk, pseuds, actor=self.user)
        if problems:
            raise forms.ValidationError(problems)
        return pseuds

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_text()
        return cleaned

    def to_data(self) -> ChapterData:
        c = self.cleaned_data
        return ChapterData(
            title=c["title"],
            summary=c["summary"],
            notes=c["notes"],
            end_notes=c["end_notes"],
            text=self.chapter_text_html(),
            post_at=c.get("post_at"),
            creators=c["creators"],
        )

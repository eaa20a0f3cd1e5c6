"""A guard against form-filling robots: a honeypot field and a minimum time to submit.

``FormGuard`` is a mixin for any ``forms.Form`` or ``ModelForm`` (put it first among the
bases: ``class ContactForm(FormGuard, forms.Form)``). It adds two fields:

- ``website``, a field people never see (hidden by the stylesheet, out of the tab order,
  marked for screen readers to skip) that robots fill in because it looks like one;
- ``form_started``, a hidden field holding the time the form was shown, signed with the
  archive's secret key, so any server of the archive can check it and none keeps state.

A form sent with the honeypot filled, sooner than ``FICSHELF_FORM_MIN_SECONDS`` after it was
shown, or with a stamp that is missing, forged or older than
``FICSHELF_FORM_MAX_AGE_SECONDS`` is invalid with a message that says what to do, so the
view writes nothing. A form shown again carries a fresh stamp where the old one was bad.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.forms.boundfield import BoundField

HONEYPOT_FIELD = "website"
STARTED_FIELD = "form_started"
GUARD_FIELDS = (HONEYPOT_FIELD, STARTED_FIELD)
_SALT = "ficshelf.core.form_guards"

# An unbound form's two fields as the template writes them, by what changes them (the form's
# class, prefix, id format and label suffix), with the time stamp's place marked.
_UNBOUND_GUARD_HTML: dict[tuple[Any, ...], str] = {}
_STAMP_SLOT = "\x00form-started\x00"

TOO_FAST = "That was quick! Please check what you wrote and send the form again."
TOO_OLD = "This form was open for a long time. Please check what you wrote and send it again."
TRIPPED = "Sorry, this form could not be accepted. Please leave the hidden field empty."


def fresh_stamp(now: float | None = None) -> str:
    """A signed "this form was shown at ``now``" (the current time by default)."""
    return signing.dumps(round(time.time() if now is None else now, 1), salt=_SALT)


def guard_problem(honeypot: object, stamp: object, now: float | None = None) -> str | None:
    """Why a form sent with these two values is refused (a message), or None."""
    if honeypot:
        return TRIPPED
    try:
        shown_at = float(signing.loads(str(stamp or ""), salt=_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return TOO_FAST  # a stamp that is missing or forged: a robot, or a very old page
    waited = (time.time() if now is None else now) - shown_at
    if waited < settings.FICSHELF_FORM_MIN_SECONDS:
        return TOO_FAST
    if waited > settings.FICSHELF_FORM_MAX_AGE_SECONDS:
        return TOO_OLD
    return None


class FormGuard:
    """Mixin for forms that guests and new members send (see the module's docstring)."""

    fields: dict[str, forms.Field]
    data: Any
    is_bound: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label="Leave this field empty",
            required=False,
            widget=forms.TextInput(
                attrs={"class": "guard-honeypot", "autocomplete": "off", "tabindex": "-1"}
            ),
        )
        # A callable initial is called each time the form is shown.
        self.fields[STARTED_FIELD] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=fresh_stamp
        )
        self.guard_tripped = False

    def clean(self) -> dict[str, Any] | None:
        cleaned: dict[str, Any] | None = super().clean()  # type: ignore[misc]
        problem = guard_problem(self.data.get(HONEYPOT_FIELD), self.data.get(STARTED_FIELD))
        if problem is not None:
            self.guard_tripped = True
            if problem != TRIPPED:
                # Shown again, the form starts its clock anew: sent a moment later it passes.
                self.data = self.data.copy()
                self.data[STARTED_FIELD] = fresh_stamp()
            raise forms.ValidationError(problem, code="form_guard")
        return cleaned

    @property
    def guard_fields(self) -> list[BoundField]:
        """The two fields, for templates that render them apart from the others."""
        return [self[name] for name in GUARD_FIELDS]  # type: ignore[index]

    @property
    def guard_fields_html(self) -> SafeString:
        """The two fields as ``core/_form_guard.html`` writes them. An unbound form's differ
        from one showing to the next only by the time stamp, so they are rendered once per
        process and kind of form and stamped afresh each time (every work page shows a
        comment form: the template cost more than half a millisecond)."""
        key = (type(self), self.prefix, self.auto_id, self.label_suffix)  # type: ignore[attr-defined]
        given = getattr(self, "initial", {})
        if self.is_bound or any(name in given for name in GUARD_FIELDS):
            return mark_safe(render_to_string("core/_form_guard.html", {"form": self}))  # noqa: S308
        pattern = _UNBOUND_GUARD_HTML.get(key)
        if pattern is not None:
            return mark_safe(pattern.replace(_STAMP_SLOT, fresh_stamp()))  # noqa: S308
        written = render_to_string("core/_form_guard.html", {"form": self})
        # The stamp this form's field was given (its initial is called once per field).
        stamp = str(self[STARTED_FIELD].value())  # type: ignore[index]
        if written.count(stamp) == 1:
            _UNBOUND_GUARD_HTML[key] = written.replace(stamp, _STAMP_SLOT)
        return mark_safe(written)  # noqa: S308 - rendered by the template engine, which escapes

    @property
    def unguarded_fields(self) -> list[BoundField]:
        return [self[name] for name in self.fields if name not in GUARD_FIELDS]  # type: ignore[index]

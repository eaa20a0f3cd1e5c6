"""Form fields every app uses for what a person types.

``SingleLineField`` folds line breaks and tabs into a space (a title pasted from a document
often ends in one) and refuses other control characters with a message; ``LongTextField``
keeps tabs and line breaks and refuses the characters no stored text can hold.

Both fields leave out the HTML ``maxlength`` attribute: a browser silently cuts pasted text
there, mid-word. The length is checked here instead, with a message that names the limit,
and a textarea carries ``data-char-limit`` for the script that counts down as one types.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from ficshelf.core.single_line import control_characters, fold_lines

# What no stored text may hold, typed or not: XML (the downloads, and lxml, which counts a
# chapter's words) has no place for C0 controls but tab and line breaks, nor for U+FFFE and
# U+FFFF, and a lone surrogate (JSON can send one) cannot even be encoded for the database.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _named(characters: set[str]) -> list[str]:
    return [f"U+{ord(c):04X}" for c in sorted(characters)]


def refuse_control_characters(value: str) -> None:
    found = sorted(set(control_characters(value)) | set(_named(set(_UNSTORABLE.findall(value)))))
    _refuse(found)


def refuse_unstorable_characters(value: str) -> None:
    """A long text keeps its tabs and line breaks; other controls are refused."""
    _refuse(_named(set(_UNSTORABLE.findall(value))))


def _refuse(found: list[str]) -> None:
    if found:
        raise ValidationError(
            "This can't contain control characters (found %(found)s); retype it without them.",
            code="control_characters",
            params={"found": ", ".join(found)},
        )


class _LimitNamedNotCut(forms.CharField):
    default_error_messages = {
        "max_length": (
            "This can be at most %(limit_value)s characters long (it has %(show_value)s)."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Checked in validate(), to say both numbers as people write them ("10,000").
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def validate(self, value: Any) -> None:
        super().validate(value)
        if self.max_length is not None and value and len(value) > self.max_length:
            raise ValidationError(
                self.error_messages["max_length"],
                code="max_length",
                params={"limit_value": f"{self.max_length:,}", "show_value": f"{len(value):,}"},
            )

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class SingleLineField(_LimitNamedNotCut):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.append(refuse_control_characters)

    def to_python(self, value: Any) -> str | None:
        if isinstance(value, str):
            value = fold_lines(value)
        return super().to_python(value)


class LongTextField(_LimitNamedNotCut):
    """A textarea's text, line breaks kept.

    Browsers send a textarea's line breaks as CRLF but count (and show) them as one
    character; they are stored as LF, so the limit counts them as the writer sees them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.append(refuse_unstorable_characters)

    def to_python(self, value: Any) -> str | None:
        if isinstance(value, str):
            value = value.replace("\r\n", "\n")
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if self.max_length is not None:
            attrs["data-char-limit"] = str(self.max_length)
        return attrs

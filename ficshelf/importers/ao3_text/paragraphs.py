"""Text to HTML: blank-line-separated paragraphs, line breaks, and scene breaks."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

# Scene breaks: a line made only of these marks ("…..", "* * *", "~~~"). At least two marks,
# so a lone "…" or "—" (a silence in dialogue) stays prose; a line that goes on with words
# ("…until he couldn't") is prose by construction.
_SCENE_BREAK_MARKS = frozenset(".…·•*~-–—_=#+⁂❖◇◆✦✧※°☆★ ")
_SINGLE_MARK_SCENE_BREAKS = frozenset({"⁂", "❖", "※"})


def paragraphs_html(lines: Sequence[str], *, mark_scene_breaks: bool = False) -> str:
    """Blank-line-separated blocks become <p>, line breaks inside a block <br />, as on AO3."""
    blocks = _blocks(lines)
    if len(blocks) == 1:
        # A copy with no blank line anywhere (some editors drop them) still has one
        # paragraph per line, not one paragraph of a thousand <br />.
        blocks = [[line] for line in blocks[0]]
    paragraphs: list[str] = []
    for block in blocks:
        run: list[str] = []
        for line in block:
            if mark_scene_breaks and _is_scene_break(line):
                paragraphs.extend(_paragraph(run))
                run = []
                paragraphs.append(f'<p class="scene-break">{_escape(line)}</p>')
            else:
                run.append(line)
        paragraphs.extend(_paragraph(run))
    return "\n".join(paragraphs)


def _blocks(lines: Iterable[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _paragraph(lines: Sequence[str]) -> list[str]:
    if not lines:
        return []
    return ["<p>" + "<br />\n".join(_escape(line) for line in lines) + "</p>"]


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _is_scene_break(line: str) -> bool:
    marks = line.replace(" ", "")
    if marks in _SINGLE_MARK_SCENE_BREAKS:
        return True
    return len(marks) >= 2 and all(char in _SCENE_BREAK_MARKS for char in marks)

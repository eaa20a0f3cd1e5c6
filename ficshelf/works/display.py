"""Small pieces of how works are shown, shared by the templates' filters
(``templatetags.work_display``) and the blurbs built in Python (``blurb_html``), which cannot
import the template tags (those tags render blurbs through ``kept_blurbs``)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ficshelf.accounts.models import Pseud
    from ficshelf.works.models import Chapter, Work


def thousands(number: int) -> str:
    """1234 -> "1,234": AO3 writes counts with commas whatever the reader's language."""
    return f"{number:,}"


def credited_pseuds(work: Work) -> list[Pseud]:
    """The creators a byline names, for every reader alike (blurbs and pages are kept and
    shared): none for a work in an anonymous collection (its creators see their work on
    their dashboard), and a co-creator who has not accepted yet is not credited (see
    Creatorship.is_approved). Every surface that names a work's creators asks this."""
    if work.in_anonymous_collection:
        return []
    return [c.pseud for c in work.creatorships.all() if c.is_approved]


def credited_pseuds_for_invitee(work: Work) -> list[Pseud]:
    """The creators a co-creator invitation names to its invitee (the dashboard): those a
    reader is shown (``credited_pseuds``: none while the work is in an anonymous
    collection), and none while it is unrevealed either, which a reader is not shown at
    all. The invitee is no creator until they accept: they learn no more than a reader."""
    if work.in_unrevealed_collection:
        return []
    return credited_pseuds(work)


def format_duration(duration: datetime.timedelta) -> str:
    """A recording's length as AO3's podfic blurbs write it: "1:02:03", or "4:05"."""
    total = int(duration.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def media_kinds(work: Work) -> str:
    """What kind of work besides text, as blurbs and work pages say it: "Podfic (1:02:03,
    MP3), fanart"; "" for a work of text alone."""
    kinds: list[str] = []
    if work.is_podfic:
        details = [format_duration(work.audio_duration)] if work.audio_duration else []
        if work.audio_format:
            details.append(work.get_audio_format_display())
        kinds.append("Podfic" + (f" ({', '.join(details)})" if details else ""))
    if work.is_fanart:
        kinds.append("Fanart" if not kinds else "fanart")
    return ", ".join(kinds)


def chapter_credited_pseuds(work: Work, chapter: Chapter) -> list[Pseud] | None:
    """The creators a chapter's byline names: None when the chapter has no accepted credits
    of its own (it is the work's creators'), none for a work in an anonymous collection
    (``works.chapter_credits``). Reads prefetched credits."""
    if work.in_anonymous_collection:
        return []
    # Until someone named accepts, the chapter reads as the work's.
    return [credit.pseud for credit in chapter.credits.all() if credit.is_approved] or None

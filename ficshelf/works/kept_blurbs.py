"""Work blurbs kept rendered in the shared cache, under a key made of everything they show.

A listing renders twenty blurbs, a third of a listing's time when nobody asked for that
listing in the last minute (bench/RESULTS.md, issue 12); the same work's blurb appears in
many listings, bookmarks and history pages, rendered the same for every reader with the same
display preferences. So each blurb is kept under a digest of:

- the work as it was loaded for the blurb (``WorkQuerySet.for_blurbs``): every loaded field
  and annotation of the work and of what was prefetched or joined with it (tags, credits with
  their pseuds and users, series parts with their series, language), so any change to what
  a blurb shows (an edit, a wrangled tag, a renamed pseud, a new kudos count) makes a new
  key, and a kept blurb is never staler than the rows it was rendered from;
- the reader's display preferences (all of them, as the listing part's key);
- the code that writes the blurb (``works.blurb_html`` and the modules it calls), so a new
  release never serves an old rendering; and the site's URL prefix.

Keys are never deleted: an unused one expires. Which works a reader may see is decided
before (the caller passes only works the visibility rule lets them see). Blurbs with search
snippets (the text search's, different for each query) are rendered each time.

A caller may give works loaded without those relations (``with_blurb_columns`` alone): their
key is then made of the work's own row and its page versions (the number of committed
changes to what a work's page shows, its tags, credits and series included, and the version
every work's page shares, moved by renames and bans), read in one query through the reader
the search app registers (``read_page_versions_with``; the versions are its
``search.page_versions``, and this app may not import it). The relations are loaded only
for the blurbs not kept (``load_for_blurbs``): loading them was most of a listing's cost in
Python, twenty works linking some four hundred tags. The versions are read after the rows
and before the relations, so what is kept under a version is never older than that version
(a change committing in between is kept under the version before it, which only readers
who read that version before the change committed ask for).
"""

from __future__ import annotations

import hashlib
import inspect
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache as once
from typing import Any

import django
from django.core.cache import cache
from django.db.models import Model
from django.forms.models import model_to_dict
from django.template import Context
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from ficshelf.accounts.models import Preference
from ficshelf.core.disk_full import skipped_if_full
from ficshelf.works.blurb_html import BlurbLinks, blurb_html, code_modules
from ficshelf.works.models import load_for_blurbs

KEPT_BLURB_SECONDS = 600
# Set on a work loaded without its relations: its page version and the shared one, as read
# before its relations are.
_VERSIONS = "_shown_at_versions"

# The page versions of works by id, and the version every work's page shares.
PageVersionReader = Callable[[Sequence[int]], tuple[Mapping[int, int], int]]
_version_readers: list[PageVersionReader] = []


def read_page_versions_with(reader: PageVersionReader) -> None:
    """Called once, when the app that keeps the works' page versions is ready."""
    _version_readers[:] = [reader]


def blurbs_html(context: Context, works: Iterable[Any]) -> SafeString:
    """The blurbs of ``works`` as ``blurbs_of`` writes them for the reader whose preferences
    ``context`` holds, in order."""
    parts = blurbs_of(works, context.get("reader_preferences"))
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped by blurb_html


def blurbs_of(works: Iterable[Any], preference: Preference | None) -> list[SafeString]:
    """The blurb of each of ``works`` (each loaded with ``for_blurbs``, or with
    ``with_blurb_columns`` alone), in order, as ``works.blurb_html`` writes them for the
    reader with ``preference`` (None: the defaults)."""
    works = list(works)
    _read_versions([work for work in works if not _relations_loaded(work) and not _versions(work)])
    preferences = _preferences_part(preference)
    keys = [_key(work, preferences) for work in works]
    kept: dict[str, str] = cache.get_many([key for key in keys if key is not None])
    missing = [work for work, key in zip(works, keys, strict=True) if key not in kept]
    load_for_blurbs([work for work in missing if not _relations_loaded(work)])
    rendered: dict[str, str] = {}
    parts: list[str] = []
    links = BlurbLinks()  # made once for the page's blurbs
    for work, key in zip(works, keys, strict=True):
        html = kept.get(key) if key is not None else None
        if html is None:
            html = _render(links, preference, work)
            if key is not None:
                rendered[key] = html
        parts.append(html)
    if rendered:
        with skipped_if_full("keeping rendered blurbs"):
            cache.set_many(rendered, KEPT_BLURB_SECONDS)
    return [mark_safe(part) for part in parts]  # noqa: S308 - every part escaped by blurb_html


def _read_versions(works: list[Any]) -> None:
    """Give ``works`` (loaded without their relations) their page versions; without a
    reader, their relations instead, so that their key is made of everything they show."""
    if not works:
        return
    if not _version_readers:
        load_for_blurbs(works)
        return
    versions, shared = _version_readers[0]([work.pk for work in works])
    for work in works:
        setattr(work, _VERSIONS, (versions.get(work.pk, 0), shared))


def _render(links: BlurbLinks, preference: Preference | None, work: Any) -> str:
    # One blurb written afresh (the one place tests count them).
    return blurb_html(work, preference, links)


def _key(work: Any, preferences: str) -> str | None:
    if getattr(work, "search_snippets", None):
        return None
    digest = hashlib.sha256()
    for part in (_code_version(), get_script_prefix(), preferences):
        digest.update(part.encode())
        digest.update(b"\0")
    if not _relations_loaded(work):
        # Keyed on its page versions instead of its relations (``_read_versions``):
        # its own row (counts and hits included, which move no version) is digested below.
        digest.update(b"versions\0" + repr(_versions(work)).encode() + b"\0")
    try:
        digest.update(loaded_state(work))
    except (pickle.PicklingError, TypeError, AttributeError):
        return None  # something on the work that cannot be digested: rendered each time
    return "kept-blurb:" + digest.hexdigest()


def _relations_loaded(work: Any) -> bool:
    return "tags" in work.__dict__.get("_prefetched_objects_cache", {})


def _versions(work: Any) -> tuple[int, int] | None:
    versions: tuple[int, int] | None = work.__dict__.get(_VERSIONS)
    return versions


def _preferences_part(preference: Any) -> str:
    if not isinstance(preference, Model):
        return repr(preference)  # None: the defaults
    return repr(sorted(model_to_dict(preference, exclude=["id", "user"]).items()))


def loaded_state(instance: Model) -> bytes:
    """Every value loaded into ``instance`` and into the instances joined or prefetched with
    it, recursively, in a stable order: what a template given ``instance`` can show without
    asking the database again. (Pickled rather than printed: a listing's twenty works take
    a fraction of a millisecond.)"""
    out: list[Any] = []
    seen: set[int] = set()

    def walk(obj: Model) -> None:
        if id(obj) in seen:  # a prefetch links children back to their parent
            out.append("^")
            return
        seen.add(id(obj))
        out.append(type(obj).__name__)
        for name, value in sorted(obj.__dict__.items()):
            if name == "_state":
                for field, related in sorted(value.fields_cache.items()):
                    out.append(field)
                    if isinstance(related, Model):
                        walk(related)
                    else:
                        out.append(related)
            elif name == _VERSIONS:
                continue  # in the key in its own right (``_key``)
            elif name == "_prefetched_objects_cache":
                for relation, rows in sorted(value.items()):
                    out.append(relation)
                    for row in rows:
                        walk(row)
                    out.append("]")
            else:
                out.append(name)
                out.append(value)

    walk(instance)
    return pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)


@once
def _code_version() -> str:
    """The code that writes blurbs, as this process has it, and Django's version (its
    ``escape`` and ``reverse`` write parts of every blurb)."""
    texts = [django.get_version()]
    texts.extend(inspect.getsource(module) for module in code_modules())
    return hashlib.sha256("\0".join(texts).encode()).hexdigest()

"""How far a host's own index has applied the index queue (``FICSHELF_SEARCH=per-host-embedded``,
``search.host_index``), kept in the index folder beside the index it describes.

Queue ids are handed out when a change writes its entry, but on PostgreSQL they become
visible when its transaction commits, which may be after a higher id did. So a position
alone ("every id up to here is applied") cannot jump over an id not seen yet: that may be a
change still committing. The state is therefore:

- ``position``: every id up to it is applied, or was never going to appear (rolled back);
- ``applied_above``: ids beyond ``position`` already applied (past a gap);
- ``gaps``: ranges of ids beyond ``position`` not seen yet, each with the database time it
  was first noticed missing; a gap is given up (the id was rolled back) once no
  transaction that began before that time is still running;
- ``seen_through``: the highest id read; ids between ``position`` and it are applied, in a
  gap, or given up.

Written with ``os.replace`` after the index has committed what it says (a crash in between
applies a few entries twice, which rebuilds the same documents).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

STATE_FILE = "APPLIED"


@dataclass(frozen=True)
class Gap:
    low: int
    high: int
    noticed_at: float  # database clock, seconds since the epoch


@dataclass(frozen=True)
class HostPosition:
    folder: str  # the index folder these entries were applied to
    position: int
    seen_through: int
    applied_above: frozenset[int] = field(default_factory=frozenset)
    gaps: tuple[Gap, ...] = ()

    @classmethod
    def starting_at(cls, folder: str, position: int) -> HostPosition:
        return cls(folder=folder, position=position, seen_through=position)

    def applied(self, entry_id: int) -> bool:
        return entry_id <= self.position or entry_id in self.applied_above

    def after_reading(
        self,
        read_ids: Iterable[int],
        *,
        noticed_at: float,
        running_since: float,
    ) -> HostPosition:
        """The state once ``read_ids`` (entries read beyond ``position``, in id order) are
        applied; the read held every visible id up to the last one read.
        ``running_since``: when the oldest transaction still running began (a gap noticed
        before it can no longer fill)."""
        read = sorted(set(read_ids))
        top = self.seen_through
        through = max([top, *read])
        gaps = list(self.gaps)
        # Ids now read that were gaps: filled.
        for entry_id in read:
            if entry_id <= top:
                gaps = _without(gaps, entry_id)
        # Ids above the old top that the read skipped: new gaps, noticed now.
        expected = top + 1
        for entry_id in [*(i for i in read if i > top), through + 1]:
            if entry_id > expected:
                gaps.append(Gap(expected, entry_id - 1, noticed_at))
            expected = max(expected, entry_id + 1)
        gaps = [gap for gap in gaps if gap.noticed_at >= running_since]
        applied_above = set(self.applied_above) | set(read)
        position = min((gap.low for gap in gaps), default=through + 1) - 1
        return replace(
            self,
            position=position,
            seen_through=through,
            applied_above=frozenset(i for i in applied_above if i > position),
            gaps=tuple(sorted(gaps, key=lambda gap: gap.low)),
        )


def _without(gaps: list[Gap], entry_id: int) -> list[Gap]:
    kept = []
    for gap in gaps:
        if not gap.low <= entry_id <= gap.high:
            kept.append(gap)
            continue
        if gap.low < entry_id:
            kept.append(Gap(gap.low, entry_id - 1, gap.noticed_at))
        if entry_id < gap.high:
            kept.append(Gap(entry_id + 1, gap.high, gap.noticed_at))
    return kept


def read_position(location: Path) -> HostPosition | None:
    """The state of the index in ``location``; None when it has none (never followed the
    queue, or unreadable: the host then rebuilds)."""
    try:
        content = json.loads((location / STATE_FILE).read_text())
        return HostPosition(
            folder=str(content["folder"]),
            position=int(content["position"]),
            seen_through=int(content["seen_through"]),
            applied_above=frozenset(int(i) for i in content["applied_above"]),
            gaps=tuple(Gap(int(g[0]), int(g[1]), float(g[2])) for g in content["gaps"]),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def write_position(location: Path, state: HostPosition) -> None:
    content = {
        "folder": state.folder,
        "position": state.position,
        "seen_through": state.seen_through,
        "applied_above": sorted(state.applied_above),
        "gaps": [[gap.low, gap.high, gap.noticed_at] for gap in state.gaps],
    }
    temporary = location / f".{STATE_FILE}.{uuid.uuid4().hex}"
    temporary.write_text(json.dumps(content))
    temporary.replace(location / STATE_FILE)  # readers see the old state or the new one

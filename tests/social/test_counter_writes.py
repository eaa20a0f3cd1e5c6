"""Only ``social.counters`` writes the works' stored counts: a second writer is how counts
came to be kept in three places. This reads the archive's source, as import-linter reads
its imports, and fails on any other module that writes one."""

from __future__ import annotations

import ast
from pathlib import Path

from ficshelf.social.counters import COUNTED_FIELDS

PACKAGE = Path(__file__).resolve().parents[2] / "ficshelf"
THE_ONE_WRITER = PACKAGE / "social" / "counters.py"
# Calls that write the fields they are given (as keywords, in ``defaults`` or by name).
WRITING_CALLS = {
    "update",
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "save",
}


def counter_writes(source: str) -> list[str]:
    """Where ``source`` writes a counted field: ``line: what``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in COUNTED_FIELDS:
                    found.append(f"{node.lineno}: sets .{target.attr}")
        if isinstance(node, ast.Call) and _called_name(node) in WRITING_CALLS:
            named = {k.arg for k in node.keywords} | {
                c.value for c in ast.walk(node) if isinstance(c, ast.Constant)
            }
            for name in sorted(named & set(COUNTED_FIELDS)):
                found.append(f"{node.lineno}: {_called_name(node)}() writes {name}")
    return found


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def test_no_module_but_counters_writes_a_count() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): writes
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != THE_ONE_WRITER and "migrations" not in path.parts
        if (writes := counter_writes(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_check_sees_each_way_of_writing_a_count() -> None:
    source = """
Work.objects.filter(pk=1).update(kudos_count=F("kudos_count") + 1)
work.hits_count += 1
work.comments_count = 3
Work.objects.bulk_update(works, ["bookmarks_count"])
work.save(update_fields=["kudos_count"])
Work.objects.update_or_create(pk=1, defaults={"hits_count": 0})
"""
    assert len(counter_writes(source)) == 6


def test_reading_a_count_is_not_writing_it() -> None:
    source = """
document = WorkDocument(kudos_count=work.kudos_count)
shown = work.hits_count + 1
Work.objects.order_by("-kudos_count")
"""
    assert counter_writes(source) == []


def test_the_one_writer_is_where_the_check_looks() -> None:
    assert counter_writes(THE_ONE_WRITER.read_text(encoding="utf-8"))

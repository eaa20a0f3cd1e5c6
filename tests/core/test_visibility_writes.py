"""Every change of who may see what goes through an action that queues the search index and
moves the kept pages' keys in its transaction (docs/design.md, "One path for each promise"). A bulk
``update()``/``bulk_update()`` of a visibility field anywhere else would skip both; this
reads the source (``ast``) and refuses one, and raw SQL ``UPDATE``s of such a column too.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import ficshelf

SOURCE = Path(ficshelf.__file__).parent

# Fields that decide who sees a work, a member, a comment, a bookmark or a tag, or what
# listings find a work by.
VISIBILITY_FIELDS = frozenset(
    {
        "is_hidden_by_admin",
        "spam_state",
        "is_hidden",
        "trusted_at",
        "is_posted",
        "is_restricted",
        "is_active",
        "is_staff",
        "is_superuser",
        "is_approved",
        "is_deleted",
        "is_private",
        "is_canonical",
        "merger",
        "merger_id",
        "pseud",
        "pseud_id",
        # Collections: a work's two states, and the item fields they follow.
        "in_unrevealed_collection",
        "in_anonymous_collection",
        "is_unrevealed",
        "is_anonymous",
        "creator_approval",
        "collection_approval",
    }
)

# The actions allowed to change them in bulk: each queues what it changed (a signal of its
# own app) and records the audit entry in the same transaction.
ACTION_MODULES = frozenset(
    {
        "works/moderation.py",
        "accounts/moderation.py",
        "tags/actions.py",
    }
)

_SQL_UPDATE = re.compile(r"\bUPDATE\b", re.IGNORECASE)


@dataclass(frozen=True)
class BulkWrite:
    path: str
    line: int
    fields: frozenset[str]

    def __str__(self) -> str:
        return f"{self.path}:{self.line} sets {', '.join(sorted(self.fields))}"


def bulk_visibility_writes(source: str, path: str) -> list[BulkWrite]:
    """The ``update()``, ``bulk_update()`` and SQL ``UPDATE``s in ``source`` that set a
    visibility field."""
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        fields: set[str] = set()
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "update":
                fields = _updated_fields(node)
            elif node.func.attr == "bulk_update":
                fields = _bulk_updated_fields(node)
        elif _is_sql_update(node):
            assert isinstance(node, ast.Constant)
            fields = {f for f in VISIBILITY_FIELDS if re.search(rf"\b{f}\b", node.value)}
        if fields & VISIBILITY_FIELDS:
            found.append(BulkWrite(path, node.lineno, frozenset(fields & VISIBILITY_FIELDS)))
    return found


def _is_sql_update(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(_SQL_UPDATE.search(node.value))
    )


def _updated_fields(call: ast.Call) -> set[str]:
    fields = set()
    for keyword in call.keywords:
        if keyword.arg is not None:
            fields.add(keyword.arg)
        elif isinstance(keyword.value, ast.Dict):  # update(**{"is_posted": False})
            fields |= {k.value for k in keyword.value.keys if isinstance(k, ast.Constant)}
    return {str(field) for field in fields}


def _bulk_updated_fields(call: ast.Call) -> set[str]:
    named = [k.value for k in call.keywords if k.arg == "fields"]
    listed = named[0] if named else (call.args[1] if len(call.args) > 1 else None)
    if not isinstance(listed, (ast.List, ast.Tuple, ast.Set)):
        return set()
    return {str(e.value) for e in listed.elts if isinstance(e, ast.Constant)}


def project_bulk_visibility_writes() -> list[BulkWrite]:
    found = []
    for file in sorted(SOURCE.rglob("*.py")):
        path = file.relative_to(SOURCE).as_posix()
        if "/migrations/" in path or path in ACTION_MODULES:
            continue
        found += bulk_visibility_writes(file.read_text(encoding="utf-8"), path)
    return found


def test_visibility_fields_change_in_bulk_only_inside_the_actions() -> None:
    assert [str(write) for write in project_bulk_visibility_writes()] == []


PLANTED = """
def quietly_hide(work_ids):
    Work.objects.filter(pk__in=work_ids).update(is_hidden_by_admin=True, title="x")

def quietly_unpost(chapters):
    Chapter.objects.bulk_update(chapters, ["is_posted"])

def quietly_restrict(ids):
    Work.objects.filter(pk__in=ids).update(**{"is_restricted": True})

def quietly_suspend(cursor):
    cursor.execute("UPDATE accounts_user SET is_active = false WHERE id = %s", [1])

def harmless(work):
    Work.objects.filter(pk=work.pk).update(word_count=10)
    Work.objects.bulk_update([work], fields=["word_count"])
"""


def test_the_check_catches_each_way_of_writing_visibility_in_bulk() -> None:
    found = bulk_visibility_writes(PLANTED, "planted.py")

    assert [(write.line, sorted(write.fields)) for write in found] == [
        (3, ["is_hidden_by_admin"]),
        (6, ["is_posted"]),
        (9, ["is_restricted"]),
        (12, ["is_active"]),
    ]


def test_every_module_let_through_exists() -> None:
    # A module moved or renamed would otherwise leave its new home unchecked... and its
    # old name let through for whatever comes to live there.
    for allowed in ACTION_MODULES:
        assert (SOURCE / allowed).is_file(), f"{allowed} was moved: update the check"

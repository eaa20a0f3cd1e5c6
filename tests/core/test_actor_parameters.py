"""An action takes the acting user as ``actor`` only when it reads it: to record the audit
entry when a moderator acts, to check what the actor may do, or to act on the actor's own
things (their blocks, their credit on a work). A member's action on what is already theirs
(their pseud, their chapter) names that instead. An ``actor`` nobody reads looks like an
audit trail that is not there; this reads the source (``ast``) and refuses one."""

from __future__ import annotations

import ast
from pathlib import Path

import ficshelf

SOURCE = Path(ficshelf.__file__).parent


def unread_actor_parameters(tree: ast.AST) -> list[str]:
    unread = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        if "actor" not in {argument.arg for argument in arguments}:
            continue
        reads = [
            name
            for name in ast.walk(node)
            if isinstance(name, ast.Name) and name.id == "actor" and isinstance(name.ctx, ast.Load)
        ]
        if not reads:
            unread.append(f"{node.name} (line {node.lineno})")
    return unread


def test_no_function_takes_an_actor_it_never_reads() -> None:
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        unread = unread_actor_parameters(ast.parse(path.read_text(), filename=str(path)))
        if unread:
            found[str(path.relative_to(SOURCE))] = unread
    assert found == {}


def test_an_unread_actor_is_found() -> None:
    source = (
        "def delete_chapter(chapter, *, actor):\n    chapter.delete()\n\n"
        "def hide(work, *, actor):\n    record(actor=actor, target=work)\n"
    )
    assert unread_actor_parameters(ast.parse(source)) == ["delete_chapter (line 1)"]

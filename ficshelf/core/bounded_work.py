"""Running work on a user's file in a child process with a time and memory limit.

Converting a document is work whose cost the file's author controls. Checked sizes bound
most of it, but not all (deeply nested markup, pathological styles), and a web worker that
spends 30 seconds on one upload is killed by gunicorn with nothing said to the writer. So
the conversion runs in a child process: past ``seconds`` it is killed and the caller gets
``WorkTooLong``, a clear refusal, while the web process never stopped answering.

The child comes from multiprocessing's fork server (see downloads/exporters/pdf_processes.py
for why not fork): it imports only the function's module, which must not need Django.
"""

from __future__ import annotations

import multiprocessing
import resource
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

Argument = TypeVar("Argument")
Result = TypeVar("Result")


class WorkTooLong(Exception):
    """The child ran past its time and was stopped."""


class WorkFailed(Exception):
    """The child raised, ran out of memory, or died; the message says which."""


def run_bounded(
    function: Callable[[Argument], Result],
    argument: Argument,
    *,
    seconds: float,
    memory_bytes: int,
) -> Result:
    """``function(argument)`` in a child process, stopped after ``seconds`` and limited to
    ``memory_bytes`` of address space."""
    context = multiprocessing.get_context("forkserver")
    # Has effect only when this process first starts the fork server.
    context.set_forkserver_preload([function.__module__])
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(function, argument, sender, memory_bytes), daemon=True
    )
    process.start()
    sender.close()  # only the child holds it now: if the child dies, the receiver reads EOF
    try:
        if not receiver.poll(seconds):
            raise WorkTooLong(f"stopped after {seconds:g} seconds")
        try:
            is_done, value = receiver.recv()
        except EOFError:
            process.join()
            exit_code = process.exitcode
            raise WorkFailed(f"the process ended without a result (exit {exit_code})") from None
        if not is_done:
            raise WorkFailed(value)
        result: Result = value
        return result
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()


def _child(
    function: Callable[[Any], Any], argument: Any, sender: Connection, memory_bytes: int
) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        outcome = (True, function(argument))
    except MemoryError:
        outcome = (False, "it needed more memory than it is allowed")
    except BaseException:  # noqa: BLE001  # handed to the parent, which raises it
        outcome = (False, traceback.format_exc())
    sender.send(outcome)
    sender.close()

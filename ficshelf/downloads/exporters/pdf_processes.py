"""Run one function over several jobs, each job in a child process of its own.

The children come from multiprocessing's fork server, not from fork() of the caller: the
caller is the download worker, with database connections and Django's state open, which a
forked child would share. The fork server is a fresh interpreter that preloads the job's
module (for the PDF, WeasyPrint and Pango, about half a second), once for the life of the
worker; each child forked from it then starts in about 10 ms. A spawned child would pay
the import every time, about a second, which is what a part of a long work saves.

A job that raises, or a child that dies, raises ``LayoutProcessError`` here; the other
children are stopped at once, so nothing is left running.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")


class LayoutProcessError(RuntimeError):
    """A child process failed; the message carries its traceback or exit code."""


def run_in_processes(
    function: Callable[[Job], Result], jobs: Sequence[Job], preload: Sequence[str] = ()
) -> list[Result]:
    """``[function(job) for job in jobs]``, the jobs run at the same time in child processes.

    ``function`` must be importable by name (a module-level function) and its module must
    not need Django: the children import that module and nothing else of the project.
    ``preload`` names modules slow to import that the fork server imports for them.
    """
    context = multiprocessing.get_context("forkserver")
    # Has effect only when the server starts (the first call in this process). A module
    # not importable there is imported by each child instead: slower, the same result.
    context.set_forkserver_preload([function.__module__, *preload])
    processes: list[Any] = []
    receivers: list[Connection] = []
    finished = False
    try:
        for job in jobs:
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(function, job, sender), daemon=True)
            process.start()
            # Only the child holds the sending end now: if it dies, the receiver reads EOF.
            sender.close()
            processes.append(process)
            receivers.append(receiver)
        results: dict[int, Result] = {}
        waiting: dict[Any, int] = {receiver: index for index, receiver in enumerate(receivers)}
        while waiting:
            for ready in wait(list(waiting)):
                index = waiting.pop(ready)
                results[index] = _receive(receivers[index], processes[index], index)
        finished = True
        return [results[index] for index in range(len(jobs))]
    finally:
        for started in processes:
            if not finished:
                started.terminate()
            started.join()
        for receiver in receivers:
            receiver.close()


def _child(function: Callable[[Any], Any], job: Any, sender: Connection) -> None:
    try:
        outcome = (True, function(job))
    except BaseException:  # noqa: BLE001  # handed to the parent, which raises it
        outcome = (False, traceback.format_exc())
    sender.send(outcome)
    sender.close()


def _receive(receiver: Connection, process: multiprocessing.process.BaseProcess, index: int) -> Any:
    try:
        is_done, value = receiver.recv()
    except EOFError:
        process.join()
        raise LayoutProcessError(
            f"layout process {index + 1} ended without a result (exit code {process.exitcode})"
        ) from None
    if not is_done:
        raise LayoutProcessError(f"layout process {index + 1} failed:\n{value}")
    return value

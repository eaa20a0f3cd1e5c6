"""Keeping ``serve``'s child processes (the web server, the worker) running.

A child that exits when it was not asked to is started again after a pause that doubles
from ``FIRST_DELAY`` up to ``LONGEST_DELAY`` while it keeps failing, and is back to
``FIRST_DELAY`` once it has run ``HEALTHY_AFTER`` seconds; each restart is one line for
the operator. Each child runs in a process group of its own: when it dies, whatever it
left (gunicorn's web processes, which would go on serving for up to 30 s; the worker's
PDF layout processes) is asked to stop, finishing a request under way, and killed
``LEFTOVER_GRACE`` seconds later. Ctrl-C at the terminal reaches only the supervisor,
which stops the children in order. On Linux a child also gets SIGTERM if the
supervisor itself is killed, so no orphan keeps serving or holding the port.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

FIRST_DELAY = 1.0
LONGEST_DELAY = 60.0
HEALTHY_AFTER = 60.0
# How long a child may take to stop after SIGTERM (the worker finishes its task) before
# it is killed.
STOP_TIMEOUT = 10.0
# How long what a dead child left may finish a request under way.
LEFTOVER_GRACE = 5.0


@dataclass
class Backoff:
    first: float = FIRST_DELAY
    longest: float = LONGEST_DELAY
    healthy_after: float = HEALTHY_AFTER
    _next: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self._next = self.first

    def delay_after(self, ran_for: float) -> float:
        """The pause before the next start of a child that stopped after ``ran_for`` s."""
        if ran_for >= self.healthy_after:
            self._next = self.first
        delay = self._next
        self._next = min(self._next * 2, self.longest)
        return delay


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


class Child:
    """One supervised process: started, watched, restarted, stopped."""

    def __init__(
        self,
        name: str,
        command: list[str],
        *,
        say: Callable[[str], None],
        pass_fds: tuple[int, ...] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.command = command
        self.pass_fds = pass_fds
        self.say = say
        self.clock = clock
        self.backoff = Backoff()
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None
        # Process groups of dead children, with when to kill what is left in them.
        self._leftovers: dict[int, float] = {}

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
        self.restart_at = None
        self.started_at = self.clock()
        try:
            self.process = subprocess.Popen(
                self.command,
                # Unbuffered, so the children's log lines reach the operator at once.
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
                pass_fds=self.pass_fds,
                preexec_fn=_die_with_parent,
            )
        except OSError as problem:
            self.process = None
            self._schedule_restart(f"could not start ({problem})")

    def watch(self) -> None:
        """Notice an exit (and schedule the restart), or restart when it is time."""
        if self.process is not None:
            returncode = self.process.poll()
            if returncode is not None:
                self._end_leftovers(self.process.pid)
                self.process = None
                self._schedule_restart(f"stopped unexpectedly ({describe_exit(returncode)})")
        elif self.restart_at is not None and self.clock() >= self.restart_at:
            self.start()
        for group, kill_at in list(self._leftovers.items()):
            if self.clock() >= kill_at:
                _signal_group(group, signal.SIGKILL)
                del self._leftovers[group]

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()

    def wait_or_kill(self, deadline: float) -> None:
        if self.process is not None:
            try:
                self.process.wait(timeout=max(deadline - self.clock(), 0))
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._kill_all_leftovers()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        self._kill_all_leftovers()

    def _schedule_restart(self, what_happened: str) -> None:
        delay = self.backoff.delay_after(self.clock() - self.started_at)
        self.restart_at = self.clock() + delay
        self.say(f"The {self.name} {what_happened}; starting it again in {delay:g} s.")

    def _end_leftovers(self, group: int) -> None:
        # The group is the child's own (start_new_session): its id is the child's pid.
        _signal_group(group, signal.SIGTERM)
        self._leftovers[group] = self.clock() + LEFTOVER_GRACE

    def _kill_all_leftovers(self) -> None:
        groups = set(self._leftovers)
        if self.process is not None:
            groups.add(self.process.pid)
        for group in groups:
            _signal_group(group, signal.SIGKILL)
        self._leftovers.clear()


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


_PR_SET_PDEATHSIG = 1
# Loaded before any fork: the child only calls into it between fork and exec.
_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux for SIGTERM when the supervisor dies."""
    if _libc is not None:
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

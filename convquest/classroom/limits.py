"""Who may log in and how often: student-id checks and the failed-login limits.

Pure standard library so the rules can be tested without a network or asyncssh.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

_USERNAME = re.compile(r"[A-Za-z0-9._-]{1,32}")


def username_problem(username: str) -> str | None:
    """Why `username` cannot be a student id, or None if it can.

    The id becomes a directory name under the data dir, so it must be one safe path component.
    """
    if not _USERNAME.fullmatch(username):
        return (
            f"{username[:40]!r} cannot be a student id: use 1 to 32 letters, digits, '.', '_' or '-', "
            "like alice or s-204"
        )
    if username.startswith("."):
        # "." and ".." would escape the students folder; a leading dot would hide the folder.
        return f"{username!r} cannot be a student id: it must not start with '.'"
    if username.startswith("-"):
        # OpenSSH refuses such a name ("remote username contains invalid characters"), and a command
        # would read it as an option: the student could never log in with it.
        return f"{username!r} cannot be a student id: it must not start with '-'"
    return None


# A key is an address (every failure from it) or an (address, student id) pair (that id's failures).
_Key = str | tuple[str, str]

# How many failures a sweep of forgotten keys waits for: keeps memory bounded without a timer.
_SWEEP_EVERY = 1024


@dataclass
class LoginLimiter:
    """Failed logins counted per (address, student id), with a looser cap per address.

    A school's whole class often reaches the server from one NAT address, so one student's
    mistakes (or a classmate typing someone else's id) must not lock out the others: a wrong
    password for `alice` counts against (address, alice), which is refused after `per_id` failures
    in `window` seconds, and against the address, refused after `per_address` failures of any id.
    A username that is not a student at all counts against the address only. A refused attempt is
    not itself a failure, so the wait never grows while someone keeps trying. 0 turns a limit off.
    """

    per_id: int = 5
    per_address: int = 200
    window: float = 600.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[_Key, deque[float]] = field(default_factory=dict)
    _recorded: int = 0

    def _recent(self, key: _Key) -> deque[float] | None:
        stamps = self._failures.get(key)
        if stamps is None:
            return None
        horizon = self.clock() - self.window
        while stamps and stamps[0] <= horizon:
            stamps.popleft()
        if not stamps:
            del self._failures[key]
            return None
        return stamps

    def _limits(self, address: str, student: str | None) -> list[tuple[_Key, int]]:
        limits: list[tuple[_Key, int]] = [(address, self.per_address)]
        if student is not None:
            limits.append(((address, student), self.per_id))
        return [(key, limit) for key, limit in limits if limit > 0]

    def seconds_until_allowed(self, address: str, student: str | None = None) -> float:
        """0 if `student` (None: any id) may try to log in from `address` now, else how long to wait."""
        wait = 0.0
        for key, limit in self._limits(address, student):
            stamps = self._recent(key)
            if stamps is not None and len(stamps) >= limit:
                # Allowed again once the oldest failure that keeps it at the limit leaves the window.
                wait = max(wait, stamps[len(stamps) - limit] + self.window - self.clock())
        return wait

    def allowed(self, address: str, student: str | None = None) -> bool:
        return self.seconds_until_allowed(address, student) <= 0

    def record_failure(self, address: str, student: str | None = None) -> None:
        """One failed login from `address`; `student` is the id tried, None if it is no student's."""
        now = self.clock()
        for key, limit in self._limits(address, student):
            stamps = self._recent(key)
            if stamps is None:
                stamps = self._failures[key] = deque()
            stamps.append(now)
            while len(stamps) > limit:  # older ones can no longer decide anything
                stamps.popleft()
        self._recorded += 1
        if self._recorded % _SWEEP_EVERY == 0:
            for key in list(self._failures):
                self._recent(key)

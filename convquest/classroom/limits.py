"""Who may log in and how often: student-id checks and the per-address failed-login budget.

Pure standard library so the rules can be tested without a network or asyncssh.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

_USERNAME = re.compile(r"[A-Za-z0-9._-]{1,32}")


def username_problem(username: str) -> str | None:
    """Why `username` cannot be a student id, or None if it can.

    The id becomes a directory name under the data dir, so it must be one safe path component.
    """
    if not _USERNAME.fullmatch(username):
        return (
            f"the username {username[:40]!r} cannot be a student id: use 1 to 32 letters, digits, "
            "'.', '_' or '-' (for example: ssh -p PORT alice@HOST)"
        )
    if username.startswith("."):
        # "." and ".." would escape the students folder; a leading dot would hide the folder.
        return f"the username {username!r} cannot be a student id: it must not start with '.'"
    return None


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class FailedLoginLimiter:
    """A token bucket per client address: each failed login spends one token.

    `per_minute` tokens refill evenly over a minute, up to `per_minute`. An address with no token
    left is refused until one refills, so guessing the class code costs at most `per_minute`
    tries a minute from one address.
    """

    per_minute: int
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def _refilled(self, address: str) -> _Bucket | None:
        bucket = self._buckets.get(address)
        if bucket is None:
            return None
        now = self.clock()
        bucket.tokens = min(self.per_minute, bucket.tokens + (now - bucket.stamp) * self.per_minute / 60)
        bucket.stamp = now
        if bucket.tokens >= self.per_minute:
            # A full bucket is the same as no bucket; forgetting it keeps memory bounded.
            del self._buckets[address]
            return None
        return bucket

    def allowed(self, address: str) -> bool:
        """Whether `address` may try to log in now."""
        if self.per_minute <= 0:
            return True
        bucket = self._refilled(address)
        return bucket is None or bucket.tokens >= 1

    def record_failure(self, address: str) -> None:
        if self.per_minute <= 0:
            return
        bucket = self._refilled(address)
        if bucket is None:
            bucket = self._buckets[address] = _Bucket(float(self.per_minute), self.clock())
        bucket.tokens = max(0.0, bucket.tokens - 1)

    def seconds_until_allowed(self, address: str) -> float:
        bucket = self._refilled(address)
        if bucket is None or bucket.tokens >= 1:
            return 0.0
        return (1 - bucket.tokens) * 60 / self.per_minute

"""Who may log in, for both doors (SSH and the browser): one decision, one set of limits.

A login is an id, then (when the class has a roster or a class code) a password. `Gate.begin`
checks the id: a safe student id, on the roster if there is one, and within the failed-login
limits of its (address, id) and its address. `Login.check_password` checks the password (the
student's own from the roster, else the class code) and counts a wrong one against those limits.
Refusals are `Refused`, carrying a reason for the server's log and a sentence for the student.

Standard library only, like `limits` and `roster`, so both doors (asyncssh's callbacks and the
aiohttp login page) and the tests use it as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from convquest.classroom.limits import LoginLimiter, username_problem
from convquest.classroom.roster import Roster


class Refused(Exception):
    """A login refused: `reason` goes to the server's log, the message to the student."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class Gate:
    """The class's login rules. `roster` is called at each login, so a roster file edited during
    the lesson is what the next login is checked against."""

    roster: Callable[[], Roster | None]
    class_code: str | None
    authorized_keys: Path | None
    limiter: LoginLimiter
    # A key of this process only: the class code is compared as a keyed digest, as a roster's
    # passwords are, so the time a comparison takes says nothing about the code's length.
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def is_class_code(self, given: str) -> bool:
        if self.class_code is None:
            return False
        return hmac.compare_digest(self._digest(given), self._digest(self.class_code))

    def _digest(self, text: str) -> bytes:
        return hmac.new(self._key, text.encode(), hashlib.sha256).digest()

    @property
    def asks_password(self) -> bool:
        """Whether a password opens a login: the student's own (roster) or the class code."""
        return self.class_code is not None or self.roster() is not None

    @property
    def checks(self) -> bool:
        """Whether logging in needs anything beyond a valid id (a password or a key)."""
        return self.asks_password or self.authorized_keys is not None

    @property
    def wrong_password(self) -> str:
        """What a wrong password is called in the server's log."""
        return "wrong password" if self.roster() is not None else "wrong class code"

    def is_student(self, username: str) -> bool:
        """Whether `username` is someone who could log in at all: on the roster, or enrolled."""
        roster = self.roster()
        if roster is not None:
            return username in roster
        keys = self.authorized_keys
        if keys is not None and keys.is_dir():
            return (keys / f"{username}.pub").exists()
        return True  # with a class code (or no check) any valid id is a student's

    def begin(self, address: str, username: str, *, how: str = "") -> Login:
        """Start a login of `username` from `address`, or refuse it. `how` ends the sentence for
        an id that is wrong with how this door is used (" (ssh -p 2222 ID@HOST)"); the browser
        door's page shows where the id goes, and needs none."""
        problem = username_problem(username)
        student = username if problem is None and self.is_student(username) else None
        login = Login(self, address, username, student)
        login.check_budget()
        if problem is not None:
            login.record_failure()
            raise Refused("bad username", problem + how)
        if self.roster() is not None and student is None:
            login.record_failure()
            raise Refused(
                "not on the roster",
                f"{username} is not on this class's roster: log in with the student id your teacher gave you{how}",
            )
        return login


@dataclass
class Login:
    """One login in progress: who it is for, and whether it has been counted as failed."""

    gate: Gate
    address: str
    username: str
    student: str | None  # the username, once it is known to be a student's id
    counted: bool = False  # counted as failed (or refused): it must not count again

    def record_failure(self) -> None:
        self.counted = True
        self.gate.limiter.record_failure(self.address, self.student)

    def check_budget(self) -> None:
        limiter = self.gate.limiter
        wait = limiter.seconds_until_allowed(self.address, self.student)
        if wait > 0:
            self.counted = True  # refusing it is not a new failure; the wait must not grow
            whose = f" for {self.student}" if self.student and limiter.allowed(self.address) else ""
            raise Refused(
                "too many failed logins",
                f"too many failed logins{whose} from {self.address}: wait {max(1, round(wait))} s and try again",
            )

    def check_password(self, given: str) -> bool:
        """Whether `given` opens this login; a wrong one is counted (the door logs it, as
        `gate.wrong_password`), and Refused once it was one too many."""
        roster = self.gate.roster()
        if roster is not None:
            right = self.student is not None and roster.check_password(self.student, given)
        else:
            right = self.gate.is_class_code(given)
        if right:
            return True
        self.record_failure()
        self.check_budget()
        return False

"""The one login decision both doors ask (convquest.classroom.gate), without a network."""

from __future__ import annotations

import pytest

from convquest.classroom.gate import Gate, Refused
from convquest.classroom.limits import LoginLimiter
from convquest.classroom.roster import load_roster, write_roster


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def gate_with(tmp_path=None, *, code=None, per_id=3, clock=None) -> Gate:
    roster = None
    if tmp_path is not None:
        path = tmp_path / "roster.csv"
        write_roster(path, "student,password\nalice,pw-alice\nbob,pw-bob\n")
        roster = load_roster(path)
    limiter = LoginLimiter(per_id=per_id, per_address=100, window=600, clock=clock or Clock())
    return Gate(lambda: roster, code, None, limiter)


def test_a_roster_login_checks_the_id_then_that_students_own_password(tmp_path):
    gate = gate_with(tmp_path)
    assert gate.asks_password and gate.checks and gate.wrong_password == "wrong password"
    login = gate.begin("10.0.0.1", "alice")
    assert login.student == "alice"
    assert not login.check_password("pw-bob")  # bob's password does not open alice
    assert login.check_password("pw-alice")
    with pytest.raises(
        Refused, match="zoe is not on this class's roster: log in with the student id your teacher gave you via X"
    ):
        gate.begin("10.0.0.1", "zoe", how=" via X")
    with pytest.raises(Refused) as refused:
        gate.begin("10.0.0.1", "../etc")
    assert refused.value.reason == "bad username" and "cannot be a student id" in refused.value.message


def test_wrong_passwords_count_per_address_and_id_and_the_last_one_is_refused(tmp_path):
    clock = Clock()
    gate = gate_with(tmp_path, clock=clock)
    for _ in range(2):
        assert not gate.begin("10.0.0.1", "alice").check_password("nope")
    with pytest.raises(Refused, match=r"too many failed logins for alice from 10\.0\.0\.1: wait 600 s"):
        gate.begin("10.0.0.1", "alice").check_password("nope")
    with pytest.raises(Refused, match="too many failed logins"):
        gate.begin("10.0.0.1", "alice")  # refused before any password, and not counted again
    assert gate.begin("10.0.0.1", "bob").check_password("pw-bob")  # a classmate behind the same address
    assert gate.begin("10.0.0.2", "alice").check_password("pw-alice")  # alice from elsewhere
    clock.now += 601
    assert gate.begin("10.0.0.1", "alice").check_password("pw-alice")


def test_a_class_code_opens_any_valid_id_and_an_open_gate_asks_nothing():
    gate = gate_with(code="tulip-42")
    assert gate.asks_password and gate.wrong_password == "wrong class code"
    login = gate.begin("10.0.0.1", "anyone")
    assert not login.check_password("tulip-4") and login.check_password("tulip-42")
    open_gate = gate_with()
    assert not open_gate.asks_password and not open_gate.checks
    assert open_gate.begin("127.0.0.1", "alice").student == "alice"


def test_a_bad_id_is_told_how_this_door_is_used_and_nothing_of_the_other_door():
    gate = gate_with(code="tulip-42")
    with pytest.raises(Refused) as refused:
        gate.begin("10.0.0.1", "al ice", how=" (ssh -p 2222 ID@HOST)")
    assert refused.value.message.endswith("(ssh -p 2222 ID@HOST)")
    with pytest.raises(Refused) as refused:
        gate.begin("10.0.0.1", "al ice")  # the browser door names no command
    assert "cannot be a student id" in refused.value.message and "ssh" not in refused.value.message


def test_the_class_code_is_compared_as_digests_of_one_length(monkeypatch):
    """Comparing the typed code itself with compare_digest would tell its length by the time taken."""
    import hmac

    compared: list[tuple[int, int]] = []
    real = hmac.compare_digest

    def spy(a, b):
        compared.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    login = gate_with(code="tulip-42").begin("10.0.0.1", "anyone")
    assert not login.check_password("t") and not login.check_password("tulip-42-and-more")
    assert login.check_password("tulip-42")
    assert compared and set(compared) == {(32, 32)}

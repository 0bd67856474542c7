"""The pure rules behind logins: safe student ids and the failed-login limits per (address, id) and per address."""

from __future__ import annotations

import pytest

from convquest.classroom.limits import LoginLimiter, username_problem


@pytest.mark.parametrize("name", ["alice", "Bob_2", "s-123.x", "a" * 32, "7"])
def test_safe_student_ids_are_accepted(name):
    assert username_problem(name) is None


@pytest.mark.parametrize("name", ["", "..", ".", ".hidden", "a/b", "a b", "é", "a" * 33, "x\0", "-carl", "--help"])
def test_ids_that_are_not_one_safe_path_component_are_refused_with_the_rule(name):
    problem = username_problem(name)
    assert problem is not None and "cannot be a student id" in problem


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_are_counted_per_address_and_id_over_the_window():
    clock = Clock()
    limiter = LoginLimiter(per_id=5, per_address=200, window=600, clock=clock)
    for _ in range(5):
        assert limiter.allowed("10.0.0.1", "alice")
        limiter.record_failure("10.0.0.1", "alice")
        clock.now += 10
    assert not limiter.allowed("10.0.0.1", "alice")
    # Behind the same NAT address, another student's correct password is not held up.
    assert limiter.allowed("10.0.0.1", "bob")
    assert limiter.allowed("10.0.0.2", "alice")
    # The first failure was at 1000; it leaves the 10-minute window at 1600.
    assert limiter.seconds_until_allowed("10.0.0.1", "alice") == pytest.approx(1600 - clock.now)
    clock.now = 1600
    assert limiter.allowed("10.0.0.1", "alice")
    limiter.record_failure("10.0.0.1", "alice")
    assert not limiter.allowed("10.0.0.1", "alice")


def test_the_address_cap_counts_every_id_and_unknown_usernames():
    clock = Clock()
    limiter = LoginLimiter(per_id=5, per_address=12, window=600, clock=clock)
    for n in range(3):
        for _ in range(3):
            limiter.record_failure("10.0.0.1", f"s{n}")
    for _ in range(2):
        limiter.record_failure("10.0.0.1")  # a username that is nobody's
    assert limiter.allowed("10.0.0.1", "zoe")
    assert limiter.allowed("10.0.0.1", "s0")  # 3 of its own 5
    limiter.record_failure("10.0.0.1")
    assert limiter.allowed("10.0.0.1", "s0") is False and limiter.allowed("10.0.0.1", "zoe") is False
    assert limiter.allowed("10.0.0.2", "zoe")


def test_forgotten_failures_leave_no_memory_behind():
    clock = Clock()
    limiter = LoginLimiter(per_id=5, per_address=200, window=600, clock=clock)
    for n in range(100):
        limiter.record_failure(f"10.0.{n}.1", "alice")
    clock.now += 601
    for n in range(100):
        assert limiter.allowed(f"10.0.{n}.1", "alice")
    assert limiter._failures == {}


def test_a_zero_limit_turns_it_off():
    limiter = LoginLimiter(per_id=0, per_address=0)
    for _ in range(500):
        limiter.record_failure("10.0.0.1", "alice")
    assert limiter.allowed("10.0.0.1", "alice")

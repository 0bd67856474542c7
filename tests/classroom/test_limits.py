"""The pure rules behind logins: safe student ids and the per-address failed-login budget."""

from __future__ import annotations

import pytest

from convquest.classroom.limits import FailedLoginLimiter, username_problem


@pytest.mark.parametrize("name", ["alice", "Bob_2", "s-123.x", "a" * 32, "7"])
def test_safe_student_ids_are_accepted(name):
    assert username_problem(name) is None


@pytest.mark.parametrize("name", ["", "..", ".", ".hidden", "a/b", "a b", "é", "a" * 33, "x\0"])
def test_ids_that_are_not_one_safe_path_component_are_refused_with_the_rule(name):
    problem = username_problem(name)
    assert problem is not None and "cannot be a student id" in problem


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_is_per_address_and_refills_over_a_minute():
    clock = Clock()
    limiter = FailedLoginLimiter(per_minute=3, clock=clock)
    for _ in range(3):
        assert limiter.allowed("10.0.0.1")
        limiter.record_failure("10.0.0.1")
    assert not limiter.allowed("10.0.0.1")
    assert limiter.allowed("10.0.0.2")
    assert limiter.seconds_until_allowed("10.0.0.1") == pytest.approx(20)
    clock.now += 20
    assert limiter.allowed("10.0.0.1")
    limiter.record_failure("10.0.0.1")
    assert not limiter.allowed("10.0.0.1")


def test_a_forgiven_address_is_forgotten_so_memory_stays_bounded():
    clock = Clock()
    limiter = FailedLoginLimiter(per_minute=5, clock=clock)
    for n in range(100):
        limiter.record_failure(f"10.0.{n}.1")
    clock.now += 61
    for n in range(100):
        assert limiter.allowed(f"10.0.{n}.1")
    assert limiter._buckets == {}


def test_a_zero_budget_turns_the_limit_off():
    limiter = FailedLoginLimiter(per_minute=0)
    for _ in range(50):
        limiter.record_failure("10.0.0.1")
    assert limiter.allowed("10.0.0.1")

"""A broken progress database never crashes the game and loses nothing else: random bytes, a cut
copy, an empty file, and a database another process holds an exclusive transaction on. Each is
tried with the app under Pilot and with the real game in a pseudo-terminal."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap

import pytest

from convquest.store import DB_NAME, Store
from tests.hardening.pty_game import CONVQUEST, Game

NEIGHBOURS = {
    "classroom.db": b"SQLite format 3\x00 not ours to touch",
    "notes.txt": "keep me ✓".encode(),
    "students/dana/progress.db": b"dana's own",
}


def good_database(folder) -> bytes:
    """A real progress database with an attempt and stars in it, returned as bytes."""
    store = Store.open(folder)
    store.record_attempt("sliding-1", "4", True)
    store.complete_level("sliding-1", 3)
    store.close()
    return (folder / DB_NAME).read_bytes()


def broken(kind: str, tmp_path) -> bytes:
    source = tmp_path / "source"
    rng = random.Random(kind)
    if kind == "random-bytes":
        return rng.randbytes(8192)
    if kind == "zero-length":
        return b""
    if kind == "header-then-junk":  # looks like SQLite for 16 bytes, then is not
        return b"SQLite format 3\x00" + rng.randbytes(4080)
    good = good_database(source)
    if kind == "truncated":
        return good[: len(good) // 2 + 100]
    if kind == "pages-scrambled":  # the header survives, a page in the middle does not
        page = 4096
        return good[:page] + rng.randbytes(page) + good[2 * page :]
    raise ValueError(kind)


KINDS = ["random-bytes", "zero-length", "header-then-junk", "truncated", "pages-scrambled"]


def prepare(kind: str, tmp_path):
    data = tmp_path / "data"
    for name, content in NEIGHBOURS.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes(content)
    bad = broken(kind, tmp_path)
    (data / DB_NAME).write_bytes(bad)
    return data, bad


def assert_nothing_lost(data, bad: bytes) -> None:
    for name, content in NEIGHBOURS.items():
        assert (data / name).read_bytes() == content, f"{name} changed"
    aside = sorted(data.glob(f"{DB_NAME}.corrupt-*"))
    if aside:  # moved aside byte for byte, never deleted or rewritten
        assert [p.read_bytes() for p in aside] == [bad]
    else:  # kept: only a file SQLite can use as it is (an empty one) may stay in place
        assert bad == b"" or (data / DB_NAME).read_bytes()[:16] == b"SQLite format 3\x00"


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
async def test_a_broken_database_under_pilot(kind, tmp_path):
    from convquest.levels import load_curriculum
    from convquest.ui.app import ConvQuestApp

    data, bad = prepare(kind, tmp_path)
    store = Store.open(data)
    try:
        app = ConvQuestApp(curriculum=load_curriculum(), store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("down", "enter")  # open the first chapter: reads stars, writes nothing yet
            await pilot.pause()
            assert app.is_running
        store.record_attempt("sliding-1", "4", True)  # the fresh database takes answers
        assert [a.answer for a in store.attempts("sliding-1")] == ["4"]
    finally:
        store.close()
    assert_nothing_lost(data, bad)
    if list(data.glob(f"{DB_NAME}.corrupt-*")):
        assert store.notice and "moved" in store.notice


# Both kinds under Pilot are slow; one kind in the real game is enough for the quick suite.
@pytest.mark.parametrize("kind", ["random-bytes", pytest.param("truncated", marks=pytest.mark.slow)])
def test_a_broken_database_in_the_real_game(kind, tmp_path):
    data, bad = prepare(kind, tmp_path)
    with Game(CONVQUEST + ["--data-dir", str(data)]) as game:
        screen = game.wait_for("Progress:")
        game.send(b"\x11")  # ctrl+q
        assert game.wait() == 0
    assert "Traceback" not in screen
    assert_nothing_lost(data, bad)
    assert list(data.glob(f"{DB_NAME}.corrupt-*")), "the broken database was used in place"


HOLDER = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute(f"PRAGMA journal_mode={sys.argv[2]}")
    conn.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.readline()  # hold the lock until the test says so
    conn.execute("ROLLBACK")
""")


class Holder:
    """Another process holding BEGIN EXCLUSIVE on a good database (one attempt, three stars).

    In WAL mode (the game's own) an exclusive transaction still lets readers read, so the game
    starts and its writes wait; a database left in rollback mode (an older copy, another tool)
    shuts out readers too, so the game cannot even read it."""

    def __init__(self, data, journal: str) -> None:
        self.data = data
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(data / DB_NAME), journal],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("\n")
            self.process.stdin.close()
            self.process.wait(timeout=30)


@pytest.fixture(params=["wal", "delete"])
def locked(request, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name, content in NEIGHBOURS.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes(content)
    good_database(data)
    holder = Holder(data, request.param)
    yield holder
    holder.release()


def still_there(data, also: list[tuple[str, str]] = ()) -> None:
    """The attempt and stars written before the lock are all there (and `also`, written during it)."""
    store = Store.open(data)
    try:
        assert [(a.level_id, a.answer) for a in store.attempts()] == [("sliding-1", "4"), *also]
        assert store.stars("sliding-1") == 3
    finally:
        store.close()
    assert not list(data.glob(f"{DB_NAME}.corrupt-*")), "a locked database is not a broken one"
    for name, content in NEIGHBOURS.items():
        assert (data / name).read_bytes() == content


@pytest.mark.slow
async def test_a_locked_database_under_pilot(locked):
    from convquest.levels import load_curriculum
    from convquest.ui.app import ConvQuestApp

    store = Store.open(locked.data, timeout=0.2)
    try:
        app = ConvQuestApp(curriculum=load_curriculum(), store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("down", "enter", "escape")
            assert app.is_running
            # An answer while the lock is held: kept and said to be waiting, never a crash.
            store.record_attempt("sliding-2", "2", True)
            assert store.notice
            await pilot.press("down", "up")
            assert app.is_running
        in_memory = "in use" in store.notice
        locked.release()
    finally:
        store.close()  # the last try for the waiting answer, now that the lock is gone
    # A store that could read the file saves the waiting answer once the lock goes; one that could
    # not (rollback mode) said so at the start and kept the session in memory.
    still_there(locked.data, [] if in_memory else [("sliding-2", "2")])


@pytest.mark.slow
def test_a_locked_database_in_the_real_game(locked):
    with Game(CONVQUEST + ["--data-dir", str(locked.data)]) as game:
        screen = game.wait_for("Progress:")
        game.send(b"\x11")  # ctrl+q
        assert game.wait() == 0
    assert "Traceback" not in screen
    locked.release()
    still_there(locked.data)

"""The teacher's live view: answers appear as students give them, connections as they come and go."""

from __future__ import annotations

import time

import pytest
from textual.widgets import DataTable, Static

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.classroom.sitting import QuizSitting
from convquest.ui.quiz.teacher import TeacherApp
from tests.classroom.quiz_helpers import right, write_quiz, wrong

SIZE = (100, 30)
EVERY = 0.1  # seconds between looks at the database; the real default is 1


@pytest.fixture
def class_db(tmp_path):
    path = tmp_path / "data" / "classroom.db"
    db = ResultsDB.open(path)
    yield path, db
    db.close()


def cell(app, student: str, column: str) -> str:
    return str(app.query_one(DataTable).get_cell(student, column))


async def wait_until(pilot, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the view did not catch up"
        await pilot.pause(EVERY / 10)  # sees the view's next look soon after it


async def test_an_answer_shows_in_the_view_as_it_arrives(tmp_path, class_db):
    path, db = class_db
    quiz = load_quiz(write_quiz(tmp_path))
    alice = QuizSitting(quiz, "alice", db)  # started, nothing answered yet
    app = TeacherApp(path, every=EVERY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.query_one(DataTable).row_count == 1)
        assert [cell(app, "alice", c) for c in ("done", "score", "Q1", "Q2", "Q3")] == ["0/3", "0", "·", "·", "·"]
        assert "quiz week-3: Week 3: sizes" in str(app.query_one("#teacher-head", Static).content)

        text = wrong(alice.problems[0])
        alice.answer(text)  # as the student's own process would, while the view runs
        await wait_until(pilot, lambda: cell(app, "alice", "Q1") != "·")
        assert [cell(app, "alice", c) for c in ("done", "score", "Q1", "Q2")] == ["1/3", "0", "✗", "·"]
        feed = str(app.query_one("#teacher-feed", Static).content)
        assert f"alice  Q1  ✗  {text}" in feed

        bob = QuizSitting(quiz, "bob", db)
        bob.answer(right(bob.problems[0]))
        await wait_until(pilot, lambda: app.query_one(DataTable).row_count == 2)
        assert [cell(app, "bob", c) for c in ("done", "score", "Q1")] == ["1/3", "1", "✓"]


async def test_who_is_connected_follows_the_sessions_table(tmp_path, class_db):
    path, db = class_db
    app = TeacherApp(path, every=EVERY)
    async with app.run_test(size=SIZE) as pilot:
        db.session_opened("s1", "chen", "127.0.0.1:5000", None, time.time())
        await wait_until(pilot, lambda: app.query_one(DataTable).row_count == 1)
        assert cell(app, "chen", "on") == "●" and cell(app, "chen", "time") == "not started"
        assert "1 connected" in str(app.query_one("#teacher-head", Static).content)
        db.session_closed("s1", "client left", time.time())
        await wait_until(pilot, lambda: "0 connected" in str(app.query_one("#teacher-head", Static).content))


async def test_before_the_server_ever_ran_the_view_waits_without_creating_files(tmp_path):
    path = tmp_path / "nothing-yet" / "classroom.db"
    app = TeacherApp(path, every=EVERY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(EVERY * 2)
        assert "Waiting for the class" in str(app.query_one("#teacher-head", Static).content)
    assert not path.exists()


async def test_a_grid_typed_at_once_is_one_line_of_the_feed(tmp_path, class_db):
    from convquest.practice.exam import cell_grid, join_grid

    path, db = class_db
    quiz = load_quiz(
        write_quiz(
            tmp_path,
            text='[quiz]\nid = "grid"\ntitle = "G"\nseed = 3\n[[question]]\nkind = "fill-cells"\nvariant = "valid"\n',
        )
    )
    sitting = QuizSitting(quiz, "dana", db)
    problem = sitting.problems[0]
    cells = [right(problem, part) for part in range(len(problem.parts()))]
    cells[0] = wrong(problem, 0)
    _rows, cols = cell_grid(problem.parts())
    app = TeacherApp(path, every=EVERY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.query_one(DataTable).row_count == 1)
        sitting.answer_grid(join_grid(cells, cols))
        await wait_until(pilot, lambda: cell(app, "dana", "Q1") == "✗")
        feed = str(app.query_one("#teacher-feed", Static).content).splitlines()
        assert len(feed) == 2  # the heading and one line for the whole grid
        assert feed[1].endswith(f"dana  Q1  ✗ {len(cells) - 1} of {len(cells)} right  {join_grid(cells, cols)}")

"""The browser door in a real browser: Debian's Chromium, headless, driven by Selenium, against a
classroom server whose every session runs the real `convquest quiz`."""

from __future__ import annotations

import pytest
from web_helpers import CODE, Page, eventually, game_processes

from convquest.classroom.quiz import load_quiz
from convquest.classroom.session import TAKEN_OVER_MESSAGE
from tests.classroom.quiz_helpers import right, write_quiz, wrong

pytestmark = pytest.mark.slow  # a browser and the real quiz game per test


def problems_for(quiz_file, student: str):
    return [q.problem() for q in load_quiz(quiz_file).paper_for(student).questions]


def test_log_in_answer_and_the_answer_is_in_the_results(web_server, browser, tmp_path, capsys):
    quiz_file = write_quiz(tmp_path)
    served = web_server(quiz_file=quiz_file)
    page = Page(browser(), served.url)
    page.log_in("alice")
    page.wait_for("question 1 of 3")
    answer = right(problems_for(quiz_file, "alice")[0])
    page.type(answer + "\n")
    page.wait_for("question 2 of 3")
    served.stop()  # the session log and the answers are flushed when the server stops

    from convquest.cli import main

    capsys.readouterr()
    assert main(["results", "--data-dir", str(served.server.config.data_dir), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "alice" in out and answer in out

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
    # What the browser itself fetched: every file from this server, nothing it refused.
    fetched = page.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert fetched and all(url.startswith(served.url) for url in fetched), fetched
    assert [e for e in page.driver.get_log("browser") if e["level"] == "SEVERE"] == []
    served.stop()  # the session log and the answers are flushed when the server stops

    from convquest.cli import main

    capsys.readouterr()
    assert main(["results", "--data-dir", str(served.server.config.data_dir), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "alice" in out and answer in out


def test_a_wrong_password_is_refused_with_a_sentence_and_starts_no_game(web_server, browser):
    served = web_server()
    page = Page(browser(), served.url)
    page.log_in("alice", password="not-the-code")
    assert "not the class code" in page.problem()
    assert game_processes() == []
    assert served.server.web is not None and not served.server.web.sessions
    assert served.server.active_sessions == 0
    page.log_in("alice")  # the right one then opens the game
    page.wait_for("ConvQuest")
    assert len(game_processes()) == 1


def _at_question_2(served, browser, quiz_file) -> Page:
    """alice logged in by a browser, her first answer given (right), at question 2."""
    page = Page(browser(), served.url)
    page.log_in("alice")
    page.wait_for("question 1 of 3")
    page.type(right(problems_for(quiz_file, "alice")[0]) + "\n")
    page.wait_for("question 2 of 3")
    return page


def test_a_reload_resumes_the_sitting_without_a_new_login(web_server, browser, tmp_path):
    quiz_file = write_quiz(tmp_path)
    page = _at_question_2(web_server(quiz_file=quiz_file), browser, quiz_file)
    page.driver.refresh()
    page.wait_for("question 2 of 3")
    from selenium.webdriver.common.by import By

    assert not page.driver.find_elements(By.ID, "student")  # no login page on the way
    eventually(lambda: len(game_processes()) == 1, "the game before the reload reaped")


def test_a_second_browser_login_takes_over_the_first(web_server, browser, tmp_path):
    quiz_file = write_quiz(tmp_path)
    served = web_server(quiz_file=quiz_file)
    problems = problems_for(quiz_file, "alice")
    first = Page(browser(), served.url)
    first.log_in("alice")
    first.wait_for("question 1 of 3")
    first.type(wrong(problems[0]) + "\n")
    first.wait_for("question 2 of 3")
    second = Page(browser(), served.url)
    second.log_in("alice")
    second.wait_for("question 2 of 3")
    first.wait_for(TAKEN_OVER_MESSAGE)
    from selenium.webdriver.common.by import By

    ended = first.driver.find_element(By.CSS_SELECTOR, ".ended")
    eventually(ended.is_displayed, "the first tab's 'This session has ended' bar")
    assert len(game_processes()) == 1


def _ssh_session(served, marker: bytes):
    """An SSH login as alice (asyncssh, in the server's loop), read until `marker` is drawn."""
    from tests.classroom.ssh_helpers import connect_port, read_until

    async def open_session():
        conn = await connect_port(served.server.port, "alice", CODE)
        process = await conn.create_process(term_type="xterm-256color", term_size=(100, 30), encoding=None)
        await read_until(process.stdout, marker, timeout=30)
        return conn, process

    return served.call(open_session(), timeout=40)


def _close(served, conn) -> None:
    async def close() -> None:
        conn.close()
        await conn.wait_closed()

    served.call(close())


def test_an_ssh_login_takes_over_a_browser_session(web_server, browser, tmp_path):
    quiz_file = write_quiz(tmp_path)
    served = web_server(quiz_file=quiz_file)
    page = _at_question_2(served, browser, quiz_file)
    conn, _ = _ssh_session(served, b"question 2 of 3")
    page.wait_for(TAKEN_OVER_MESSAGE)
    assert len(game_processes()) == 1
    _close(served, conn)


def test_a_browser_login_takes_over_an_ssh_session(web_server, browser, tmp_path):
    from tests.classroom.ssh_helpers import read_until

    quiz_file = write_quiz(tmp_path)
    served = web_server(quiz_file=quiz_file)
    conn, process = _ssh_session(served, b"question 1 of 3")
    page = Page(browser(), served.url)
    page.log_in("alice")
    page.wait_for("question 1 of 3")
    served.call(read_until(process.stdout, TAKEN_OVER_MESSAGE.encode(), timeout=30), timeout=40)
    assert len(game_processes()) == 1
    _close(served, conn)


@pytest.mark.parametrize(("size", "full_size"), [((1024, 600), False), ((1366, 768), True)])
def test_the_game_fits_a_small_chromebook_screen_and_a_laptops(web_server, browser, tmp_path, size, full_size):
    """Textual's page draws at 16 px whatever the window; under 24 rows the game only asks for a
    bigger terminal, which a student in a browser does not know how to make."""
    served = web_server(quiz_file=write_quiz(tmp_path))
    page = Page(browser(), served.url)
    page.driver.set_window_size(*size)
    page.log_in("alice")
    page.wait_for("question 1 of 3")
    assert "Make the terminal" not in page.screen()
    font = int(page.driver.find_element("id", "terminal").get_attribute("data-font-size"))
    assert (font == 16) is full_size and font >= 10  # smaller only where it must be


def test_on_a_small_screen_the_login_button_stays_in_view_under_a_refusal(web_server, browser):
    served = web_server()
    page = Page(browser(), served.url)
    page.driver.set_window_size(1024, 600)
    page.log_in("al ice", password="x")
    assert "cannot be a student id" in page.problem() and "ssh" not in page.problem()
    bottom, height = page.driver.execute_script(
        "return [document.querySelector('button[type=submit]').getBoundingClientRect().bottom, innerHeight]"
    )
    assert bottom <= height, f"the Log in button ends at {bottom} px, below the window's {height} px"

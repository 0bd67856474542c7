"""The sitting screen at 80×24, driven with Pilot: every topic at every difficulty on one paper, its
numbers and pictures found in what the screen mounts; match-kernel fitting the screen (in colour),
or, where it cannot (without colour, a picture keeps its full size), the "more below" cue."""

from __future__ import annotations

import re

import numpy as np
import pytest
from textual.widgets import Input, Static

from convquest.engine import problems
from convquest.practice.exam import Paper, Question
from convquest.practice.topics import all_topics, split_topic
from convquest.ui.match.shaded import ShadedImage
from convquest.ui.match.view import MatchView
from convquest.ui.practice.exam_screen import ExamScreen
from convquest.ui.sitting_screen import MORE_BELOW, QuestionScroll
from tests.practice.practice_oracle import FakeClock
from tests.ui.practice.test_sitting_figures import PICTURE_KINDS, has_run, needed, tokens

SIZE = (80, 24)


def paper_of(specs: list[tuple[str, int]], seed: int = 0) -> Paper:
    questions = []
    for number, (topic, difficulty) in enumerate(specs, 1):
        kind, variant = split_topic(topic)
        params = problems.generate(kind, seed + number, difficulty, variant).params()
        questions.append(Question(number, topic, seed + number, difficulty, params))
    return Paper(seed, tuple(dict.fromkeys(t for t, _ in specs)), tuple(questions))


def screen_text(screen) -> str:
    texts = [str(screen.query_one("#sitting-prompt", Static).content)]
    texts += [str(s.content) for s in screen.query_one("#sitting-figure").query(Static)]
    return "\n".join(texts)


def fits(screen) -> bool:
    """The whole question and figure are in view, and the first answer box is wholly on screen."""
    question = screen.query_one(QuestionScroll)
    box = screen.query(Input).first()
    on_screen = box.region.y >= 0 and box.region.bottom <= SIZE[1] - 1  # the footer is the last line
    return question.max_scroll_y == 0 and on_screen and question.border_subtitle == ""


@pytest.mark.slow
async def test_every_topic_at_every_difficulty_shows_what_its_answer_needs(make_app):
    specs = [(topic, d) for topic in all_topics() for d in (1, 2, 3)]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ExamScreen(paper_of(specs), 60, clock=FakeClock()))
        await pilot.pause()
        screen = app.screen
        for index, (topic, difficulty) in enumerate(specs):
            assert screen.sitting.current == index
            problem = screen.sitting.problems[index]
            kind, _ = split_topic(topic)
            text = screen_text(screen)
            if kind in PICTURE_KINDS:
                view = MatchView(problem)
                shown = [p.values for p in screen.query_one("#sitting-figure").query(ShadedImage)]
                wanted = [view.image] + ([view.target] if view.variant in ("palette", "edit", "two-step") else [])
                wanted += [view.shifted] if view.variant == "translation" else []
                assert all(any(np.array_equal(s, w) for s in shown) for w in wanted), f"{topic} d{difficulty}"
                if view.variant in ("palette", "two-step"):
                    assert all(re.search(rf"\b{k.name}\b", text) for k in view.palette), text
            else:
                lines = [tokens(line) for line in text.splitlines()]
                missing = [run for run in needed(problem.params()) if not has_run(lines, run)]
                assert not missing, f"{topic} d{difficulty}: {missing} not shown in:\n{text}"
            # Whatever does not fit says so, with the key that scrolls to it.
            question = screen.query_one(QuestionScroll)
            assert (question.border_subtitle == MORE_BELOW) == (question.max_scroll_y > 0), f"{topic} d{difficulty}"
            await pilot.press("pagedown")
            await pilot.pause()


MATCH = [t for t in all_topics() if split_topic(t)[0] == "match-kernel"]


@pytest.mark.slow
@pytest.mark.parametrize("topic", MATCH)
async def test_a_match_kernel_question_fits_80x24_in_colour(make_app, topic):
    specs = [(topic, d) for d in (1, 2, 3)]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ExamScreen(paper_of(specs, seed=10), 60, clock=FakeClock()))
        await pilot.pause()
        for difficulty in (1, 2, 3):
            await pilot.pause()
            assert fits(app.screen), f"{topic} d{difficulty} needs scrolling at 80×24"
            await pilot.press("pagedown")


async def test_without_colour_a_palette_question_says_more_is_below_and_scrolls_to_it(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ExamScreen(paper_of([("match-kernel/palette", 3)]), 60, clock=FakeClock()))
        await pilot.pause()
        screen = app.screen
        question = screen.query_one(QuestionScroll)
        assert app.no_color and question.max_scroll_y > 0
        assert question.border_subtitle == MORE_BELOW
        # The footer names the key that scrolls.
        assert any(b.binding.description == "Scroll" and b.binding.show for b in screen.active_bindings.values())
        box = screen.query(Input).first()
        assert app.focused is box and box.region.bottom <= SIZE[1] - 1  # the answer box is on screen
        for _ in range(4):
            await pilot.press("ctrl+down")
        await pilot.pause()
        assert question.scroll_y == question.max_scroll_y and "above" in question.border_subtitle
        # Scrolled to the end, every picture's last row is inside the box.
        for picture in screen.query(ShadedImage):
            assert picture.region.bottom <= question.region.bottom - 1

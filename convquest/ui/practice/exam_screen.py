"""The mock exam: the clock always visible, any question in any order, no verdict until the end.

``convquest.practice.exam.ExamSession`` keeps the time and the answers; this screen shows them.
Each answer is written to the database as it is given (checked, so its mistake key is stored, but
the verdict is not shown). When the time runs out the paper is handed in as it stands and the
report opens; unanswered questions count as wrong.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalGroup, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from convquest.play.taught import topic_taught
from convquest.practice.exam import ExamOver, ExamSession, Paper, TimeUp, join_grid
from convquest.practice.history import History
from convquest.ui.practice.answer_format import answer_parts, question_text
from convquest.ui.practice.figure import figure
from convquest.ui.widgets.answer_input import AnswerInput


def clock_text(seconds: float | None) -> str:
    if seconds is None:
        return "no time limit"
    whole = int(seconds + 0.999)  # 0:00 only when the time is really gone
    return f"{whole // 60}:{whole % 60:02d} left"


def nav_text(exam: ExamSession) -> str:
    """One cell per question: [n] is the one on screen, n* is answered, n alone is not."""
    cells = []
    for i in range(len(exam)):
        mark = "*" if exam.answered(i) else " "
        cells.append(f"[{i + 1}{mark}]" if i == exam.current else f" {i + 1}{mark} ")
    return "".join(cells)


class ExamScreen(Screen[None]):
    HELP_NAME = "exam"
    BINDINGS = [
        Binding("pagedown,ctrl+n", "move(1)", "Next question", priority=True),
        Binding("pageup,ctrl+b", "move(-1)", "Previous", priority=True),
        Binding("ctrl+s", "hand_in", "Hand in", priority=True),
        # The answer box keeps the focus; these scroll a question taller than its box.
        Binding("ctrl+down,shift+down", "scroll_question(3)", "Scroll", priority=True),
        Binding("ctrl+up,shift+up", "scroll_question(-3)", "Scroll up", show=False, priority=True),
        Binding("escape", "hand_in", "Hand in", show=False),
        Binding("question_mark", "app.help", "Help", priority=True),
    ]

    def __init__(
        self,
        paper: Paper,
        minutes: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        tick_every: float = 0.5,
    ) -> None:
        super().__init__()
        self.paper = paper
        self.minutes = minutes
        self.clock = clock
        self.tick_every = tick_every
        self.history: History | None = None
        self.session_id: int | None = None
        self.exam: ExamSession | None = None
        self._handing_in = False

    def compose(self) -> ComposeResult:
        yield Static(id="exam-clock", markup=False)
        yield Static(id="exam-nav", markup=False)
        with VerticalScroll(id="exam-question"):
            yield Static(id="exam-prompt", markup=False)
            yield VerticalGroup(id="exam-figure")
        yield VerticalGroup(id="exam-parts")
        yield Static(id="exam-status", markup=False)
        yield Footer()

    async def on_mount(self) -> None:
        self.history = History(self.app.store)
        self.session_id = self.history.start_session(
            "exam", self.paper.seed, list(self.paper.topics), minutes=self.minutes, paper=self.paper
        )
        self.exam = ExamSession(
            self.paper, self.minutes, clock=self.clock, on_answer=self._saved, taught=topic_taught(self.app.curriculum)
        )
        self.exam.start()
        self.set_interval(self.tick_every, self.tick)
        try:
            await self._show_question()
        except NoMatches:
            # Opened and left in one burst of keys (found by the monkey): the screen is already on
            # its way out and its widgets were never mounted. The paper is saved; nothing to show.
            return
        self._status("Type an answer and press Enter; answers are saved, not marked, until you hand in.")

    def _saved(self, question, part, text, verdict, seconds) -> None:
        self.history.record_answer("exam", self.session_id, question.number, question.topic, part, text, verdict)
        self.history.update_question(self.session_id, question.number, seconds=seconds)

    # -- the clock ----------------------------------------------------------------------------

    def tick(self) -> None:
        """The timer's beat: redraw the clock, and hand the paper in when the time is gone."""
        if self.exam is None or self.exam.finished:
            return
        if self.exam.tick():
            self._finish("time")
            return
        self._show_clock()

    def _show_clock(self) -> None:
        exam = self.exam
        answered = len(exam) - len(exam.unanswered())
        self.query_one("#exam-clock", Static).update(
            f"Exam · question {exam.current + 1} of {len(exam)} · answered {answered} · {clock_text(exam.remaining())}"
        )
        self.query_one("#exam-nav", Static).update(nav_text(exam))

    # -- questions ----------------------------------------------------------------------------

    async def _show_question(self) -> None:
        exam = self.exam
        problem = exam.problems[exam.current]
        labels, grid = answer_parts(problem)
        self.query_one("#exam-prompt", Static).update(question_text(problem, exam.current + 1, labels, grid))
        self.query_one("#exam-question", VerticalScroll).scroll_home(animate=False)
        holder = self.query_one("#exam-figure", VerticalGroup)
        parts = self.query_one("#exam-parts", VerticalGroup)
        # Awaited: the old widgets must be gone before new ones take their ids.
        await holder.remove_children()
        await parts.remove_children()
        await holder.mount_all(figure(problem, width=max(40, self.size.width - 8)))
        widgets = []
        if grid is not None:
            texts = [
                exam.given[(exam.current, p)].text if (exam.current, p) in exam.given else None
                for p in range(len(labels))
            ]
            box = AnswerInput(
                value=join_grid(texts, grid[1]) if any(texts) else "",
                placeholder="row by row, rows separated by ';', then Enter",
                id="exam-grid",
                classes="exam-answer",
            )
            box.border_title = f"output {grid[0]}×{grid[1]}"
            widgets.append(box)
        else:
            for p, label in enumerate(labels):
                given = exam.given.get((exam.current, p))
                box = AnswerInput(
                    value=given.text if given else "",
                    placeholder=f"{label}, then Enter",
                    id=f"exam-answer-{p}",
                    classes="exam-answer",
                )
                box.border_title = label
                widgets.append(box)
        await parts.mount_all(widgets)
        self._focus_first_open()
        self._show_clock()

    def _focus_first_open(self) -> None:
        boxes = list(self.query(".exam-answer").results(Input))
        if not boxes:
            return
        for p, box in enumerate(boxes):
            if (self.exam.current, p) not in self.exam.given:
                box.focus()
                return
        boxes[0].focus()

    async def action_move(self, step: int) -> None:
        if self.exam is None or self.exam.finished:
            return
        if self.exam.tick():
            self._finish("time")
            return
        target = (self.exam.current + step) % len(self.exam)
        self.exam.goto(target)
        await self._show_question()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.exam is None or self.exam.finished:
            return
        grid = event.input.id == "exam-grid"
        part = (
            len(self.exam.problems[self.exam.current].parts()) - 1
            if grid
            else int((event.input.id or "exam-answer-0").rsplit("-", 1)[1])
        )
        try:
            if grid:
                self.exam.answer_grid(event.value)
            else:
                self.exam.answer(event.value, part)
        except TimeUp:
            self._finish("time")
            return
        except ExamOver:
            return
        except ValueError as exc:
            self._status(f"Not an answer the game can read: {exc}")
            return
        self._status(
            f"Saved answer to Q{self.exam.current + 1}"
            + (
                f" ({event.input.border_title})"
                if len(self.exam.problems[self.exam.current].parts()) > 1 and not grid
                else ""
            )
            + ". Change it any time before you hand in."
        )
        self._show_clock()
        # Move on: the next empty box of this question, else the next question.
        boxes = list(self.query(".exam-answer").results(Input))
        for p in range(part + 1, len(boxes)):
            if (self.exam.current, p) not in self.exam.given:
                boxes[p].focus()
                return
        if self.exam.current + 1 < len(self.exam):
            await self.action_move(1)

    def action_scroll_question(self, lines: int) -> None:
        self.query_one("#exam-question", VerticalScroll).scroll_relative(y=lines, animate=False)

    def _status(self, text: str) -> None:
        notice = self.app.store.notice
        self.query_one("#exam-status", Static).update(text + (f"\n! {notice}" if notice else ""))

    # -- handing in ---------------------------------------------------------------------------

    def action_hand_in(self) -> None:
        if self.exam is None or self.exam.finished or self._handing_in:
            return
        from convquest.ui.screens.confirm import ConfirmScreen

        left = len(self.exam.unanswered())
        question = "Hand in the paper now?" + (
            f" {left} question{'s' * (left != 1)} still unanswered will count as wrong." if left else ""
        )
        self._handing_in = True

        def answered(yes: bool | None) -> None:
            self._handing_in = False
            if yes and not self.exam.finished:
                self._finish("submitted")

        self.app.push_screen(ConfirmScreen(question, "Hand in"), answered)

    def on_unmount(self) -> None:
        # Quit (ctrl+q) or a dropped SSH link mid-exam: the answers are already saved; say the
        # paper was left, so the report counts what is missing instead of waiting for it.
        if self.exam is not None and not self.exam.finished and self.history is not None:
            self.exam.finish("quit")
            for question, seconds in zip(self.paper.questions, self.exam.seconds):
                self.history.update_question(self.session_id, question.number, seconds=round(seconds, 3))
            self.history.finish_session(self.session_id, "quit")

    def _finish(self, reason: str) -> None:
        from convquest.practice.report import report_for
        from convquest.ui.practice.report_screen import ReportScreen

        self.exam.finish(reason)
        for question, seconds in zip(self.paper.questions, self.exam.seconds):
            self.history.update_question(self.session_id, question.number, seconds=round(seconds, 3))
        self.history.finish_session(self.session_id, reason)
        report = report_for(self.history, self.session_id)
        # A confirm dialog may be open on top when the time runs out; the report replaces both.
        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        self.app.switch_screen(ReportScreen(report))

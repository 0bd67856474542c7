"""Practice: an endless stream of generated problems, the schedule's choice of topic each time.

The screen shows what ``convquest.practice.drill.PracticeSession`` decides (topic, difficulty,
streak) and hands it the verdicts of the kind panel. Every answer is written to the database by
the session's hooks the moment it is judged.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from convquest.engine.problems.base import Verdict
from convquest.play.taught import topic_taught
from convquest.practice.drill import Drill, PracticeSession
from convquest.practice.history import History
from convquest.practice.schedule import Outcome, start_from_progress
from convquest.ui.game import game
from convquest.ui.kinds import panel_for
from convquest.ui.kinds.base import KindPanel
from convquest.ui.widgets.key_footer import KeyFooter


class PracticeScreen(Screen[None]):
    HELP_NAME = "practice"
    BINDINGS = [
        Binding("escape", "end", "End practice"),
        # h is free in every answer box (answers are numbers, shapes, cells, kernels), as on levels.
        Binding("h", "hint", "Hint", priority=True),
        Binding("ctrl+n", "next", "Skip / next", priority=True),
        Binding("enter", "next_if_done", "Next problem", show=False),
        Binding("question_mark", "app.help", "Help", priority=True),
    ]

    def __init__(self, topics: list[str], seed: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.topics = topics
        self.seed = seed
        self.clock = clock
        self.history: History | None = None
        self.session: PracticeSession | None = None
        self.session_id: int | None = None
        self.asked: list[str] = []  # topics in the order they were asked (what the tests read)

    def compose(self) -> ComposeResult:
        yield Static(id="practice-title", markup=False)
        yield Static(id="practice-hint", markup=False)
        yield Static(id="practice-status", markup=False)
        yield KeyFooter()

    def _open(self) -> tuple[History, PracticeSession, int]:
        """The history, session and its id, which exist from mounting on."""
        assert self.history is not None and self.session is not None and self.session_id is not None
        return self.history, self.session, self.session_id

    def on_mount(self) -> None:
        app = game(self)
        self.history = History(app.store)
        schedule = start_from_progress(self.history.load_schedule(), app.curriculum, app.store.all_stars())
        self.session_id = self.history.start_session("practice", self.seed, self.topics)
        self.session = PracticeSession(
            schedule,
            self.topics,
            self.seed,
            clock=self.clock,
            on_problem=self._saved_problem,
            on_answer=self._saved_answer,
            on_done=self._saved_outcome,
            taught=topic_taught(app.curriculum),
            attempts=app.store.attempts,
        )
        self._next()

    # -- database hooks (called by the session) -----------------------------------------------

    def _saved_problem(self, drill: Drill) -> None:
        history, _, session_id = self._open()
        history.add_question(session_id, drill.number, drill.problem)

    def _saved_answer(self, drill: Drill, part: int, text: str, verdict: Verdict) -> None:
        history, _, session_id = self._open()
        history.record_answer("practice", session_id, drill.number, drill.topic, part, text, verdict, hints=drill.hints)

    def _saved_outcome(self, drill: Drill, outcome: Outcome) -> None:
        history, session, session_id = self._open()
        history.save_topic(session.schedule, drill.topic)
        history.update_question(
            session_id, drill.number, seconds=drill.seconds, hints=drill.hints, skipped=drill.skipped
        )

    # -- the stream ---------------------------------------------------------------------------

    @property
    def drill(self) -> Drill | None:
        return self.session.current if self.session else None

    def _panel(self) -> KindPanel | None:
        panels = self.query(KindPanel)
        return panels.first() if panels else None

    def _next(self) -> None:
        old = self._panel()
        if old is not None:
            old.remove()
        drill = self._open()[1].next()
        self.asked.append(drill.topic)
        panel = panel_for(drill.kind)(drill.run)
        panel.add_class("practice-panel")
        self.mount(panel, before=self.query_one("#practice-status"))
        hint = self.query_one("#practice-hint", Static)
        hint.update("")
        hint.display = False
        self._show_title()
        keys = "Answer the question. h: hint · ctrl+n: skip (shows the solution) · esc: end"
        self._status(f"{drill.brought_back}\n{keys}" if drill.brought_back else keys)

    def _show_title(self) -> None:
        s, d = self._open()[1], self.drill
        assert d is not None
        self.query_one("#practice-title", Static).update(
            # One line at 80 columns even for the longest topic name.
            f"#{d.number} {d.topic} · difficulty {d.difficulty}/{s.schedule.max_difficulty} · "
            f"streak {s.schedule.streak} · first try {s.right}/{s.answered}"
        )

    def _status(self, text: str) -> None:
        notice = game(self).store.notice
        self.query_one("#practice-status", Static).update(text + (f"\n! {notice}" if notice else ""))

    def _after(self, drill: Drill, outcome: Outcome) -> None:
        if drill.skipped:
            head = f"Skipped: {drill.topic} counts as missed."
        elif drill.correct:
            head = "✓ Right first time."
        else:
            head = f"✓ Solved after {drill.wrong} wrong answer{'s' * (drill.wrong != 1)}: counts as missed."
        when = "next problem" if outcome.due_in <= 1 else f"in {outcome.due_in} problems"
        change = ""
        if outcome.difficulty_after != outcome.difficulty_before:
            change = f" Difficulty {outcome.difficulty_before} → {outcome.difficulty_after}."
        self._show_title()
        self._status(f"{head} This topic comes back {when}.{change}\nEnter or ctrl+n: next problem · esc: end")

    def on_kind_panel_judged(self, message: KindPanel.Judged) -> None:
        message.stop()
        drill = self.drill
        if drill is None or drill.done:
            return
        self._open()[1].judged(message.text, message.part, message.verdict)
        if drill.done and drill.outcome is not None:
            self._after(drill, drill.outcome)
            self.set_focus(None)

    def on_kind_panel_solved(self, message: KindPanel.Solved) -> None:
        message.stop()  # the session already finished the drill on its last right part

    # -- keys ---------------------------------------------------------------------------------

    def action_hint(self) -> None:
        drill = self.drill
        if drill is None or drill.done:
            return
        box = self.query_one("#practice-hint", Static)
        box.update(self._open()[1].hint())
        box.display = True

    def action_next(self) -> None:
        drill = self.drill
        if drill is not None and not drill.done:
            outcome = self._open()[1].skip()
            for box in self.query("Input"):
                box.disabled = True
            self.query_one("#practice-hint", Static).update(f"Solution:\n{drill.problem.solution()}")
            self.query_one("#practice-hint").display = True
            self._after(drill, outcome)
            return
        self._next()

    def action_next_if_done(self) -> None:
        if self.drill is not None and self.drill.done:
            self._next()

    def on_unmount(self) -> None:
        if self.history is not None and self.session_id is not None:
            self.history.finish_session(self.session_id, "ended")  # no-op when already ended

    def action_end(self) -> None:
        """Leave practice; when anything was answered, show this session's report first."""
        from convquest.practice.report import report_for
        from convquest.ui.practice.report_screen import ReportScreen

        history, session, session_id = self._open()
        history.finish_session(session_id, "ended")
        report = report_for(history, session_id) if session.answered else None
        if report is None:
            self.app.pop_screen()
        else:
            self.app.switch_screen(ReportScreen(report))

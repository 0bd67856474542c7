"""The level frame: title, the level's lesson and hints, the kind panel, and a status line.

The screen, not the panel, keeps the score: it saves each judged answer at once and, when the
panel reports every part right, stores the stars at once, then leaves the solved board in view
until the player asks for the result (the last window, the revealed field: the point of the level).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from convquest.ui.kinds.base import KindPanel
from convquest.ui.widgets.prose import reflow
from convquest.ui.widgets.title_line import TitleLine


class LevelScreen(Screen[None]):
    HELP_NAME = "level"
    HELP_EXTRA = (
        ("enter", "Check the answer in the box"),
        ("tab", "Move between the answer box and the explanation (↑ ↓ scroll it)"),
    )
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Map"),
        # Answers are numbers, so h and ? are free to act even while the answer box has focus.
        Binding("h", "hint", "Hint", priority=True),
        Binding("question_mark", "app.help", "Help", priority=True),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
        Binding("enter", "result", "Result"),
        # A stray q (the answer box lost focus in a burst of keys) must not end the level: q
        # quits from the map, here only ctrl+q does. It puts the player back in the answer box.
        Binding("q", "focus_answer", show=False),
    ]

    def __init__(self, level: Any, *, seed: int = 0) -> None:
        super().__init__()
        self.level = level
        self.seed = seed
        self.problem = level.problem(seed)
        self.wrong = 0
        self.hints_used = 0
        self.solved: tuple[int, Any] | None = None  # (stars, verdict) once every part is right

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "result":
            return self.solved is not None
        if action == "hint":
            return self.solved is None
        return True

    def compose(self) -> ComposeResult:
        from convquest.ui.kinds import panel_for

        chapter = self.app.curriculum.chapter_of(self.level.id)
        yield TitleLine(chapter.title, self.level.title, id="level-title")
        with VerticalScroll(id="level-notes"):
            yield Static(reflow(self.level.lesson or ""), id="level-lesson", markup=False)
            yield Static(id="level-hints", markup=False)
        yield panel_for(self.level.kind)(self.level, self.problem)
        yield Static(id="level-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        notes = self.query_one("#level-notes")
        notes.display = bool(self.level.lesson)
        self.query_one("#level-lesson").display = bool(self.level.lesson)
        self.query_one("#level-hints").display = False
        self._show_status()

    # -- scoring ----------------------------------------------------------------------------

    def _available_hints(self) -> tuple[str, ...]:
        return tuple(self.level.hints) or (self.problem.hint(),)

    def _panel(self) -> KindPanel | None:
        panels = self.query(KindPanel)
        return panels.first() if panels else None

    def _show_status(self, extra: str = "") -> None:
        from convquest.engine.problems import stars
        from convquest.ui.widgets.stars import star_text

        panel = self._panel()
        bits = []
        if panel is not None and panel.part_count() > 1:
            bits.append(f"part {panel.part + 1} of {panel.part_count()}")
        bits.append(f"{self.wrong} wrong")
        bits.append(f"hints {self.hints_used} of {len(self._available_hints())}")
        bits.append(f"solve now for {star_text(stars(self.wrong, self.hints_used))}")
        notice = self.app.store.notice
        line = " · ".join(bits) + (f"  {extra}" if extra else "")
        if notice:
            line += f"\n! {notice}"
        self.query_one("#level-status", Static).update(line)

    def on_kind_panel_judged(self, message: KindPanel.Judged) -> None:
        message.stop()
        verdict = message.verdict
        # Saved the moment it is judged: a dropped SSH link or a quit loses nothing.
        self.app.store.record_attempt(
            self.level.id,
            message.text,
            verdict.correct,
            part=message.part,
            hints=self.hints_used,
            mode="level",
            topic=self.problem.topic,
            mistake=verdict.mistake,
        )
        if not verdict.correct:
            self.wrong += 1
        self._show_status()

    def on_kind_panel_solved(self, message: KindPanel.Solved) -> None:
        message.stop()
        from convquest.engine.problems import stars
        from convquest.ui.widgets.stars import star_text

        earned = stars(self.wrong, self.hints_used)
        self.app.store.complete_level(self.level.id, earned)
        self.solved = (earned, message.verdict)
        panel = self._panel()
        if panel is not None:
            panel.disabled = True  # the board stays in view but takes no more answers
        self.set_focus(None)
        self.query_one("#level-status", Static).update(
            f"✓ Solved: {star_text(earned)} saved. Press Enter for the explanation."
        )
        self.refresh_bindings()

    def action_focus_answer(self) -> None:
        boxes = [box for box in self.query(Input) if not box.disabled]
        if boxes:
            boxes[0].focus()

    def action_result(self) -> None:
        if self.solved is None:
            return
        from convquest.ui.screens.result import ResultScreen

        earned, verdict = self.solved
        panel = self._panel()
        self.app.switch_screen(
            ResultScreen(
                self.level,
                earned,
                verdict,
                wrong=self.wrong,
                hints=self.hints_used,
                picture=panel.picture() if panel is not None else "",
            )
        )

    def action_hint(self) -> None:
        hints = self._available_hints()
        if self.hints_used >= len(hints):
            self._show_status("(no more hints)")
            return
        self.hints_used += 1
        shown = "\n".join(f"Hint {n}: {reflow(text)}" for n, text in enumerate(hints[: self.hints_used], start=1))
        box = self.query_one("#level-hints", Static)
        box.update(shown)
        box.display = True
        notes = self.query_one("#level-notes", VerticalScroll)
        notes.display = True
        notes.scroll_end(animate=False)
        self._show_status()

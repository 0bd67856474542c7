"""The level frame: title, the level's lesson, the kind panel, and a status line, over a LevelRun.

The run (convquest.play.run) judges, records each answer the moment it is judged, climbs the hint
ladder and stores the stars; this screen hands it the keys (h a rung, s show me, a another like
it) and renders its state. When every part is right the solved board stays in view until the
player asks for the result (the last window, the revealed field: the point of the level).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from convquest.ui.game import game
from convquest.ui.kinds.base import KindPanel
from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.prose import Prose
from convquest.ui.widgets.title_line import TitleLine

if TYPE_CHECKING:  # the run comes built: importing it here would load the engine with the screen
    from convquest.engine.problems.base import Problem
    from convquest.play.run import LevelRun

SHOW_ME = (
    "Show the whole solution?\n\nThe level then counts as seen, not solved: no stars. "
    "A level with ranges offers another like it to earn them."
)


class LevelScreen(Screen[None]):
    HELP_NAME = "level"
    HELP_EXTRA = (
        ("enter", "Check the answer in the box"),
        ("tab", "Move between the answer box and the explanation (↑ ↓ scroll it)"),
    )
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Map"),
        # Answers are numbers, so these letters are free to act even while the answer box has focus.
        Binding("h", "hint", "Hint", priority=True),
        Binding("s", "show_me", "Show me", priority=True),
        Binding("f", "formulas", "Formulas", priority=True),
        Binding("a", "another", "Another like it", priority=True),
        Binding("question_mark", "app.help", "Help", priority=True),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
        Binding("enter", "result", "Result"),
        # A stray q (the answer box lost focus in a burst of keys) must not end the level: q
        # quits from the map, here only ctrl+q does. It puts the player back in the answer box.
        Binding("q", "focus_answer", show=False),
    ]

    def __init__(self, run: LevelRun) -> None:
        super().__init__()
        self.run = run  # "another like it" replaces it
        self.level = run.level

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        run = self.run
        if action == "result":
            return run.solved
        if action in ("hint", "show_me"):
            return not run.over
        if action == "another":
            return run.shown and run.can_draw_again
        return True

    def compose(self) -> ComposeResult:
        chapter = game(self).curriculum.chapter_of(self.level.id)
        yield TitleLine(chapter.title, self.level.title, id="level-title")
        with VerticalScroll(id="level-notes"):
            yield Prose(self.level.lesson or "", id="level-lesson")
        yield self._new_panel()
        yield Static(id="level-status", markup=False)
        yield KeyFooter()

    def _new_panel(self) -> KindPanel:
        from convquest.ui.kinds import panel_for

        return panel_for(self.level.kind)(self.run)

    def on_mount(self) -> None:
        self.query_one("#level-notes").display = bool(self.level.lesson)
        self._show_status()

    # -- what the run says ------------------------------------------------------------------

    @property
    def problem(self) -> Problem:
        return self.run.problem

    def _panel(self) -> KindPanel | None:
        panels = self.query(KindPanel)
        return panels.first() if panels else None

    def _show_status(self) -> None:
        from convquest.engine.problems.stars import TOP_RUNG
        from convquest.ui.widgets.stars import star_text

        run = self.run
        bits = []
        if run.part_count > 1:
            bits.append(f"part {run.part + 1} of {run.part_count}")
        if run.shown:
            bits.append("seen, not solved: no stars")
            if run.can_draw_again:
                bits.append("a: another like it")
        else:
            rung = run.rung_of(run.part)
            if rung >= TOP_RUNG:
                bits.append(f"hint {rung} of {TOP_RUNG} · s shows the solution")
            else:
                bits.append(f"hint {rung} of {TOP_RUNG}" if rung else "no hints yet")
            # The stars follow the highest rung of any part: say why they are lower than this part's rung
            # alone would make them, or "solve now for ★☆☆" reads as a penalty out of nowhere.
            if run.seen:
                bits.append("seen: ★ at most")
            elif run.rung > rung:
                bits.append("hints on an earlier part")
            bits.append(f"solve now for {star_text(run.stars_now)}")
        line = " · ".join(bits)
        notice = game(self).store.notice
        if notice:
            line += f"\n! {notice}"
        self.query_one("#level-status", Static).update(line)
        self.refresh_bindings()

    def on_kind_panel_judged(self, message: KindPanel.Judged) -> None:
        message.stop()
        self._show_status()

    def on_kind_panel_solved(self, message: KindPanel.Solved) -> None:
        message.stop()
        from convquest.ui.widgets.stars import star_text

        panel = self._panel()
        if panel is not None:
            panel.disabled = True  # the board stays in view but takes no more answers
        self.set_focus(None)
        self.query_one("#level-status", Static).update(
            f"✓ Solved: {star_text(self.run.stars_now)} saved. Press Enter for the explanation."
        )
        self.refresh_bindings()

    # -- keys -------------------------------------------------------------------------------

    def action_focus_answer(self) -> None:
        boxes = [box for box in self.query(Input) if not box.disabled]
        if boxes:
            boxes[0].focus()

    def action_result(self) -> None:
        if not self.run.solved:
            return
        from convquest.ui.screens.result import ResultScreen

        panel = self._panel()
        self.app.switch_screen(
            ResultScreen(
                self.level,
                self.run.stars_now,  # once solved, the stars earned
                self.run.worked_solution(),
                wrong=self.run.wrong,
                rung=self.run.rung,
                picture=panel.picture() if panel is not None else "",
            )
        )

    def action_hint(self) -> None:
        panel = self._panel()
        if panel is None or self.run.over:
            return
        panel.show_feedback(self.run.climb())
        self._show_status()

    def action_show_me(self) -> None:
        if self.run.over:
            return
        from convquest.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            panel = self._panel()
            if not yes or panel is None or self.run.over:
                return
            panel.show_feedback(self.run.show_me())
            self._show_status()

        self.app.push_screen(ConfirmScreen(SHOW_ME, "Show me"), answered)

    def action_formulas(self) -> None:
        from convquest.play.formulas import formula_card
        from convquest.ui.screens.formulas import FormulaCard

        self.app.push_screen(FormulaCard(formula_card(self.run.taught)))

    async def action_another(self) -> None:
        if not (self.run.shown and self.run.can_draw_again):
            return
        old = self._panel()
        self.run = self.run.another()
        panel = self._new_panel()
        if old is not None:
            await self.mount(panel, before=old)
            await old.remove()
        self._show_status()

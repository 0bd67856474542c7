"""`convquest teacher`: the class at a glance while a quiz runs.

One row per student: connected or not, questions answered, score so far, each question's mark
(✓ right, ✗ wrong, ½ partly answered, · not yet; ✎ and the mark where the teacher overrode it) and
the time. Below, the answers as they arrive, or (b) each question across the class: percent right
and the commonest mistakes in words. The view reads the results database every `every` seconds (1 by default) with a timer, never a
loop: reading is cheap, and the students' processes write, never this one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static

from convquest.classroom.backends import is_postgres, shown
from convquest.classroom.export import clip, duration, question_lines
from convquest.classroom.progress import QuestionState, Snapshot, StudentProgress, snapshot
from convquest.classroom.results import AnswerRow, MarkOverride, ResultsDB
from convquest.practice.exam import cell_grid, join_grid
from convquest.practice.records import marks_text
from convquest.ui.base_app import BaseApp
from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.title_line import fit_title

W = TypeVar("W", bound=Widget)

FEED_LINES = 6
QUESTION_MISTAKES = 2  # per question in the live view; `convquest results --by-question` lists three
OVERRIDDEN = "✎"

ABOUT = (
    "The class at a glance while a quiz runs: one row per student with ● when connected, the questions "
    "done, the score so far and each question's mark: ✓ right, ✗ wrong, ½ partly answered, · not yet, "
    f"{OVERRIDDEN} and the mark where you overrode it. Below, the answers as they arrive; b shows each "
    "question across the class instead: how many answered, the percent right and the commonest mistakes. "
    "To change a mark: convquest results override --quiz ID --student ID --question N --mark M."
)


def mark_cell(question: QuestionState) -> str:
    return f"{OVERRIDDEN}{marks_text(question.marks)}" if question.overridden else question.mark


def time_cell(progress: StudentProgress | None, now: float) -> str:
    if progress is None:
        return "not started"
    if progress.status == "time":
        return "time up"
    if progress.ended_at is not None:
        return f"{progress.status} {duration(progress.seconds(now))}"
    left = progress.remaining(now)
    return f"{duration(left)} left" if left is not None else duration(progress.seconds(now))


def row_cells(shot: Snapshot, student: str, questions: int) -> list[str]:
    progress = shot.progress_of(student)
    online = "●" if student in shot.connected else "–"
    if progress is None:
        return [student, online, "", ""] + ["·"] * questions + [time_cell(None, shot.taken_at)]
    marks = [mark_cell(q) for q in progress.questions] + [""] * (questions - progress.total)
    return (
        [student, online, f"{progress.answered}/{progress.total}", marks_text(progress.score)]
        + marks[:questions]
        + [time_cell(progress, shot.taken_at)]
    )


def head_text(shot: Snapshot, path: Path | str, width: int = 0) -> str:
    """The header in `width` columns (0: whole): a long title gives way, never the counts or the time."""
    waiting = f"no quiz started yet in {path}" if shot.quiz_id is None else f"quiz {shot.quiz_id}: {shot.title}"
    finished = sum(1 for s in shot.students if s.ended_at is not None)
    stamp = datetime.fromtimestamp(shot.taken_at).strftime("%H:%M:%S")
    counts = f"{len(shot.connected)} connected · {len(shot.students)} started · {finished} finished · {stamp}"
    return fit_title((waiting, counts), width, separator=" · ")


class TeacherScreen(Screen[None]):
    """The view's one screen: named so its help says whose keys these are."""

    HELP_NAME = "teacher view"


class TeacherApp(BaseApp):
    CSS_PATH = Path(__file__).resolve().parent.parent / "convquest.tcss"
    TITLE = "ConvQuest — teacher"
    # As in the game (10b5e94): no command palette. Textual's own crashes on a page key before its
    # list has lines (tests/hardening/test_hardening_regressions.py), and r and q are in the footer.
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("r", "refresh_now", "Refresh now"),
        Binding("b", "toggle_questions", "By question"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(
        self,
        path: Path | str,
        *,
        quiz_id: str | None = None,
        every: float = 1.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__()
        self.path = path if is_postgres(path) else Path(path)
        self.quiz_id = quiz_id
        self.every = every
        self.clock = clock  # None: the database's clock, which the students' deadlines are measured by
        self.db: ResultsDB | None = None
        self.shot: Snapshot | None = None
        self._columns: tuple[str, ...] = ()
        self._last_answer = 0
        self._last_override = 0
        self._feed: list[str] = []
        self.by_question = False  # b: each question across the class in place of the latest answers

    def get_default_screen(self) -> Screen[None]:
        return TeacherScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield Static(id="teacher-head", markup=False)
        yield DataTable(id="teacher-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="teacher-feed", markup=False)
        questions = Static(id="teacher-questions", markup=False)
        questions.display = False
        yield questions
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_view()
        self.set_interval(self.every, self.refresh_view)

    def on_unmount(self) -> None:
        if self.db is not None:
            self.db.close()

    def action_refresh_now(self) -> None:
        self.refresh_view()

    def action_toggle_questions(self) -> None:
        self.by_question = not self.by_question
        self.refresh_view()

    def action_help(self) -> None:
        from convquest.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(self.screen, about=ABOUT))

    def _part(self, selector: str, kind: type[W]) -> W:
        # The view's widgets live on the default screen: under the help screen while it is open,
        # where the app's own query_one (which searches the top screen) would not find them.
        return self.screen_stack[0].query_one(selector, kind)

    def refresh_view(self) -> None:
        if not self.screen_stack or not self.screen_stack[0].query("#teacher-head"):
            return  # not composed yet (a first tick on a busy machine); the next tick draws it
        if self.db is None:
            # The database appears when the server starts; wait for it rather than create it here.
            self.db = ResultsDB.open_existing(self.path)
            if self.db is None:
                self._part("#teacher-head", Static).update(
                    f"Waiting for the class: no results database yet at {shown(self.path)} "
                    "(start `convquest serve` with the same --data-dir)."
                )
                return
        shot = snapshot(self.db, self.quiz_id, now=self.db.now() if self.clock is None else self.clock())
        self.shot = shot
        head = self._part("#teacher-head", Static)
        head.update(head_text(shot, shown(self.path), head.content_size.width or self.size.width - 2))
        questions = max((s.total for s in shot.students), default=0)
        self._fill_table(shot, questions)
        self._feed_answers(self.db, shot)
        self._show_questions(shot)

    def _show_questions(self, shot: Snapshot) -> None:
        panel = self._part("#teacher-questions", Static)
        self._part("#teacher-feed", Static).display = not self.by_question
        panel.display = self.by_question
        if self.by_question:
            # The panel's max-height is half the screen above the footer (convquest.tcss), less its
            # border and its heading: lines past that would be cut off unseen.
            rows = max(2, (self.size.height - 1) // 2 - 2)
            lines = fitted_question_lines(shot.students, max(20, self.size.width - 2), rows)
            panel.update("By question:\n" + ("\n".join(lines) if lines else "no answers yet"))

    def _fill_table(self, shot: Snapshot, questions: int) -> None:
        table = self._part("#teacher-table", DataTable)
        columns = ("student", "on", "done", "score", *(f"Q{n}" for n in range(1, questions + 1)), "time")
        if columns != self._columns:
            table.clear(columns=True)
            for name in columns:
                table.add_column(name, key=name)
            self._columns = columns
        present = {row.value for row in table.rows}
        for student in shot.roster():
            cells = row_cells(shot, student, questions)
            if student not in present:
                table.add_row(*cells, key=student)
                continue
            for name, value in zip(columns, cells):
                if str(table.get_cell(student, name)) != value:
                    # Wider when it must be: a mark overridden to ✎0.50 is wider than its column of ✓ and ✗.
                    table.update_cell(student, name, value, update_width=True)

    def _feed_answers(self, db: ResultsDB, shot: Snapshot) -> None:
        if shot.quiz_id is None:
            return
        fresh: list[AnswerRow] = db.answers(shot.quiz_id, after=self._last_answer)
        changed = db.overrides(shot.quiz_id, after=self._last_override)
        if not fresh and not changed:
            return
        if fresh:
            self._last_answer = fresh[-1].id
        if changed:
            self._last_override = changed[-1].id
        # In the order things happened: an override made between two answers is read between them.
        told = feed_lines(shot, fresh) + [(o.at, override_line(o)) for o in changed]
        self._feed += [line for _, line in sorted(told, key=lambda entry: entry[0])]
        self._feed = self._feed[-FEED_LINES:]
        # One line each, cut to the width: a wrapped line would push the newest out of the panel.
        width = max(20, self.size.width - 2)
        self._part("#teacher-feed", Static).update(
            "Latest answers:\n" + "\n".join(clip(line, width) for line in self._feed)
        )


def fitted_question_lines(students: Sequence[StudentProgress], width: int, rows: int) -> list[str]:
    """The by-question lines in `rows` lines: fewer mistakes per question first; if even one line a
    question is too many, the last line says how many are left out and where to read them all."""
    for mistakes in range(QUESTION_MISTAKES, -1, -1):
        lines = question_lines(students, width, mistakes)
        if len(lines) <= rows:
            return lines
    left = len(lines) - (rows - 1)
    return lines[: rows - 1] + [clip(f"… and {left} more: `convquest results --by-question` lists them all", width)]


def override_line(o: MarkOverride) -> str:
    """A teacher's override as the feed tells it: who set which mark, when, and why."""
    stamp = datetime.fromtimestamp(o.at).strftime("%H:%M:%S")
    what = "back to its answers' mark" if o.mark is None else f"mark {marks_text(o.mark)}"
    return f"{stamp}  {o.student}  Q{o.question}  {OVERRIDDEN} {what} by {o.by}{f': {o.reason}' if o.reason else ''}"


def feed_lines(shot: Snapshot, rows: list[AnswerRow]) -> list[tuple[float, str]]:
    """(when, line) per answer given: the parts saved together (a whole grid, typed at once) share one."""
    lines: list[tuple[float, str]] = []
    for (student, number, at), answers in groupby(rows, key=lambda r: (r.student, r.question, r.at)):
        group = list(answers)
        progress = shot.progress_of(student)
        labels = (
            [p.label for p in progress.questions[number - 1].parts]
            if progress is not None and number <= progress.total
            else []
        )
        stamp = datetime.fromtimestamp(at).strftime("%H:%M:%S")
        right = sum(r.correct for r in group)
        if len(group) == 1:
            label = f" {labels[group[0].part]}" if len(labels) > 1 and group[0].part < len(labels) else ""
            lines.append((at, f"{stamp}  {student}  Q{number}{label}  {'✓' if right else '✗'}  {group[0].answer}"))
            continue
        shape = cell_grid(labels)
        if shape is not None and len(group) == len(labels):
            text = join_grid([r.answer for r in sorted(group, key=lambda r: r.part)], shape[1])
        else:
            text = " | ".join(r.answer for r in group)
        mark = "✓" if right == len(group) else f"✗ {right} of {len(group)} right"
        lines.append((at, f"{stamp}  {student}  Q{number}  {mark}  {text}"))
    return lines

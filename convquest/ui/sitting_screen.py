"""One screen for every sitting (`convquest.play.sitting.Sitting`): the exam and the class quiz.

The header is the paper's title, the student, question n of N, how many are answered and the time
left (the title gives way first: the time left always shows). Under it a line of question cells,
the question with its figure (a question taller than its box says "▼ more below" on the box's
border), one answer box per part (one box per grid, row by row: the output, or each filter's map), and the feedback. A typing slip
is explained in place and costs nothing. What differs is the sitting's: a final sitting (the quiz)
locks each answer once given; an exam's answers change until hand-in; the verdicts show after each
answer only when the sitting's feedback says "after-each".

The hosts say how a sitting opens and how it ends: `convquest.ui.practice.exam_screen.ExamScreen`
(the practice history and the report) and `convquest.ui.quiz.screen.QuizScreen` (the class's
database and the end screen). Their bindings name the paging keys: PgDn is "Next question" in an
exam, "Skip for now" in a quiz.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalGroup, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Input, Static

from convquest.play.sitting import (
    AlreadyAnswered,
    NotSaved,
    Sitting,
    SittingOver,
    TimeUp,
    grid_verdict_text,
    verdict_text,
)
from convquest.practice.exam import cell_maps, join_grid
from convquest.ui.game import game
from convquest.ui.practice.answer_format import answer_parts, grid_example, question_text
from convquest.ui.practice.figure import figure
from convquest.ui.widgets.answer_input import SITTING_COMMAND_KEYS, AnswerInput
from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.title_line import fit_title


def clock_text(seconds: float | None) -> str:
    if seconds is None:
        return "no time limit"
    whole = int(seconds + 0.999)  # 0:00 only when the time is really gone
    return f"{whole // 60}:{whole % 60:02d} left"


def head_text(sitting: Sitting, width: int = 0) -> str:
    """The header in `width` columns (0: whole): a long title gives way, never the time left."""
    progress = (
        f"question {sitting.current + 1} of {len(sitting)} · "
        f"answered {sitting.answered_count()} · {clock_text(sitting.remaining())}"
    )
    if sitting.who:
        progress = f"{sitting.who} · {progress}"
    return fit_title((sitting.title, progress), width, separator=" · ")


def nav_text(sitting: Sitting) -> str:
    """One cell per question: [n] is the one on screen, n* is answered, n alone is not."""
    cells = []
    for i in range(len(sitting)):
        mark = "*" if sitting.answered(i) else " "
        cells.append(f"[{i + 1}{mark}]" if i == sitting.current else f" {i + 1}{mark} ")
    return "".join(cells)


@dataclass(frozen=True)
class Box:
    """What one answer box of the question on screen holds."""

    id: str
    title: str
    value: str
    placeholder: str
    disabled: bool
    parts: tuple[int, ...]  # the parts it answers: one, or a grid's cells


GRID_BOX = "sitting-grid-"


def answer_boxes(sitting: Sitting) -> list[Box]:
    """The current question's boxes: one per grid (the whole output, or each filter's map), else one
    per part. A part answered shows its answer; in a final sitting a box all answered is locked (and
    says so). A grid resumed part-answered shows '?' for the cells still to type."""
    index = sitting.current
    labels, _ = answer_parts(sitting.problems[index])
    given = [sitting.given.get((index, p)) for p in range(len(labels))]
    texts = [g.text if g else None for g in given]
    maps = cell_maps(labels)
    if maps is not None:
        boxes = []
        for n, grid in enumerate(maps):
            typed = [texts[p] for p in grid.parts]
            done = sitting.final and all(t is not None for t in typed)
            boxes.append(
                Box(
                    id=f"{GRID_BOX}{n}",
                    title=(f"{grid.name} map" if grid.name else "output")
                    + f" {grid.rows}×{grid.cols}"
                    + (" (answered)" if done else ""),
                    value=join_grid(typed, grid.cols) if any(t is not None for t in typed) else "",
                    placeholder=f"like {grid_example(grid.rows, grid.cols)}"
                    if grid.name
                    else "row by row, rows separated by ';', then Enter",
                    disabled=done,
                    parts=tuple(grid.parts),
                )
            )
        return boxes
    return [
        Box(
            id=f"sitting-answer-{p}",
            title=label + (" (answered)" if sitting.final and g else ""),
            value=g.text if g else "",
            placeholder=f"{label}, then Enter",
            disabled=sitting.final and g is not None,
            parts=(p,),
        )
        for p, (label, g) in enumerate(zip(labels, given))
    ]


def open_boxes(sitting: Sitting) -> list[str]:
    """The ids of the current question's boxes with a part still to answer, in order."""
    open_parts = set(sitting.open_parts(sitting.current))
    return [box.id for box in answer_boxes(sitting) if open_parts.intersection(box.parts)]


MORE_BELOW = "▼ more below: ctrl+↓"
MORE_ABOVE = "▲ more above: ctrl+↑"


class QuestionScroll(VerticalScroll):
    """The question and its figure. When they are taller than the box, its bottom border says
    which way the rest is and the key that scrolls there: the answer box keeps the focus, and a
    scrollbar alone is easy to miss (without colour, hard to see at all)."""

    def on_mount(self) -> None:
        self.watch(self, "virtual_size", lambda _size: self.show_cue(), init=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.show_cue()

    def on_resize(self) -> None:
        self.show_cue()

    def show_cue(self) -> None:
        if self.scroll_y < self.max_scroll_y:
            cue = MORE_BELOW
        elif self.scroll_y > 0:
            cue = MORE_ABOVE
        else:
            cue = ""
        if self.border_subtitle != cue:
            self.border_subtitle = cue


# Not in the footer (one Scroll entry is enough there), so the help names it.
SCROLL_UP_HELP = ("ctrl+up", "Scroll the question back up")


class SittingScreen(Screen[None]):
    """A sitting's questions, answers and clock. Hosts implement `open_sitting` and `ended`."""

    HELP_EXTRA: tuple[tuple[str, str], ...] = (("enter", "Give the answer in the box (saved at once)"), SCROLL_UP_HELP)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "hand_in", "Hand in", priority=True),
        # The answer box keeps the focus; these scroll a question taller than its box.
        Binding("ctrl+down,shift+down", "scroll_question(3)", "Scroll", priority=True),
        Binding("ctrl+up,shift+up", "scroll_question(-3)", "Scroll up", show=False, priority=True),
        Binding("question_mark", "app.help", "Help", priority=True),
    ]

    def __init__(self, *, tick_every: float = 0.5) -> None:
        super().__init__()
        self.tick_every = tick_every
        self.sitting: Sitting | None = None
        self._handing_in = False

    # -- what a host says -------------------------------------------------------------------

    def open_sitting(self) -> Sitting:
        """The sitting, opened once the screen is up (so a database error shows on the screen)."""
        raise NotImplementedError

    def ended(self, sitting: Sitting) -> None:
        """The sitting is over (handed in, the time gone, every answer given): show its end."""
        raise NotImplementedError

    # -- the screen ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="sitting-head", markup=False)
        yield Static(id="sitting-nav", markup=False)
        with QuestionScroll(id="sitting-question"):
            yield Static(id="sitting-prompt", markup=False)
            yield VerticalGroup(id="sitting-figure")
        yield VerticalScroll(id="sitting-parts")  # a network question has a box per layer
        with VerticalScroll(id="sitting-feedback"):
            yield Static(id="sitting-feedback-text", markup=False)
        yield KeyFooter()

    async def on_mount(self) -> None:
        sitting = self.sitting = self.open_sitting()
        if sitting.finished:
            self._end()
            return
        self.set_interval(self.tick_every, self.tick)
        try:
            await self._show_question()
        except NoMatches:
            # Opened and left in one burst of keys (found by the monkey): the screen is already on
            # its way out and its widgets were never mounted. The answers are saved; nothing to show.
            return
        resumed = sitting.answered_count()
        if resumed or sitting.given:
            self._say(f"Welcome back: {resumed} question{'s' * (resumed != 1)} already answered, carrying on.")
        elif sitting.final:
            self._say("Type your answer and press Enter. Each answer is saved at once and is final.")
        else:
            # One line at 80 columns: a second would take a line from the question and its figure.
            self._say("Type an answer and press Enter: saved, not marked, until you hand in.")

    # -- the clock ----------------------------------------------------------------------------

    def tick(self) -> None:
        """The timer's beat: redraw the header, and end the sitting when the time is gone."""
        if self.sitting is None or self.sitting.finished:
            return
        if self.sitting.tick():
            self._end()
            return
        self._show_head()

    def _show_head(self) -> None:
        assert self.sitting is not None
        # Redrawn only when its text changes: an untimed quiz then sends nothing between keys,
        # which matters when 60 students share one server's CPU and network.
        head = self.query_one("#sitting-head", Static)
        # Before its first layout the header is as wide as the screen less its padding.
        text = head_text(self.sitting, head.content_size.width or self.app.size.width - 2)
        if str(head.content) != text:
            head.update(text)
        nav = self.query_one("#sitting-nav", Static)
        cells = nav_text(self.sitting)
        if str(nav.content) != cells:
            nav.update(cells)

    # -- one question -------------------------------------------------------------------------

    async def _show_question(self) -> None:
        sitting = self.sitting
        assert sitting is not None
        problem = sitting.problems[sitting.current]
        labels, grid = answer_parts(problem)
        self.query_one("#sitting-prompt", Static).update(question_text(problem, sitting.current + 1, labels, grid))
        self.query_one("#sitting-question", VerticalScroll).scroll_home(animate=False)
        holder = self.query_one("#sitting-figure", VerticalGroup)
        parts = self.query_one("#sitting-parts", VerticalScroll)
        pictures = figure(problem, width=max(40, self.size.width - 8), compact=not self.app.no_color)
        if pictures or holder.children:
            await holder.remove_children()
            await holder.mount_all(pictures)
        boxes = answer_boxes(sitting)
        old = list(parts.query(".sitting-answer").results(AnswerInput))
        if [b.id for b in old] == [box.id for box in boxes]:
            # Same boxes as the last question (one number, say): refill them in place. Mounting new
            # widgets costs about ten times as much CPU, and 60 students answering at once share it.
            widgets = old
            for widget, box in zip(widgets, boxes):
                widget.value, widget.placeholder = box.value, box.placeholder
                widget.border_title, widget.disabled = box.title, box.disabled
        else:
            await parts.remove_children()  # awaited: the old boxes must be gone before new ones take their ids
            widgets = []
            for box in boxes:
                widget = AnswerInput(
                    value=box.value,
                    placeholder=box.placeholder,
                    id=box.id,
                    classes="sitting-answer",
                    command_keys=SITTING_COMMAND_KEYS,
                )
                # A blinking cursor redraws every box twice a second: for a class served from one
                # machine that is 120 redraws a second of CPU and traffic that show nothing new.
                widget.cursor_blink = False
                widget.border_title, widget.disabled = box.title, box.disabled
                widgets.append(widget)
            await parts.mount_all(widgets)
        # A box per layer: two in view leave the figure the room it needs, and Enter brings the
        # next box into view anyway. A box per filter's map: side by side, so a difficulty-3 layer
        # and every map's box fit 80×24 together.
        maps = len(boxes) > 1 and boxes[0].id.startswith(GRID_BOX)
        parts.set_class(maps, "maps")
        parts.set_class(len(boxes) > 2 and not maps, "many")
        self._focus_first_open()
        self._show_head()

    def _focus_first_open(self) -> None:
        """The first box still to answer; else (an exam's answers can change) the first not locked."""
        assert self.sitting is not None
        boxes = list(self.query(".sitting-answer").results(AnswerInput))
        to_answer = set(open_boxes(self.sitting))
        target = next((b for b in boxes if b.id in to_answer), None) or next((b for b in boxes if not b.disabled), None)
        if target is not None:
            target.focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        sitting = self.sitting
        if sitting is None or sitting.finished:
            return
        box_id = event.input.id or "sitting-answer-0"
        grid = box_id.startswith(GRID_BOX)
        number = int(box_id.rsplit("-", 1)[1])  # the part, or the grid's map
        index = sitting.current
        try:
            given = sitting.answer_grid(event.value, number) if grid else [sitting.answer(event.value, number)]
        except (TimeUp, SittingOver):
            self._end()
            return
        except NotSaved as exc:
            self._say(f"! {exc}")
            return
        except AlreadyAnswered as exc:
            self._say(str(exc))
            return
        except ValueError as exc:
            # A typing slip is not an answer: nothing is saved or marked.
            self._say(f"Not an answer the game can read: {exc}\n(Nothing was saved: fix it and press Enter.)")
            return
        labels = sitting.problems[index].parts()
        if grid:
            name = (cell_maps(labels) or ())[number].name
            label = f"{name} map" if name else None
        else:
            label = None if len(labels) <= 1 else labels[number]
        if sitting.feedback == "after-each":
            self._say(
                grid_verdict_text(index + 1, given, label) if grid else verdict_text(index + 1, label, given[0].verdict)
            )
        else:
            saved = f"Saved your answer to Q{index + 1}" + (f" ({label})" if label else "") + "."
            self._say(saved if sitting.final else f"{saved} Change it any time before you hand in.")
        if sitting.finished:
            self._end()
            return
        if sitting.current == index:
            still_open = open_boxes(sitting)
            ids = [b.id for b in answer_boxes(sitting)]
            following = [b for b in still_open if ids.index(b) > ids.index(box_id)] or still_open
            if following:
                self._next_box(following[0])
                return
            if sitting.final or index + 1 >= len(sitting):
                self._show_head()
                return
            sitting.goto(index + 1)  # an exam moves on in order; a quiz moved itself to the next open one
        await self._show_question()

    def _next_box(self, box_id: str) -> None:
        """More to answer in this question: lock the boxes answered (in a final sitting), go to `box_id`."""
        sitting = self.sitting
        assert sitting is not None
        if sitting.final:
            # Only the locks and titles: a box's text may be the student's typing, not yet given.
            states = {box.id: box for box in answer_boxes(sitting)}
            for widget in self.query(".sitting-answer").results(AnswerInput):
                state = states[widget.id or ""]
                widget.disabled, widget.border_title = state.disabled, state.title
        self.query_one(f"#{box_id}", AnswerInput).focus()
        self._show_head()

    async def action_skip(self) -> None:
        """PgDn: on to the next question (in a final sitting, the next still open)."""
        sitting = self.sitting
        if sitting is None or sitting.finished:
            return
        if sitting.tick():
            self._end()
            return
        current = sitting.current
        if sitting.skip() in (None, current):
            self._say("This is the only question left to answer.")
            return
        await self._show_question()
        if sitting.final:
            self._say(f"Skipped Q{current + 1} for now: it comes round again after the others.")

    async def action_move(self, step: int) -> None:
        """PgUp in an exam: any question, in any order."""
        sitting = self.sitting
        if sitting is None or sitting.finished:
            return
        if sitting.tick():
            self._end()
            return
        sitting.goto((sitting.current + step) % len(sitting))
        await self._show_question()

    def action_scroll_question(self, lines: int) -> None:
        self.query_one("#sitting-question", VerticalScroll).scroll_relative(y=lines, animate=False)

    def _say(self, text: str) -> None:
        notice = game(self).store.notice  # the progress database's own trouble, said wherever it happens
        self.query_one("#sitting-feedback-text", Static).update(text + (f"\n! {notice}" if notice else ""))
        self.query_one("#sitting-feedback", VerticalScroll).scroll_home(animate=False)

    # -- the end ------------------------------------------------------------------------------

    def action_hand_in(self) -> None:
        sitting = self.sitting
        if sitting is None or sitting.finished or self._handing_in:
            return
        from convquest.ui.screens.confirm import ConfirmScreen

        left = len(sitting.unanswered())
        question = f"Hand in the {sitting.noun} now?"
        if sitting.final:
            question += " You cannot change or add answers after."
        if left:
            question += f" {left} question{'s' * (left != 1)} still unanswered will count as wrong."
        self._handing_in = True

        def answered(yes: bool | None) -> None:
            self._handing_in = False
            if yes and not sitting.finished:
                sitting.hand_in()
                self._end()

        self.app.push_screen(ConfirmScreen(question, "Hand in"), answered)

    def _end(self) -> None:
        assert self.sitting is not None
        # A confirm dialog may be open when the time runs out: it goes, and the end replaces it.
        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        self.ended(self.sitting)

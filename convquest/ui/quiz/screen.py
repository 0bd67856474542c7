"""The student's quiz: their name, question n of N, the time left; one question at a time.

`convquest.classroom.sitting.QuizSitting` keeps the paper, the clock and the answers (each saved
in the results database before it counts); this screen shows them. A typing slip is explained
in place and costs nothing. With feedback "after-each" each answer's verdict is shown as it is
given; the end screen shows the score unless the quiz says "none".
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalGroup, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from convquest.classroom.sitting import AlreadyAnswered, ExamOver, NotSaved, QuizSitting, TimeUp
from convquest.practice.exam import join_grid
from convquest.ui.practice.answer_format import answer_parts, question_text
from convquest.ui.practice.exam_screen import clock_text
from convquest.ui.practice.figure import figure
from convquest.ui.widgets.answer_input import AnswerInput
from convquest.ui.widgets.title_line import fit_title


def head_text(sitting: QuizSitting, width: int = 0) -> str:
    """The header in `width` columns (0: whole): a long quiz title gives way, never the time left."""
    progress = (
        f"{sitting.student} · question {sitting.current + 1} of {len(sitting)} · "
        f"answered {sitting.answered_count()} · {clock_text(sitting.remaining())}"
    )
    return fit_title((sitting.quiz.title, progress), width, separator=" · ")


def verdict_text(number: int, label: str | None, verdict) -> str:
    where = f"Q{number}" + (f" ({label})" if label else "")
    if verdict.correct:
        return f"{where}: ✓ right.\n{verdict.explanation}"
    lines = [f"{where}: ✗ wrong."] + ([verdict.diagnosis] if verdict.diagnosis else [])
    return "\n".join(lines + [verdict.explanation])


class QuizScreen(Screen[None]):
    HELP_NAME = "quiz"
    HELP_EXTRA = (("enter", "Give the answer in the box (final: it is saved at once)"),)
    BINDINGS = [
        # PgDn first: the footer shows the first key, and docs/CLASSROOM.md names the same one.
        Binding("pagedown,ctrl+n", "skip", "Skip for now", priority=True),
        Binding("ctrl+s", "hand_in", "Hand in", priority=True),
        Binding("ctrl+down,shift+down", "scroll_question(3)", "Scroll", priority=True),
        Binding("ctrl+up,shift+up", "scroll_question(-3)", "Scroll up", show=False, priority=True),
        Binding("question_mark", "app.help", "Help", priority=True),
    ]

    def __init__(self, sitting_factory, *, tick_every: float = 0.5) -> None:
        """`sitting_factory()` opens the sitting (reading the database), once the screen is up,
        so a database error is shown on the screen instead of a traceback."""
        super().__init__()
        self._factory = sitting_factory
        self.tick_every = tick_every
        self.sitting: QuizSitting | None = None
        self._handing_in = False

    def compose(self) -> ComposeResult:
        yield Static(id="quiz-head", markup=False)
        with VerticalScroll(id="quiz-question"):
            yield Static(id="quiz-prompt", markup=False)
            yield VerticalGroup(id="quiz-figure")
        yield VerticalScroll(id="quiz-parts")  # a network question has a box per layer
        with VerticalScroll(id="quiz-feedback"):
            yield Static(id="quiz-feedback-text", markup=False)
        yield Footer()

    async def on_mount(self) -> None:
        self.sitting = self._factory()
        if self.sitting.finished:
            self._show_end()
            return
        self.set_interval(self.tick_every, self.tick)
        await self._show_question()
        resumed = self.sitting.answered_count()
        self._say(
            f"Welcome back: {resumed} question{'s' * (resumed != 1)} already answered, carrying on."
            if resumed or self.sitting.given
            else "Type your answer and press Enter. Each answer is saved at once and is final."
        )

    # -- the clock ----------------------------------------------------------------------------

    def tick(self) -> None:
        if self.sitting is None or self.sitting.finished:
            return
        if self.sitting.tick():
            self._show_end()
            return
        self._show_head()

    def _show_head(self) -> None:
        # Redrawn only when its text changes: an untimed quiz then sends nothing between keys,
        # which matters when 60 students share one server's CPU and network.
        head = self.query_one("#quiz-head", Static)
        # Before its first layout the header is as wide as the screen less its padding.
        text = head_text(self.sitting, head.content_size.width or self.app.size.width - 2)
        if str(head.content) != text:
            head.update(text)

    # -- one question -------------------------------------------------------------------------

    async def _show_question(self) -> None:
        sitting = self.sitting
        problem = sitting.problems[sitting.current]
        labels, grid = answer_parts(problem)
        self.query_one("#quiz-prompt", Static).update(question_text(problem, sitting.current + 1, labels, grid))
        self.query_one("#quiz-question", VerticalScroll).scroll_home(animate=False)
        holder = self.query_one("#quiz-figure", VerticalGroup)
        parts = self.query_one("#quiz-parts", VerticalScroll)
        pictures = figure(problem, width=max(40, self.size.width - 8))
        if pictures or holder.children:
            await holder.remove_children()
            await holder.mount_all(pictures)
        boxes = self._answer_boxes(labels, grid)
        old = list(parts.query(".quiz-answer").results(Input))
        if [b.id for b in old] == [spec["id"] for spec in boxes]:
            # Same boxes as the last question (one number, say): refill them in place. Mounting new
            # widgets costs about ten times as much CPU, and 60 students answering at once share it.
            widgets = old
            for widget, spec in zip(widgets, boxes):
                widget.value, widget.placeholder = spec["value"], spec["placeholder"]
                widget.border_title, widget.disabled = spec["title"], spec["disabled"]
        else:
            await parts.remove_children()  # awaited: the old boxes must be gone before new ones take their ids
            widgets = []
            for spec in boxes:
                widget = AnswerInput(
                    value=spec["value"], placeholder=spec["placeholder"], id=spec["id"], classes="quiz-answer"
                )
                # A blinking cursor redraws every box twice a second: for a class served from one
                # machine that is 120 redraws a second of CPU and traffic that show nothing new.
                widget.cursor_blink = False
                widget.border_title, widget.disabled = spec["title"], spec["disabled"]
                widgets.append(widget)
            await parts.mount_all(widgets)
        for widget in widgets:
            if not widget.disabled:
                widget.focus()
                break
        self._show_head()

    def _answer_boxes(self, labels: tuple[str, ...], grid: tuple[int, int] | None) -> list[dict]:
        """What each answer box of the current question holds: one box for a grid, else one per part;
        a part already answered shows its answer, locked (answers are final)."""
        sitting = self.sitting
        given = [sitting.given.get((sitting.current, p)) for p in range(len(labels))]
        if grid is not None:
            texts = [g.text if g else None for g in given]
            return [
                {
                    "id": "quiz-grid",
                    "title": f"output {grid[0]}×{grid[1]}",
                    "value": join_grid(texts, grid[1]) if any(t is not None for t in texts) else "",
                    "placeholder": "row by row, rows separated by ';', then Enter",
                    "disabled": all(t is not None for t in texts),
                }
            ]
        return [
            {
                "id": f"quiz-answer-{p}",
                "title": label + (" (answered)" if given[p] else ""),
                "value": given[p].text if given[p] else "",
                "placeholder": f"{label}, then Enter",
                "disabled": given[p] is not None,
            }
            for p, label in enumerate(labels)
        ]

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        sitting = self.sitting
        if sitting is None or sitting.finished:
            return
        grid = event.input.id == "quiz-grid"
        part = 0 if grid else int((event.input.id or "quiz-answer-0").rsplit("-", 1)[1])
        index = sitting.current
        try:
            given = sitting.answer_grid(event.value) if grid else [sitting.answer(event.value, part)]
        except (TimeUp, ExamOver):
            self._show_end()
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
        label = None if grid or len(labels) <= 1 else labels[part]
        if sitting.feedback == "after-each":
            text = verdict_text(index + 1, label, _grid_verdict(given))
            if grid and not all(g.verdict.correct for g in given):
                right = sum(g.verdict.correct for g in given)
                text = text.replace("✗ wrong.", f"✗ {right} of {len(given)} cells right; the first wrong one:", 1)
            self._say(text)
        else:
            self._say(f"Saved your answer to Q{index + 1}" + (f" ({label})" if label else "") + ".")
        if sitting.finished:
            self._show_end()
        elif sitting.current != index:  # the sitting moved on to the next open question
            await self._show_question()
        else:
            self._next_part()

    def _next_part(self) -> None:
        """More parts to this question: lock the one just answered, go to the next open one."""
        sitting = self.sitting
        for p in range(len(sitting.problems[sitting.current].parts())):
            box = self.query_one(f"#quiz-answer-{p}", Input)
            if (sitting.current, p) in sitting.given and not box.disabled:
                box.disabled = True
                box.border_title = f"{box.border_title} (answered)"
        self.query_one(f"#quiz-answer-{sitting.open_parts(sitting.current)[0]}", Input).focus()
        self._show_head()

    async def action_skip(self) -> None:
        if self.sitting is None or self.sitting.finished:
            return
        if self.sitting.tick():
            self._show_end()
            return
        current = self.sitting.current
        if self.sitting.skip() in (None, current):
            self._say("This is the only question left to answer.")
            return
        await self._show_question()
        self._say(f"Skipped Q{current + 1} for now: it comes round again after the others.")

    def action_scroll_question(self, lines: int) -> None:
        self.query_one("#quiz-question", VerticalScroll).scroll_relative(y=lines, animate=False)

    def _say(self, text: str) -> None:
        self.query_one("#quiz-feedback-text", Static).update(text)
        self.query_one("#quiz-feedback", VerticalScroll).scroll_home(animate=False)

    # -- the end ------------------------------------------------------------------------------

    def action_hand_in(self) -> None:
        if self.sitting is None or self.sitting.finished or self._handing_in:
            return
        from convquest.ui.screens.confirm import ConfirmScreen

        left = len(self.sitting.unanswered())
        question = "Hand in the quiz now? You cannot change or add answers after." + (
            f" {left} question{'s' * (left != 1)} still unanswered will count as wrong." if left else ""
        )
        self._handing_in = True

        def answered(yes: bool | None) -> None:
            self._handing_in = False
            if yes and not self.sitting.finished:
                self.sitting.hand_in()
                self._show_end()

        self.app.push_screen(ConfirmScreen(question, "Hand in"), answered)

    def _show_end(self) -> None:
        from convquest.ui.quiz.done import QuizDoneScreen

        # A confirm dialog may be open when the time runs out: it goes, and the end goes on top
        # (pushed: this is the app's default screen, which cannot be switched out).
        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        self.app.push_screen(QuizDoneScreen(self.sitting))


def _grid_verdict(given):
    """One verdict for a whole grid: right when every cell is, else the first wrong cell's."""
    wrong = [g.verdict for g in given if not g.verdict.correct]
    return wrong[0] if wrong else given[-1].verdict

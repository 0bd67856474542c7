"""One student sitting one quiz: resumable, every answer saved before it counts.

Built on the exam session (convquest.practice.exam): the same paper, parsing, grid answers and
records. What a quiz adds:
- the sitting lives in the results database, not in the process: the paper and the start time are
  written at the first start and read back on every reconnect, so a dropped connection loses
  nothing and the time limit keeps counting from the first start;
- an answer is final, and it is taken only once its database write has committed (if the write
  fails the student is told and the answer is not taken, so nothing the screen showed as saved
  can be missing from the results);
- the student resumes at the first question with a part still unanswered;
- the teacher's controls reach a sitting under way: every few seconds (and before each answer) it
  reads its row again, so extra time moves its deadline and a quiz ended for everyone ends it;
- once it is over, `marked_paper` is each question with the student's answer, the right one and
  the working (shown unless the quiz's feedback is "none").

The clock is wall time (Unix seconds) and injected, so tests move it by hand.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from convquest.classroom.marked import MarkedQuestion, mark, restore
from convquest.classroom.quiz import Quiz
from convquest.classroom.results import COMPLETED, ENDED, HANDED_IN, TIME_UP, QuizRecorder, ResultsDB, Sitting
from convquest.play.record import Answer
from convquest.play.sitting import AlreadyAnswered, Given, NotSaved, TimeUp
from convquest.practice.exam import ExamOver, ExamSession, Paper
from convquest.practice.records import QuestionRecord

if TYPE_CHECKING:
    from convquest.engine.problems.base import Verdict

__all__ = [
    "COMPLETED",
    "ENDED",
    "HANDED_IN",
    "TIME",
    "AlreadyAnswered",
    "ExamOver",
    "NotSaved",
    "QuizSitting",
    "TimeUp",
]

TIME = TIME_UP
# How often a sitting under way reads its row again: a teacher's end or extra time shows within this.
REFRESH_EVERY = 2.0


class QuizSitting(ExamSession):
    """A class quiz, one `convquest.play.sitting.Sitting`: answers final, saved before they count."""

    noun = "quiz"
    final = True

    def __init__(self, quiz: Quiz, student: str, db: ResultsDB, *, clock: Callable[[], float] = time.time) -> None:
        self.quiz = quiz
        self.student = student
        self.db = db
        self.recorder = QuizRecorder(db, quiz.id, student, clock)
        now = clock()
        fresh = quiz.paper_for(student)
        problems = [q.problem() for q in fresh.questions]
        sitting = db.start_sitting(
            quiz_id=quiz.id,
            student=student,
            title=quiz.title,
            paper=fresh.to_json(),
            labels=[tuple(p.parts()) or ("answer",) for p in problems],
            minutes=quiz.minutes,
            feedback=quiz.feedback,
            now=now,
            grid_marking=quiz.grid_marking,
        )
        # The stored sitting wins over the file: its paper, limit and feedback are what the student
        # started with, even if the teacher edited the quiz file since.
        self.sitting: Sitting = sitting
        paper = fresh if sitting.paper == fresh.to_json() else Paper.from_json(sitting.paper)
        # A quiz is a teacher's: its numbers may use anything (padding on a first-chapter topic), so
        # every slip the engine can name is named, in the full form (issue 12: "teachers' packs
        # default to the full form"), not filtered by the chapter its topic comes from.
        super().__init__(paper, sitting.total_minutes, clock=clock, grid_marking=sitting.grid_marking)
        self.feedback = sitting.feedback
        self.title = quiz.title
        self.who = student
        self.started = sitting.started_at
        self._shown_since = now
        restore(self, db.answers(quiz.id, student), sitting.started_at)
        self.finished_reason = sitting.finish_reason
        self._read_at = now
        if not self.finished and sitting.started_at == now and db.quiz_end(quiz.id) is not None:
            # A first login after the teacher ended the quiz for everyone: over before it began.
            self._finish_in_db(ENDED)
        # The time may have run out while the student was away (tick finishes the sitting then).
        if not self.finished and not self.tick() and not self.unanswered():
            self._finish_in_db(COMPLETED)
        first = self.first_open()
        self.current = 0 if first is None else first

    # --- progress ---------------------------------------------------------------------------

    def answered(self, index: int) -> bool:
        """Every part given (the exam counts a question with any part given)."""
        return self.complete(index)

    def score(self) -> tuple[float, int]:
        """(marks, questions): a question's mark when every part is right; a grid marked per cell
        earns its share of the cells right."""
        records = self.records()
        return sum(r.marks for r in records), len(records)

    # --- time -------------------------------------------------------------------------------

    def tick(self) -> bool:
        """Finish the sitting when the teacher ended it or its time ran out; True if it just did.

        The row is read again every REFRESH_EVERY seconds, and always before the time is called:
        extra time given a moment ago must win over a deadline that has just passed."""
        if self.finished:
            return False
        if self.time_up or self.clock() - self._read_at >= REFRESH_EVERY:
            self.refresh()
            if self.finished:
                return True
        if super().tick():
            self._finish_in_db(TIME)
            return True
        return False

    def refresh(self) -> None:
        """Take what the teacher changed in the database: the time limit, and an end."""
        self._read_at = self.clock()
        try:
            stored = self.db.sitting(self.quiz.id, self.student)
        except sqlite3.Error:
            return  # the database is busy or gone for a moment: the next beat tries again
        if stored is None:
            return  # deleted under a live session (refused while connected); nothing to follow
        self.sitting = stored
        total = stored.total_minutes
        self.limit = None if total is None else total * 60.0
        if stored.finish_reason is not None:
            self.finish(stored.finish_reason)

    # --- answers ----------------------------------------------------------------------------

    def answer(self, text: str, part: int = 0) -> Given:
        """Take the answer to `part` of the current question; see `_take` for what can refuse it."""
        return self._take([(part, text)])[0]

    def answer_grid(self, text: str, grid: int = 0) -> list[Given]:
        """Every cell of map `grid` from one text, row by row; all saved in one write.

        A map resumed with some cells answered shows them, and takes them again only as they were
        (answers are final): the cells still open are taken, and the whole map is returned."""
        index = self.current
        cells = self.grid_cells(text, grid)
        labels = self.problems[index].parts()
        open_cells = []
        for part, cell in cells:
            had = self.given.get((index, part))
            if had is None:
                open_cells.append((part, cell))
            elif had.text != cell.strip():
                raise AlreadyAnswered(f"{labels[part]} is answered already ({had.text}); answers in a quiz are final.")
        if not open_cells:
            raise AlreadyAnswered("every cell of this map is answered already; answers in a quiz are final.")
        self._take(open_cells)
        return [self.given[(index, part)] for part, _ in cells]

    def _take(self, texts: list[tuple[int, str]]) -> list[Given]:
        """Check every answer, write them all in one transaction, and only then take them.

        ValueError for text that is no answer (nothing recorded); AlreadyAnswered for a part that
        has its answer; TimeUp once the time is over (the sitting is then finished); ExamOver after
        the end; NotSaved when the database refused the write (nothing taken).
        """
        if self.finished:
            raise ExamOver("this quiz is over: your answers are in.")
        self.refresh()  # an answer given after the teacher ended the quiz must not count
        if self.finished:
            raise ExamOver("your teacher has ended the quiz: your answers so far are in.")
        if self.tick():
            raise TimeUp("time is up: your answers so far are in.")
        index = self.current
        problem = self.problems[index]
        labels = problem.parts() or ("answer",)
        from convquest.play.judge import Slip, judge

        taken: list[tuple[int, str, Verdict]] = []
        for part, text in texts:
            if (index, part) in self.given:
                raise AlreadyAnswered(f"{labels[part]} is answered already; answers in a quiz are final.")
            verdict = judge(problem, text, part, taught=self.taught[index])
            if isinstance(verdict, Slip):
                raise ValueError(f"{labels[part]}: {verdict.message}" if len(texts) > 1 else verdict.message)
            taken.append((part, text.strip(), verdict))
        rows = tuple(
            Answer(
                place=self.quiz.id,
                part=part,
                text=text,
                correct=verdict.correct,
                mistake=verdict.mistake,
                topic=self.paper.questions[index].topic,
                mode="quiz",
                question=index + 1,
            )
            for part, text, verdict in taken
        )
        try:
            self.recorder.record(rows)
        except sqlite3.Error as exc:
            raise NotSaved(f"your answer could not be saved just now ({exc}); press Enter to try again.") from None
        self._account()
        given = []
        for part, text, verdict in taken:
            given.append(Given(text, verdict, self.elapsed()))
            self.given[(index, part)] = given[-1]
        if not self.unanswered():
            self._finish_in_db(COMPLETED)
        elif self.complete(index):
            # On to the next question still open (wrapping round to any skipped earlier).
            self.skip()
        return given

    def skip(self) -> int | None:
        """Move to the next question with something left to answer; None when there is none."""
        following = self.first_open(self.current + 1)
        if following is not None:
            self.goto(following)
        return following

    # --- the end ----------------------------------------------------------------------------

    def working_released(self) -> bool:
        """Whether the marked paper shows the right answers and the working.

        Never when the feedback is "none". On a paper drawn for this student alone, as soon as
        their sitting is over. On a paper everyone shares (a fixed seed), only once the teacher has
        ended the quiz for everyone: until then the first to hand in could pass the answers round.
        """
        if not self.finished or self.feedback == "none":
            return False
        if self.quiz.per_student:
            return True
        try:
            return self.db.quiz_end(self.quiz.id) is not None
        except sqlite3.Error:
            return False

    def marked_paper(self) -> list[MarkedQuestion]:
        """Each question as marked, with the right answers and working when `working_released`."""
        return mark(self, released=self.working_released())

    def hand_in(self) -> list[QuestionRecord]:
        self._finish_in_db(HANDED_IN)
        return self.records()

    def _finish_in_db(self, reason: str) -> None:
        self.finish(reason)  # the first reason stands, here as in the database
        # The answers are what matter and they are saved; the end is also known from them and
        # the time limit, so readers work it out (progress.student_progress) when this row is missing.
        with contextlib.suppress(sqlite3.Error):
            self.db.finish_sitting(self.quiz.id, self.student, reason, now=min(self.clock(), self._deadline()))

    def _deadline(self) -> float:
        if self.limit is None or self.started is None:
            return float("inf")
        return self.started + self.limit

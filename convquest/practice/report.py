"""The report after an exam (or a practice session): score, per-topic accuracy and time, the mistakes
most made, every wrong question with its worked solution, and accuracy over past sessions as a
chart in plain characters. Export as CSV or JSON.

Everything is computed from ``QuestionRecord``s, so the same report comes from a live exam and from
the database; ``render_text`` is plain text (ASCII bars, no colour) that fits 80 columns and pipes.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from convquest.engine.problems.slips import SLIPS
from convquest.practice.records import UNANSWERED, QuestionRecord, marks_text
from convquest.practice.schedule import RecurringSlip, recurring_slips
from convquest.practice.topics import all_topics

# The engine's mistake keys as a general sentence (the engine's own diagnosis of each answer is
# specific to that problem's numbers; a summary across questions needs the general form, which is
# the slip table's line of advice).
MISTAKE_SENTENCES: dict[str, str] = {
    UNANSWERED: "Left (part of) a question unanswered.",
    **{key: slip.advice for key, slip in SLIPS.items()},
    "other": "A slip the game could not name: compare with the worked solution.",
}


def mistake_sentence(key: str) -> str:
    if key in MISTAKE_SENTENCES:
        return MISTAKE_SENTENCES[key]
    # A key the engine added after this table: its words still say what happened.
    return key.replace("_", " ").capitalize() + "."


@dataclass(frozen=True)
class TopicLine:
    topic: str
    asked: int
    right: int
    seconds: float

    @property
    def accuracy(self) -> float:
        return self.right / self.asked if self.asked else 0.0


@dataclass(frozen=True)
class MistakeLine:
    key: str
    count: int
    sentence: str
    example: str | None  # one of the engine's own diagnoses of this mistake, with its numbers


@dataclass(frozen=True)
class PastSession:
    """One earlier session for the chart: when, which mode, how many right out of how many."""

    id: int
    mode: str
    started: str
    right: int
    asked: int

    @property
    def accuracy(self) -> float:
        return self.right / self.asked if self.asked else 0.0


@dataclass
class Report:
    questions: list[QuestionRecord]
    mode: str = "exam"
    session_id: int | None = None
    seed: int | None = None
    started: str | None = None
    reason: str | None = None  # 'submitted' | 'time' | 'quit'
    minutes: float | None = None
    history: list[PastSession] = field(default_factory=list)
    recurring: list[RecurringSlip] = field(default_factory=list)  # slips the player keeps making, over all play

    # -- numbers ------------------------------------------------------------------------------

    @property
    def asked(self) -> int:
        return len(self.questions)

    @property
    def right(self) -> int:
        return sum(1 for q in self.questions if q.correct)

    @property
    def marks(self) -> float:
        """The score in marks: a grid marked per cell earns its share of cells right."""
        return sum(q.marks for q in self.questions)

    @property
    def unanswered(self) -> int:
        return sum(1 for q in self.questions if not q.answered)

    @property
    def accuracy(self) -> float:
        return self.marks / self.asked if self.asked else 0.0

    @property
    def seconds(self) -> float:
        return sum(q.seconds for q in self.questions)

    def topics(self) -> list[TopicLine]:
        """Per topic, in the order topics first appear in the session."""
        order: dict[str, list[QuestionRecord]] = {}
        for q in self.questions:
            order.setdefault(q.topic, []).append(q)
        return [
            TopicLine(t, len(qs), sum(1 for q in qs if q.correct), sum(q.seconds for q in qs))
            for t, qs in order.items()
        ]

    def mistakes(self) -> list[MistakeLine]:
        """Mistake keys by how many questions made them (a slip repeated in two parts of one
        question counts once); ties keep the order they were first made."""
        counts: Counter[str] = Counter()
        examples: dict[str, str] = {}
        for q in self.questions:
            for part, key in zip([p for p in q.parts if not (p.answered and p.correct)], q.mistakes):
                if part.diagnosis and key not in examples:
                    examples[key] = part.diagnosis
            counts.update(dict.fromkeys(q.mistakes, 1))
        first = {k: i for i, k in enumerate(counts)}
        ranked = sorted(counts, key=lambda k: (-counts[k], first[k]))
        return [MistakeLine(k, counts[k], mistake_sentence(k), examples.get(k)) for k in ranked]

    def wrong(self) -> list[QuestionRecord]:
        return [q for q in self.questions if not q.correct]

    # -- text ---------------------------------------------------------------------------------

    def render_text(self, width: int = 78) -> str:
        return "\n".join(self.render_sections(width)) + "\n"

    def render_sections(self, width: int = 78) -> list[str]:
        out: list[str] = []
        title = "Exam report" if self.mode == "exam" else "Practice report"
        head = title + (f" - session {self.session_id}" if self.session_id is not None else "")
        out.append(head)
        out.append("=" * min(width, len(head)))
        if self.started:
            out.append(f"Started {when(self.started)}" + (f", seed {self.seed}" if self.seed is not None else ""))
        if self.reason == "time":
            out.append(f"Time ran out: {self.unanswered} question(s) left unanswered count as wrong.")
        elif self.reason == "quit":
            out.append("Left before handing in: unanswered questions count as wrong.")
        out.append("")
        out.append(
            f"Score: {marks_text(self.marks)}/{self.asked} ({_pct(self.accuracy)})   "
            f"time {_duration(self.seconds)}   unanswered {self.unanswered}"
        )
        out.append("")
        out.extend(self._topic_table(width))
        out.append("")
        out.extend(self._mistake_lines(width))
        out.append("")
        if self.recurring:
            out.extend(self._recurring_lines(width))
            out.append("")
        out.extend(self._wrong_lines(width))
        if self.history:
            out.append("")
            out.extend(self._chart(width))
        return out

    def _topic_table(self, width: int) -> list[str]:
        lines = ["By topic", "--------"]
        topics = self.topics()
        name_w = max([len("topic")] + [len(t.topic) for t in topics])
        name_w = min(name_w, width - 36)
        lines.append(f"{'topic':<{name_w}}  right  accuracy  time")
        for t in topics:
            bar = _bar(t.accuracy, 10)
            lines.append(
                f"{_clip(t.topic, name_w):<{name_w}}  {t.right:>2}/{t.asked:<2}  {_pct(t.accuracy):>7}  "
                f"{_duration(t.seconds):>5}  {bar}"
            )
        return lines

    def _mistake_lines(self, width: int) -> list[str]:
        lines = ["Mistakes most made", "------------------"]
        mistakes = self.mistakes()
        if not mistakes:
            lines.append("None: every question right.")
        for m in mistakes:
            lines.extend(_wrap(f"{m.count} x {m.sentence}", width, "    "))
        return lines

    def _recurring_lines(self, width: int) -> list[str]:
        lines = ["Slips you keep making", "---------------------"]
        for slip in self.recurring:
            lines.extend(_wrap(f"{slip.count} x {slip.advice}", width, "    "))
        lines.append("Practice brings these back until they stop.")
        return lines

    def _wrong_lines(self, width: int) -> list[str]:
        lines = ["Questions to look at again", "--------------------------"]
        wrong = self.wrong()
        if not wrong:
            lines.append("None.")
        for q in wrong:
            lines.append("")
            lines.extend(_wrap(f"Q{q.number} [{q.topic}] {q.prompt}", width, "    "))
            lines.extend(self._part_lines(q, width))
            lines.append("    Worked solution:")
            for sol_line in q.solution.splitlines():
                lines.extend(_wrap(sol_line, width, "      ", first="      "))
        return lines

    # A question with more parts than this (a feature map's cells) is summarised, not listed.
    MAX_PARTS_LISTED = 4

    def _part_lines(self, q: QuestionRecord, width: int) -> list[str]:
        many = len(q.parts) > self.MAX_PARTS_LISTED
        if not q.answered:
            return ["    no answer" + (f" (none of its {len(q.parts)} parts)" if many else "")]
        lines = []
        if many:
            right = sum(1 for p in q.parts if p.answered and p.correct)
            share = f": {marks_text(q.marks)} of its mark" if q.per_cell else ""
            lines.append(f"    {right} of {len(q.parts)} parts right{share}")
        shown = [p for p in q.parts if not (many and p.answered and p.correct)]
        for p in shown[: self.MAX_PARTS_LISTED] if many else shown:
            label = f"{p.label}: " if p.label and len(q.parts) > 1 else ""
            if not p.answered:
                lines.append(f"    {label}no answer")
            elif p.correct:
                lines.append(f"    {label}{p.answer} (right)")
            else:
                lines.append(f"    {label}you said {p.answer}")
                if p.diagnosis:
                    lines.extend(_wrap(p.diagnosis, width, "      ", first="      "))
        if many and len(shown) > self.MAX_PARTS_LISTED:
            lines.append(f"    ... and {len(shown) - self.MAX_PARTS_LISTED} more part(s) wrong or unanswered")
        return lines

    def _chart(self, width: int) -> list[str]:
        """Accuracy of the last sessions as horizontal bars: one row per session, oldest first."""
        lines = ["Accuracy over past sessions", "---------------------------"]
        shown = self.history[-10:]
        bar_w = max(10, min(30, width - 40))
        for s in shown:
            marker = "*" if s.id == self.session_id else " "
            day = when(s.started)[:16]
            lines.append(
                f"{marker}{day:<16} {s.mode:<8} |{_bar(s.accuracy, bar_w)}| {_pct(s.accuracy):>4} {s.right}/{s.asked}"
            )
        if len(shown) > 1:
            lines.append(f" trend {sparkline([s.accuracy for s in shown])}  (oldest to newest; * this session)")
        return lines

    # -- export -------------------------------------------------------------------------------

    CSV_FIELDS = (
        "session",
        "mode",
        "number",
        "topic",
        "kind",
        "part",
        "answer",
        "correct",
        "mistake",
        "seconds",
        "prompt",
        "question_marks",
    )

    def to_csv(self) -> str:
        """One row per question part: a spreadsheet can pivot by topic or mistake."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(self.CSV_FIELDS)
        for q in self.questions:
            for i, p in enumerate(q.parts):
                mistake = "" if p.answered and p.correct else (p.mistake or (UNANSWERED if not p.answered else "other"))
                writer.writerow(
                    [
                        self.session_id if self.session_id is not None else "",
                        self.mode,
                        q.number,
                        q.topic,
                        q.kind,
                        i,
                        "" if p.answer is None else p.answer,
                        int(p.answered and p.correct),
                        mistake,
                        f"{q.seconds:.1f}",
                        q.prompt,
                        f"{q.marks:.4g}",
                    ]
                )
        return buf.getvalue()

    def to_dict(self) -> dict:
        return {
            "session": self.session_id,
            "mode": self.mode,
            "seed": self.seed,
            "started": self.started,
            "reason": self.reason,
            "minutes": self.minutes,
            "score": {
                "right": self.right,
                "marks": round(self.marks, 4),
                "asked": self.asked,
                "unanswered": self.unanswered,
                "accuracy": round(self.accuracy, 4),
                "seconds": round(self.seconds, 1),
            },
            "topics": [
                {
                    "topic": t.topic,
                    "right": t.right,
                    "asked": t.asked,
                    "accuracy": round(t.accuracy, 4),
                    "seconds": round(t.seconds, 1),
                }
                for t in self.topics()
            ],
            "mistakes": [
                {"key": m.key, "count": m.count, "sentence": m.sentence, "example": m.example} for m in self.mistakes()
            ],
            "recurring": [{"key": r.key, "count": r.count, "advice": r.advice} for r in self.recurring],
            "questions": [
                {
                    "number": q.number,
                    "topic": q.topic,
                    "kind": q.kind,
                    "prompt": q.prompt,
                    "correct": q.correct,
                    "marks": round(q.marks, 4),
                    "seconds": round(q.seconds, 1),
                    "solution": q.solution,
                    "parts": [
                        {
                            "label": p.label,
                            "answer": p.answer,
                            "correct": p.answered and p.correct,
                            "mistake": p.mistake,
                            "diagnosis": p.diagnosis,
                        }
                        for p in q.parts
                    ],
                }
                for q in self.questions
            ],
            "history": [
                {
                    "session": s.id,
                    "mode": s.mode,
                    "started": s.started,
                    "right": s.right,
                    "asked": s.asked,
                    "accuracy": round(s.accuracy, 4),
                }
                for s in self.history
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


# -- building from the database -------------------------------------------------------------------


def past_sessions(history, mode: str | None = None) -> list[PastSession]:
    """Every session with at least one question, with its score (re-checking nothing: fast)."""
    out = []
    for info in history.sessions(mode):
        records = history.records(info.id, recheck=False)
        if records:
            out.append(
                PastSession(info.id, info.mode, info.started, sum(1 for q in records if q.correct), len(records))
            )
    return out


def report_for(history, session_id: int | None = None, *, mode: str | None = None) -> Report | None:
    """The report of one stored session (default: the latest), with the chart of past sessions."""
    if session_id is None:
        info = history.latest_session(mode)
        if info is None:
            return None
    else:
        info = history.session(session_id)
        if info is None:
            raise KeyError(f"there is no practice or exam session {session_id}")
    return Report(
        questions=history.records(info.id),
        mode=info.mode,
        session_id=info.id,
        seed=info.seed,
        started=info.started,
        reason=info.reason,
        minutes=info.minutes,
        history=[s for s in past_sessions(history) if s.id <= info.id],
        recurring=recurring_slips(history.store.attempts(), all_topics()),
    )


# -- plain-character drawing ----------------------------------------------------------------------

SPARK = " .:-=+*#%@"


def sparkline(values: Sequence[float]) -> str:
    """Values in [0, 1] as one character each, from ' ' (0) to '@' (1): ASCII, so any terminal,
    font or pipe shows it."""
    top = len(SPARK) - 1
    return "".join(SPARK[max(0, min(top, round(v * top)))] for v in values)


def when(stamp: str | None) -> str:
    """'2026-11-25T12:13:57+00:00' as '2026-11-25 12:13 UTC': what a reader needs of a timestamp."""
    if not stamp:
        return ""
    day, _, clock = stamp.partition("T")
    return f"{day} {clock[:5]} UTC" if clock else day


def _bar(fraction: float, width: int) -> str:
    filled = max(0, min(width, round(fraction * width)))
    return "#" * filled + "." * (width - filled)


def _pct(fraction: float) -> str:
    return f"{round(fraction * 100)}%"


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "~"


def _wrap(text: str, width: int, indent: str, first: str = "") -> list[str]:
    """Wrap each line of ``text`` on its own: prompts and solutions carry line breaks that mean
    something (one formula step per line)."""
    out: list[str] = []
    for i, line in enumerate(text.splitlines() or [""]):
        lead = first if i == 0 else indent
        out.extend(
            textwrap.wrap(line, width=width, initial_indent=lead, subsequent_indent=indent, break_long_words=True)
            or [lead.rstrip()]
        )
    return out

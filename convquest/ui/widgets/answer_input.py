"""The answer box of every typed answer: levels, fill-cells, exams and quizzes.

Two things a plain Input gets wrong for a game:

- Keys that arrive together overtake each other. Textual inserts a printable character as soon as
  the focused box receives it, but runs the box's own bindings (backspace, ctrl+u, enter, the
  arrows) only after the key has bubbled up to the app. Over SSH a quick typist's keys often share
  a packet, and on a pty "seven", five backspaces and "7" became "s", and "7", Enter, "8"
  submitted "78". This box runs its own bindings the moment the key arrives.
- Textual drops any screen binding whose key the focused Input would consume, priority or not. On
  a level, where answers are numbers and shapes, `h` (hint) and `?` (help) must still work, so the
  box gives up its `command_keys`. In exams and quizzes answers may be kernel names ("sharpen"),
  so there the box keeps every letter and gives up only `?` (`SITTING_COMMAND_KEYS`): no answer
  the game reads has one.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input

LEVEL_COMMAND_KEYS = frozenset(
    {"h", "s", "f", "a", "?"}
)  # the level screen's letter keys (hint, show me, formulas, another)
SITTING_COMMAND_KEYS = frozenset({"?"})  # help; a grid resumed half-answered shows '?' cells, to be typed over


class AnswerInput(Input):
    # Focus is a heavy border and bold text, not only a colour (NO_COLOR); a disabled box (a final
    # answer in a quiz) reads as done.
    DEFAULT_CSS = """
    AnswerInput:focus {
        border: heavy $accent;
        text-style: bold;
    }
    AnswerInput:disabled {
        text-style: italic;
    }
    """

    def __init__(self, *args: Any, command_keys: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.command_keys = command_keys

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character in self.command_keys:
            return False
        return super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                # Priority bindings were already offered before the key reached this box.
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)

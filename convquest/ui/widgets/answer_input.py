"""The answer box of the number-typing panels."""

from __future__ import annotations

from textual.widgets import Input

# Answers are numbers and shapes (5, 6×24×24, 6x24x24), so these keys are free to be commands
# on the level screen. Textual drops any binding whose key the focused Input would consume,
# priority or not, so the box has to give them up itself.
COMMAND_KEYS = frozenset({"h", "?"})


class AnswerInput(Input):
    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character in COMMAND_KEYS:
            return False
        return super().check_consume_key(key, character)

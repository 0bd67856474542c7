"""An answer box whose editing keys take effect in the order they were typed.

Textual inserts a printable character as soon as the focused box receives it, but runs the box's
own key bindings (backspace, ctrl+u, enter, the arrows, …) only after the key has bubbled up to
the app. Keys that reach the program in one read overtake each other: over SSH a quick typist's
keys often share a packet, and on a pty "seven", five backspaces and "7" became "s", and "7",
Enter, "8" submitted "78". In a quiz, where an answer is final, the box must hold what was typed,
so it runs its own bindings when the key arrives.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class AnswerBox(Input):
    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                # Priority bindings were already offered before the key reached this box.
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)

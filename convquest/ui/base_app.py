"""What every ConvQuest app (the game, the quiz, the teacher's view) does the same way."""

from __future__ import annotations

from textual.app import App
from textual.events import Event, Key


class BaseApp(App[None]):
    async def on_event(self, event: Event) -> None:
        # Keys still queued when the app closes (a burst typed just before quitting, SSH batching)
        # arrive after Textual's shutdown has removed every screen, where its key handling raises
        # "No screens on stack". There is nothing left for them to do.
        if isinstance(event, Key) and not self.screen_stack:
            return
        await super().on_event(event)

"""`game(node)`: the running ConvQuestApp, typed.

Textual types a widget's or screen's `.app` as a plain `App`, so `self.app.store` would be an
attribute mypy cannot check. Every screen and widget of the game runs inside a ConvQuestApp (the
quiz, playground and practice apps are subclasses), so they reach it through this instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from convquest.ui.app import ConvQuestApp


def game(node: MessagePump) -> ConvQuestApp:
    return cast("ConvQuestApp", node.app)

"""TitleLine: "chapter › level" on one line, the last part kept whole when the line is too narrow."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

SEPARATOR = " › "
# Below this many columns a shortened chapter says nothing; it is dropped instead.
SHORTEST_PART = 8


def fit_title(parts: tuple[str, ...], width: int, separator: str = SEPARATOR) -> str:
    """Join `parts` with › in `width` columns: earlier parts (the chapter) give way with an ellipsis
    first, since the last one (the level being played, the time left) is what the player needs."""
    whole = separator.join(parts)
    if width <= 0 or len(whole) <= width:
        return whole
    *before, last = parts
    room = width - len(last) - len(separator)
    if before and room >= SHORTEST_PART:
        return separator.join(before)[: room - 1].rstrip(" ,:›·") + "…" + separator + last
    return last if len(last) <= width else last[: width - 1] + "…"


class TitleLine(Widget):
    DEFAULT_CSS = """
    TitleLine {
        height: 1;
        width: 100%;
    }
    """

    def __init__(self, *parts: str, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.parts = parts

    @property
    def text(self) -> str:
        return fit_title(self.parts, self.content_size.width)

    def render(self) -> Content:
        return Content(self.text)  # plain: a title may hold brackets

"""KeyFooter: the active screen's keys as one line of text, in place of Textual's `Footer`.

Textual's `Footer` composes a widget per key, recomposes them whenever the bindings change (three to
five times while a screen starts) and restyles each one; that was the largest cost of a session's
first screen (issue 21). This draws the same keys, in the same order, as one `Strip`, and only
repaints when they change. Binding groups (`Binding.Group`) and the command palette's key, which
ConvQuest does not use, are left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

HELP_KEY = "question_mark"
MORE = "…"  # stands for the entries that did not fit, before the help that lists them all


class ShownKey(NamedTuple):
    key: str  # what a click presses, e.g. "question_mark"
    display: str  # what is drawn, e.g. "?"
    description: str
    enabled: bool

    @property
    def width(self) -> int:
        return cell_len(self.display) + 2 + (cell_len(self.description) + 1 if self.description else 0)


def shown_keys(screen: Screen[object]) -> list[ShownKey]:
    """The keys Textual's Footer shows on `screen`, in its order: one per action, the first key bound
    to it, of the bindings with `show`."""
    keys: dict[str, ShownKey] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.show and binding.action not in keys:
            display = screen.app.get_key_display(binding)
            keys[binding.action] = ShownKey(binding.key, display, binding.description, active.enabled)
    return list(keys.values())


def fit(keys: list[ShownKey], width: int) -> tuple[list[ShownKey], bool]:
    """The keys that fit in `width` columns, and whether some were left out. Whole entries give way
    from the end, never half a word; the help key stays, last, after a `…`, since the help lists every
    key of the screen."""
    if sum(key.width for key in keys) <= width:
        return keys, False
    helps = [key for key in keys if key.key == HELP_KEY]
    kept = [key for key in keys if key.key != HELP_KEY]
    room = width - sum(key.width for key in helps) - cell_len(MORE) - 1
    while kept and sum(key.width for key in kept) > room:
        kept.pop()
    return kept + helps, True


class KeyFooter(Widget, can_focus=False):
    """The active screen's shown bindings on the bottom line; a click on one presses its key."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
    }
    # The colours are Footer's theme variables; the key is bold so that it stands apart from its
    # description without colour too (NO_COLOR).
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--hover {
            background: $block-hover-background;
        }
        /* Over an entry, not over the blank after them: the hand of Textual's FooterKey. */
        &.-over-key {
            pointer: pointer;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._keys: list[ShownKey] | None = None  # read from the screen at the next paint
        self._hover: ShownKey | None = None

    @property
    def keys(self) -> list[ShownKey]:
        """Every key the screen shows now, before fitting them to the width."""
        if self._keys is None:
            self._keys = shown_keys(self.screen)
        return self._keys

    @property
    def drawn(self) -> list[ShownKey]:
        """The keys on the line, left to right."""
        return [key for _, key in self._layout()[0]]

    def _layout(self) -> tuple[list[tuple[int, ShownKey]], bool]:
        """Each drawn key with its first column, and whether some were left out."""
        keys, cut = fit(self.keys, self.size.width)
        spans: list[tuple[int, ShownKey]] = []
        x = 0
        for key in keys:
            if cut and key.key == HELP_KEY:
                x += cell_len(MORE) + 1
            spans.append((x, key))
            x += key.width
        return spans, cut

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        self._keys = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y:
            return Strip.blank(width, base)
        spans, cut = self._layout()
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        hover = Style(bgcolor=self.get_component_rich_style("key-footer--hover").bgcolor)
        segments: list[Segment] = []
        x = 0
        for start, key in spans:
            if start > x:  # the room kept for the `…` before the help key
                segments.append(Segment(MORE + " ", description_style))
            extra = (hover if key == self._hover else Style()) + (Style() if key.enabled else Style(dim=True))
            segments.append(Segment(f" {key.display} ", key_style + extra))
            if key.description:
                segments.append(Segment(f"{key.description} ", description_style + extra))
            x = start + key.width
        if cut and not any(key.key == HELP_KEY for _, key in spans):
            segments.append(Segment(MORE, description_style))
        return Strip(segments).adjust_cell_length(width, base)

    def _key_at(self, x: int) -> ShownKey | None:
        return next((key for start, key in self._layout()[0] if start <= x < start + key.width), None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._key_at(event.x))

    def on_leave(self, _event: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, key: ShownKey | None) -> None:
        if key != self._hover:
            self._hover = key
            self.set_class(key is not None, "-over-key")
            self.refresh()

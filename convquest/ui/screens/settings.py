"""Theme, animation speed, unlock-all and reset; every change is stored at once in the Store."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Label, RadioButton, RadioSet, Static

from convquest.ui.game import game
from convquest.ui.settings import ANIMATION_SPEEDS, THEMES
from convquest.ui.widgets.key_footer import KeyFooter


def _label(name: str, chosen: bool) -> str:
    # The radio dot differs only in colour; the ✓ keeps the choice visible under NO_COLOR.
    return f"{name} ✓" if chosen else name


def _on_off(value: bool) -> str:
    return "every chapter is open" if value else "finish a chapter to open the next"


class Choice(RadioSet):
    """A RadioSet whose highlight starts on the chosen button: Textual's starts on the first, so
    Tab then Enter would choose that one unasked. Its keys are shown (RadioSet hides them), so the
    footer says what works while a setting has focus."""

    BINDINGS = [
        Binding("up,left", "previous_button", "Move", key_display="←→"),
        Binding("down,right", "next_button", "Move", show=False),
        Binding("space,enter", "toggle_button", "Choose", key_display="space"),
    ]

    def on_mount(self) -> None:
        # After RadioSet's own mount handler, which highlights the first button.
        self.call_later(self._highlight_chosen)

    def _highlight_chosen(self) -> None:
        if self.pressed_index >= 0:
            self._selected = self.pressed_index

    def choices(self, key: str, names: tuple[str, ...] | list[str], chosen: str) -> ComposeResult:
        for name in names:
            yield RadioButton(_label(name, name == chosen), value=name == chosen, id=f"{key}-{name}")


class SettingsScreen(Screen[None]):
    HELP_NAME = "settings"
    HELP_EXTRA = (("tab", "Next setting"), ("enter", "Press the button"))
    # Textual would focus the scrolling body, where ← → and space do nothing.
    AUTO_FOCUS = "#setting-theme"

    def on_mount(self) -> None:
        # Nor is the body a stop of Tab: the settings fit in 80×24, and a focused setting is
        # scrolled into view on a shorter body anyway.
        self.query_one("#settings-body", VerticalScroll).can_focus = False

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        app = game(self)
        theme = app.setting("theme", "dark")
        speed = app.animation_speed
        yield Static("Settings", id="settings-title", markup=False)
        with VerticalScroll(id="settings-body"):
            with Horizontal(classes="setting-row"):
                yield Label("Theme", classes="setting-label")
                with Choice(id="setting-theme") as choice:
                    yield from choice.choices("theme", list(THEMES), theme)
            with Horizontal(classes="setting-row"):
                yield Label("Animation speed", classes="setting-label")
                with Choice(id="setting-speed") as choice:
                    yield from choice.choices("speed", ANIMATION_SPEEDS, speed)
            with Horizontal(classes="setting-row"):
                yield Label("Unlock all chapters", classes="setting-label")
                # Two choices with a ✓, like the settings above: a Switch's knob is told apart
                # by its colour only, and so not at all under NO_COLOR.
                with Choice(id="setting-unlock") as choice:
                    yield from choice.choices("unlock", ("off", "on"), "on" if app.unlock_all else "off")
                yield Label(_on_off(app.unlock_all), id="setting-unlock-state", classes="setting-state")
            with Horizontal(classes="setting-row"):
                yield Label("Progress", classes="setting-label")
                yield Button("Reset progress…", id="setting-reset", variant="error")
        yield KeyFooter()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        value = (event.pressed.id or "").partition("-")[2]
        for button in event.radio_set.query(RadioButton):
            name = (button.id or "").partition("-")[2]
            button.label = _label(name, button is event.pressed)
        if event.radio_set.id == "setting-unlock":
            game(self).save_setting("unlock_all", "yes" if value == "on" else "no")
            self.query_one("#setting-unlock-state", Label).update(_on_off(value == "on"))
            return
        key = "theme" if event.radio_set.id == "setting-theme" else "animation_speed"
        game(self).save_setting(key, value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        from convquest.ui.screens.confirm import ConfirmScreen

        self.app.push_screen(
            ConfirmScreen(
                "Reset progress? Every star and every saved answer is deleted. "
                "Settings are kept. This cannot be undone.",
                yes="Reset",
            ),
            self._reset,
        )

    def _reset(self, confirmed: bool | None) -> None:
        if confirmed:
            game(self).store.reset_progress()
            self.notify("Progress reset: every chapter starts fresh.", title="Reset")
        else:
            self.notify("Nothing was reset.")

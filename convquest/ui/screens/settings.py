"""Theme, animation speed, unlock-all and reset; every change is stored at once in the Store."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, RadioButton, RadioSet, Static, Switch

from convquest.ui.game import game
from convquest.ui.settings import ANIMATION_SPEEDS, THEMES


def _label(name: str, chosen: bool) -> str:
    # The radio dot differs only in colour; the ✓ keeps the choice visible under NO_COLOR.
    return f"{name} ✓" if chosen else name


def _on_off(value: bool) -> str:
    return "on — every chapter is open" if value else "off — finish a chapter to open the next"


class SettingsScreen(Screen[None]):
    HELP_NAME = "settings"
    HELP_EXTRA = (("tab", "Next setting"), ("← → space", "Change it"), ("enter", "Press the button"))
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
                with RadioSet(id="setting-theme"):
                    for name in THEMES:
                        yield RadioButton(_label(name, name == theme), value=name == theme, id=f"theme-{name}")
            with Horizontal(classes="setting-row"):
                yield Label("Animation speed", classes="setting-label")
                with RadioSet(id="setting-speed"):
                    for name in ANIMATION_SPEEDS:
                        yield RadioButton(_label(name, name == speed), value=name == speed, id=f"speed-{name}")
            with Horizontal(classes="setting-row"):
                yield Label("Unlock all chapters", classes="setting-label")
                yield Switch(value=app.unlock_all, id="setting-unlock")
                # The switch's knob is drawn in colour; the word says it without.
                yield Label(_on_off(app.unlock_all), id="setting-unlock-state", classes="setting-state")
            with Horizontal(classes="setting-row"):
                yield Label("Progress", classes="setting-label")
                yield Button("Reset progress…", id="setting-reset", variant="error")
        yield Footer()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        value = (event.pressed.id or "").partition("-")[2]
        key = "theme" if event.radio_set.id == "setting-theme" else "animation_speed"
        game(self).save_setting(key, value)
        for button in event.radio_set.query(RadioButton):
            name = (button.id or "").partition("-")[2]
            button.label = _label(name, button is event.pressed)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        game(self).save_setting("unlock_all", "yes" if event.value else "no")
        self.query_one("#setting-unlock-state", Label).update(_on_off(event.value))

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

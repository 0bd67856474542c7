"""Theme, animation speed, unlock-all and reset; every change is stored at once in the Store."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, RadioButton, RadioSet, Static, Switch

from convquest.ui.app import ANIMATION_SPEEDS, THEMES


class SettingsScreen(Screen[None]):
    HELP_NAME = "settings"
    HELP_EXTRA = (("tab", "Next setting"), ("← → space", "Change it"), ("enter", "Press the button"))
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        app = self.app
        theme = app.setting("theme", "dark")
        speed = app.animation_speed
        yield Static("Settings", id="settings-title", markup=False)
        with VerticalScroll(id="settings-body"):
            with Horizontal(classes="setting-row"):
                yield Label("Theme", classes="setting-label")
                with RadioSet(id="setting-theme"):
                    for name in THEMES:
                        yield RadioButton(name, value=name == theme, id=f"theme-{name}")
            with Horizontal(classes="setting-row"):
                yield Label("Animation speed", classes="setting-label")
                with RadioSet(id="setting-speed"):
                    for name in ANIMATION_SPEEDS:
                        yield RadioButton(name, value=name == speed, id=f"speed-{name}")
            with Horizontal(classes="setting-row"):
                yield Label("Unlock all chapters", classes="setting-label")
                yield Switch(value=app.unlock_all, id="setting-unlock")
            with Horizontal(classes="setting-row"):
                yield Label("Progress", classes="setting-label")
                yield Button("Reset progress…", id="setting-reset", variant="error")
        yield Footer()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        value = str(event.pressed.label)
        key = "theme" if event.radio_set.id == "setting-theme" else "animation_speed"
        self.app.save_setting(key, value)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        self.app.save_setting("unlock_all", "yes" if event.value else "no")

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
            self.app.store.reset_progress()
            self.notify("Progress reset: every chapter starts fresh.", title="Reset")
        else:
            self.notify("Nothing was reset.")

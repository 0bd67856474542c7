"""The player's settings and the terminal size the game needs: names and values only.

Screens read these and the app applies them; keeping them here (and not in `convquest.ui.app`)
lets a screen use them without importing the app that imports the screen back. Settings are
stored as strings in the Store under these keys; a stored value the game does not know reads as
the default, so a database written by a newer version still opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from convquest.store import Store

MIN_WIDTH = 80
MIN_HEIGHT = 24

THEMES = {"dark": "textual-dark", "light": "textual-light"}
ANIMATION_SPEEDS = ("off", "slow", "normal", "fast")


def setting(store: Store, key: str, default: str) -> str:
    value = store.get_setting(key, default)
    return default if value is None else str(value)


def theme(store: Store) -> str:
    """The Textual theme of the stored choice."""
    return THEMES.get(setting(store, "theme", "dark"), THEMES["dark"])


def animation_speed(store: Store) -> str:
    speed = setting(store, "animation_speed", "normal")
    return speed if speed in ANIMATION_SPEEDS else "normal"


def unlock_all(store: Store) -> bool:
    return setting(store, "unlock_all", "no") == "yes"

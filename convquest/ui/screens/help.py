"""`?` on any screen: what the game is, and the keys of the screen it was opened from."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from convquest.ui.widgets.key_footer import KeyFooter

ABOUT = (
    "ConvQuest teaches convolution and CNN arithmetic by doing it. Each chapter opens with a short "
    "lesson; its levels ask you to predict output sizes, count parameters, fill feature maps and "
    "more. A wrong answer or h climbs a hint ladder: solved before any hint is 3 stars, after the "
    "first hint 2, after more 1; s shows the whole solution for none. f opens the formula card. "
    "Every answer is saved the moment you give it, so quitting never loses progress."
)


def keys_of(screen: Screen[object]) -> list[tuple[str, str]]:
    """The keys the player can press on `screen`, as (key, what it does), read from its bindings
    so the help can never disagree with the footer."""
    app = screen.app
    rows: dict[str, str] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        # Only what the footer shows: a text box's editing keys would bury the game's own.
        if not binding.show or not binding.description or binding.system:
            continue
        rows.setdefault(binding.description, app.get_key_display(binding))
    # Keys a widget handles itself (enter in an answer box, arrows in a list) are not bindings of
    # the screen; each screen names those in HELP_EXTRA, by their key names.
    extra = [(key_display(app, keys), description) for keys, description in getattr(screen, "HELP_EXTRA", ())]
    return [(key, description) for description, key in rows.items()] + extra


def key_display(app: App[object], keys: str) -> str:
    """'enter', 'ctrl+q' or 'i / I' as the footer draws those keys ('⏎', '^q', 'i / I'): the help
    and the footer name a key one way."""
    return " ".join(app.get_key_display(Binding(word, "")) for word in keys.split(" "))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "app.pop_screen", "Close help"),
    ]

    def __init__(self, under: Screen[object], about: str = ABOUT) -> None:
        super().__init__()
        self.under = under
        self.about = about  # what the app is: the game's by default, the teacher view has its own

    def compose(self) -> ComposeResult:
        name = getattr(self.under, "HELP_NAME", type(self.under).__name__.removesuffix("Screen"))
        keys = keys_of(self.under)
        lines = [f"  {key:<10} {description}" for key, description in keys]
        lines += [f"  {key_display(self.app, 'ctrl+q'):<10} Quit from anywhere"]
        with VerticalScroll(id="help-box"):
            yield Static("ConvQuest — help", id="help-title", markup=False)
            yield Static(self.about, id="help-about", markup=False)
            yield Static(f"Keys on this screen ({name}):\n" + "\n".join(lines), id="help-keys", markup=False)
        yield KeyFooter()

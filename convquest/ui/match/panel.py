"""MatchKernelPanel: the match-kernel level kind, played with pictures.

Variants (the engine problem's `variant`):
- palette: pick the named kernel that turns the image into the target;
- edit: type the weights of a kernel (cursor + digits) until the output matches the target;
- two-step: pick two kernels in order (blur, then edge) — a stack of two layers;
- translation: the image is shifted; put the cursor where the feature map's peak moves to;
- locality: one input pixel changes; mark (space) every output cell that changes.

`p` opens the photo lab (convquest.ui.screens.photo_lab) with the kernel in hand: the palette's
highlighted one (after a two-step level's first pick, both in a row), the editor's weights, or the
translation level's kernel. The lab is a screen pushed over the level, so Escape comes back to the
level exactly as it was left.

Every answer is written in the engine's own answer syntax and handed to the run (convquest.play),
which judges it; the panel shows the run's feedback and reports to the screen with `KindPanel.Judged`; the pictures show what the engine computed
(`MatchView` reads it off the problem) and never work anything out themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.geometry import Size
from textual.widgets import Static

from convquest.ui.kinds.base import KindPanel, feedback_class
from convquest.ui.match.editor import WeightEditor
from convquest.ui.match.palette import KernelPalette
from convquest.ui.match.shaded import ShadedImage, ShadeKey
from convquest.ui.match.view import MatchView

if TYPE_CHECKING:  # the run comes built: importing it here would load the engine with the screen
    from convquest.engine.problems.base import Verdict
    from convquest.play.run import Feedback, ProblemRun
    from convquest.ui.screens.photo_lab import Slot

# Rows the pictures take when drawn full size (label, up to 10 pixel rows, a two-line key) plus
# enough rows to read a verdict; below this the maps are drawn compact too (half-blocks).
FULL_SIZE_ROWS = 18

# Shown where the verdict will go until the first answer, so the keys are read before they are needed.
LAB_KEY = " p puts the kernel on a photograph (the photo lab)."
KEYS = {
    "palette": "↑↓ choose a kernel, Enter to try it. n shows the numbers." + LAB_KEY,
    "two-step": "↑↓ choose a kernel, Enter to try it: first the blur, then the edge detector. n shows the numbers."
    + LAB_KEY,
    "edit": "Arrows move, digits and - set a weight, Enter tries the kernel. l loads a library "
    "kernel to start from. n shows the numbers." + LAB_KEY,
    "translation": "Arrows move the cursor on the output; Enter says the peak is there. n shows the numbers." + LAB_KEY,
    "locality": "Arrows move the cursor on the output; space marks a cell, Enter when done. n shows the numbers.",
}
# The palette or editor is set aside while the numbers are read, so its keys must not be offered then.
NUMBERS_KEYS = "Reading the numbers: the kernels are set aside. n or Enter brings them back."


class MatchKernelPanel(KindPanel):
    BINDINGS = [
        Binding("n", "toggle_numbers", "Numbers"),
        Binding("l", "load_kernel", "Load kernel"),
        Binding("p", "photo_lab", "Photo lab"),
        Binding("enter", "leave_numbers", "Kernels", show=False),
    ]

    def __init__(self, run: ProblemRun) -> None:
        super().__init__(run)
        self.view = MatchView(run.problem)
        self._first: str | None = None  # the two-step level's first pick, until the second
        self._marked: set[tuple[int, int]] = set()
        self._loaded = -1  # which starting point the editor last loaded
        self._keys_shown = True  # the verdict box still holds the keys, not a verdict

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        view = self.view
        # Picking a kernel needs a side column for the palette or the editor; answering on a grid
        # does not, so those variants give the whole width to the pictures.
        side = view.variant in ("palette", "two-step", "edit")
        with Horizontal(id="match-body", classes="with-side" if side else "no-side"):
            with Vertical(id="match-main"):
                if not side:
                    yield Static(self.problem.prompt(), id="match-prompt", markup=False)
                with Horizontal(id="match-pictures"):
                    yield from self._pictures()
                yield ShadeKey(id="match-key")
                with VerticalScroll(id="match-feedback"):
                    yield Static(self._keys(), id="match-feedback-text", markup=False)
            if side:
                with Vertical(id="match-side"):
                    yield Static(self.problem.prompt(), id="match-prompt", markup=False)
                    if view.variant == "edit":
                        yield WeightEditor(view.start_weights, label="your kernel", id="match-editor")
                    else:
                        yield KernelPalette(view.palette, id="match-palette")

    def _picture(self, values: np.ndarray | None, label: str, id: str, **kwargs: Any) -> ShadedImage:
        return ShadedImage(values, label=label, id=id, classes="match-picture", **kwargs)

    def _pictures(self) -> ComposeResult:
        view = self.view
        if view.variant == "translation":
            yield self._picture(view.image, "image", "match-image", scale=view.image_scale)
            yield self._picture(view.feature_map, "its map", "match-map", scale=view.map_scale())
            yield self._picture(view.shifted, "moved", "match-shifted", scale=view.image_scale)
            yield self._picture(view.blank_output, "peak now?", "match-answer", pickable=True, blank=True)
        elif view.variant == "locality":
            r, c = view.changed_pixel
            yield self._picture(view.image, f"pixel {r},{c}", "match-image")
            yield self._picture(view.blank_output, "which change?", "match-answer", pickable=True, blank=True)
        else:
            yield self._picture(view.image, "image", "match-image")
            yield self._picture(view.target, "target", "match-target", scale=view.map_scale())
            yield self._picture(None, "your output", "match-output")

    def on_mount(self) -> None:
        self._show_key()
        self._focus_input()
        self._fit()

    def _focus_input(self) -> None:
        if self.view.variant in ("palette", "two-step"):
            self.query_one(KernelPalette).focus_list()
        elif self.view.variant == "edit":
            self.query_one(WeightEditor).focus()
        else:
            self.query_one("#match-answer", ShadedImage).focus()

    def on_resize(self, event: Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        # Reference pictures (the image, a map to compare with) go compact first; the pictures the
        # player answers on or reads marks from keep full size while the panel has the rows.
        full = self.size.height >= FULL_SIZE_ROWS or self.size.height == 0
        for picture in self.query(".match-picture").results(ShadedImage):
            if picture.pickable:
                continue
            reference = picture.id in ("match-image", "match-shifted")
            picture.compact = reference or not full
        self.call_after_refresh(self._fit_width)

    def _fit_width(self) -> None:
        """Hide reference pictures, least needed first, until the row fits (numbers are wide)."""
        # Called after a refresh: a panel left in the same burst of keys may be attached still
        # while its children are already pruned.
        mains = self.query("#match-main")
        if not self.is_attached or not mains:
            return
        main = mains.first()
        available = main.size.width - 2  # the pictures row's padding
        pictures = list(self.query(".match-picture").results(ShadedImage))
        for picture in pictures:
            picture.display = True
        nowhere = Size(0, 0)

        def needed() -> int:
            return sum(p.get_content_width(nowhere, nowhere) + 2 for p in pictures if p.display)

        for id in ("match-image", "match-shifted", "match-map"):
            if available <= 0 or needed() <= available:
                break
            for picture in pictures:
                if picture.id == id:
                    picture.display = False

    # -- starting points for the weight editor -----------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "load_kernel":
            return self.view.variant == "edit" and not self.run.over
        if action == "leave_numbers":
            return self._side_hidden
        if action == "photo_lab":
            # Locality's box of ones is about which windows overlap, not a kernel to look through.
            return bool(self.lab_slots())
        return True

    def action_load_kernel(self) -> None:
        """Put the next library kernel in the editor: the engine's hint is to start from the one
        that looks closest and fix its sign, scale or direction."""
        kernels = self.view.starting_points
        self._loaded = (self._loaded + 1) % len(kernels)
        kernel = kernels[self._loaded]
        editor = self.query_one(WeightEditor)
        editor.set_weights(np.asarray(kernel.weights))
        editor.set_label(f"from {kernel.title}")
        editor.focus()
        self._feedback(f"Loaded {kernel.title}: {kernel.detects}\n(l loads the next one.)", kind="slip")

    # -- the photo lab ------------------------------------------------------------------------

    def lab_slots(self) -> list[Slot]:
        """The kernels in hand, in the order they apply: what the photo lab opens with."""
        from convquest.ui.screens.photo_lab import library_slot, weights_slot

        editors = self.query(WeightEditor)
        if editors:
            return [weights_slot(editors.first().weights)]
        palettes = self.query(KernelPalette)
        if palettes:
            names = [self._first, palettes.first().highlighted]
        else:
            names = [self.view.feature_kernel]
        return [library_slot(name) for name in names if name is not None]

    def action_photo_lab(self) -> None:
        from convquest.ui.screens.photo_lab import PhotoLabScreen, lab_with

        self.app.push_screen(PhotoLabScreen(lab_with(self.lab_slots())))

    # -- numbers ------------------------------------------------------------------------------

    def _keys(self) -> str:
        if self._side_hidden:
            return NUMBERS_KEYS
        return KEYS.get(self.view.variant, "n shows the numbers.")

    @property
    def _side_hidden(self) -> bool:
        return any(not side.display for side in self.query("#match-side"))

    def action_leave_numbers(self) -> None:
        self.action_toggle_numbers()

    @property
    def numbers_shown(self) -> bool:
        return any(p.show_numbers for p in self.query(ShadedImage) if not p.numbers_fixed)

    def action_toggle_numbers(self) -> None:
        show = not self.numbers_shown
        for picture in self.query(ShadedImage):
            if not picture.numbers_fixed:
                picture.show_numbers = show
        # Two maps of numbers side by side need the whole width at 80 columns, so reading the
        # numbers sets the palette or editor aside until n is pressed again.
        for side in self.query("#match-side"):
            side.display = not show
            if show:
                # Focus must not stay on a hidden palette (Enter would pick unseen); the verdict
                # box keeps it inside the panel, so n still reaches this binding, and arrows
                # scroll the verdict meanwhile.
                self.query_one("#match-feedback").focus()
            else:
                self._focus_input()
        if self._keys_shown:
            self._feedback(self._keys(), kind="keys")
        self.call_after_refresh(self._fit_width)

    # -- answers ------------------------------------------------------------------------------

    def _feedback(self, text: str, *, kind: str) -> None:
        self._keys_shown = kind == "keys"
        box = self.query_one("#match-feedback-text", Static)
        box.update(text)
        box.set_classes(f"feedback-{kind}")
        self.query_one("#match-feedback", VerticalScroll).scroll_home(animate=False)

    def show_feedback(self, feedback: Feedback) -> None:
        self._feedback(feedback.text, kind=feedback_class(feedback))
        if self.run.over and self.view.variant in ("translation", "locality"):
            self._reveal()

    def _try(self, text: str) -> Verdict | None:
        """Hand `text` to the run (nothing once the level is over); the verdict when it was judged,
        else None (a slip or a repeat: nothing counted)."""
        if self.run.over:
            return None
        feedback = self.submit(text)
        return self.run.last_verdict if feedback.kind in ("right", "wrong") else None

    def _show_key(self, *outputs: np.ndarray) -> None:
        key = [] if self.view.variant == "locality" else [("image", self.view.image_scale)]
        scale = self.view.map_scale(*outputs)
        if scale is not None:
            key.append(("maps", scale))
        self.query_one(ShadeKey).show(key)

    def _show_output(self, output: np.ndarray, label: str) -> None:
        # Target and output are re-shaded on one scale, so a kernel twice too strong looks it.
        scale = self.view.map_scale(output)
        target = self.query_one("#match-target", ShadedImage)
        target.show(self.view.target, scale=scale)
        picture = self.query_one("#match-output", ShadedImage)
        picture.show(output, label=label, scale=scale, marks=self.view.differing(output))
        self._show_key(output)

    # palette and two-step

    def on_kernel_palette_picked(self, event: KernelPalette.Picked) -> None:
        event.stop()
        view = self.view
        name = event.name
        title = view.kernel_title(name)
        first = self._first
        if view.variant == "two-step" and first is None:
            # The first layer alone is not an answer: show what it does and wait for the second.
            self._first = name
            self._show_output(view.output_of([name]), f"after {title}")
            self._feedback(f"First layer: {title}. Now pick the second kernel.", kind="slip")
            return
        # Only a two-step level keeps a first pick, so here it has one and the others have none.
        names = [name] if first is None else [first, name]
        self._first = None
        output = view.output_of(names)
        self._show_output(output, " then ".join(view.kernel_title(n) for n in names))
        verdict = self._try(view.answer_text(names))
        if verdict is not None and view.variant == "palette":
            self.query_one(KernelPalette).mark_tried(name, verdict.correct)

    # edit

    def on_weight_editor_submitted(self, event: WeightEditor.Submitted) -> None:
        event.stop()
        self._show_output(self.view.output_for_weights(event.weights), "your output")
        self._try(event.editor.as_text())

    # translation and locality

    def on_shaded_image_chosen(self, event: ShadedImage.Chosen) -> None:
        event.stop()
        view = self.view
        if view.variant == "translation":
            self._try(view.cell_text(event.cell))
        elif view.variant == "locality":
            self._try(view.cells_text(self._marked))

    def on_shaded_image_toggled(self, event: ShadedImage.Toggled) -> None:
        event.stop()
        if self.view.variant != "locality" or self.run.over:
            return
        self._marked ^= {event.cell}
        event.image.set_selected(self._marked)

    def _reveal(self) -> None:
        """After a right answer, show the real map the answer was about."""
        view = self.view
        answer = self.query_one("#match-answer", ShadedImage)
        if view.variant == "translation":
            answer.show(view.shifted_map, label="its map now", scale=view.map_scale())
        else:
            answer.set_label("✓ these change")
            answer.set_selected(view.changed_cells)

"""match-kernel: which kernel turns this image into that target?

palette  — the target comes from a library kernel; answer its name.
edit     — the target comes from a kernel outside the library (or a library kernel with its sign,
           scale or orientation changed); answer the weights.
two-step — the target is a blur followed by an edge detector; answer both names.
The translation and locality variants ("why convolution wins") live in `why_conv.py`.

Every check convolves the image with the player's choice and compares it with the target, so any
kernel that produces the target is right, whatever its name.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from convquest.engine.images import IMAGES
from convquest.engine.kernels import KERNELS
from convquest.engine.ops import conv2d
from convquest.engine.problems import why_conv
from convquest.engine.problems.answers import parse_grid
from convquest.engine.problems.base import Fields, Verdict, check_part, rows_to_lists
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught

KIND = "match-kernel"
VARIANTS = ("palette", "edit", "two-step") + why_conv.VARIANTS
BLURS = ("box_blur", "gaussian")
EDGES = ("sobel_x", "sobel_y", "laplacian")
# Palettes grow with difficulty; the first is four kernels whose effects look nothing alike.
PALETTES = (
    ("identity", "box_blur", "sobel_x", "sobel_y"),
    ("identity", "box_blur", "sharpen", "sobel_x", "sobel_y", "laplacian"),
    tuple(KERNELS),
)
Grid = tuple[tuple[int, ...], ...]
Choice = tuple[str, ...] | np.ndarray  # library names applied in order, or one weights array


def kernel_name(text: str, names: tuple[str, ...]) -> str:
    """A palette entry from its name ('sobel_x', 'sobel x'), title ('Sobel x') or 1-based number."""
    wanted = text.strip().lower().replace(" ", "_").replace("-", "_")
    if not wanted:
        raise ValueError("Type a kernel's name or its number in the palette.")
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    for name in names:
        if wanted in (name, KERNELS[name].title.lower().replace(" ", "_")):
            return name
    raise ValueError(f"There is no kernel called {text.strip()!r} here; choose one of: {', '.join(names)}.")


@functools.cache
def library_output(image_name: str, names: tuple[str, ...]) -> np.ndarray:
    """A built-in image through library kernels in order. Both are fixed tables, so the result is
    remembered: generating a problem compares the target with every palette kernel's output."""
    out = IMAGES[image_name].pixels
    for name in names:
        out = conv2d(out, KERNELS[name].weights)
    out.setflags(write=False)
    return out


@functools.cache
def _tap_outputs(image_name: str) -> np.ndarray:
    """conv2d of the image with each one-hot 3×3 kernel: (3, 3, H', W')."""
    taps = np.zeros((3, 3, 3, 3), dtype=np.int64)
    for a in range(3):
        for b in range(3):
            taps[a, b, a, b] = 1
    return np.array([[conv2d(IMAGES[image_name].pixels, taps[a, b]) for b in range(3)] for a in range(3)])


def _linear_output(image_name: str, weights: Grid) -> np.ndarray:
    # conv2d is linear in the weights, so a weighted sum of the one-hot outputs equals it exactly;
    # generation screens many candidate kernels, and this is a tenth of a conv2d call.
    return np.tensordot(np.array(weights), _tap_outputs(image_name), 2)


def _fingerprint(out: np.ndarray) -> bytes:
    # Rounded (and -0.0 folded into 0.0), so a float blur output and an integer target compare by value.
    return (np.round(out.astype(np.float64), 6) + 0.0).tobytes()


@functools.cache
def _library_fingerprints(image_name: str, names: tuple[str, ...]) -> frozenset[bytes]:
    return frozenset(_fingerprint(library_output(image_name, (name,))) for name in names)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, atol=1e-9))


def _differing(a: np.ndarray, b: np.ndarray) -> int:
    return int((~np.isclose(a, b, atol=1e-9)).sum())


@dataclass(frozen=True)
class MatchKernel:
    variant: str
    image_name: str
    hidden: tuple[str, ...] = ()  # library names applied in order (palette: one; two-step: two)
    weights: Grid | None = None  # the hidden kernel of the edit variant
    palette: tuple[str, ...] = PALETTES[0]

    kind = KIND

    @property
    def topic(self) -> str:
        return f"{KIND}/{self.variant}"

    @property
    def image(self) -> np.ndarray:
        return IMAGES[self.image_name].pixels

    @cached_property
    def target(self) -> np.ndarray:
        return self.apply(self.hidden if self.weights is None else np.array(self.weights))

    def apply(self, choice: Choice) -> np.ndarray:
        """The image after the player's choice: names applied in order, or one weights array."""
        if isinstance(choice, np.ndarray):
            return conv2d(self.image, choice)
        return library_output(self.image_name, tuple(choice))

    def prompt(self) -> str:
        title = IMAGES[self.image_name].title
        if self.variant == "palette":
            return f"Which kernel from the palette turns the {title} image into the target?"
        if self.variant == "two-step":
            return f"Two layers turn the {title} image into the target: a blur, then an edge detector. Which two?"
        return f"Edit the 3×3 weights until the {title} image becomes the target."

    def parts(self) -> tuple[str, ...]:
        return ({"palette": "kernel", "two-step": "blur, edge"}.get(self.variant, "weights"),)

    def parse_answer(self, text: str, part: int = 0) -> str | tuple[str, ...] | np.ndarray:
        check_part(part, 1)
        if self.variant == "palette":
            return kernel_name(text, self.palette)
        if self.variant == "two-step":
            pieces = [
                p for p in text.replace(" then ", ",").replace(";", ",").replace("+", ",").split(",") if p.strip()
            ]
            if len(pieces) != 2:
                raise ValueError("Type two kernel names separated by a comma, like gaussian, sobel_x.")
            return tuple(kernel_name(p, BLURS + EDGES) for p in pieces)
        grid = parse_grid(text)
        if (len(grid), len(grid[0])) != (3, 3):
            raise ValueError(f"The kernel is 3×3: type 3 rows of 3 numbers, not {len(grid)} rows of {len(grid[0])}.")
        return np.array(grid)

    def _choice(self, answer: object) -> Choice:
        """A name, a tuple of names, or weights (any nested sequence) as apply() takes them."""
        if isinstance(answer, str):
            answer = (answer,)
        if isinstance(answer, tuple) and answer and all(isinstance(a, str) for a in answer):
            unknown = [name for name in answer if name not in KERNELS]
            if unknown:
                raise ValueError(f"There is no kernel called {unknown[0]!r}; choose one of: {', '.join(KERNELS)}.")
            return answer
        weights = np.asarray(answer)
        if weights.shape != (3, 3) or weights.dtype.kind not in "iuf":
            raise ValueError(f"The kernel is 3×3 numbers, not {weights.shape}.")
        return weights

    def _describe(self, choice: Choice) -> str:
        if isinstance(choice, np.ndarray):
            return "those weights"
        return " then ".join(KERNELS[name].title for name in choice)

    def check(self, answer: object, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 1)
        choice = self._choice(answer)
        out = self.apply(choice)
        explanation = self._explain(choice, out)
        if _same(out, self.target):
            return Verdict(True, explanation)
        key, sentence = self._diagnose(choice, out)
        return Verdict(False, explanation, sentence, key)

    def _explain(self, choice: Choice, out: np.ndarray) -> str:
        cells = out.size
        differ = _differing(out, self.target)
        head = (
            f"{self._describe(choice)} give{'s' if not isinstance(choice, np.ndarray) and len(choice) == 1 else ''} "
            f"the target exactly."
            if differ == 0
            else f"{self._describe(choice)}: {differ} of {cells} cells differ from the target."
        )
        lines = [head[0].upper() + head[1:]]
        if not isinstance(choice, np.ndarray):
            lines += [f"{KERNELS[name].title}: {KERNELS[name].detects}" for name in choice]
        return "\n".join(lines)

    def _diagnose(self, choice: Choice, out: np.ndarray) -> tuple[str | None, str | None]:
        target = self.target
        if not isinstance(choice, np.ndarray):
            return self._diagnose_names(choice)
        if _same(out, -target):
            return "opposite_sign", "Every cell has the opposite sign: negate all the weights."
        scale = _scale(out, target)
        if scale is not None:
            return "wrong_scale", f"The pattern is right but {scale:g}× too strong: scale the weights by 1/{scale:g}."
        if _same(self.apply(choice.T), target):
            return "transposed_kernel", "Rows and columns are swapped: your kernel finds the other direction."
        if _same(self.apply(choice[::-1, ::-1]), target):
            return "flipped_kernel", (
                "Your kernel is turned round (the textbook convolution flip); "
                "here the kernel slides unflipped (cross-correlation)."
            )
        return None, None

    def _diagnose_names(self, choice: tuple[str, ...]) -> tuple[str | None, str | None]:
        if self.variant == "two-step":
            # Which half is right stays unsaid: with two blurs to choose from, "the edge detector is
            # right" would name the blur too. The picture tells them apart, so point at it.
            if len(set(choice) & set(self.hidden)) == 1:
                return "one_step_wrong", (
                    "One of your two kernels is right and the other is not. Compare your output with the "
                    "target: how soft the edges are is the blur's doing, which edges light up the detector's."
                )
            return None, None
        chosen, hidden = KERNELS[choice[0]].weights, KERNELS[self.hidden[0]].weights
        if chosen.shape == hidden.shape and np.array_equal(chosen.T, hidden):
            return "transposed_kernel", (
                f"{KERNELS[choice[0]].title} looks for the same thing in the other "
                "direction: compare where the target lights up."
            )
        return None, None

    def solution(self) -> str:
        if self.weights is not None:
            rows = "; ".join(" ".join(str(v) for v in row) for row in self.weights)
            return f"The hidden kernel: {rows}\n{self._explain(np.array(self.weights), self.target)}"
        titles = ", then ".join(KERNELS[name].title for name in self.hidden)
        return f"The answer: {titles}\n{self._explain(self.hidden, self.target)}"

    def hint(self) -> str:
        return {
            "palette": "Flat areas: a blur keeps them, an edge detector sends them to 0. Where does the target light up?",
            "edit": "Start from the library kernel that looks closest, then fix the sign, the scale or the direction.",
            "two-step": "The target is smooth (blurred) and bright only at edges: which blur, and which edges?",
        }[self.variant]

    def rungs(self, part: int, taught: Taught) -> Rungs:
        """Looking comes before naming: the rungs say what to compare, never which kernel it is."""
        check_part(part, 1)
        compare = (
            "Compare the target with the image: flat areas a blur keeps and an edge detector sends to 0; "
            "an x detector lights up at vertical edges, a y detector at horizontal ones."
        )
        if self.variant == "edit":
            steps: tuple[str, ...] = (
                "Each target cell is the sum of the 3×3 weights times the 3×3 window of the image under them.",
                "Try the library kernel that looks closest, then fix its sign, its scale or its direction.",
            )
        else:
            names = self.palette if self.variant == "palette" else BLURS + EDGES
            steps = tuple(f"{KERNELS[name].title}: {KERNELS[name].detects}" for name in names)
        return Rungs(self.hint(), compare, steps, self.solution(), formula_label="What to compare")

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {"variant": self.variant, "image": self.image_name}
        if self.weights is not None:
            out["weights"] = rows_to_lists(self.weights)
        else:
            out["kernels"] = list(self.hidden)
        if self.variant == "palette":
            out["palette"] = list(self.palette)
        return out


def _scale(out: np.ndarray, target: np.ndarray) -> float | None:
    """c where out == c·target for some c other than 0, 1 and −1, else None."""
    if out.shape != target.shape or not target.any():
        return None
    at = np.unravel_index(np.abs(target).argmax(), target.shape)
    c = float(out[at] / target[at])
    if c in (0.0, 1.0, -1.0) or not np.allclose(out, c * target, atol=1e-9):
        return None
    return c


def _image(fields: Fields) -> str:
    return fields.choice("image", tuple(IMAGES))


def from_params(fields: Fields, variant: str) -> MatchKernel | why_conv.Translation | why_conv.Locality:
    if variant in why_conv.VARIANTS:
        return why_conv.from_params(fields, variant)
    image = _image(fields)
    if variant == "edit":
        weights = fields.grid("weights", low=-20, high=20, max_side=3)
        if (len(weights), len(weights[0])) != (3, 3):
            raise ValueError("weights: the edited kernel is 3×3.")
        return MatchKernel(variant, image, (), weights, ())
    raw = fields.raw("kernels")
    allowed = BLURS + EDGES if variant == "two-step" else tuple(KERNELS)
    count = 2 if variant == "two-step" else 1
    if not isinstance(raw, (list, tuple)) or len(raw) != count or any(name not in allowed for name in raw):
        raise ValueError(f"kernels: expected {count} name(s) from {', '.join(allowed)}; got {raw!r}.")
    if variant == "two-step" and (raw[0] not in BLURS or raw[1] not in EDGES):
        raise ValueError(f"kernels: a blur ({', '.join(BLURS)}) then an edge detector ({', '.join(EDGES)}).")
    palette: tuple[str, ...] = ()
    if variant == "palette":
        listed = fields.raw("palette", PALETTES[-1])
        palette = tuple(str(name) for name in listed) if isinstance(listed, (list, tuple)) else ("",)
        unknown = [name for name in palette if name not in KERNELS]
        if unknown or raw[0] not in palette:
            raise ValueError(f"palette: must list library kernels including {raw[0]}; unknown: {unknown}.")
    return MatchKernel(variant, image, tuple(raw), None, palette)


def _edited_weights(rng: random.Random, difficulty: int) -> Grid:
    integer = [name for name, k in KERNELS.items() if k.divisor == 1 and name != "identity"]
    base = np.array(KERNELS[rng.choice(integer)].weights)
    if difficulty == 3 and rng.random() < 0.5:
        base = np.array([[rng.choice((-1, 0, 0, 1)) for _ in range(3)] for _ in range(3)])
    change = rng.choice(("negate", "double", "transpose", "negate") if difficulty > 1 else ("negate",))
    edited = {"negate": -base, "double": 2 * base, "transpose": base.T}[change]
    return tuple(tuple(int(v) for v in row) for row in edited)


def generate(
    rng: random.Random, variant: str, difficulty: int
) -> MatchKernel | why_conv.Translation | why_conv.Locality:
    if variant in why_conv.VARIANTS:
        return why_conv.generate(rng, variant, difficulty)
    images = tuple(IMAGES)
    while True:
        image = rng.choice(images)
        if variant == "palette":
            palette = PALETTES[difficulty - 1]
            problem = MatchKernel(variant, image, (rng.choice(palette),), None, palette)
            others = [name for name in palette if name != problem.hidden[0]]
        elif variant == "two-step":
            problem = MatchKernel(variant, image, (rng.choice(BLURS), rng.choice(EDGES)), None, ())
            others = []
        else:
            problem = MatchKernel(variant, image, (), _edited_weights(rng, difficulty), ())
            others = list(KERNELS)
        # A target some other kernel also produces, or a flat one, would make a muddled puzzle: redraw.
        target = problem.target if problem.weights is None else _linear_output(image, problem.weights)
        if np.ptp(target) > 0 and _fingerprint(target) not in _library_fingerprints(image, tuple(others)):
            return problem

"""Small grayscale photographs to convolve: real pictures beside the drawn ones in images.py.

The pixels are uint8 arrays kept as .npy files in photo_data/ (made once by
scripts/make_photos.py; origins and licences in photo_data/SOURCES.md). Nothing is decoded or
downloaded at run time: a photograph's pixels are read with np.load the first time they are asked
for, so importing the engine costs nothing for players who never open the photo lab.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

_DATA = Path(__file__).with_name("photo_data")


@dataclass(frozen=True)
class Photo:
    """A photograph: `pixels` (H, W) uint8, 0 black to 255 white, read-only; `credit` is the
    line to show beside it (who made it, under which licence)."""

    name: str
    title: str
    credit: str

    @cached_property
    def pixels(self) -> NDArray[np.uint8]:
        array: NDArray[np.uint8] = np.load(_DATA / f"{self.name}.npy", allow_pickle=False)
        array.setflags(write=False)
        return array


_LIBRARY = [
    Photo("astronaut", "Astronaut", "Eileen Collins, NASA: public domain"),
    Photo("camera", "Cameraman", "Lav Varshney: CC0"),
    Photo("chelsea", "Chelsea the cat", "Stefan van der Walt: CC0"),
    Photo("coffee", "Coffee", "Rachel Michetti: CC0"),
    Photo("brick", "Brick wall", "CC0Textures: CC0"),
]

PHOTOS: dict[str, Photo] = {photo.name: photo for photo in _LIBRARY}

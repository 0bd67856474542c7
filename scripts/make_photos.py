"""Make convquest/engine/photo_data/*.npy: small grayscale photographs from scikit-image's wheel.

Run once, by hand, outside the project's venv (scikit-image and Pillow never become dependencies):

    pip download --no-deps scikit-image==0.26.0 -d /tmp/skw
    cd /tmp/skw && unzip -o scikit_image-0.26.0-*.whl 'skimage/data/*'
    python3 -m venv /tmp/pilvenv && /tmp/pilvenv/bin/pip install pillow numpy
    /tmp/pilvenv/bin/python scripts/make_photos.py /tmp/skw/skimage/data convquest/engine/photo_data

Each picture is converted to grayscale with ITU-R 601 luma (Pillow's "L" mode), cropped to the
target's aspect ratio about its centre, and shrunk with Pillow's BOX filter, which averages the
source pixels each target pixel covers (area averaging: no aliasing from skipped pixels). The
sources and licences are written in convquest/engine/photo_data/SOURCES.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image

# name: (file in skimage/data, (height, width) of the result)
PHOTOS = {
    "astronaut": ("astronaut.png", (64, 64)),
    "camera": ("camera.png", (64, 64)),
    "chelsea": ("chelsea.png", (64, 96)),
    "coffee": ("coffee.png", (64, 96)),
    "brick": ("brick.png", (64, 64)),
}


def shrink(path: Path, height: int, width: int) -> np.ndarray:
    picture = Image.open(path).convert("L")
    source_w, source_h = picture.size
    # The largest centred crop with the target's aspect ratio, so nothing is stretched.
    crop_w = min(source_w, source_h * width // height)
    crop_h = min(source_h, source_w * height // width)
    left, top = (source_w - crop_w) // 2, (source_h - crop_h) // 2
    box = (left, top, left + crop_w, top + crop_h)
    return np.asarray(picture.resize((width, height), Image.Resampling.BOX, box=box), dtype=np.uint8)


def main(source: str, target: str) -> None:
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    for name, (file, (height, width)) in PHOTOS.items():
        array = shrink(Path(source) / file, height, width)
        np.save(out / f"{name}.npy", array, allow_pickle=False)
        print(f"{name}: {file} -> {array.shape}, {array.min()}..{array.max()}")


if __name__ == "__main__":
    main(*sys.argv[1:3])

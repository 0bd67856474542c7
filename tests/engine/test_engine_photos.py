"""The photographs: each loads as small read-only uint8 pixels, quickly and only when asked for,
and each has its origin and licence written beside it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from convquest.engine import PHOTOS, Photo
from convquest.engine.photos import _DATA

SOURCES = (_DATA / "SOURCES.md").read_text(encoding="utf-8")


def test_there_are_at_least_four_photographs():
    assert len(PHOTOS) >= 4


@pytest.mark.parametrize("name", sorted(PHOTOS))
def test_a_photograph_is_a_small_grayscale_picture(name):
    pixels = PHOTOS[name].pixels
    assert pixels.dtype == np.uint8 and pixels.ndim == 2
    assert all(60 <= side <= 96 for side in pixels.shape)
    assert not pixels.flags.writeable
    assert pixels.std() > 10  # a picture, not a blank


@pytest.mark.parametrize("name", sorted(PHOTOS))
def test_a_photograph_has_its_origin_and_licence_beside_it(name):
    rows = [line for line in SOURCES.splitlines() if line.startswith(f"| {name}.npy |")]
    assert len(rows) == 1
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    _file, size, _what, origin, licence = cells
    height, width = PHOTOS[name].pixels.shape
    assert size == f"{height}×{width}"
    assert origin and ("public domain" in licence or "CC0" in licence)
    # The credit shown in the game names the same maker and licence as the file.
    maker, shown_licence = PHOTOS[name].credit.rsplit(": ", 1)
    assert all(word in rows[0] for word in maker.replace(",", "").split())
    assert shown_licence in licence


def test_every_data_file_is_a_listed_photograph():
    assert {p.stem for p in Path(_DATA).glob("*.npy")} == set(PHOTOS)


def test_a_photograph_loads_fast():
    fresh = [Photo(p.name, p.title, p.credit) for p in PHOTOS.values()]  # no cached pixels
    start = time.perf_counter()
    for photo in fresh:
        assert photo.pixels.size
    # np.load of a few kB each: well under a millisecond apiece; this bound only catches decoding.
    assert time.perf_counter() - start < 0.25


def test_importing_the_engine_reads_no_photograph():
    code = (
        "import json, convquest.engine as e\n"
        "print(json.dumps([n for n, p in e.PHOTOS.items() if 'pixels' in vars(p)]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []

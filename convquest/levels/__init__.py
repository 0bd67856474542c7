"""The curriculum as data: one TOML file per chapter, loaded and validated into dataclasses.

Level file format (full guide with examples: docs/LEVELS.md)::

    [chapter]
    id = "padding"                       # lowercase letters, digits, hyphens; unique
    title = "Padding: valid, same, full"
    order = 3                            # integer, unique across all loaded files; sets the order
    lesson = ["page one", "page two"]    # a few short screens shown before the first level

    [[level]]                            # at least one; played in file order, easiest first
    id = "padding-1"                     # unique across all loaded files
    title = "Same padding keeps the size"
    kind = "predict-size"                # one of convquest.levels.model.KINDS
    hints = ["first hint", "second"]     # optional; shown one at a time on request
    explanation = "why the answer is what it is"   # shown after an answer, beside the worked solution
    lesson = "one screen before this level"         # optional
    [level.params]                       # whatever engine.problems.from_params(kind, params) takes
    variant = "conv"
    i = [5, 9]                           # two integers [lo, hi]: drawn (inclusive) from the level's seed
    k = 3
    p = 1
    # a pair is a table, since [a, b] is a range: i = { h = 6, w = 9 }, cell = { row = 1, col = 2 }

A file with any error is refused whole and reported as LevelFileError(file, level, field, message);
the other files still load. Parameters are checked by building the engine problem: fixed ones once,
ranges at the corners of their box and at a sample of seeds. `check_files` (`convquest levels check`)
and the extra packs given to `load_curriculum` get that check; the shipped chapters are loaded
without it to keep the engine out of start-up, and their problems are built when a level opens.
"""

from convquest.levels.loader import check_files, load_curriculum
from convquest.levels.model import Chapter, Curriculum, Level, LevelFileError

__all__ = ["Chapter", "Curriculum", "Level", "LevelFileError", "check_files", "load_curriculum"]

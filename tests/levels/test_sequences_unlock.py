"""Levels added to the padding and stacking chapters (reflect borders, ceil_mode) never close the
chapter after them to a player whose progress database predates them; Sequences opens after Learning."""

from __future__ import annotations

from convquest.levels import load_curriculum
from convquest.store import Store

CURRICULUM = load_curriculum()
ADDED = {"padding": ("padding-reflect", "padding-replicate"), "stacking": ("stacking-ceil", "stacking-ceil-padding")}


def test_an_old_progress_database_keeps_the_chapters_after_padding_and_stacking_open(tmp_path) -> None:
    store = Store.open(tmp_path)
    for chapter_id, added in ADDED.items():
        for level in CURRICULUM.chapter(chapter_id).levels:
            if level.id not in added:  # the chapter as it was shipped before these levels
                store.complete_level(level.id, 1)
    store.close()
    stars = Store.open(tmp_path).all_stars()
    assert CURRICULUM.unlocked("stride", stars)
    assert CURRICULUM.unlocked("learning", stars)
    assert not any(level_id in stars for added in ADDED.values() for level_id in added)


def test_a_new_player_still_finishes_the_chapter_as_it_is_now() -> None:
    padding = CURRICULUM.chapter("padding").levels
    almost = {level.id: 1 for level in padding if level.id != "padding-reflect"}
    # The old list is complete here (only a new level is missing), so stride stays open…
    assert CURRICULUM.unlocked("stride", almost)
    # …but missing an old level with a new one done does not open it.
    del almost["padding-1"]
    assert not CURRICULUM.unlocked("stride", {**almost, "padding-reflect": 1})


def test_sequences_comes_after_learning_and_opens_after_it() -> None:
    order = [chapter.id for chapter in CURRICULUM.chapters]
    assert order.index("sequences") == order.index("learning") + 1
    learning = {level.id: 1 for level in CURRICULUM.chapter("learning").levels}
    assert CURRICULUM.unlocked("sequences", learning)
    assert not CURRICULUM.unlocked("sequences", {})

"""The collector is held off while an app starts and comes back with its first frame."""

import gc

import pytest

from convquest.cli import main
from convquest.ui.first_frame import collector_held, release_collector


@pytest.fixture
def unfrozen():
    """A test that lets an app freeze the process's objects gives them back to the collector."""
    yield
    gc.unfreeze()
    gc.enable()


def test_the_collector_is_off_in_the_block_and_back_on_after_it(unfrozen):
    with collector_held():
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # ending the block is not a first frame: nothing is frozen


def test_a_collector_someone_else_turned_off_stays_off(unfrozen):
    gc.disable()
    with collector_held():
        release_collector()
    assert not gc.isenabled()


async def test_the_first_frame_turns_it_back_on_and_freezes_what_the_start_made(make_app, unfrozen):
    with collector_held():
        app = make_app()
        assert not gc.isenabled()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
            assert "Progress:" in str(app.screen.query_one("#home-title").render())
    assert gc.isenabled()


def test_a_refused_launch_leaves_the_collector_on(tmp_path, capsys, unfrozen):
    # Under pytest the standard streams are not a terminal: the game refuses to start.
    assert main(["--data-dir", str(tmp_path)]) != 0
    assert "needs a terminal" in capsys.readouterr().err
    assert gc.isenabled()

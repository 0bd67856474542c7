"""Hand-wrapped level text is re-joined into paragraphs; worked sums and lists keep their lines."""

from convquest.ui.widgets.prose import reflow


def test_prose_lines_join_but_indented_and_listed_lines_stay():
    text = (
        "The kernel is 2×2 and covers\nfour cells:\n\n"
        "    1 2\n    4 5\n\n"
        "Libraries do not flip\nthe kernel.\n- one\n- two\n"
    )
    assert reflow(text) == (
        "The kernel is 2×2 and covers four cells:\n\n"
        "    1 2\n    4 5\n\n"
        "Libraries do not flip the kernel.\n- one\n- two"
    )

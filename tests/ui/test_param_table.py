"""The size board's table of a problem's numbers: a grid is drawn as rows, not as a Python list."""

from convquest.ui.kinds.predict_size import param_table


def test_a_grid_is_drawn_row_by_row():
    lines = param_table({"variant": "gradient-sign", "x": [[1, 2], [0, -3]], "k": 2})
    assert "[[" not in "\n".join(lines)
    assert lines[:3] == ["x", "    1   2", "    0  -3"]
    assert lines[3].split() == ["kernel", "k", "2"]

"""Level files wrap their text by hand at about 80 columns; re-wrapped by the terminal inside a
bordered box that leaves a stub on every other line. Joining the prose lines back into paragraphs
lets Textual wrap to the real width, while indented lines (worked sums, small grids, formulas) and
list items keep their own lines."""

from __future__ import annotations

import re

_STARTS_ITEM = re.compile(r"^(?:[-*•]\s|\d+[.)]\s)")


def reflow(text: str) -> str:
    out: list[str] = []
    for line in text.strip("\n").splitlines():
        line = line.rstrip()
        joinable = (
            out
            and out[-1]
            and line
            and not line[0].isspace()
            and not out[-1][0].isspace()
            and not _STARTS_ITEM.match(line)
        )
        if joinable:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)

"""The play layer: one level, drill or sitting as plain Python (judge, hint ladder, stars, records).

Screens and panels post what the player typed or marked and render the state they are given;
only `convquest.play.judge` calls a problem's `parse_answer` and `check`.
"""

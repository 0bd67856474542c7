"""Every ConvQuest app's stylesheet shares its parsed sources with the apps before it in the process
(convquest/ui/base_app.py): a session forked from the warm parent skips the parse the parent's
rehearsal did. Sharing must never hand one theme's colours to another."""

from __future__ import annotations

from textual.color import Color
from textual.css.stylesheet import Stylesheet

from convquest.ui.base_app import SharedStylesheet

SOURCE = "Static { color: $accent; background: $panel; }\n.note { text-style: bold; }"
DARK = {"accent": "#ff0000", "panel": "#000000"}
LIGHT = {"accent": "#0000ff", "panel": "#ffffff"}


def parsed(kind: type[Stylesheet], variables: dict[str, str], source: str = SOURCE) -> Stylesheet:
    stylesheet = kind(variables=dict(variables))
    stylesheet.add_source(source, read_from=("test_shared_stylesheet.py", "SOURCE"))
    stylesheet.parse()
    return stylesheet


def colours(stylesheet: Stylesheet) -> list[tuple[Color | None, Color | None]]:
    return [(rule.styles.color, rule.styles.background) for rule in stylesheet.rules]


def test_a_second_stylesheet_gets_the_rules_the_first_parsed():
    first, second = parsed(SharedStylesheet, DARK), parsed(SharedStylesheet, DARK)
    assert [id(rule) for rule in second.rules] == [id(rule) for rule in first.rules]
    assert [rule.css for rule in second.rules] == [rule.css for rule in parsed(Stylesheet, DARK).rules]


def test_other_variables_get_rules_parsed_with_them():
    dark, light = parsed(SharedStylesheet, DARK), parsed(SharedStylesheet, LIGHT)
    assert colours(dark) == colours(parsed(Stylesheet, DARK))
    assert colours(light) == colours(parsed(Stylesheet, LIGHT))
    assert colours(dark)[0] == (Color.parse("#ff0000"), Color.parse("#000000"))
    assert colours(light)[0] == (Color.parse("#0000ff"), Color.parse("#ffffff"))


def test_a_changed_source_is_parsed_again():
    edited = SOURCE.replace("bold", "italic")
    assert parsed(SharedStylesheet, DARK, edited).rules[1].css == parsed(Stylesheet, DARK, edited).rules[1].css
    assert "italic" in parsed(SharedStylesheet, DARK, edited).rules[1].css


def test_new_variables_then_reparse_restyle_with_them():
    stylesheet = parsed(SharedStylesheet, DARK)
    stylesheet.set_variables(dict(LIGHT))
    stylesheet.reparse()
    assert colours(stylesheet) == colours(parsed(Stylesheet, LIGHT))


async def test_the_game_styles_each_theme_as_textual_does(make_app, store):
    """A dark game, then a light one in the same process: the light one is light."""
    backgrounds = []
    for choice in ("dark", "light"):
        store.set_setting("theme", choice)
        app = make_app()
        async with app.run_test(size=(80, 24)):
            assert isinstance(app.stylesheet, SharedStylesheet)
            backgrounds.append(app.screen.styles.background)
            assert backgrounds[-1] == Color.parse(app.get_css_variables()["background"])
    assert backgrounds[0] != backgrounds[1]


def test_past_its_size_the_shared_store_starts_over(monkeypatch):
    from convquest.ui import base_app

    monkeypatch.setattr(base_app, "_PARSED", {})
    monkeypatch.setattr(base_app, "_PARSED_MOST", 1)
    for variables in (DARK, LIGHT, DARK):
        assert colours(parsed(SharedStylesheet, variables)) == colours(parsed(Stylesheet, variables))
        assert len(base_app._PARSED) == 1

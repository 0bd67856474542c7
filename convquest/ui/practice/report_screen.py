"""The report on screen: the same plain text ``convquest report`` prints, in a scrolling box.

It is rendered for the screen's width, so it reads at 80×24 and wider; export is left to
``convquest report --format csv|json --output FILE``: a screen served over SSH writes no files.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from convquest.practice.report import Report
from convquest.ui.widgets.key_footer import KeyFooter


class ReportScreen(Screen[None]):
    HELP_NAME = "report"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("down,j", "scroll(1)", "Scroll", show=False),
        Binding("up,k", "scroll(-1)", "Scroll", show=False),
        Binding("pagedown,space", "page(1)", "Page down"),
        Binding("pageup,b", "page(-1)", "Page up"),
        Binding("home,g", "top", "Top", show=False),
        Binding("end,G", "bottom", "End", show=False),
    ]

    def __init__(self, report: Report | None) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        yield Static(id="report-summary", markup=False)
        with VerticalScroll(id="report-body"):
            yield Static(id="report-text", markup=False)
        yield Static("Export: convquest report --format csv|json --output FILE", id="report-export", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show_report()
        self.query_one("#report-body").focus()

    def on_resize(self) -> None:
        self._show_report()

    def _show_report(self) -> None:
        summary = self.query_one("#report-summary", Static)
        body = self.query_one("#report-text", Static)
        if self.report is None:
            summary.update("No report yet")
            body.update("Sit an exam (convquest exam) or practise (convquest practice) first.")
            return
        r = self.report
        what = "Exam" if r.mode == "exam" else "Practice"
        summary.update(f"{what} report · score {r.right}/{r.asked} · unanswered {r.unanswered}")
        # Border, padding and scrollbar take six columns; the report wraps itself inside the rest,
        # so Textual never has to break a line of a table or a formula.
        width = max(40, (self.size.width or 80) - 6)
        body.update(r.render_text(width=width))

    def text(self) -> str:
        return str(self.query_one("#report-text", Static).content)

    def action_scroll(self, step: int) -> None:
        self.query_one("#report-body", VerticalScroll).scroll_relative(y=step, animate=False)

    def action_page(self, step: int) -> None:
        body = self.query_one("#report-body", VerticalScroll)
        body.scroll_relative(y=step * max(1, body.size.height - 1), animate=False)

    def action_top(self) -> None:
        self.query_one("#report-body", VerticalScroll).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one("#report-body", VerticalScroll).scroll_end(animate=False)

"""? or F1: every key of the current screen and what it does, in the UI language.

The keys are read as they act (`screen_keys`: the screen's own, then the app's it does not hide,
the keymap applied), so a remapped key shows its new key and a key the screen takes over shows
once, with the screen's meaning. Esc or ? closes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Label, Static

from watchdesk.i18n import t
from watchdesk.screens.base import WatchdeskModal
from watchdesk.screens.palette import command_name
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.keylegend import KeyEntry, screen_keys


class HelpScreen(WatchdeskModal[None]):
    DEFAULT_CSS = """
    HelpScreen .help-dialog { width: 100; max-width: 98%; }
    HelpScreen #help-keys { height: auto; max-height: 65vh; }
    HelpScreen .help-section { text-style: bold; color: $accent; margin-top: 1; }
    HelpScreen .help-note { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape", "close", "key.help.close", id="help-close"),
        Binding("question_mark", "close", "key.help.close", key_display="?", id="help-close-q"),
    ]

    def __init__(self, of: Screen):
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        entries = screen_keys(of)
        self.modal = of.is_modal
        self.here = rows([e for e in entries if e.node is of])
        self.everywhere = rows([e for e in entries if e.node is not of])
        palette = [r.keys for r in self.everywhere if r.action == "command_palette"]
        self.note = t("help.note", palette=palette[0] if palette else "^p")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            yield Label(t("help.title"), classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                every = self.here + self.everywhere
                widths = (
                    max((cell_len(r.keys) for r in every), default=0),
                    max((cell_len(r.description) for r in every), default=0),
                )
                for title, section in (
                    (t("help.here_modal" if self.modal else "help.here"), self.here),
                    (t("help.everywhere"), self.everywhere),
                ):
                    if section:
                        yield Label(title, classes="help-section")
                        yield KeyTable(key_table(section, widths))
                if self.modal:
                    yield Static(t("help.modal_note"), classes="help-note")
            yield Label(self.note, classes="help-note")

    def lines(self) -> list[tuple[str, str]]:
        """(keys, description) of every row listed, in order (for tests)."""
        return [(r.keys, r.description) for r in self.here + self.everywhere]

    def action_close(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Row:
    keys: str  # "?" or "? / f1": every key that does the same
    description: str
    tip: str
    action: str


def rows(entries: list[KeyEntry]) -> list[Row]:
    """One row per action, its keys together; the console's own keys first, then Textual's
    (field to field, copying)."""
    grouped: dict[str, list[KeyEntry]] = {}
    for e in sorted(entries, key=lambda e: e.binding.id is None):
        grouped.setdefault(e.binding.action, []).append(e)
    return [
        Row(
            " / ".join(dict.fromkeys(e.key for e in es)),
            es[0].description,
            es[0].tip or command_name(es[0]),
            action,
        )
        for action, es in grouped.items()
    ]


class KeyTable(Widget):
    """A table of keys, laid out by Rich once per width (a Static would lay the whole table out
    again for every measurement and paint of the dialog: about fifteen times as it opens)."""

    DEFAULT_CSS = "KeyTable { height: auto; }"

    def __init__(self, table: Table) -> None:
        super().__init__()
        self.table = table
        self._laid: tuple[int, list[Strip]] = (-1, [])

    def lines(self, width: int) -> list[Strip]:
        if self._laid[0] != width:
            options = self.app.console_options.update_width(width).update(highlight=False)
            laid = self.app.console.render_lines(self.table, options, pad=True)
            self._laid = (width, [Strip(line, width) for line in laid])
        return self._laid[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        lines = self.lines(width)
        line = lines[y] if 0 <= y < len(lines) else Strip.blank(width)
        return line.apply_style(self.rich_style)


def key_table(rows: list[Row], widths: tuple[int, int]) -> Table:
    """The rows in three columns (keys, what they do, the longer explanation); the first two as
    wide as `widths`, so the sections line up."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, min_width=widths[0])
    table.add_column(no_wrap=True, min_width=widths[1])
    table.add_column(style="dim", overflow="fold")
    for r in rows:
        table.add_row(Text(r.keys, style="bold"), Text(r.description), Text(r.tip))
    return table

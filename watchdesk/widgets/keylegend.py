"""The keys of a screen as the officer can press them, and the first screen's key legend.

`screen_keys` is the one reading of "which keys act here": the screen's bindings, then the app's
that the screen does not hide, with the config's `[keymap]` applied the way Textual applies it
when a key is pressed (a remapped key shows its new key). The legend, the help screen (`?`) and
the command palette all read it.

The legend is the first screen's second key line: where to go (directory, roll-call, roster,
handover…). The footer shows the keys that act on the selected incident; the navigation keys get
this line of their own. It is packed by terminal cells (`rich.cells.cell_len`: a Chinese character
is two cells), whole entries at a time, onto as many lines as the width needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

from watchdesk.i18n import t

NAV_IDS = (
    "officer-switch",
    "handover",
    "roster",
    "leader-check",
    "directory",
    "rollcall",
    "warnings",
    "stats",
    "people",
    "settings",
    "help",
    "quit",
)

# Textual's own bindings carry English descriptions and no id: by action, their catalog keys.
TEXTUAL_KEYS = {
    "app.focus_next": "key.focus_next",
    "app.focus_previous": "key.focus_previous",
    "screen.copy_text": "key.copy_text",
    "quit": "key.quit",
}


@dataclass(frozen=True)
class KeyEntry:
    key: str  # as shown: "?", "f4", "^p"
    description: str  # in the UI language
    tip: str  # a longer explanation in the UI language, or ""
    binding: Binding
    node: DOMNode  # whose action the key runs: the screen or the app

    @property
    def id(self) -> str | None:
        return self.binding.id


def _bindings(node: DOMNode, keymap: Mapping[str, str]) -> list[Binding]:
    """The node's bindings with the keymap applied, in the order they were declared."""
    order: dict[str, int] = {}
    for bindings in node._bindings.key_to_bindings.values():
        for b in bindings:
            order.setdefault(b.id or b.key, len(order))
    mapped: BindingsMap = node._bindings.copy()
    if keymap:
        mapped.apply_keymap(keymap)
    out = [b for bindings in mapped.key_to_bindings.values() for b in bindings]
    return sorted(out, key=lambda b: order.get(b.id or b.key, len(order)))


def _entry(b: Binding, node: DOMNode) -> KeyEntry | None:
    if b.id is None:  # Textual's own
        if b.action not in TEXTUAL_KEYS:
            return None
        description, tip = t(TEXTUAL_KEYS[b.action]), ""
    else:
        description = b.description
        tip = b.tooltip if b.tooltip and not b.tooltip.startswith("key.") else ""
    if not description:
        return None
    key = b.key_display or node.app.get_key_display(b)
    return KeyEntry(key, description, tip, b, node)


def screen_keys(screen: Screen) -> list[KeyEntry]:
    """The keys that act on `screen`: its own first, then the app's. A key of the screen hides
    the app's same key, unless the app's is a priority binding; on a modal screen only the app's
    priority keys act (as in Textual's binding chain)."""
    app = screen.app
    keymap = app._keymap
    app_bindings = [b for b in _bindings(app, keymap) if b.priority or not screen.is_modal]
    app_priority = {b.key for b in app_bindings if b.priority}
    own = [b for b in _bindings(screen, keymap) if b.key not in app_priority]
    taken = {b.key for b in own}
    out = [_entry(b, screen) for b in own]
    out += [_entry(b, app) for b in app_bindings if b.priority or b.key not in taken]
    return [e for e in out if e is not None]


def entry_width(key: str, description: str) -> int:
    """Cells of one legend entry: ` key ` then ` description `."""
    return cell_len(key) + 2 + cell_len(description) + 2


def _legend_cells(entry: Any) -> int:
    key, description = entry
    return entry_width(key, description)


E = TypeVar("E")


def pack(
    entries: Sequence[E], width: int, cells: Callable[[E], int] = _legend_cells
) -> list[list[E]]:
    """Entries onto lines of at most `width` cells, whole entries only (one too wide for any
    line gets a line of its own). `cells` measures an entry: by default a legend entry
    `(key, description)`; the footer (widgets/footer.py) measures its own."""
    lines: list[list[E]] = []
    line: list[E] = []
    used = 0
    for entry in entries:
        w = cells(entry)
        if line and width > 0 and used + w > width:
            lines.append(line)
            line, used = [], 0
        line.append(entry)
        used += w
    if line:
        lines.append(line)
    return lines or [[]]


class KeyLegend(Widget):
    DEFAULT_CSS = """
    KeyLegend {
        height: auto;
        background: $panel;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def on_mount(self) -> None:
        # The keymap is applied once the app is mounted, and may change: redraw when it does.
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen) -> None:
        self.refresh(layout=True)

    def entries(self) -> list[tuple[str, str]]:
        by_id = {e.id: (e.key, e.description) for e in screen_keys(self.screen) if e.id}
        return [by_id[i] for i in NAV_IDS if i in by_id]

    def lines(self, width: int) -> list[Text]:
        out = []
        for line in pack(self.entries(), width):
            text = Text(no_wrap=True, overflow="crop")
            for key, desc in line:
                text.append(f" {key} ", style="bold reverse")
                text.append(f" {desc} ")
            out.append(text)
        return out

    def legend(self) -> Text:
        """The legend as it is drawn at the widget's width."""
        return Text("\n", no_wrap=True).join(self.lines(self.size.width))

    def render(self) -> Text:
        return self.legend()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

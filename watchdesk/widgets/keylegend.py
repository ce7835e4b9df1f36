"""A second key line for the first screen: where to go (directory, roll-call, roster, handover…).

The footer shows the keys that act on the selected incident; the app's navigation keys would not
fit beside them in 140 columns, so they get this line of their own, drawn from the same bindings
(and so from the same keymap)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

NAV_IDS = (
    "officer-switch",
    "handover",
    "roster",
    "leader-check",
    "directory",
    "rollcall",
    "warnings",
    "people",
    "settings",
    "quit",
)


class KeyLegend(Static):
    DEFAULT_CSS = """
    KeyLegend { height: 1; background: $panel; color: $text-muted; }
    """

    def on_mount(self) -> None:
        self.update(self.legend())

    def legend(self) -> Text:
        by_id = {}
        for node in (self.app, self.screen):  # the app's keys and the first screen's own
            for bindings in node._bindings.key_to_bindings.values():
                for b in bindings:
                    if b.id:
                        by_id[b.id] = (b.key_display or self.app.get_key_display(b), b.description)
        out = Text()
        for bid in NAV_IDS:
            if bid in by_id:
                key, desc = by_id[bid]
                out.append(f" {key} ", style="bold reverse")
                out.append(f" {desc} ")
        return out

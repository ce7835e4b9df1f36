"""A compact strip of the warnings in force, each in its own colour, most severe first.

Feed it with `set_warnings(store.warnings.in_force(now))` from a screen that already loads data,
or call `reload()` and it asks the desk itself (an exclusive worker, so reloads never stack).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from watchdesk.i18n import language, t
from watchdesk.models.warning import EarlyWarning
from watchdesk.rules.warning import COLOURS
from watchdesk.widgets.console import ConsoleNode

if TYPE_CHECKING:
    from textual import getters

    from watchdesk.app import WatchdeskApp


class WarningsStrip(ConsoleNode, Static):
    if TYPE_CHECKING:
        app = getters.app(WatchdeskApp)

    DEFAULT_CSS = """
    WarningsStrip { height: auto; max-height: 3; padding: 0 1; }
    """

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.warnings: list[EarlyWarning] = []
        self.last_text = Text()
        self.loads = 0  # completed reloads (tests wait on it)

    def on_mount(self) -> None:
        self._render_strip()

    def set_warnings(self, warnings: list[EarlyWarning]) -> None:
        self.warnings = list(warnings)
        self._render_strip()

    def reload(self) -> None:
        self.run_read(self._load, group="warnings-strip")

    async def _load(self) -> None:
        now = self.app.clock()
        items = await self.app.client.call(lambda s: s.warnings.in_force(now))
        self.set_warnings(items)
        self.loads += 1

    def _render_strip(self) -> None:
        line = Text()
        line.append(t("warn.strip.title") + " ", style="bold")
        if not self.warnings:
            line.append(t("warn.strip.none"), style="dim")
        for i, w in enumerate(self.warnings):
            c = COLOURS[w.level]
            if i:
                line.append(" ")
            line.append(f" {w.title(language())} ", style=f"bold {c.ink} on {c.hex}")
            line.append(f" {w.area}", style="")
        self.last_text = line
        self.update(line)

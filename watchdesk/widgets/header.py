"""The title bar every screen shows: Textual's `Header`, made safe to tear down.

Textual's own header re-draws its title from a watcher on the app's and the screen's
(sub-)title, run later through the message queue. When a screen goes away right after it came
up (an edit form refused at once because another officer holds the incident) the title widget
can already be gone when that watcher runs: Textual then raises `NoMatches` and the whole
console stops. Here the watcher does nothing once the title is gone.
"""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.events import Mount
from textual.widget import Widget
from textual.widgets import Header
from textual.widgets._header import HeaderTitle

__all__ = ["DeskHeader"]


class DeskHeader(Header):
    """`Header` whose title watcher tolerates a header being taken down."""

    def _on_mount(self, event: Mount) -> None:
        # Stands in for Header._on_mount (not run: prevent_default), keeping Widget's own.
        event.prevent_default()
        Widget._on_mount(self, event)
        for obj, attr in (
            (self.app, "title"),
            (self.app, "sub_title"),
            (self.screen, "title"),
            (self.screen, "sub_title"),
        ):
            self.watch(obj, attr, self._set_title)

    def _set_title(self) -> None:
        if not self.is_attached:
            return
        try:
            title = self.query_one(HeaderTitle)
        except NoMatches:  # the screen is being taken down: nothing left to draw
            return
        title.update(self.format_title())

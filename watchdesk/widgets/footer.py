"""The footer, redrawn once per burst of binding changes.

Textual's Footer rebuilds all its keys (one widget each) every time the screen says its bindings
changed, and a screen says so several times while it opens (mounted, focus given, ...): three
full rebuilds of the first screen's twelve keys before its first frame. This footer coalesces
them: the first change schedules one rebuild after the next refresh, and changes arriving before
it runs join it. What is shown is the same (it reads the bindings when it rebuilds).
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    _rebuild_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()

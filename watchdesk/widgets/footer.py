"""The footer, redrawn once per burst of binding changes.

Textual's Footer rebuilds all its keys (one widget each) every time the screen says its bindings
changed, and a screen says so several times while it opens (mounted, focus given, ...): three
full rebuilds of the first screen's twelve keys before its first frame. This footer coalesces
them: the first change schedules one rebuild after the next refresh, and changes arriving before
it runs join it. What is shown is the same (it reads the bindings when it rebuilds).

A scheduled rebuild is handed to whichever screen is active when it comes due, and is dropped if
that screen goes away first (a modal that closes itself at once). That only happens across a
change of the screen stack, so pending rebuilds are coalesced per `screen.stack_updates`: after
the stack changes, the next change schedules a rebuild of its own.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    _pending_for: int | None = None  # the stack_updates a rebuild is scheduled for

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            token = screen.stack_updates
            if self._pending_for != token:
                self._pending_for = token
                self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending_for = None
        await self.recompose()

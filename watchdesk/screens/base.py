"""The base of every screen and modal of the console.

- `self.app` is the `WatchdeskApp` (typed; imported for the type checker only, screens never
  import the app at run time).
- Workers: a screen starts background work with `self.run_read(work, group=...)` or
  `self.run_write(work, group=...)`, never with `run_worker` directly. A *write* is any work that
  changes the desk (a save, a sign-in, a roll-call step...): `run_write` names its worker
  `write:<group>`, and that name is how a write is known.
- A worker that fails (an exception it does not handle itself) is never silent: the screen shows
  a notice in the UI language, the error as the store words it (`watchdesk.widgets.console`,
  the same text the app uses for its own workers); for a write its title says nothing was saved.
  Errors a screen expects (InputError at a field, a refused save) it still handles itself.
- Forms: every modal that takes typed text is a `watchdesk.screens.dialogs.Form` (or a
  `FormDialog`), so Esc asks before throwing typed text away, everywhere.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, TypeVar
from weakref import WeakKeyDictionary

from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from watchdesk.i18n import t
from watchdesk.widgets.console import ConsoleNode

if TYPE_CHECKING:
    from textual import getters
    from textual.app import App

    from watchdesk.app import WatchdeskApp

ResultT = TypeVar("ResultT")


# -- what the desk itself is doing: a save waiting for another writer, a desk opened read-only ----
class DeskNotice(Static):
    """A bar across the top of the screen (its first child, under the title bar: a docked bar
    would hide it) about the desk file: a save waiting for another program's write lock (shown
    the whole time it waits), or a desk that can only be read."""

    DEFAULT_CSS = """
    DeskNotice {
        width: 100%;
        height: auto;
        padding: 0 1;
        background: $warning;
        color: $text;
        text-style: bold;
    }
    DeskNotice.read-only {
        background: $error;
    }
    """


_WAIT_BARS: WeakKeyDictionary[Any, DeskNotice] = WeakKeyDictionary()


def waiting_text() -> str:
    from watchdesk.store.db import WRITE_RETRY_SECONDS

    return t("desk.waiting", seconds=int(WRITE_RETRY_SECONDS))


def _show_waiting(app: App[Any], waiting: bool) -> None:
    """On the UI thread: the waiting bar on the screen in front, or gone. Told "waiting" again
    while its bar is already on (or being put on) the screen in front: the bar stays as it is
    (taking it down and up again left a moment with no bar, and a flicker)."""
    current = _WAIT_BARS.get(app)
    if waiting and current is not None and app.is_running:
        if not current.is_mounted or current.screen is app.screen:
            return
    old = _WAIT_BARS.pop(app, None)
    if old is not None and old.is_mounted:
        old.remove()
    if waiting and app.is_running:
        bar = DeskNotice(waiting_text(), id="desk-waiting", markup=False)
        _WAIT_BARS[app] = bar
        _mount_first(app.screen, bar)


def _mount_first(screen: Screen[Any], bar: DeskNotice) -> None:
    first = next((w for w in screen.children if w.styles.dock == "none"), None)
    if first is None:
        screen.mount(bar)
    else:
        screen.mount(bar, before=first)


def watch_the_desk(screen: Screen[Any]) -> None:
    """Called as each console screen is mounted or shown again: listens (once per console) for
    saves that wait on the desk's lock, keeps the waiting bar on the screen in front, and shows
    that the desk is read-only on every full screen."""
    app = screen.app
    client = getattr(app, "client", None)
    if client is None:
        return
    if client.wait_listener is None:
        loop = asyncio.get_running_loop()

        def heard(waiting: bool) -> None:  # on the DB thread; never blocks it
            if not loop.is_closed():
                loop.call_soon_threadsafe(_show_waiting, app, waiting)

        client.wait_listener = heard
    bar = _WAIT_BARS.get(app)
    if client.waiting and (bar is None or bar.screen is not screen):
        _show_waiting(app, True)
    if (
        client.read_only
        and not isinstance(screen, ModalScreen)
        and not screen.query("#desk-read-only")
    ):
        _mount_first(
            screen,
            DeskNotice(client.read_only, id="desk-read-only", classes="read-only", markup=False),
        )


class WatchdeskScreen(ConsoleNode, Screen[ResultT]):
    """A full screen of the console."""

    if TYPE_CHECKING:
        app = getters.app(WatchdeskApp)

    def on_mount(self) -> None:
        watch_the_desk(self)

    def on_screen_resume(self) -> None:
        watch_the_desk(self)


class WatchdeskModal(ConsoleNode, ModalScreen[ResultT]):
    """A modal screen of the console."""

    if TYPE_CHECKING:
        app = getters.app(WatchdeskApp)

    def on_mount(self) -> None:
        watch_the_desk(self)

    def on_screen_resume(self) -> None:
        watch_the_desk(self)

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

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen

from watchdesk.widgets.console import ConsoleNode

if TYPE_CHECKING:
    from textual import getters

    from watchdesk.app import WatchdeskApp

ResultT = TypeVar("ResultT")


class WatchdeskScreen(ConsoleNode, Screen[ResultT]):
    """A full screen of the console."""

    if TYPE_CHECKING:
        app = getters.app(WatchdeskApp)


class WatchdeskModal(ConsoleNode, ModalScreen[ResultT]):
    """A modal screen of the console."""

    if TYPE_CHECKING:
        app = getters.app(WatchdeskApp)

"""What the console's app, screens and widgets share: workers that say whether they write, and a
failed worker turned into a notice (never silence, never a dead console). The conventions are
described in `watchdesk.screens.base`.

`Worker.StateChanged` does not bubble: a worker's failure reaches only the node that started it.
So every node that runs workers (the app, each screen, the warnings strip) is a `ConsoleNode` and
handles its own, all with the one `notify_failed`.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from watchdesk.i18n import t

if TYPE_CHECKING:
    from textual.app import App

WRITE = "write:"  # the name of a worker that writes starts with this (see `run_write`)

# An async function, a function returning a coroutine, a coroutine, or (thread=True) a function.
Work = Callable[[], object] | Awaitable[object]


def _async(work: Work) -> Work:
    """A function that returns a coroutine (`lambda: self._search(text)`) as an async function:
    Textual runs only async functions and awaitables off a thread, and a coroutine made only when
    the worker starts is never left un-awaited by a worker cancelled before it ran."""
    if not callable(work) or inspect.iscoroutinefunction(work):
        return work
    fn = work

    async def run() -> object:
        result = fn()
        return await result if inspect.isawaitable(result) else result

    return run


def is_write(worker: Worker[Any]) -> bool:
    return worker.name.startswith(WRITE)


def failure_text(error: BaseException | None, db_path: str | Path | None = None) -> str:
    """A failed worker's error for the officer: a store's or SQLite's message about the desk as
    it is meant (in the UI language where the catalog has it), anything else (a bug) by its type."""
    from watchdesk.store.db import explain as desk_problem

    known = desk_problem(error, db_path) if error is not None else None
    if known is not None:
        return str(known)
    return f"{type(error).__name__}: {error}"


def notify_failed(app: App[Any], worker: Worker[Any]) -> None:
    """A notice for a worker that failed; for a write, its title says nothing was saved."""
    app.notify(
        failure_text(worker.error, getattr(app, "db_path", None)),
        title=t("error.not_saved" if is_write(worker) else "error.title"),
        severity="error",
        timeout=15,
    )


class ConsoleNode:
    """Mixin for the console's screens and widgets that run workers (listed first among the
    bases). The typed handle on the app is each class's own `app = getters.app(WatchdeskApp)`,
    for the type checker only: a mixin cannot narrow Textual's `app`."""

    def run_read(
        self, work: Work, *, group: str, exclusive: bool = True, thread: bool = False
    ) -> Worker[Any]:
        """Work that only reads (or writes nothing of the desk's): a failure is shown as an
        error. Exclusive by default: a newer read of the same group cancels the older one."""
        return cast(DOMNode, self).run_worker(
            cast(Any, work if thread else _async(work)),
            group=group,
            exclusive=exclusive,
            thread=thread,
            exit_on_error=False,
        )

    def run_write(self, work: Work, *, group: str, exclusive: bool = False) -> Worker[Any]:
        """Work that writes: a failure is shown with "nothing was saved"."""
        return cast(DOMNode, self).run_worker(
            cast(Any, _async(work)),
            name=WRITE + group,
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            notify_failed(cast(DOMNode, self).app, event.worker)

"""Opening the console quickly: the desk is opened, checked and its first screen read on the DB
thread while the main thread is still importing the user interface (Textual and the screens), so
that the first screen is drawn once, with its data, as soon as the UI is ready.

Imports nothing of Textual: `open_console` must start the DB thread before that import begins.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .client import DeskClient

if TYPE_CHECKING:
    from .app import WatchdeskApp
    from .config import Settings
    from .prefetch import Prefetch

Clock = Callable[[], datetime]


def _utc_now() -> datetime:  # store.system_clock, without importing the store before the fork
    return datetime.now(timezone.utc)


def desk_client(db_path: str | Path, settings: Settings, clock: Clock, actor: str, *,
                create: bool = True) -> DeskClient:
    """The console's DB thread. The console checkpoints the WAL from a timer, never inside a
    save (see Store.open)."""
    return DeskClient(Path(db_path), clock=clock, actor=actor, tz=settings.tz,
                      rule_pack=settings.rule_pack, autocheckpoint=False, create=create)


def start_first_load(client: DeskClient, clock: Clock, *, prefetch: Prefetch | None = None,
                     now: datetime | None = None) -> Future:
    """The first screen's data, read on the DB thread: (read at, dashboard, data version).

    The connection's data_version is read first, so a write that lands after the dashboard was
    read is always noticed by the console's poll. With a `prefetch` helper (see prefetch.py),
    the dashboard is the helper's, told to read only after that point."""
    now = now or clock()

    def first(s):
        version = s.data_version()
        if prefetch is not None:
            prefetch.go()
            dash = prefetch.result()
            if dash is not None:
                return now, dash, version
        return now, s.dashboard(now), version

    return client.submit(first)


def open_console(db_path: str | Path, *, settings: Settings, actor: str,
                 clock: Clock | None = None, prefetch: bool = True,
                 **app_kwargs) -> WatchdeskApp:
    """The console app for `watchdesk` and `watchdesk demo`, with its desk already opened.

    A desk that cannot be opened (missing, damaged, not writable, needing a migration that
    fails) raises its StoreError here, before the screen takes over the terminal.
    `prefetch`: read the first screen in a helper process (prefetch.py) while this one imports
    the UI; before any thread is started, as a fork must be."""
    if clock is None:
        clock = _utc_now
    now = clock()
    helper = None
    if prefetch:
        from . import prefetch as prefetching

        helper = prefetching.start(db_path, tz=settings.tz, rule_pack=settings.rule_pack,
                                   now=now)
    # create=False: a missing or emptied file is an error to report, never a new empty desk
    client = desk_client(db_path, settings, clock, actor, create=False)
    try:
        opened = client.submit(lambda s: None)  # open, migrate if needed, validate
        first = start_first_load(client, clock, prefetch=helper, now=now)
        from .app import make_app  # the UI's imports: while the desk is read

        opened.result()
    except BaseException:
        if helper is not None:
            helper.abandon()
        client.close()
        raise
    return make_app(db_path, settings=settings, clock=clock, actor=actor, client=client,
                    first_load=first, **app_kwargs)

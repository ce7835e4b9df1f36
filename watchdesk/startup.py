"""Opening the console quickly: the first screen is read (by a helper process, else by the DB
thread) while the main thread is still importing the user interface (Textual and the screens),
so that the first screen is drawn once, with its data, as soon as the UI is ready.

Imports nothing of Textual: `open_console` must start the reading before that import begins.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from watchdesk.client import DeskClient

if TYPE_CHECKING:
    from watchdesk.app import WatchdeskApp
    from watchdesk.config import Settings
    from watchdesk.prefetch import Prefetch

Clock = Callable[[], datetime]


def _utc_now() -> datetime:  # store.system_clock, without importing the store before the fork
    return datetime.now(UTC)


default_clock: Clock = _utc_now  # the console's clock unless one is given (the bench sets it back)


def early_prefetch(
    db_path: Path, config: Path | None, language: str | None = None
) -> Prefetch | None:
    """Fork the first screen's reader before anything else is loaded (the settings, pydantic,
    the UI): it loads what it needs on the other core meanwhile. For an existing desk only."""
    if not db_path.is_file():
        return None
    from watchdesk import prefetch as prefetching

    return prefetching.start(db_path, now=default_clock(), config=config, language=language)


def store_kwargs(settings: Settings, clock: Clock, actor: str) -> dict:
    """How the console opens its desk. It checkpoints the WAL from a timer, never inside a save
    (see Store.open)."""
    return dict(
        clock=clock, actor=actor, tz=settings.tz, rule_pack=settings.rule_pack, autocheckpoint=False
    )


def start_first_load(
    client: DeskClient,
    clock: Clock,
    *,
    prefetch: Prefetch | None = None,
    now: datetime | None = None,
) -> Future:
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


def open_console(
    db_path: str | Path,
    *,
    settings: Settings,
    actor: str,
    clock: Clock | None = None,
    prefetch: bool | Prefetch | None = True,
    **app_kwargs,
) -> WatchdeskApp:
    """The console app for `watchdesk` and `watchdesk demo`, with its desk already opened.

    A desk that cannot be opened (missing, damaged, not writable, needing a migration that
    fails) raises its StoreError here, before the screen takes over the terminal.
    `prefetch`: read the first screen in a helper process (prefetch.py) while this one imports
    the UI: True to fork it here, or one already forked (`watchdesk` forks it as soon as it
    has parsed its command line, see `early_prefetch`). The helper is forked before this process
    opens the desk or starts a thread; the desk is then opened here, on the main thread (a wait
    for a busy desk stays interruptible with Ctrl+C), and handed to the DB thread."""
    if clock is None:
        clock = default_clock
    helper = None
    if prefetch is True:
        from watchdesk import prefetch as prefetching

        helper = prefetching.start(
            db_path, tz=settings.tz, rule_pack=settings.rule_pack, now=clock()
        )
    elif prefetch:
        helper = prefetch
    now = helper.now if helper is not None and helper.now is not None else clock()
    client = None
    try:
        from watchdesk.store.desk import Store

        # create=False: a missing or emptied file is an error to report, never a new empty desk
        store = Store.open(db_path, create=False, **store_kwargs(settings, clock, actor))
        client = DeskClient(Path(db_path), store=store)
        first = start_first_load(client, clock, prefetch=helper, now=now)
        from watchdesk.app import make_app

        return make_app(
            db_path,
            settings=settings,
            clock=clock,
            actor=actor,
            client=client,
            first_load=first,
            **app_kwargs,
        )
    except BaseException:
        if helper is not None:
            helper.abandon()
        if client is not None:
            client.close()
        raise

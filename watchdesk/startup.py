"""Opening the console: the desk is opened and checked here, on the main thread (a wait for a
busy desk stays interruptible with Ctrl+C), handed to the DB thread, and the first screen is read
there while this thread imports the user interface (Textual and the screens), so that the first
screen is drawn once, with its data, as soon as the UI is ready.

The desk's own settings (its time zone, rule pack, name, the office reports go to) apply here on
every open, where no flag or environment variable sets them (`Settings.with_desk`), and the rule
pack they choose is loaded before the UI starts: a missing or broken pack is a ConfigError naming
it, not a traceback at the first save.

Imports nothing of Textual before the first screen's reading has started.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchdesk.client import DeskClient, start_first_load, store_kwargs

if TYPE_CHECKING:
    from watchdesk.app import WatchdeskApp
    from watchdesk.config import Settings
    from watchdesk.models.officer import Actor
    from watchdesk.store.desk import Store

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


default_clock: Clock = _utc_now  # the console's clock unless one is given (the bench sets it back)


def desk_settings(store: Store, settings: Settings, db_path: str | Path) -> Settings:
    """`settings` with the desk's own where nothing stronger sets them, applied to `store` (its
    zone and pack), the pack loaded and checked; ConfigError otherwise."""
    from watchdesk.config import check_pack

    settings = settings.with_desk(store.settings.get().model_dump(), db_path)
    store.settings.use(settings.timezone, settings.rule_pack)
    check_pack(settings)
    return settings


def open_console(
    db_path: str | Path,
    *,
    settings: Settings,
    actor: str | Actor,
    clock: Clock | None = None,
    propose: int | None = None,
    **app_kwargs: Any,
) -> WatchdeskApp:
    """The console app for `watchdesk` and `watchdesk demo`, with its desk already opened.

    `actor`: an Actor when the officer at the keyboard is already known (no question asked,
    except in a browser tab); a name (the login) otherwise: the desk is opened under it, and the
    console asks who is at the keyboard as soon as it is up (`ask_officer`), with the officer
    `propose` (an id: `watchdesk --as NAME` on a desk that requires PINs) under the cursor.

    A desk that cannot be opened (missing, damaged, not writable, needing a migration that
    fails) raises its StoreError here, before the screen takes over the terminal; a rule pack
    that cannot be used, or a setting the desk keeps that cannot, a ConfigError."""
    if clock is None:
        clock = default_clock
    known = not isinstance(actor, str)
    name = actor if isinstance(actor, str) else actor.name
    client = None
    try:
        from watchdesk.store.desk import Store

        # create=False: a missing or emptied file is an error to report, never a new empty desk
        store = Store.open(db_path, create=False, **store_kwargs(settings, clock, name))
        try:
            settings = desk_settings(store, settings, db_path)
        except BaseException:
            store.close()
            raise
        client = DeskClient(Path(db_path), store=store)
        first = start_first_load(client, clock)
        from watchdesk.app import make_app  # the UI's imports, while the DB thread reads

        app = make_app(
            db_path,
            settings=settings,
            clock=clock,
            actor=actor if known else name,
            client=client,
            first_load=first,
            **({"ask_officer": not known} | app_kwargs),
        )
        app.propose = propose
        return app
    except BaseException:
        if client is not None:
            client.close()
        raise

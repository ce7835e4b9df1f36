"""The UI's only way to the database: one thread that owns the connection.

Every store call runs on that thread (a SQLite connection belongs to the thread that uses it, and
one writer means no two writes of this process ever race). The UI awaits the result, so the
event loop never blocks on I/O.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from watchdesk.config import Settings
    from watchdesk.store.desk import Store

T = TypeVar("T")


class DeskClient:
    def __init__(self, path: str | Path, *, store: Store | None = None, **store_kwargs: Any):
        """`store`: a desk already opened (by the console, on its main thread, where Ctrl+C can
        interrupt a wait for a busy desk); it is used from this client's thread from now on."""
        self.path = Path(path)
        self._store_kwargs = store_kwargs
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="watchdesk-db")
        self.closed = False  # close() was called
        self._store: Store | None = None
        self._failed: BaseException | None = None
        # A save waiting for another writer's lock (another console, a script): `waiting` is
        # True for as long as it waits, and `wait_listener` (set by the UI, see screens.base)
        # hears each change, on the DB thread.
        self.waiting = False
        self.wait_listener: Callable[[bool], None] | None = None
        self.read_only: str | None = None  # why nothing can be saved (see Store.read_only)
        if store is not None:
            self._adopt(store)

    def _adopt(self, store: Store) -> None:
        self._store = store
        self.read_only = store.read_only
        store.db.on_wait = self._heard

    def _heard(self, waiting: bool) -> None:
        self.waiting = waiting
        listener = self.wait_listener
        if listener is not None:
            listener(waiting)

    def _ensure(self) -> Store:
        if self._store is None:
            if self._failed is not None:  # a desk that failed to open is not retried per call
                raise self._failed
            from watchdesk.store.desk import Store

            try:
                self._adopt(Store.open(self.path, **self._store_kwargs))
            except Exception as e:
                self._failed = e
                raise
        assert self._store is not None
        return self._store

    async def call(self, fn: Callable[[Store], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(self._ensure()))

    def submit(self, fn: Callable[[Store], T]) -> Future[T]:
        """Start `fn` on the DB thread now and return its future (for work to begin before the
        event loop is ready for it, such as the first load of the console)."""
        return self._pool.submit(lambda: fn(self._ensure()))

    def call_sync(self, fn: Callable[[Store], T]) -> T:
        """For code already off the event loop (thread workers, shutdown)."""
        return self._pool.submit(lambda: fn(self._ensure())).result()

    def close(self) -> None:
        def _close() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self.closed = True  # set first: a timer firing during shutdown sees it (app.poll_once)
        self._pool.submit(_close).result()
        self._pool.shutdown(wait=True)


def store_kwargs(settings: Settings, clock: Callable[[], datetime], actor: str) -> dict[str, Any]:
    """How the console opens its desk. It checkpoints the WAL from a timer, never inside a save
    (see Store.open)."""
    return dict(
        clock=clock,
        actor=actor,
        tz=settings.tz,
        rule_pack=settings.rule_pack,
        dispatch_within=settings.dispatch_within,
        dispatch_within_where=settings.describe("dispatch_within"),
        autocheckpoint=False,
    )


def start_first_load(client: DeskClient, clock: Callable[[], datetime]) -> Future[Any]:
    """The first screen's data, read on the DB thread: (read at, dashboard, data version).

    The connection's data_version is read first, so a write that lands after the dashboard was
    read is always noticed by the console's poll."""
    now = clock()

    def first(s: Store) -> tuple[datetime, Any, int]:
        version = s.data_version()
        return now, s.dashboard(now), version

    return client.submit(first)

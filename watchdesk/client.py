"""The UI's only way to the database: one thread that owns the connection.

Every store call runs on that thread (a SQLite connection belongs to the thread that uses it, and
one writer means no two writes of this process ever race). The UI awaits the result, so the
event loop never blocks on I/O.

Maintenance (full-text merging, the WAL checkpoint) is not queued there: it runs on a second
thread with a connection of its own (`maintain`), so no save or read waits in line behind it. The
PASSIVE WAL checkpoint takes no lock a save needs. A merge step takes the write lock, but steps
aside for a save of this console (`_writing`, Store.merge_step): the save waits in SQLite's busy
handler for the merge slice under way, or a commit already started, at most.
"""

from __future__ import annotations

import asyncio
import contextlib
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
        # The maintenance thread and its connection (opened at its first step, see maintain).
        self._upkeep_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="watchdesk-upkeep")
        self._upkeep: Store | None = None
        self._saving = 0  # write transactions under way on the DB thread (0 or 1)
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
        store.db.on_write = self._writing

    def _writing(self, starts: bool) -> None:
        """A save begins (True) or ended (False) on the DB thread: a maintenance merge step
        under way steps aside at its next slice (see Store.merge_step)."""
        self._saving += 1 if starts else -1

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

    async def maintain(self, *, merge: bool = True) -> bool:
        """One maintenance step on the maintenance thread, on its own connection (never on the
        DB thread): a bounded full-text merge step (not with `merge=False`), then a PASSIVE WAL
        checkpoint. Returns whether merging is behind (come back soon). Nothing on a desk opened
        read-only, before the desk was opened here (its migrations first), or after close."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._upkeep_pool, lambda: self.maintain_now(merge=merge))

    def maintain_now(self, *, merge: bool = True) -> bool:
        """`maintain`'s step, on the calling thread (the maintenance thread, or a bench's)."""
        if self.closed or self._store is None or self.read_only:
            return False
        if self._upkeep is None:
            from watchdesk.store.desk import Store

            upkeep = Store.for_maintenance(self.path)
            upkeep.step_aside = lambda: self._saving > 0
            self._upkeep = upkeep
        upkeep = self._upkeep
        worked = upkeep.merge_step() if merge else False
        if not self.closed:
            upkeep.checkpoint_wal()
        return worked

    def close(self) -> None:
        def _close() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self.closed = True  # set first: a timer firing during shutdown sees it (app.poll_once)
        # A maintenance step under way stops now (a merge step is rolled back, a checkpoint left
        # for next time: neither loses a commit), and none starts after it.
        upkeep = self._upkeep
        if upkeep is not None:
            with contextlib.suppress(Exception):
                upkeep.interrupt()
        self._upkeep_pool.shutdown(wait=True, cancel_futures=True)
        if self._upkeep is not None:
            with contextlib.suppress(Exception):
                self._upkeep.db.close()
            self._upkeep = None
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
    """The first screen's data, read on the DB thread: (read at, dashboard, Store.change_mark).

    The connection's change mark is read first, so a write that lands after the dashboard was
    read is always noticed by the console's poll."""
    now = clock()

    def first(s: Store) -> tuple[datetime, Any, tuple[int, int]]:
        mark = s.change_mark()
        return now, s.dashboard(now), mark

    return client.submit(first)

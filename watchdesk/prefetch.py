"""Reading the first screen's data in a helper process while the console starts.

Opening the console is mostly Python work on one core: importing Textual, pydantic and the
screens, then building the first screen. Reading the desk for that screen (who is on duty, every
running clock, today's incidents, the leader-check status: ~30 ms of Python, validating a few
hundred models) used to take turns with it on the same core (one interpreter lock). This module
forks a short-lived helper that does the reading on the machine's other core and hands the
result back through a pipe, pickled; the console's DB thread takes it and carries on as before.

Correctness does not depend on the helper:
- The console's own connection reads `PRAGMA data_version` *before* the helper reads (the helper
  waits for a "go" byte), so any write that lands after the helper's snapshot still makes the
  console reload within its 1-second poll.
- The helper only reads, on a connection of its own opened after the fork (none is inherited in
  use), and only when the desk's schema stamp is current; it never migrates.
- Anything unusual — no `fork` on this platform, the helper failing, a desk needing migration,
  no answer within `WAIT_SECONDS` — and the DB thread reads the desk itself, as it always did.
"""

from __future__ import annotations

import os
import pickle
import select
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

WAIT_SECONDS = 5.0
_GO = b"g"


class Prefetch:
    """A helper process reading the dashboard as of `now`; see the module's docstring."""

    def __init__(self, pid: int, data_fd: int, go_fd: int, now: datetime | None = None):
        self.pid = pid
        self.now = now  # the instant the dashboard is read for
        self._data_fd = data_fd
        self._go_fd = go_fd
        self._done = False
        # result() runs on the DB thread, abandon() on the main thread (a failed or interrupted
        # start): one lock, so no descriptor is closed twice (the second close could hit a
        # descriptor that reused the number, such as the desk's own).
        self._lock = threading.Lock()

    def go(self) -> None:
        """The console's connection has read its data_version: the helper may take its snapshot."""
        with self._lock:
            if self._go_fd < 0:
                return
            try:
                os.write(self._go_fd, _GO)
            except OSError:  # the helper is gone: result() will say so
                pass
            self._close_go()

    def result(self, timeout: float = WAIT_SECONDS) -> Any | None:
        """The helper's dashboard, or None (then the caller reads the desk itself). Reaps the
        helper either way."""
        with self._lock:
            if self._done:
                return None
            self._done = True
            self._close_go()
            return self._read(timeout)

    def _read(self, timeout: float) -> Any | None:
        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self._data_fd], [], [], left)[0]:
                    self._kill()
                    return None
                chunk = os.read(self._data_fd, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError:
            self._kill()
            return None
        finally:
            os.close(self._data_fd)
            self._reap()
        try:
            return pickle.loads(b"".join(chunks)) if chunks else None
        except Exception:  # a torn or foreign payload: read the desk instead
            return None

    def abandon(self) -> None:
        with self._lock:
            if not self._done:
                self._done = True
                self._close_go()
                os.close(self._data_fd)
                self._kill()

    def _close_go(self) -> None:
        if self._go_fd >= 0:
            try:
                os.close(self._go_fd)
            except OSError:
                pass
            self._go_fd = -1

    def _kill(self) -> None:
        try:
            os.kill(self.pid, 9)
        except OSError:
            pass
        self._reap()

    def _reap(self) -> None:
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def start(
    db_path: str | Path,
    *,
    now: datetime,
    tz: Any = None,
    rule_pack: str | None = None,
    config: Path | None = None,
    language: str | None = None,
) -> Prefetch | None:
    """Fork the helper. Call before any thread is started (a fork copies only the calling
    thread) and before the desk is opened in this process. With `tz` and `rule_pack` the helper
    reads with those; without, it loads the settings itself (from `config`, else the default
    file and the environment, as the console does), so that it can be forked before the
    console has loaded them (and its language: `language`, else the settings', else the
    locale's). None where `fork` does not exist, and on a single CPU (the helper's work would
    only take turns with the console's)."""
    if not hasattr(os, "fork"):
        return None
    if hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) < 2:
        return None
    fds: list[int] = []
    try:
        fds += os.pipe()
        fds += os.pipe()
        pid = os.fork()
    except OSError:  # out of descriptors or processes: the DB thread reads the desk
        for fd in fds:
            os.close(fd)
        return None
    data_r, data_w, go_r, go_w = fds
    if pid == 0:  # the helper: never returns, whatever happens (even Ctrl+C right now)
        try:
            os.close(data_r)
            os.close(go_w)
            _helper(Path(db_path), tz, rule_pack, config, language, now, go_r, data_w)
        finally:
            os._exit(0)
    os.close(data_w)
    os.close(go_r)
    return Prefetch(pid, data_r, go_w, now)


def _helper(
    db_path: Path,
    tz: Any,
    rule_pack: str | None,
    config: Path | None,
    language: str | None,
    now: datetime,
    go_fd: int,
    data_fd: int,
) -> None:
    payload = b""
    try:
        if tz is None or rule_pack is None:  # forked before the console loaded its settings
            from watchdesk.config import load_settings
            from watchdesk.i18n import set_language

            settings = load_settings(config)
            tz, rule_pack = settings.tz, settings.rule_pack
            set_language(language or settings.language)  # as __main__ does: labels, calendar
        from watchdesk.store.desk import Store, _stamp
        from watchdesk.store.stamp import SCHEMA_STAMP

        store = Store.open(db_path, create=False, migrate=False, tz=tz, rule_pack=rule_pack)
        current = _stamp(store.db) == SCHEMA_STAMP
        if current:
            # A first read that is thrown away: it loads what reading needs (the repositories'
            # modules, the models' validators, the holiday calendar, the desk's pages), on this
            # core, while the console is still busy; the read that counts is then quick.
            store.dashboard(now)
        # Wait for the console's connection to have read its data_version, then take the
        # snapshot that is sent.
        if os.read(go_fd, 1) == _GO and current:
            payload = pickle.dumps(store.dashboard(now), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # noqa: BLE001 — the console reads the desk itself
        payload = b""
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(data_fd, view) :]
    except BaseException:  # noqa: BLE001
        pass
    os._exit(0)  # no atexit, no flushing of the console's buffers, no finalizers

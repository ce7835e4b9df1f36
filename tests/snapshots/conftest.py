"""Snapshots are pictures of one screen; the console's later start-up work (the Litestream
replicator at 4 s, its warning that the backups share the desk's disk) must not land in them
when a loaded machine makes a test take longer than that. The warning has its own tests
(tests/store/test_backup_replica.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_same_disk_warning(monkeypatch):
    from watchdesk.store import replica

    monkeypatch.setattr(replica, "same_device", lambda *a, **k: False)

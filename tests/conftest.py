"""Shared fixtures: a desk on a tmp_path file with an injectable clock standing still."""

from __future__ import annotations

import tempfile
from datetime import datetime

import pytest

from tests.helpers import TZ, FakeClock
from watchdesk.i18n import set_language
from watchdesk.store.desk import Store

_CACHE = tempfile.mkdtemp(prefix="watchdesk-test-cache-")


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """Tests run in a known language unless they choose otherwise."""
    set_language("en")
    monkeypatch.delenv("WATCHDESK_DB", raising=False)
    monkeypatch.delenv("WATCHDESK_CONFIG", raising=False)
    # The holiday cache is per test run (never the developer's own cache directory).
    monkeypatch.setenv("WATCHDESK_CACHE", str(_CACHE))
    # The command line writes as someone (`--as`): the test suite is a declared integration,
    # in the environment so that a test's own config file keeps it. A test of who is acting
    # unsets or overrides these.
    monkeypatch.setenv("WATCHDESK_INTEGRATIONS", "tests")
    monkeypatch.setenv("WATCHDESK_ACTOR", "tests")
    monkeypatch.delenv("WATCHDESK_SEAT", raising=False)
    yield
    set_language("en")


@pytest.fixture
def clock() -> FakeClock:
    # 14:29:00 in Shanghai on a Sunday: 06:29 UTC.
    return FakeClock(datetime(2026, 11, 22, 14, 29, 0, tzinfo=TZ))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "desk.db"


@pytest.fixture
def store(db_path, clock):
    s = Store.open(db_path, clock=clock, actor="测试员", tz=TZ)
    yield s
    s.close()


SLOW_FOLDERS = ("reliability", "browser")


def pytest_collection_modifyitems(items):
    """The reliability suite (kills, faults, fuzzing) and the browser tests are `slow`: CI runs
    everything; `python -m pytest -m 'not slow'` leaves them out while working."""
    for item in items:
        if any(part in SLOW_FOLDERS for part in item.path.relative_to(item.config.rootpath).parts):
            item.add_marker(pytest.mark.slow)

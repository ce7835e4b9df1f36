"""The browser tests' fixtures: a desk with today's shift, `watchdesk serve` on a free loopback
port, and a headless Chromium through chromedriver (Selenium).

The server (with its per-tab console processes) and the browser are killed in teardown; when a test
fails, a screenshot of every window goes to tmp_path and the server's log is printed.
In CI (CI=true) a missing chromium, chromedriver or selenium is a failure, not a skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.browser.page import (
    CHROME_FLAGS,
    CHROMEDRIVER,
    CHROMIUM,
    IN_CI,
    end_budget,
    free_port,
    kill_group,
    missing,
    start_budget,
    wait,
)
from tests.helpers import TZ, FakeClock, roster_today
from watchdesk.store.desk import Store


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item, so teardown knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _failed(request) -> bool:
    return any(
        getattr(request.node, f"rep_{when}", None) is not None
        and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )


@pytest.fixture
def config_file(tmp_path) -> Path:
    """The config file the served desk reads (absent unless a test writes it)."""
    return tmp_path / "watchdesk.toml"


@pytest.fixture
def desk(tmp_path) -> Path:
    """A new desk with yesterday's, today's and tomorrow's shifts (tests.helpers.roster_today)."""
    db = tmp_path / "desk.db"
    assert (
        subprocess.run(
            [sys.executable, "-m", "watchdesk", "init", "--db", str(db)],
            capture_output=True,
            timeout=30,
            check=False,
        ).returncode
        == 0
    )
    s = Store.open(db, tz=TZ, actor="测试员")
    try:
        roster_today(s, FakeClock(datetime.now(TZ)))
    finally:
        s.close()
    return db


@pytest.fixture
def served(request, desk, config_file, tmp_path):
    """`watchdesk serve` on a free loopback port; yields (url, log path)."""
    start_budget()
    port = free_port()
    env = dict(
        os.environ,
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        WATCHDESK_CONFIG=str(config_file),
    )
    env.pop("WATCHDESK_DB", None)
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "watchdesk",
                "serve",
                "--db",
                str(desk),
                "--lang",
                "zh",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
            start_new_session=True,
        )
    try:

        def listening() -> bool:
            if proc.poll() is not None:
                raise AssertionError(
                    f"watchdesk serve exited with {proc.returncode}: "
                    f"{log.read_text(errors='replace')[-2000:]}"
                )
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return True
            except OSError:
                return False

        wait("watchdesk serve to listen", listening, 20)
        yield f"http://127.0.0.1:{port}/", log
    finally:
        end_budget()
        kill_group(proc)
        if _failed(request):
            print(f"server log:\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)


@pytest.fixture
def browser(request, tmp_path):
    if why := missing():
        if IN_CI:
            pytest.fail(f"CI must run the browser test: {why}")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM is not None and CHROMEDRIVER is not None
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in CHROME_FLAGS + [f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        opts.add_argument(flag)
    service = Service(executable_path=CHROMEDRIVER, log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(options=opts, service=service)
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(10)
    try:
        yield driver
    finally:
        if _failed(request):
            try:
                for i, handle in enumerate(driver.window_handles, 1):
                    driver.switch_to.window(handle)
                    shot = tmp_path / f"failure-{i}.png"
                    driver.save_screenshot(str(shot))
                    print(f"screenshot: {shot}", file=sys.stderr)
            except Exception:  # the browser itself may be gone
                pass
        driver.quit()

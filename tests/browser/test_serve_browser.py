"""`watchdesk serve` in a real headless Chromium: an incident logged through the page's keys.

The test starts `watchdesk serve` on a free loopback port against a fresh desk, opens the page in
Debian's chromium through chromedriver (Selenium), waits until xterm.js has been sent the console,
clicks the terminal and presses the keys a duty officer would — n, the place in Chinese, Tab,
`hz`, Enter (the picker), Enter (火灾), a description, ctrl+s — then reads the desk back with the
store. Every wait is bounded; the server (with its per-tab console processes) and the browser are
killed in teardown; a screenshot of the page goes to tmp_path when anything fails.

In CI (CI=true) a missing chromium, chromedriver or selenium is a failure, not a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers import TZ, FakeClock, roster_today
from watchdesk.store.desk import Store

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
CHROMEDRIVER = shutil.which("chromedriver")
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
    "--lang=zh-CN",
]
PLACE, DESCRIPTION = "城关镇东街", "商铺起火有人员被困"

# Keeps what the page's websocket receives (the console's terminal output, exactly what xterm.js
# is given) where the test can read it: the canvas xterm.js draws on has no text to query.
SPY_JS = r"""
(() => {
  const Native = window.WebSocket, dec = new TextDecoder("utf-8");
  window.__wd = {out: "", opened: 0, n: 0, at: 0};
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("open", () => { window.__wd.opened += 1; });
      this.addEventListener("message", (ev) => {
        if (typeof ev.data === "string") return;
        const w = window.__wd;
        const text = dec.decode(ev.data, {stream: true});
        w.n += text.length;  // characters received so far (a mark for "since")
        w.at = performance.now();
        w.out = (w.out + text).slice(-4000000);
      });
    }
  };
})();
"""
ANSI = re.compile(
    r"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]"  # CSI: cursor moves, colours
    r"|\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|[()][0-9A-Za-z]|.)"
)


def _missing() -> str | None:
    if CHROMIUM is None:
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    if CHROMEDRIVER is None:
        return "chromedriver is not installed (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BUDGET = 85.0  # seconds for the whole test, server start to teardown
_deadline = [float("inf")]


def _wait(what: str, cond, timeout: float, every: float = 0.1):
    """Poll `cond` until it is truthy, for `timeout` s at most and never past the test's budget."""
    end = min(time.monotonic() + timeout, _deadline[0])
    while True:
        got = cond()
        if got:
            return got
        if time.monotonic() > end:
            raise AssertionError(
                f"timed out waiting for {what} (at most {timeout:.0f} s, "
                f"{BUDGET:.0f} s for the whole test)"
            )
        time.sleep(every)


def _kill_group(proc: subprocess.Popen) -> None:
    """End the server and the console processes it started (its own session, by its pgid)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # any console process left behind
    except ProcessLookupError:
        pass
    proc.wait(timeout=5)


@pytest.fixture
def desk(tmp_path) -> Path:
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
def served(desk, tmp_path):
    """`watchdesk serve` on a free loopback port; yields (url, log path)."""
    _deadline[0] = time.monotonic() + BUDGET
    port = _free_port()
    env = dict(
        os.environ,
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        WATCHDESK_CONFIG=str(tmp_path / "no-config.toml"),
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

        _wait("watchdesk serve to listen", listening, 20)
        yield f"http://127.0.0.1:{port}/", log
    finally:
        _deadline[0] = float("inf")
        _kill_group(proc)


@pytest.fixture
def browser(tmp_path):
    if why := _missing():
        if IN_CI:
            pytest.fail(f"CI must run the browser test: {why}")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

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
        driver.quit()


def screen_text(driver) -> str:
    """What the console has sent the page so far, escape sequences removed."""
    return ANSI.sub("", driver.execute_script("return window.__wd ? window.__wd.out : ''") or "")


def test_incident_logged_through_the_browser(served, browser, desk, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, log = served
    driver = browser
    started = time.monotonic()
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SPY_JS})
        driver.get(url)
        # The page connects its websocket, textual-serve starts a console for this tab, and the
        # first screen arrives: the on-duty panel names today's leader.
        _wait(
            "the page's websocket",
            lambda: driver.execute_script("return window.__wd && window.__wd.opened"),
            15,
        )
        # A browser tab is a seat of its own: the console first asks who is at it.
        _wait(
            "the console's question: who is at this seat",
            lambda: "谁在值班席" in screen_text(driver),
            30,
            every=0.25,
        )
        assert "-first-byte" in driver.find_element(By.TAG_NAME, "body").get_attribute("class")
        driver.find_element(By.CSS_SELECTOR, "#terminal .xterm-screen").click()
        _wait(
            "the terminal's keyboard focus",
            lambda: driver.execute_script(
                "return document.activeElement && "
                "document.activeElement.classList.contains('xterm-helper-textarea')"
            ),
            5,
        )

        def counters() -> tuple[int, float]:
            return tuple(
                driver.execute_script("return [window.__wd.n, performance.now() - window.__wd.at]")
            )

        def press(key: str, *, hold: str | None = None) -> None:
            """One key, then wait until the console has repainted and gone quiet: Textual
            moves focus when a key has bubbled up to the app, so a key sent before then would
            land in the field being left."""
            before, _ = counters()
            chain = ActionChains(driver)
            if hold:
                chain.key_down(hold).send_keys(key).key_up(hold)
            else:
                chain.send_keys(key)
            chain.perform()
            _wait(f"the console to answer {key!r}", lambda: counters()[0] > before, 5, 0.02)
            _wait("the console to settle", lambda: counters()[1] > 120, 3, 0.02)

        def type_text(text: str) -> None:
            for ch in text:
                press(ch)

        def shown(text: str, since: int = 0) -> bool:
            """`text` in what the console sent since mark `since` (at most 300,000 chars)."""
            return text in ANSI.sub(
                "",
                driver.execute_script(
                    "const w = window.__wd; "
                    "return w.out.slice(-Math.min(300000, Math.max(0, w.n - arguments[0])))",
                    since,
                ),
            )

        press(Keys.ENTER)  # the proposed officer of the current shift (no PINs on this desk)
        _wait("the first screen", lambda: shown("报告倒计时"), 10)
        press("n")
        _wait("the intake form", lambda: shown("新事件接报"), 10)
        type_text(PLACE)
        assert shown(PLACE)
        press(Keys.TAB)
        type_text("hz")
        mark, _ = counters()
        press(Keys.ENTER)  # the type field: Enter opens the picker on "hz"
        _wait("火灾 in the picker", lambda: shown("火灾（", since=mark), 10)
        press(Keys.ENTER)  # 火灾, the first match; the form puts the cursor in the description
        type_text(DESCRIPTION)
        assert shown(DESCRIPTION)
        mark, _ = counters()
        press("s", hold=Keys.CONTROL)

        def saved():
            s = Store.open(desk, tz=TZ)
            try:
                return s.incidents.list()
            finally:
                s.close()

        [inc] = _wait("the incident in the desk database", saved, 15, every=0.25)
        assert (inc.place, inc.category, inc.subtype) == (PLACE, "accident", "fire")
        assert inc.description == DESCRIPTION
        _wait(
            "the incident in today's list",
            lambda: shown("今日事件 · 1 起", since=mark) and shown(PLACE, since=mark),
            10,
        )
        driver.save_screenshot(str(tmp_path / "after-save.png"))
        assert time.monotonic() - started < BUDGET
    except BaseException:
        shot = tmp_path / "failure.png"
        try:
            driver.save_screenshot(str(shot))
        except Exception:  # the browser itself may be gone
            pass
        print(
            f"screenshot: {shot}\nserver log:\n{log.read_text(errors='replace')[-3000:]}",
            file=sys.stderr,
        )
        raise

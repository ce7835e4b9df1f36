"""Driving `watchdesk serve` in headless Chromium: the pieces the browser tests share.

A `Tab` is one browser window of one Selenium driver, showing the console page: the keys a duty
officer presses are sent to its xterm.js terminal, and what the console has sent the page is read
back (the canvas xterm.js draws on has no text to query, so a small script keeps what the page's
websocket receives). Every wait is bounded, by its own timeout and by the test's `BUDGET`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from typing import Any

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
WINDOW_SIZE = (1400, 1000)

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

BUDGET = 85.0  # seconds for a whole test, server start to teardown
_deadline = [float("inf")]


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if CHROMIUM is None:
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    if CHROMEDRIVER is None:
        return "chromedriver is not installed (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_budget() -> None:
    _deadline[0] = time.monotonic() + BUDGET


def end_budget() -> None:
    _deadline[0] = float("inf")


def wait(what: str, cond, timeout: float, every: float = 0.1):
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


def kill_group(proc: subprocess.Popen) -> None:
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


class Tab:
    """One window of `driver` showing the console page: a seat of its own at the desk.

    Several tabs share one driver; each call first makes its window the driver's current one,
    so the keys go to this tab's terminal and the text read back is this tab's."""

    def __init__(self, driver: Any, handle: str | None = None, name: str = "tab"):
        self.driver = driver
        self.handle = handle or driver.current_window_handle
        self.name = name

    @classmethod
    def new(cls, driver: Any, name: str) -> Tab:
        """A second (third …) window of the same browser."""
        driver.switch_to.new_window("window")
        driver.set_window_size(*WINDOW_SIZE)
        driver._watchdesk_window = driver.current_window_handle
        return cls(driver, driver._watchdesk_window, name)

    def here(self) -> Any:
        """The driver, with this tab's window the current one (switched only when another
        tab's was: asking the driver which window is current costs a round trip)."""
        if getattr(self.driver, "_watchdesk_window", None) != self.handle:
            self.driver.switch_to.window(self.handle)
            self.driver._watchdesk_window = self.handle
        return self.driver

    def open(self, url: str) -> None:
        """Load the page with the websocket spy and wait until its websocket is open (textual-
        serve then starts a console process for this tab)."""
        d = self.here()
        d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SPY_JS})
        d.get(url)
        wait(
            f"{self.name}: the page's websocket",
            lambda: self.here().execute_script("return window.__wd && window.__wd.opened"),
            15,
        )

    def focus_terminal(self) -> None:
        """Give the terminal the keyboard. Not by a click: xterm.js passes clicks on to the
        console, and one in the middle of the screen lands on whatever is there (a dialog's
        input, which then has the focus instead of the list the dialog put it on)."""
        self.here().execute_script(
            "document.querySelector('#terminal .xterm-helper-textarea').focus()"
        )
        wait(
            f"{self.name}: the terminal's keyboard focus",
            lambda: self.here().execute_script(
                "return document.activeElement && "
                "document.activeElement.classList.contains('xterm-helper-textarea')"
            ),
            5,
        )

    def text(self) -> str:
        """What the console has sent the page so far, escape sequences removed."""
        out = self.here().execute_script("return window.__wd ? window.__wd.out : ''") or ""
        return ANSI.sub("", out)

    def counters(self) -> tuple[int, float]:
        """Characters received so far, and milliseconds since the last of them."""
        n, quiet = self.here().execute_script(
            "return [window.__wd.n, performance.now() - window.__wd.at]"
        )
        return n, quiet

    def mark(self) -> int:
        return self.counters()[0]

    def shown(self, text: str, since: int = 0) -> bool:
        """`text` in what the console sent since mark `since` (at most 300,000 chars)."""
        return text in ANSI.sub(
            "",
            self.here().execute_script(
                "const w = window.__wd; "
                "return w.out.slice(-Math.min(300000, Math.max(0, w.n - arguments[0])))",
                since,
            ),
        )

    def wait_shown(self, what: str, text: str, timeout: float, since: int = 0) -> None:
        wait(f"{self.name}: {what}", lambda: self.shown(text, since), timeout, every=0.1)

    def press(self, key: str, *, hold: str | None = None) -> None:
        """One key, then wait until the console has repainted and gone quiet: Textual moves
        focus when a key has bubbled up to the app, so a key sent before then would land in the
        field being left."""
        from selenium.webdriver.common.action_chains import ActionChains

        before = self.mark()
        chain = ActionChains(self.here())
        if hold:
            chain.key_down(hold).send_keys(key).key_up(hold)
        else:
            chain.send_keys(key)
        chain.perform()
        wait(f"{self.name}: the console to answer {key!r}", lambda: self.mark() > before, 5, 0.02)
        wait(f"{self.name}: the console to settle", lambda: self.counters()[1] > 120, 3, 0.02)

    def type_text(self, text: str) -> None:
        for ch in text:
            self.press(ch)

    def screenshot(self, path: os.PathLike[str] | str) -> None:
        self.here().save_screenshot(str(path))

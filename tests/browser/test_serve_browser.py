"""`watchdesk serve` in a real headless Chromium: an incident logged through the page's keys.

The test starts `watchdesk serve` on a free loopback port against a fresh desk, opens the page in
Debian's chromium through chromedriver (Selenium), waits until xterm.js has been sent the console,
clicks the terminal and presses the keys a duty officer would — n, the place in Chinese, Tab,
`hz`, Enter (the picker), Enter (火灾), a description, ctrl+s — then reads the desk back with the
store. Every wait is bounded; the server (with its per-tab console processes) and the browser are
killed in teardown; a screenshot of the page goes to tmp_path when anything fails (conftest.py,
page.py).

In CI (CI=true) a missing chromium, chromedriver or selenium is a failure, not a skip.
"""

from __future__ import annotations

import time

from tests.browser.page import BUDGET, Tab, wait
from tests.helpers import TZ
from watchdesk.store.desk import Store

PLACE, DESCRIPTION = "城关镇东街", "商铺起火有人员被困"


def test_incident_logged_through_the_browser(served, browser, desk, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, _log = served
    driver = browser
    started = time.monotonic()
    tab = Tab(driver)
    # The page connects its websocket, textual-serve starts a console for this tab, and the
    # first screen arrives: the on-duty panel names today's leader.
    tab.open(url)
    # A browser tab is a seat of its own: the console first asks who is at it.
    tab.wait_shown("the console's question: who is at this seat", "谁在值班席", 30)
    assert "-first-byte" in driver.find_element(By.TAG_NAME, "body").get_attribute("class")
    tab.focus_terminal()

    tab.press(Keys.ENTER)  # the proposed officer of the current shift (no PINs on this desk)
    tab.wait_shown("the first screen", "报告倒计时", 10)
    tab.press("n")
    tab.wait_shown("the intake form", "新事件接报", 10)
    tab.type_text(PLACE)
    assert tab.shown(PLACE)
    tab.press(Keys.TAB)
    tab.type_text("hz")
    mark = tab.mark()
    tab.press(Keys.ENTER)  # the type field: Enter opens the picker on "hz"
    tab.wait_shown("火灾 in the picker", "火灾（", 10, since=mark)
    tab.press(Keys.ENTER)  # 火灾, the first match; the form puts the cursor in the description
    tab.type_text(DESCRIPTION)
    assert tab.shown(DESCRIPTION)
    mark = tab.mark()
    tab.press("s", hold=Keys.CONTROL)

    def saved():
        s = Store.open(desk, tz=TZ)
        try:
            return s.incidents.list()
        finally:
            s.close()

    [inc] = wait("the incident in the desk database", saved, 15, every=0.25)
    assert (inc.place, inc.category, inc.subtype) == (PLACE, "accident", "fire")
    assert inc.description == DESCRIPTION
    wait(
        "the incident in today's list",
        lambda: tab.shown("今日事件 · 1 起", since=mark) and tab.shown(PLACE, since=mark),
        10,
    )
    tab.screenshot(tmp_path / "after-save.png")
    assert time.monotonic() - started < BUDGET

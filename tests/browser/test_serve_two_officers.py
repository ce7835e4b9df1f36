"""Two browser tabs of one `watchdesk serve`, two officers at once, on a desk that requires PINs.

Each tab is a seat of its own and starts by asking who is at it. Tab 1 signs in as 赵磊 (the
proposed officer, the shift's duty chief) with 赵磊's PIN; tab 2 moves down to 周文博, is refused
a wrong PIN, then signs in with 周文博's. Both open the intake form and type a place: each tab keeps its
own draft (a file per seat and officer). Then each logs an incident, and the desk shows every
write under the officer of the tab that made it, from the seat of that tab.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.page import BUDGET, Tab, wait
from tests.helpers import TZ
from watchdesk.files.drafts import draft_path, load_draft
from watchdesk.models.base import saved_id
from watchdesk.store.desk import Store

PINS = {"赵磊": "1357", "周文博": "2468"}
PLACES = {"赵磊": "城关镇东街", "周文博": "河西村"}
DESCRIPTIONS = {"赵磊": "商铺起火", "周文博": "民房起火"}


@pytest.fixture
def desk(desk, config_file):
    """Today's shift (王建国 leads, 赵磊 chief, 周文博 officer), the two with PINs, and a desk
    that requires PINs."""
    config_file.write_text("handover_pin = true\n", encoding="utf-8")
    s = Store.open(desk, tz=TZ, actor="测试员")
    try:
        for name, pin in PINS.items():
            [o] = s.officers.find(name)
            s.officers.set_pin(saved_id(o.id), pin)
    finally:
        s.close()
    return desk


def officer_ids(desk) -> dict[str, int]:
    s = Store.open(desk, tz=TZ)
    try:
        return {name: saved_id(s.officers.find(name)[0].id) for name in PINS}
    finally:
        s.close()


def test_two_tabs_are_two_officers(served, browser, desk, tmp_path):
    from selenium.webdriver.common.keys import Keys

    url, _log = served
    started = time.monotonic()
    ids = officer_ids(desk)
    tabs = {"赵磊": Tab(browser, name="tab 1"), "周文博": Tab.new(browser, "tab 2")}
    for tab in tabs.values():
        tab.open(url)  # a console each, each a seat of its own (web:1, web:2)
    for tab in tabs.values():
        tab.wait_shown("the console's question: who is at this seat", "谁在值班席", 30)
        tab.focus_terminal()

    # Tab 1: Enter on the proposed officer (赵磊, the duty chief) moves to the PIN.
    one, two = tabs["赵磊"], tabs["周文博"]
    one.press(Keys.ENTER)
    one.type_text(PINS["赵磊"])
    one.press(Keys.ENTER)
    one.wait_shown("赵磊 acting", "值班员：赵磊", 10)
    # Tab 2: the next one down is 周文博; a wrong PIN is refused, and nobody acts yet.
    two.press(Keys.DOWN)
    two.press(Keys.ENTER)
    mark = two.mark()
    two.type_text("0000")
    two.press(Keys.ENTER)
    two.wait_shown("the wrong PIN refused", "PIN 错误", 10, since=mark)
    assert not two.shown("值班员：", since=mark)
    two.type_text(PINS["周文博"])
    two.press(Keys.ENTER)
    two.wait_shown("周文博 acting", "值班员：周文博", 10, since=mark)
    assert not two.shown("值班员：赵磊")

    # Both open the intake form and type a place: two drafts, one per tab and officer.
    for name, tab in tabs.items():
        tab.wait_shown("the first screen", "报告倒计时", 10)
        tab.press("n")
        tab.wait_shown("the intake form", "新事件接报", 10)
        tab.type_text(PLACES[name])

    def drafts() -> dict[str, Any] | None:
        found = {p.name: load_draft(p) for p in desk.parent.glob(f"{desk.name}.draft-*.json")}
        places = sorted(((d or {}).get("values") or {}).get("place", "") for d in found.values())
        return found if places == sorted(PLACES.values()) else None

    found = wait("a draft of each tab's form", drafts, 10, every=0.2)
    assert len(found) == 2

    # Each tab finishes its own form: the type by pinyin (火灾), a description, ctrl+s.
    for name, tab in tabs.items():
        tab.press(Keys.TAB)
        tab.type_text("hz")
        mark = tab.mark()
        tab.press(Keys.ENTER)
        tab.wait_shown("火灾 in the picker", "火灾（", 10, since=mark)
        tab.press(Keys.ENTER)
        tab.type_text(DESCRIPTIONS[name])
        mark = tab.mark()
        tab.press("s", hold=Keys.CONTROL)
        tab.wait_shown("the incident saved", PLACES[name], 10, since=mark)

    def saved():
        s = Store.open(desk, tz=TZ)
        try:
            incidents = s.incidents.list()
            if len(incidents) < 2:
                return None
            rows = s.db.execute(
                "SELECT table_name, row_id, actor, officer_id, seat, action FROM audit"
                " WHERE table_name IN ('incidents', 'figures') AND action = 'insert'"
            ).fetchall()
            figures = s.db.execute("SELECT incident_id, by_whom FROM figures").fetchall()
            return incidents, rows, figures
        finally:
            s.close()

    incidents, rows, figures = wait("both incidents in the desk", saved, 15, every=0.25)
    by_place = {inc.place: inc for inc in incidents}
    assert sorted(by_place) == sorted(PLACES.values())
    seats = {}
    for name, place in PLACES.items():
        inc = by_place[place]
        assert inc.description == DESCRIPTIONS[name]
        [audit] = [r for r in rows if r[0] == "incidents" and r[1] == inc.id]
        _, _, actor, officer_id, seat, _ = audit
        assert (actor, officer_id) == (name, ids[name]), f"{place} recorded under {actor}"
        assert seat.startswith("web:")
        seats[name] = seat
        # the first figures (伤亡 as first reported) name the same officer
        assert [w for i, w in figures if i == inc.id] == [name]
        [fig_audit] = [
            r for r in rows if r[0] == "figures" and (r[2], r[3], r[4]) == (name, ids[name], seat)
        ]
        assert fig_audit
        # the draft this tab kept was its own seat's and officer's, and saving cleared it
        mine = draft_path(desk, seat, f"o{ids[name]}")
        assert found[mine.name]["values"]["place"] == place
        assert not mine.exists()
    assert seats["赵磊"] != seats["周文博"]
    assert sorted(seats.values()) == ["web:1", "web:2"]
    assert time.monotonic() - started < BUDGET

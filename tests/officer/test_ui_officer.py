"""Pilot tests of the officer at the keyboard: the question at start, F4 to switch, PINs and their
lock, the actor every save records, the handover signatures, and drafts kept per seat."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

from textual.widgets import Input, Label

from tests.handover.test_sheet import night_roster
from tests.helpers import TZ, FakeClock, Notices, roster_today, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.files.drafts import draft_path, load_draft, restorable_draft, save_draft
from watchdesk.models.incident import ReportKind
from watchdesk.models.officer import ActorKind
from watchdesk.screens.dialogs import FormDialog
from watchdesk.screens.handover import HandoverScreen
from watchdesk.screens.intake import IncidentForm
from watchdesk.screens.seat import SeatDialog
from watchdesk.store.desk import Store


async def choose(pilot, name: str) -> None:
    """Move the cursor of the open SeatDialog to `name`, with the arrow keys."""
    dialog = pilot.app.screen
    assert isinstance(dialog, SeatDialog)
    names = [c.name for c in dialog.choices.people]
    assert name in names, names
    dialog.query_one("#seat-people").focus()
    for _ in names:
        if dialog.chosen().name == name:
            return
        here = names.index(dialog.chosen().name)
        await pilot.press("down" if here < names.index(name) else "up")
    assert dialog.chosen().name == name


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


def audit_who(store: Store, table: str) -> list[tuple]:
    return list(
        store.db.execute(
            "SELECT actor, officer_id, os_user, seat FROM audit WHERE table_name = ?"
            " AND action = 'insert' ORDER BY id",
            [table],
        )
    )


def error(dialog, field: str) -> str:
    return str(dialog.query_one(f"#e-{field}", Label).render())


async def test_start_proposes_the_signed_in_officer(db_path, clock, store):
    roster_today(store, clock)  # today: 王建国 leader, 赵磊 chief, 周文博 officer
    day = store.roster.on_duty(clock())
    zhou = store.officers.resolve("周文博")
    store.roster.sign_in(day.shift.id, zhou.id)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False, ask_officer=True)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, SeatDialog), what="the question")
        dialog = app.screen
        # The shift's people, leader first, and the one signed in proposed.
        assert [c.name for c in dialog.choices.people] == ["王建国", "赵磊", "周文博"]
        assert dialog.chosen().name == "周文博"
        # Esc does not leave the question unanswered at start.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dialog
        assert "周文博" not in app.sub_title
        await pilot.press("enter")
        await settle(pilot, lambda: not isinstance(app.screen, SeatDialog), what="accepted")
        assert (app.officer.name, app.officer.officer_id) == ("周文博", zhou.id)
        assert app.officer.kind == ActorKind.officer
        assert app.sub_title == "Officer: 周文博"
        assert app.officer.os_user and app.officer.seat


async def test_without_a_signed_in_officer_the_duty_chief_is_proposed(db_path, clock, store):
    roster_today(store, clock)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False, ask_officer=True)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, SeatDialog), what="the question")
        assert app.screen.chosen().name == "赵磊"


async def test_switching_officer_changes_the_actor_of_the_next_save(db_path, clock, store):
    roster_today(store, clock)
    zhao, zhou = store.officers.resolve("赵磊"), store.officers.resolve("周文博")
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="赵磊")
    app.seat = "tty:/dev/pts/7"
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1 and app.officer.officer_id == zhao.id)
        assert "赵磊" in app.sub_title
        # 赵磊 logs an incident.
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        form = app.screen
        form.query_one("#f-place").value = "东坡街道建设路"
        form.query_one("#f-category").value = "火灾"
        form.query_one("#f-description").value = "商铺起火"
        form.query_one("#f-dead").value = "10"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(app.screen, IncidentForm))
        await settle(pilot, lambda: bool(app.dashboard and app.dashboard.today), workers=True)
        [inc] = store.incidents.list()
        [row] = audit_who(store, "incidents")
        assert row[:2] == ("赵磊", zhao.id) and row[3] == "tty:/dev/pts/7" and row[2]
        # F4: 周文博 takes the keyboard.
        await pilot.press("f4")
        await settle(pilot, lambda: isinstance(app.screen, SeatDialog), what="the question")
        assert app.screen.chosen().name != "赵磊"  # someone else is proposed
        await choose(pilot, "周文博")
        await pilot.press("enter")
        await settle(pilot, lambda: not isinstance(app.screen, SeatDialog))
        assert app.officer.officer_id == zhou.id and "周文博" in app.sub_title
        # The phone report is made: its 报告人 and its audit row are 周文博's.
        app.screen.query_one("#board").focus()
        await pilot.press("p")  # the read-out card, then p records the call
        await settle(pilot, lambda: app.screen.__class__.__name__ == "PhoneCard")
        await pilot.press("p")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.screen.values()["by_whom"] == "周文博"
        app.screen.query_one("#f-to_whom").value = "市应急管理局总值班室"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: store.incidents.reports(inc.id), workers=True)
        [rep] = store.incidents.reports(inc.id)
        assert rep.kind == ReportKind.phone and rep.by_whom == "周文博"
        assert [r[:2] for r in audit_who(store, "reports")] == [("周文博", zhou.id)]
        # A duty-log note on the incident too.
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-content").value = "县领导指示：全力救治伤员"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: audit_who(store, "log_entries"), workers=True)
        assert [r[:2] for r in audit_who(store, "log_entries")] == [("周文博", zhou.id)]
        entry = store.db.execute("SELECT by_whom FROM log_entries").fetchone()
        assert entry[0] == "周文博"  # 经办


async def test_switching_with_pins_right_wrong_and_locked(db_path, clock, store):
    roster_today(store, clock)
    zhao, zhou = store.officers.resolve("赵磊"), store.officers.resolve("周文博")
    store.officers.set_pin(zhao.id, "1357")
    store.officers.set_pin(zhou.id, "2580")
    settings = Settings(handover_pin=True)
    app = make_app(db_path, settings=settings, clock=clock, poll=False, ask_officer=True)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, SeatDialog), what="the question")
        dialog = app.screen
        assert dialog.query_one("#f-pin", Input).password
        await choose(pilot, "赵磊")
        await pilot.press("enter")  # on the list: to the PIN
        assert app.focused is dialog.query_one("#f-pin")
        await type_text(pilot, "1357")
        await pilot.press("enter")
        await settle(pilot, lambda: not isinstance(app.screen, SeatDialog))
        assert app.officer.officer_id == zhao.id

        async def try_pin(pin: str) -> str:
            dialog = app.screen
            dialog.query_one("#f-pin", Input).focus()
            await type_text(pilot, pin)
            before = error(dialog, "pin")
            await pilot.press("enter")
            await settle(
                pilot,
                lambda: not isinstance(app.screen, SeatDialog) or error(dialog, "pin") != before,
                workers=True,
            )
            return "" if not isinstance(app.screen, SeatDialog) else error(dialog, "pin")

        await pilot.press("f4")
        await settle(pilot, lambda: isinstance(app.screen, SeatDialog))
        await choose(pilot, "周文博")
        assert "wrong PIN; 4 tries left" in await try_pin("1111")
        assert app.officer.officer_id == zhao.id  # nothing switched
        assert (await app.client.call(lambda s: s.acting.officer_id)) == zhao.id
        assert "wrong PIN; 3 tries left" in await try_pin("2222")
        assert "2 tries left; wait 30 s" in await try_pin("3333")
        assert "wait 30 s before the next try" in await try_pin("2580")  # too soon, even right
        clock.advance(seconds=31)
        assert "1 try left" in await try_pin("4444")
        clock.advance(seconds=31)
        assert "locked for 5 min after 5 wrong PINs" in await try_pin("5555")
        clock.advance(minutes=2)
        assert "locked for 3 min" in await try_pin("2580")  # the right PIN waits for the lock too
        assert app.officer.officer_id == zhao.id
        clock.advance(minutes=3, seconds=1)
        assert await try_pin("2580") == ""
        assert app.officer.officer_id == zhou.id
        assert (await app.client.call(lambda s: s.acting.officer_id)) == zhou.id


async def test_pin_lock_in_chinese(db_path, clock, store):
    from watchdesk.i18n import set_language

    roster_today(store, clock)
    zhou = store.officers.resolve("周文博")
    store.officers.set_pin(zhou.id, "2580")
    set_language("zh")
    app = make_app(
        db_path, settings=Settings(handover_pin=True), clock=clock, poll=False, actor="赵磊"
    )
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1 and app.officer.officer_id is not None)
        await pilot.press("f4")
        await settle(pilot, lambda: isinstance(app.screen, SeatDialog))
        dialog = app.screen
        await choose(pilot, "周文博")
        dialog.query_one("#f-pin", Input).focus()
        await type_text(pilot, "1111")
        await pilot.press("enter")
        await settle(pilot, lambda: "PIN 错误" in error(dialog, "pin"), workers=True)
        assert "还可尝试 4 次" in error(dialog, "pin")
        # 赵磊 has no PIN: on a desk that requires PINs he cannot take the keyboard.
        await choose(pilot, "赵磊")
        await pilot.press("enter")
        await type_text(pilot, "1234")
        await pilot.press("enter")
        await settle(pilot, lambda: "尚未设置 PIN" in error(dialog, "pin"), workers=True)


async def test_someone_not_on_the_shift_may_not_take_the_keyboard(db_path, clock, store):
    """The list has only the shift's people and the administrators; one taken off the shift
    while the question is open is refused, as the app words it, and nothing is switched."""
    roster_today(store, clock)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="赵磊")
    notices = Notices(app)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1 and app.officer.officer_id is not None)
        await pilot.press("f4")
        await settle(pilot, lambda: isinstance(app.screen, SeatDialog))
        dialog = app.screen
        assert "李红梅" not in [c.name for c in dialog.choices.people]  # tomorrow's leader
        await choose(pilot, "周文博")
        clock.advance(days=3)  # past the roster: nobody is on duty any more
        await pilot.press("enter")
        await settle(pilot, lambda: "周文博" in error(dialog, "officer"), workers=True)
        assert "not on the shift on duty" in error(dialog, "officer")
        assert app.officer.name == "赵磊"
        # Esc closes the question when switching (nothing was typed).
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, SeatDialog))
        assert not notices.errors


async def test_an_administrator_may_act_outside_the_shift(db_path, clock, store):
    from watchdesk.models.officer import Officer

    roster_today(store, clock)
    boss = store.officers.add(Officer(name="欧阳明", title="办公室主任", admin=True))
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False, ask_officer=True)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, SeatDialog))
        assert app.screen.choices.people[-1].name == "欧阳明"
        await choose(pilot, "欧阳明")
        await pilot.press("enter")
        await settle(pilot, lambda: app.officer.officer_id == boss.id)


async def test_a_browser_tab_always_asks(db_path, clock, store, monkeypatch):
    roster_today(store, clock)
    monkeypatch.setenv("WATCHDESK_SEAT", "web:2")
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="赵磊")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, SeatDialog), what="the question")
        assert app.seat == "web:2"
        await choose(pilot, "周文博")
        await pilot.press("enter")
        await settle(pilot, lambda: app.officer.name == "周文博")
        assert app.officer.seat == "web:2"


async def test_the_form_is_closed_before_switching(db_path, clock, store):
    roster_today(store, clock)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="赵磊")
    notices = Notices(app)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        await pilot.press("f4")
        await settle(pilot, lambda: any("incident form" in n for n in notices.texts))
        assert isinstance(app.screen, IncidentForm)


# -- handover signatures -----------------------------------------------------------------------
async def test_outgoing_signature_refuses_a_person_not_on_the_outgoing_shift(tmp_path):
    clock = FakeClock(datetime(2026, 11, 23, 7, 45, tzinfo=TZ))
    db = tmp_path / "desk.db"
    s = Store.open(db, clock=clock, tz=TZ)
    night_id, _ = night_roster(s)  # the night shift: 李红梅 and 孙丽娜; the day's: 王建国, 赵磊
    sun = s.officers.resolve("孙丽娜")
    s.officers.set_pin(sun.id, "2468")
    settings = Settings(export_dir=str(tmp_path / "exports"), handover_pin=True)
    app = make_app(db, settings=settings, clock=clock, poll=False, actor="赵磊")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1 and app.officer.officer_id is not None)
        await pilot.press("j")
        await settle(pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.text)
        await pilot.press("o")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        dialog = app.screen
        # 赵磊 is at the keyboard but not on the outgoing shift: not proposed, and refused.
        assert dialog.values()["name"] == ""
        assert dialog.query_one("#f-pin", Input).password
        await type_text(pilot, "赵磊")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "is not on shift" in error(dialog, "name"), workers=True)
        assert "the outgoing shift (on it: 李红梅, 孙丽娜)" in error(dialog, "name")
        # 孙丽娜 is on it: a wrong PIN is refused as the store words it.
        dialog.query_one("#f-name", Input).value = "孙丽娜"
        dialog.query_one("#f-pin", Input).value = "1111"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "wrong PIN" in error(dialog, "pin"), workers=True)
        assert "4 tries left" in error(dialog, "pin")
        assert s.handover.record(night_id).outgoing is None
        dialog.query_one("#f-pin", Input).value = "2468"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: s.handover.record(night_id).outgoing is not None)
        assert s.handover.record(night_id).outgoing.name == "孙丽娜"
    s.close()


async def test_outgoing_signature_is_proposed_for_the_officer_on_the_shift(tmp_path):
    clock = FakeClock(datetime(2026, 11, 23, 7, 45, tzinfo=TZ))
    db = tmp_path / "desk.db"
    s = Store.open(db, clock=clock, tz=TZ)
    night_roster(s)
    app = make_app(db, settings=Settings(), clock=clock, poll=False, actor="孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1 and app.officer.officer_id is not None)
        await pilot.press("j")
        await settle(pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.text)
        await pilot.press("o")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.screen.values()["name"] == "孙丽娜"
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, HandoverScreen))
        await pilot.press("c")  # the incoming one is never proposed from this shift
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.screen.values()["name"] == ""
    s.close()


# -- drafts per seat ---------------------------------------------------------------------------
async def test_two_seats_never_share_a_draft(db_path, clock, store):
    roster_today(store, clock)
    a = make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="赵磊")
    b = make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="周文博")
    a.seat, b.seat = "web:1", "web:2"
    async with a.run_test(size=(140, 45)) as pa:
        await settle(pa, lambda: a.loads >= 1 and a.officer.officer_id is not None)
        await pa.press("n")
        await settle(pa, lambda: isinstance(a.screen, IncidentForm))
        await type_text(pa, "青山铺镇")
        await settle(
            pa,
            lambda: (load_draft(a.draft_path) or {}).get("values", {}).get("place") == "青山铺镇",
            n=400,
        )
        async with b.run_test(size=(140, 45)) as pb:
            await settle(pb, lambda: b.loads >= 1 and b.officer.officer_id is not None)
            assert b.draft_path != a.draft_path
            await pb.pause(0.2)
            assert b.screen.__class__.__name__ == "MainScreen"  # no draft offered to B
            assert restorable_draft(db_path, b.seat, f"o{b.officer.officer_id}") is None


def test_a_draft_left_by_a_console_that_is_gone_is_offered_to_its_officer(tmp_path):
    db = tmp_path / "desk.db"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead_pid = int(gone.stdout)
    left = draft_path(db, "tty:/dev/pts/3", "o2", "duty")
    save_draft(left, {"values": {"place": "青山铺镇"}, "saved_at": "2026-11-22T14:29:00"})
    data = load_draft(left)
    data["writer"]["pid"] = dead_pid
    left.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    # A new terminal, the same officer: offered. Another officer, or the same at a seat whose
    # console still runs (this process): not.
    assert restorable_draft(db, "tty:/dev/pts/9", "o2", "duty") == left
    assert restorable_draft(db, "tty:/dev/pts/9", "o3", "duty") is None
    assert restorable_draft(db, "tty:/dev/pts/9", "o2", "someone") is None
    live = draft_path(db, "web:1", "o5", "duty")
    save_draft(live, {"values": {"place": "东街"}})
    assert load_draft(live)["writer"]["pid"] == os.getpid()
    assert restorable_draft(db, "web:2", "o5", "duty") is None
    assert restorable_draft(db, "web:1", "o5", "duty") == live

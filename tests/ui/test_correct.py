"""Pilot tests of corrections and duplicate calls at the console (issue 13): the keys an officer
presses, what the screen shows and what was stored."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import Notices, facts, roster_today, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.models.incident import DeadlineStatus, ReportKind
from watchdesk.screens.dialogs import FormDialog
from watchdesk.screens.incident import IncidentScreen
from watchdesk.screens.intake import IncidentForm


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def open_incident(pilot, app, inc_id: int) -> IncidentScreen:
    app.push_screen(IncidentScreen(inc_id))
    await settle(pilot, lambda: isinstance(app.screen, IncidentScreen), workers=True)
    screen = app.screen
    await settle(pilot, lambda: screen.incident is not None and screen.items, workers=True)
    return screen


async def test_strike_a_report_in_the_timeline(db_path, clock, store):
    roster_today(store, clock)
    inc = store.incidents.add(facts(clock, dead=10))
    phone = next(d for d in store.incidents.deadlines(inc.id) if d.kind == ReportKind.phone)
    clock.advance(minutes=5)
    rep = store.incidents.record_report(inc.id, ReportKind.phone, to_whom="市应急管理局")
    clock.advance(minutes=40)  # the phone report's due time has passed
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="赵磊")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        screen = await open_incident(pilot, app, inc.id)
        tl = screen.query_one("#incident-timeline")
        # A line that is no record: the key says what to select.
        notices = Notices(app)
        tl.focus()
        await pilot.press("s")
        assert notices.texts and "Select a report" in notices.texts[-1]
        # Select the phone report with the arrow keys, press s, give a reason.
        row = next(n for n, item in enumerate(screen.items) if item.ref == f"report:{rep.id}")
        for _ in range(row):
            await pilot.press("down")
        assert screen.selected_item().ref == f"report:{rep.id}"
        await pilot.press("s")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.focused.id == "f-reason"
        await type_text(pilot, "wrong incident")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen, workers=True)
        await settle(
            pilot, lambda: screen.items[row].correction is not None, workers=True, what="reload"
        )

        # Stored: the correction, by the officer at the keyboard, and the clock running again
        # with its original due time (overdue at once).
        [c] = store.db.execute("SELECT record_kind, record_id, reason, by_whom FROM corrections")
        assert tuple(c) == ("report", rep.id, "wrong incident", "赵磊")
        again = next(d for d in store.incidents.deadlines(inc.id) if d.kind == ReportKind.phone)
        assert again.status == DeadlineStatus.running and again.due_at == phone.due_at
        # Shown struck through, with who corrected it, when and why; the clock overdue again.
        cells = tl.get_row_at(row)
        assert all("strike" in str(cells[i].style) for i in (0, 1, 3))
        detail = cells[2]  # the record struck through, the note that says why not
        [struck] = [sp for sp in detail.spans if "strike" in str(sp.style)]
        assert detail.plain[struck.start : struck.end].startswith("→ 市应急管理局")
        assert detail.plain[struck.end :].strip().startswith("corrected by 赵磊")
        assert "corrected by 赵磊 at 11-22 15:14: wrong incident" in cells[2].plain
        state = screen.query_one("#incident-clocks").get_row(str(again.id))[2]
        assert state.plain.startswith("OVER") and "on red" in str(state.style)
        assert any("Corrected" in t for t in notices.texts)
        # Pressed again on the struck line: refused, nothing written.
        await pilot.press("s")
        assert "already corrected" in notices.texts[-1]
        assert store.db.execute("SELECT count(*) FROM corrections").fetchone()[0] == 1


async def test_a_duplicate_call_is_flagged_at_intake_and_merged_counts_once(db_path, clock, store):
    roster_today(store, clock)
    first = store.incidents.add(facts(clock, dead=10, place="城关镇东街"))
    clock.advance(minutes=20)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="赵磊")
    async with app.run_test(size=(140, 45)) as pilot:
        notices = Notices(app)
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        form = app.screen
        form.query_one("#f-place").value = "城关镇东街"
        form.query_one("#f-category").value = "火灾"
        form.query_one("#f-description").value = "东街居民楼起火，又一群众来电"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(app.screen, IncidentForm), workers=True)
        second = max(i.id for i in store.incidents.list())
        assert any(f"Possible duplicate of #{first.id}" in t for t in notices.texts)
        await settle(pilot, lambda: app.dashboard is not None and len(app.dashboard.today) == 2)

        # The incident says so too; m marks it a duplicate, the one it looks like proposed.
        screen = await open_incident(pilot, app, second)
        flag = str(screen.query_one("#incident-dup").render())
        assert f"possible duplicate of #{first.id}" in flag
        await pilot.press("m")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.screen.query_one("#f-of").value == str(first.id)
        app.screen.query_one("#f-reason").focus()
        await type_text(pilot, "same fire")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen, workers=True)
        await settle(
            pilot, lambda: screen.incident.merged_into == first.id, workers=True, what="reload"
        )
        assert f"merged into #{first.id}" in str(screen.query_one("#incident-head").render())
        assert all(d.status == DeadlineStatus.dropped for d in store.incidents.deadlines(second))
        # It counts once: today's list and its total, the board.
        await pilot.press("escape")
        await settle(
            pilot,
            lambda: app.dashboard is not None and len(app.dashboard.today) == 1,
            workers=True,
        )
        assert [i.id for i in app.dashboard.today] == [first.id]
        assert {r.incident_id for r in app.dashboard.clocks} == {first.id}
        clock.advance(minutes=1)
        assert store.incidents.possible_duplicates(first.id, timedelta(hours=2)) == []

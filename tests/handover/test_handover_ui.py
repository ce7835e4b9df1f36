"""Pilot test of a handover: the keys the outgoing and incoming officers press."""

from __future__ import annotations

import hashlib
from datetime import datetime

from tests.handover.test_sheet import night_roster
from tests.helpers import TZ, FakeClock, Notices, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.screens.dialogs import FormDialog
from watchdesk.screens.handover import HandoverScreen
from watchdesk.store.desk import Store


async def test_handover_from_the_keyboard(tmp_path):
    clock = FakeClock(datetime(2026, 11, 23, 7, 45, tzinfo=TZ))
    db = tmp_path / "desk.db"
    s = Store.open(db, clock=clock, tz=TZ)
    night_id, next_id = night_roster(s)
    app = make_app(
        db,
        settings=Settings(export_dir=str(tmp_path / "exports")),
        clock=clock,
        poll=False,
        actor="孙丽娜",
    )
    notices = Notices(app)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("j")
        await settle(pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.text)
        assert "李红梅" in app.screen.text  # the night shift's leader
        # A pending matter with its owner.
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        for ch in "跟踪化工厂事故续报":
            await pilot.press(ch)
        await pilot.press("tab")
        for ch in "赵磊":
            await pilot.press(ch)
        await pilot.press("ctrl+s")
        await settle(
            pilot,
            lambda: (
                isinstance(app.screen, HandoverScreen) and "跟踪化工厂事故续报" in app.screen.text
            ),
        )
        # The outgoing officer signs (name defaults to who is at the console).
        await pilot.press("o")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.press("ctrl+s")
        await settle(
            pilot,
            lambda: (
                isinstance(app.screen, HandoverScreen)
                and s.handover.record(night_id).outgoing is not None
            ),
        )
        # Nobody of the next shift has signed in: the incoming signature is refused.
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        for ch in "赵磊":
            await pilot.press(ch)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: any("signed in" in n for n in notices.texts))
        assert isinstance(app.screen, FormDialog)  # still open, with what was typed
        assert app.screen.values()["name"] == "赵磊"
        assert not s.handover.record(night_id).frozen
        # 赵磊 signs in for the next shift (接班签到), then signs the handover.
        s.roster.sign_in(next_id, s.roster.officer_by_name("赵磊").id)
        await pilot.press("ctrl+s")
        await settle(
            pilot,
            lambda: isinstance(app.screen, HandoverScreen) and s.handover.record(night_id).frozen,
        )
        await settle(
            pilot,
            lambda: "赵磊" in app.screen.text and app.screen.record and app.screen.record.frozen,
        )
        frozen = s.handover.frozen(night_id)
        assert app.screen.text == frozen.text
        # The freeze recorded a restore point on the desk's replica (store/replica.py), with
        # the audit chain head it saw.
        from watchdesk.store import replica

        await settle(pilot, lambda: replica.list_points(db, reason="handover"), delay=0.05)
        assert replica.list_points(db, reason="handover")[0].head is not None
        # The history lists it; opening it shows the frozen sheet.
        await pilot.press("h")
        await settle(
            pilot,
            lambda: type(app.screen).__name__ == "HandoverHistoryScreen" and app.screen.records,
        )
        await pilot.press("enter")
        await settle(
            pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.text == frozen.text
        )
        # Save the files: the PDF is rendered from the frozen content, and the rendering recorded.
        await pilot.press("s")
        await settle(
            pilot, lambda: (tmp_path / "exports" / f"handover-shift{night_id}.pdf").exists()
        )
        pdf = (tmp_path / "exports" / f"handover-shift{night_id}.pdf").read_bytes()
        (saved,) = s.handover.renderings(night_id)
        assert saved.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
        assert (saved.purpose, saved.by_whom) == ("save", "孙丽娜")
    s.close()

"""A refusal from the store reaches the Chinese console in Chinese: the officer reads the field and
the problem in Chinese, with no English words and no doubled full stop."""

from __future__ import annotations

import re

from tests.helpers import settle
from tests.roster.test_roster_screen import goto, open_roster, roster_app  # noqa: F401
from watchdesk.i18n import set_language
from watchdesk.models.roster import Role
from watchdesk.screens.dialogs import FormDialog
from watchdesk.screens.roster.modals import PickOfficerModal

ENGLISH = re.compile(r"[A-Za-z]{2,}")


async def test_a_change_without_a_reason_is_refused_in_chinese(roster_app, store):  # noqa: F811
    set_language("zh")
    before = store.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    async with roster_app.run_test(size=(140, 45)) as pilot:
        scr = await open_roster(roster_app, pilot)
        goto(scr, 22, Role.officer)
        await pilot.press("x")
        await settle(pilot, lambda: isinstance(roster_app.screen, FormDialog))
        modal = roster_app.screen
        await pilot.press(" ", "enter")  # a reason of blanks only, to the approver
        await pilot.press(*"王建国", "enter")
        await settle(pilot, lambda: str(modal.query_one("#e-reason").render()), workers=True)
        error = str(modal.query_one("#e-reason").render())
        print(repr(error))
        assert roster_app.screen is modal
        assert "须注明原因" in error and not ENGLISH.search(error) and "。。" not in error
        assert modal.values()["approver"] == "王建国"
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == before


async def test_signing_in_to_a_past_shift_is_refused_in_chinese(roster_app, store):  # noqa: F811
    set_language("zh")
    before = store.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    async with roster_app.run_test(size=(140, 45)) as pilot:
        scr = await open_roster(roster_app, pilot)
        goto(scr, 21, Role.officer)  # yesterday's shift: it has ended
        await pilot.press("u")
        await settle(pilot, lambda: isinstance(roster_app.screen, PickOfficerModal))
        modal = roster_app.screen
        await pilot.press("enter")
        await settle(pilot, lambda: str(modal.query_one("#modal-error").render()), workers=True)
        error = str(modal.query_one("#modal-error").render())
        assert error == "时间：该班次已经结束"
        assert not ENGLISH.search(error)
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == before

"""Pilot tests of the people screen (`o`): keys in, stored officers out."""

from __future__ import annotations

from textual.widgets import Input, Label

from tests.helpers import Notices, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.i18n import set_language
from watchdesk.models.officer import Officer
from watchdesk.models.roster import Role
from watchdesk.screens.dialogs import ConfirmDialog, FormDialog
from watchdesk.screens.officer import ChoiceModal, PeopleScreen
from watchdesk.widgets.fixed_table import FixedTable


def app_for(db_path, clock):
    return make_app(db_path, settings=Settings(), clock=clock, poll=False)


async def open_people(app, pilot) -> PeopleScreen:
    await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
    await pilot.press("o")
    await settle(pilot, lambda: isinstance(app.screen, PeopleScreen), what="the people screen")
    scr = app.screen
    assert isinstance(scr, PeopleScreen)
    await settle(pilot, lambda: scr.loads >= 1, what="the officers")
    return scr


async def form(app, pilot) -> FormDialog:
    await settle(pilot, lambda: isinstance(app.screen, FormDialog), what="a form")
    f = app.screen
    assert isinstance(f, FormDialog)
    return f


def error_of(f: FormDialog, name: str) -> str:
    return str(f.query_one(f"#e-{name}", Label).render())


def rows(scr: PeopleScreen) -> list[list[str]]:
    table = scr.query_one(FixedTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_add_an_officer_and_a_second_of_the_same_name(db_path, clock, store):
    store.officers.add(Officer(name="王伟", title="科员", phone="13900000001"))
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        scr = await open_people(app, pilot)
        await pilot.press("a")
        f = await form(app, pilot)
        await pilot.press(*"赵磊", "enter", *"科长", "enter", *"13900000009")
        f.query_one("#f-role_chief").value = True
        f.query_one("#f-role_officer").value = True
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: scr.loads >= 2, what="the list again", workers=True)
        [zhao] = store.officers.find("赵磊")
        assert (zhao.title, zhao.phone, zhao.roles) == (
            "科长",
            "13900000009",
            [Role.chief, Role.officer],
        )
        assert ["赵磊", "科长", "13900000009", "Duty chief、Officers", "", "active", ""] in rows(
            scr
        )

        # A second 王伟 that nothing tells apart from the first: refused, nothing written.
        await pilot.press("a")
        f = await form(app, pilot)
        await pilot.press(*"王伟", "enter", *"科员", "enter", *"13900000001", "ctrl+s")
        await settle(pilot, lambda: error_of(f, "title") != "", what="the refusal", workers=True)
        assert "13900000001" in error_of(f, "title") and "tell them apart" not in error_of(
            f, "name"
        )
        assert len(store.officers.find("王伟")) == 1
        # Told apart by the phone: two 王伟 are normal.
        f.query_one("#f-phone", Input).value = "13900000002"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: scr.loads >= 3, what="the list again", workers=True)
        assert sorted(o.phone for o in store.officers.find("王伟")) == [
            "13900000001",
            "13900000002",
        ]
        assert not isinstance(app.screen, FormDialog)


async def test_messages_in_chinese(db_path, clock, store):
    set_language("zh")
    store.officers.add(Officer(name="王伟", title="科员", phone="13900000001"))
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_people(app, pilot)
        await pilot.press("a")
        f = await form(app, pilot)
        await pilot.press(*"王伟", "enter", *"科员", "enter", *"13900000001", "ctrl+s")
        await settle(pilot, lambda: error_of(f, "title") != "", what="the refusal", workers=True)
        assert error_of(f, "title") == (
            "职务：与 王伟（科员，13900000001） 无法区分：请填写不同的职务或电话"
        )
        f.query_one("#f-phone", Input).value = "12"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: error_of(f, "phone") != "", what="the refusal", workers=True)
        assert error_of(f, "phone") == "电话：电话号码至少要有 3 位数字"
        assert len(store.officers.find("王伟")) == 1


async def test_deactivated_officer_stays_listed_and_marked(db_path, clock, store):
    store.officers.add(Officer(name="王建国", title="局长", admin=True))
    zhou = store.officers.add(Officer(name="周文博", title="科员"))
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        scr = await open_people(app, pilot)
        await pilot.press("down", "x")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("y")
        await settle(pilot, lambda: scr.loads >= 2, what="the list again", workers=True)
        assert not store.officers.get(zhou.id).active
        assert rows(scr)[1][:1] + rows(scr)[1][5:6] == ["周文博", "off"]
        assert "deactivated" in str(scr.query_one("#people-detail", Label).render())
        # The desk's only administrator cannot be deactivated: said, and nothing changes.
        notices = Notices(app)
        await pilot.press("up", "x")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("y")
        await settle(pilot, lambda: notices.errors, what="the refusal", workers=True)
        assert "only administrator" in notices.errors[0]
        assert store.officers.find("王建国")[0].active


async def test_import_with_a_bad_row_writes_nothing(db_path, clock, store, tmp_path):
    bad = tmp_path / "people.csv"
    bad.write_text(
        "姓名,职务,电话,可任角色\n王建国,局长,13900000001,带班领导\n赵磊,科长,call me,厨师\n",
        encoding="utf-8-sig",
    )
    good = tmp_path / "good.csv"
    good.write_text(
        "姓名,职务,电话,可任角色\n王建国,局长,13900000001,带班领导\n赵磊,科长,13900000002,值班长\n",
        encoding="utf-8-sig",
    )
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        scr = await open_people(app, pilot)
        await pilot.press("i")
        f = await form(app, pilot)
        await pilot.press(*str(bad), "ctrl+s")
        await settle(pilot, lambda: error_of(f, "path") != "", what="the refusal", workers=True)
        text = error_of(f, "path")
        assert (
            "nothing was imported" in text
            and "row 3 · Phone" in text
            and "row 3 · May take" in text
        )
        assert store.officers.list(active_only=False) == []
        f.query_one("#f-path", Input).value = str(good)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("y")
        await settle(pilot, lambda: scr.loads >= 2, what="the list again", workers=True)
        assert [o.name for o in store.officers.list()] == ["王建国", "赵磊"]
        assert [r[0] for r in rows(scr)] == ["王建国", "赵磊"]


async def test_pins_set_then_reset_by_an_administrator(db_path, clock, store):
    admin = store.officers.add(Officer(name="王建国", title="局长", admin=True))
    store.officers.set_pin(admin.id, "2468")
    zhou = store.officers.add(Officer(name="周文博", title="科员"))
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        scr = await open_people(app, pilot)
        await pilot.press("down", "p")
        f = await form(app, pilot)
        assert f.query_one("#f-pin", Input).password  # a PIN shows as dots
        await pilot.press(*"12", "enter", *"12", "ctrl+s")
        await settle(pilot, lambda: error_of(f, "pin") != "", what="the refusal", workers=True)
        assert error_of(f, "pin") == "New PIN: a PIN is 4 to 12 digits"
        f.query_one("#f-pin", Input).value = "1357"
        f.query_one("#f-repeat", Input).value = "1357"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: scr.pins.get(zhou.id), what="the PIN set", workers=True)
        assert rows(scr)[1][6] == "✓"
        # Forgotten: an administrator resets it with their own PIN (a wrong one is counted).
        await pilot.press("p")
        await settle(pilot, lambda: isinstance(app.screen, ChoiceModal), what="the choice")
        await pilot.press("down", "enter")
        f = await form(app, pilot)
        await pilot.press("ctrl+s")
        await settle(
            pilot, lambda: error_of(f, "admin_pin") != "", what="the refusal", workers=True
        )
        assert error_of(f, "admin_pin") == "Admin's PIN: 王建国: enter your PIN"
        await pilot.press(*"1111", "ctrl+s")  # the PIN field has the focus now
        await settle(
            pilot, lambda: "wrong" in error_of(f, "admin_pin"), what="the refusal", workers=True
        )
        assert error_of(f, "admin_pin") == "Admin's PIN: wrong PIN; 4 tries left"
        assert store.officers.has_pin(zhou.id)
        f.query_one("#f-admin_pin", Input).value = "2468"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not scr.pins.get(zhou.id), what="the reset", workers=True)
        assert not store.officers.has_pin(zhou.id)

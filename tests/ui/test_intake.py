"""Pilot tests of a whole call: the keys a duty officer presses, and what was stored."""

from __future__ import annotations

from tests.helpers import TZ, Notices, facts, roster_today, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.files.drafts import load_draft
from watchdesk.models.incident import DeadlineStatus, Grade, ReportKind
from watchdesk.screens.dialogs import ConfirmDialog, FormDialog
from watchdesk.screens.intake import IncidentForm
from watchdesk.store.desk import Store


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


def open_store(db_path, clock):
    return Store.open(db_path, clock=clock, tz=TZ)


async def test_whole_call_intake_then_phone_report(db_path, clock, store):
    roster_today(store, clock)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="周文博")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        form = app.screen
        # The cursor is in the first field, and the received time is already now.
        assert app.focused.id == "f-place"
        assert form.query_one("#f-received_at").value == "2026-11-22 14:29:00"
        await type_text(pilot, "城关镇东街")
        await pilot.press("tab")
        assert app.focused.id == "f-category"
        await type_text(pilot, "hz")
        await pilot.press("enter")  # opens the picker with "hz": 火灾 first
        await settle(pilot, lambda: app.screen.__class__.__name__ == "CategoryPicker")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        assert form.query_one("#f-category").value == "Fire"
        form.query_one("#f-description").focus()
        await type_text(pilot, "商铺起火有人员被困")
        form.query_one("#f-dead").focus()
        await type_text(pilot, "10")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(app.screen, IncidentForm))
        await settle(pilot, lambda: app.dashboard is not None and app.dashboard.today)

        s = open_store(db_path, clock)
        [inc] = s.incidents.list()
        assert (inc.place, inc.category, inc.subtype, inc.dead) == (
            "城关镇东街",
            "accident",
            "fire",
            10,
        )
        assert inc.description == "商铺起火有人员被困" and inc.grade == Grade.II
        assert inc.received_at == clock()
        phone = [d for d in s.incidents.deadlines(inc.id) if d.kind == ReportKind.phone][0]
        assert phone.status == DeadlineStatus.running

        # Four minutes later the phone report is made: select it on the board and press p.
        clock.advance(minutes=4)
        app.screen.query_one("#board").focus()
        await pilot.press("p")  # the read-out card first, then p records the call
        await settle(pilot, lambda: app.screen.__class__.__name__ == "PhoneCard")
        await pilot.press("p")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        dialog = app.screen
        assert dialog.query_one("#f-at").value == "2026-11-22 14:33:00"
        dialog.query_one("#f-to_whom").focus()
        await type_text(pilot, "市应急管理局总值班室")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(app.screen, FormDialog))
        await app.workers.wait_for_complete()
        phone = [d for d in s.incidents.deadlines(inc.id) if d.kind == ReportKind.phone][0]
        assert phone.status == DeadlineStatus.done
        rep = s.incidents.reports(inc.id)[0]
        assert rep.to_whom == "市应急管理局总值班室" and rep.late_seconds < 0
        assert rep.by_whom == "周文博"
        s.close()


async def test_bad_field_keeps_what_was_typed_and_writes_nothing(db_path, clock, store):
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        form = app.screen
        form.query_one("#f-place").value = "东坡街道"
        form.query_one("#f-category").value = "火灾"
        form.query_one("#f-description").value = "厨房起火"
        form.query_one("#f-dead").value = "-2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IncidentForm)
        assert "negative" in str(form.query_one("#e-dead").render())
        assert form.query_one("#f-place").value == "东坡街道"
        assert app.focused.id == "f-dead"
        # An occurrence after the receipt is refused at its field too.
        form.query_one("#f-dead").value = "0"
        form.query_one("#f-received_at").value = "2026-11-22 14:00"
        form.query_one("#f-occurred_at").value = "14:10"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "after" in str(form.query_one("#e-occurred_at").render())
        assert store.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0
        # Esc asks before throwing anything away.
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))


async def test_one_line_intake_fills_the_form(db_path, clock, store):
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("colon")
        await settle(pilot, lambda: app.screen.__class__.__name__ == "QuickLine")
        app.screen.query_one("#line").value = "火灾 @城关镇东街 亡1 伤3 困2 敏感"
        await pilot.press("enter")
        # A complete line goes to its confirmation (Enter would save: tests/ui/test_quickline.py);
        # `e` opens the filled form instead.
        await settle(pilot, lambda: app.screen.__class__.__name__ == "QuickConfirm")
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        form = app.screen
        assert form.query_one("#f-place").value == "城关镇东街"
        assert form.query_one("#f-dead").value == "1"
        assert form.query_one("#f-trapped").value == "2"
        assert form.query_one("#f-sensitive").value is True
        # Shown for confirmation: nothing saved until ctrl+s.
        assert store.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(app.screen, IncidentForm))
        [inc] = store.incidents.list()
        assert inc.sensitive and inc.injured == 3
        # Sensitive: phone and written clocks although the grade is ordinary.
        kinds = {d.kind for d in store.incidents.deadlines(inc.id)}
        assert {ReportKind.phone, ReportKind.written} <= kinds and inc.grade == Grade.IV


async def test_half_typed_form_survives_a_crash(db_path, clock, store):
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        await type_text(pilot, "青山铺镇")
        await settle(
            pilot,
            lambda: (load_draft(app.draft_path) or {}).get("values", {}).get("place") == "青山铺镇",
            n=400,
        )
        draft_file = app.draft_path
    # The app is gone without saving (as after a kill): the draft is on disk.
    assert load_draft(draft_file)["values"]["place"] == "青山铺镇"
    app2 = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app2.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: isinstance(app2.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(app2.screen, IncidentForm))
        assert app2.screen.query_one("#f-place").value == "青山铺镇"


async def test_hold_and_stale_save_between_two_consoles(db_path, clock, store):
    """Two consoles on one file. Screens are opened with keys (not push_screen from the test),
    so each app's handlers run in that app's own context."""
    from watchdesk.screens.incident import IncidentScreen

    inc = store.incidents.add(facts(clock, description="初始情况"))
    a = make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="张三")
    b = make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="李四")
    b.seat = "tty-b"
    b_notices = Notices(b)
    async with a.run_test(size=(140, 45)) as pa, b.run_test(size=(140, 45)) as pb:
        await settle(pa, lambda: a.loads >= 1)
        await settle(pb, lambda: b.loads >= 1)
        # A opens the incident (Enter on the board) and starts editing it (ctrl+e).
        await pa.press("enter")
        await settle(pa, lambda: isinstance(a.screen, IncidentScreen) and a.screen.incident)
        await pa.press("ctrl+e")
        await settle(pa, lambda: isinstance(a.screen, IncidentForm))
        await settle(pa, lambda: store.holds.current(inc.id) is not None)
        assert store.holds.current(inc.id).holder == "张三"
        # B opens the same incident and sees who holds it.
        await pb.press("enter")
        await settle(pb, lambda: isinstance(b.screen, IncidentScreen) and b.screen.incident)
        assert "张三" in str(b.screen.query_one("#incident-hold").render())
        # B cannot take the form while A holds it.
        await pb.press("ctrl+e")
        await settle(
            pb,
            lambda: (
                isinstance(b.screen, IncidentScreen) and any("张三" in n for n in b_notices.texts)
            ),
        )
        # Meanwhile someone saves behind A's back (a script through the CLI, say).
        other = store.incidents.get(inc.id)
        store.incidents.update(
            inc.id, other.model_copy(update={"trend": "火势扩大"}), expected_version=other.version
        )
        form = a.screen
        form.query_one("#f-description").value = "已扑灭"
        await pa.press("ctrl+s")
        await settle(pa, lambda: a.screen.__class__.__name__ == "MergeDialog")
        # Nothing was overwritten silently.
        assert store.incidents.get(inc.id).description == "初始情况"
        await pa.press("enter")  # "keep mine" has the focus
        await settle(pa, lambda: isinstance(a.screen, IncidentForm))
        await pa.press("ctrl+s")
        await settle(pa, lambda: not isinstance(a.screen, IncidentForm))
        saved = store.incidents.get(inc.id)
        assert (saved.description, saved.trend) == ("已扑灭", "火势扩大")
        assert store.holds.current(inc.id) is None  # released on save
        # The hold would also have expired by itself.
        await pb.press("ctrl+e")
        await settle(pb, lambda: isinstance(b.screen, IncidentForm))
        clock.advance(minutes=3)
        assert store.holds.current(inc.id) is None


async def test_keys_are_in_footer_and_readme(db_path, clock, store):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(200, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        keys = {
            k for k, (_, binding, enabled, _) in app.screen.active_bindings.items() if binding.show
        }
        for key in ("n", "colon", "slash", "l", "p", "w", "f", "v", "k", "e", "u", "i"):
            assert key in keys, key
            display = {"colon": ":", "slash": "/"}.get(key, key)
            assert f"`{display}`" in readme, f"README does not list {display}"


async def test_new_figures_that_lower_the_grade_ask_first(db_path, clock, store):
    inc = store.incidents.add(facts(clock, dead=10, description="客车侧翻"))
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("u")  # the board's first clock is this incident's
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        dialog = app.screen
        dialog.query_one("#f-dead").value = "1"
        dialog.query_one("#f-source").value = "县卫健局核实"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        # The new figures are saved already; only the lower grade waits for the answer.
        assert store.incidents.get(inc.id).dead == 1
        assert store.incidents.get(inc.id).grade.value == "II"
        await pilot.press("y")
        await settle(pilot, lambda: store.incidents.get(inc.id).grade.value == "IV")
        kinds = {d.kind for d in store.incidents.deadlines(inc.id) if d.status.value == "running"}
        assert ReportKind.phone not in kinds
        assert [f.source for f in store.figures.history(inc.id)][-1] == "县卫健局核实"

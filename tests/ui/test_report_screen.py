"""The report itself in the console (issue 14), pressed as an officer would: `w` on the board
drafts the written report the clock waits for; the officer fills in what was unknown, keeps the
text, re-draws it after new figures (seeing what would change first), the chain is signed by the
officer, the chief and the leader (who walks over and signs with his PIN), and sending it closes
the clock on time. Also: the phone report's read-out card, a draft another console holds."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from tests.helpers import facts, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.i18n import t
from watchdesk.models.incident import DeadlineStatus, ReportKind
from watchdesk.models.officer import Officer
from watchdesk.models.roster import Role
from watchdesk.screens.dialogs import FormDialog
from watchdesk.screens.report import DiffDialog, PhoneCard, ReportScreen
from watchdesk.widgets.board import CountdownBoard


def people(store) -> None:
    for name, roles, pin in (
        ("孙丽娜", [Role.officer], "2468"),
        ("赵磊", [Role.chief], "1357"),
        ("王建国", [Role.leader], "8642"),
    ):
        o = store.officers.add(Officer(name=name, roles=roles))
        store.officers.set_pin(o.id, pin)


def app_as(db_path, clock, name: str):
    return make_app(
        db_path,
        settings=Settings(report_to="市应急管理局总值班室", desk_name="湘江县应急管理局总值班室"),
        clock=clock,
        poll=False,
        actor=name,
    )


async def on_written_clock(app, pilot, inc_id: int) -> None:
    await settle(pilot, lambda: app.loads >= 1)
    main = app.get_screen_main()
    board = main.query_one(CountdownBoard)
    await settle(pilot, lambda: board.row_count > 0)
    board.focus()
    assert main.selected_incident_id() == inc_id


async def sign(app, pilot, who: str = "", pin: str = "") -> None:
    await pilot.press("ctrl+g")
    await settle(pilot, lambda: isinstance(app.screen, FormDialog), what="the sign dialog")
    form = app.screen
    if who:
        form.query_one("#f-officer", Input).value = who
    if pin:
        form.query_one("#f-pin", Input).value = pin
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: isinstance(app.screen, ReportScreen), workers=True)


async def test_w_drafts_edits_signs_three_times_and_sending_closes_the_clock(db_path, clock, store):
    people(store)
    inc = store.incidents.add(facts(clock, dead=10, description="居民楼起火，有人员被困"))
    written = next(d for d in store.incidents.deadlines(inc.id) if d.kind == ReportKind.written)
    app = app_as(db_path, clock, "孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await on_written_clock(app, pilot, inc.id)
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(app.screen, ReportScreen), what="the report")
        screen = app.screen
        await settle(pilot, lambda: screen.report is not None, workers=True)
        rep = screen.report
        assert rep.kind == ReportKind.written and "事发单位" in rep.missing
        # The elements beside the text say what is unknown.
        assert t("rep.unknown") in str(screen.query_one("#report-element-lines").render())
        area = screen.query_one("#report-text", TextArea)
        assert area.text.startswith(rep.title)
        # The officer fills in the unit and keeps the text.
        area.load_text(area.text.replace("【待核实：事发单位】", "城关镇东街某居民楼物业公司"))
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: store.written.get(rep.id).version == 2, workers=True)
        assert "事发单位" not in store.written.get(rep.id).missing
        # New figures arrive; the re-draw shows what would change, and "keep mine" changes nothing.
        clock.advance(minutes=5)
        store.figures.update(inc.id, {"dead": 10, "injured": 3}, source="县人民医院")
        await settle(pilot, lambda: not screen.dirty())
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: isinstance(app.screen, DiffDialog), what="the diff")
        diff = str(app.screen.query_one("#diff-text").render())
        assert "3人受伤" in diff and "城关镇东街某居民楼物业公司" in diff
        await pilot.press("enter")  # the focus is on "keep my text"
        await settle(pilot, lambda: app.screen is screen)
        assert store.written.get(rep.id).version == 2
        # 拟稿 by the officer at the keyboard, 审核 by the chief and 签发 by the leader, each with
        # their PIN.
        await sign(app, pilot)
        await settle(pilot, lambda: store.written.get(rep.id).status == "signoff")
        await sign(app, pilot, "赵磊", "1357")
        await sign(app, pilot, "王建国", "8642")
        done = store.written.get(rep.id)
        assert (
            done.status == "signed" and done.serial == "〔2026〕第1期" and done.signer == "王建国"
        )
        assert [(s.step, s.officer_name) for s in done.steps] == [
            ("drafted", "孙丽娜"),
            ("checked", "赵磊"),
            ("signed", "王建国"),
        ]
        # Sending closes the clock, on time.
        await pilot.press("ctrl+o")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog), what="the send form")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: store.written.get(rep.id).status == "sent", workers=True)
        clock_now = next(d for d in store.incidents.deadlines(inc.id) if d.id == written.id)
        assert clock_now.status == DeadlineStatus.done
        event = next(r for r in store.incidents.reports(inc.id) if r.kind == ReportKind.written)
        assert event.late_seconds <= 0 and event.to_whom == "市应急管理局总值班室"
        assert "〔2026〕第1期" in event.content


async def test_a_wrong_pin_or_a_signer_without_the_role_is_refused_on_the_form(
    db_path, clock, store
):
    people(store)
    inc = store.incidents.add(facts(clock, dead=10))
    app = app_as(db_path, clock, "孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await on_written_clock(app, pilot, inc.id)
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(app.screen, ReportScreen))
        screen = app.screen
        await settle(pilot, lambda: screen.report is not None, workers=True)
        rid = screen.report.id
        await sign(app, pilot)  # 拟稿
        await pilot.press("ctrl+g")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        form = app.screen
        form.query_one("#f-officer", Input).value = "赵磊"
        form.query_one("#f-pin", Input).value = "0000"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: form.query(".field-error"), workers=True)
        assert isinstance(app.screen, FormDialog)  # still open, typed text kept
        assert form.query_one("#f-officer", Input).value == "赵磊"
        assert [s.step for s in store.written.get(rid).steps] == ["drafted"]


async def test_p_shows_the_read_out_card_with_what_is_missing(db_path, clock, store):
    inc = store.incidents.add(facts(clock, dead=10))
    app = app_as(db_path, clock, "周文博")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        app.get_screen_main().query_one(CountdownBoard).focus()
        await pilot.press("p")
        await settle(pilot, lambda: isinstance(app.screen, PhoneCard))
        card = app.screen
        await settle(pilot, lambda: "城关镇东街" in str(card.query_one("#card").render()))
        text = str(card.query_one("#card").render())
        assert "事发地点：城关镇东街" in text and t("rep.unknown") in text
        assert "事发单位" in str(card.query_one("#card-missing").render())
        await pilot.press("escape")  # back: nothing recorded
        await settle(pilot, lambda: not isinstance(app.screen, PhoneCard))
        assert store.incidents.reports(inc.id) == []


async def test_a_draft_open_in_another_console_is_read_only(db_path, clock, store):
    people(store)
    inc = store.incidents.add(facts(clock, dead=10))
    app = app_as(db_path, clock, "孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await on_written_clock(app, pilot, inc.id)
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(app.screen, ReportScreen))
        screen = app.screen
        await settle(pilot, lambda: screen.report is not None, workers=True)
        rid = screen.report.id
        await settle(pilot, lambda: store.report_holds.current(rid) is not None, workers=True)
        assert store.report_holds.current(rid).holder == "孙丽娜"
        await pilot.press("escape")
        await settle(pilot, lambda: store.report_holds.current(rid) is None, workers=True)
    # Someone else holds it now: this console opens it read-only.
    store.report_holds.acquire(rid, "赵磊", "tty9")
    app = app_as(db_path, clock, "孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await on_written_clock(app, pilot, inc.id)
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(app.screen, ReportScreen))
        screen = app.screen
        await settle(pilot, lambda: screen.report is not None and screen.read_only, workers=True)
        assert screen.query_one("#report-text", TextArea).read_only
        assert "赵磊" in str(screen.query_one("#report-status").render())
        await pilot.press("ctrl+s")
        await settle(pilot, workers=True)
        assert store.written.get(rid).version == 1


async def test_enter_on_a_written_report_in_the_timeline_opens_it(db_path, clock, store):
    from tests.store.test_report_signoff import _as
    from watchdesk.screens.incident import IncidentScreen

    people(store)
    inc = store.incidents.add(facts(clock, dead=10))
    _as(store, "孙丽娜")
    rep = store.written.create(inc.id, ReportKind.written)
    app = app_as(db_path, clock, "孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await on_written_clock(app, pilot, inc.id)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, IncidentScreen) and app.screen.items)
        screen = app.screen
        row = next(i for i, x in enumerate(screen.items) if x.data.get("written_id") == rep.id)
        tl = screen.query_one("#incident-timeline")
        tl.focus()
        tl.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, ReportScreen))
        assert app.screen.report_id == rep.id


async def test_f6_saves_the_draft_as_text_pdf_and_docx(db_path, clock, store, tmp_path):
    from tests.store.test_report_signoff import needs_font

    if needs_font.args[0]:
        return  # no CJK font: the PDF cannot be rendered (the CLI tests cover the refusal)
    people(store)
    inc = store.incidents.add(facts(clock, dead=10))
    out = tmp_path / "exports"
    app = make_app(
        db_path, settings=Settings(export_dir=str(out)), clock=clock, poll=False, actor="孙丽娜"
    )
    async with app.run_test(size=(140, 45)) as pilot:
        await on_written_clock(app, pilot, inc.id)
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(app.screen, ReportScreen))
        screen = app.screen
        await settle(pilot, lambda: screen.report is not None, workers=True)
        await pilot.press("f6")
        await settle(pilot, lambda: (out / "report-1-draft.docx").exists(), workers=True)
        assert (out / "report-1-draft.pdf").read_bytes().startswith(b"%PDF")
        assert "【草稿】" in (out / "report-1-draft.txt").read_text("utf-8")
        assert (out / "report-1-draft.txt").stat().st_mode & 0o077 == 0


async def test_f2_drafts_another_kind_the_final_report(db_path, clock, store):
    people(store)
    inc = store.incidents.add(facts(clock, dead=10))
    app = app_as(db_path, clock, "孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await on_written_clock(app, pilot, inc.id)
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(app.screen, ReportScreen))
        first = app.screen
        await settle(pilot, lambda: first.report is not None, workers=True)
        await pilot.press("f2")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-kind").value = "final"
        await pilot.press("ctrl+s")
        await settle(
            pilot,
            lambda: (
                isinstance(app.screen, ReportScreen)
                and app.screen is not first
                and app.screen.report is not None
            ),
            workers=True,
        )
        assert app.screen.report.kind == ReportKind.final
        assert [r.kind for r in store.written.list(inc.id)] == [
            ReportKind.written,
            ReportKind.final,
        ]


async def test_f3_adds_a_unit_from_the_directory_to_copy_to(db_path, clock, store):
    from tests.directory.fixtures import seed
    from watchdesk.screens.directory_picker import UnitPickerScreen

    people(store)
    seed(store)
    inc = store.incidents.add(facts(clock, dead=10))
    app = app_as(db_path, clock, "孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await on_written_clock(app, pilot, inc.id)
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(app.screen, ReportScreen))
        screen = app.screen
        await settle(pilot, lambda: screen.report is not None, workers=True)
        await pilot.press("f3")
        await settle(pilot, lambda: isinstance(app.screen, UnitPickerScreen))
        picker = app.screen
        await pilot.press(*"xfjy")  # 消防救援 by its pinyin initials
        await settle(pilot, lambda: picker.searches >= 2, workers=True)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, FormDialog))
        app.screen.query_one("#f-list").value = "copy_to"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: store.written.get(screen.report_id).copy_to, workers=True)
        got = store.written.get(screen.report_id)
        assert len(got.copy_to) == 1 and "消防" in got.copy_to[0]
        assert got.report_to == ["市应急管理局总值班室"]


async def test_f7_on_a_sent_report_drafts_its_correction(db_path, clock, store):
    from tests.store.test_report_signoff import _as

    people(store)
    inc = store.incidents.add(facts(clock, dead=10))
    _as(store, "孙丽娜")
    rep = store.written.create(inc.id, ReportKind.written, policy=None)
    store.written.send(rep.id, via="传真", without_chain=True)
    app = app_as(db_path, clock, "孙丽娜")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        app.push_screen(ReportScreen(rep.id))
        await settle(pilot, lambda: isinstance(app.screen, ReportScreen) and app.screen.report)
        first = app.screen
        await pilot.press("f7")
        await settle(
            pilot,
            lambda: (
                isinstance(app.screen, ReportScreen)
                and app.screen is not first
                and app.screen.report is not None
            ),
            workers=True,
        )
        new = app.screen.report
        assert new.corrects_id == rep.id and new.title.endswith("（更正）")
        assert store.written.get(rep.id).status == "sent"  # the old one stays

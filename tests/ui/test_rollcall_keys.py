"""Pilot tests of the roll-call runner's keys (issue 13): an outcome key acts on the highlighted
unit, never on another unit's answer; a name typed before the outcome key is kept."""

from __future__ import annotations

from tests.directory.fixtures import seed
from tests.helpers import settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.models.rollcall import Outcome
from watchdesk.screens.dialogs import ConfirmDialog
from watchdesk.screens.rollcall_run import RollCallRunScreen


async def open_runner(app, pilot, store) -> RollCallRunScreen:
    rid = store.rollcall.start("townships").round.id
    await settle(pilot, lambda: app.loads >= 1)
    app.push_screen(RollCallRunScreen(rid))
    await settle(
        pilot,
        lambda: isinstance(app.screen, RollCallRunScreen) and app.screen.report is not None,
        what="the runner",
        workers=True,
    )
    return app.screen


def outcomes(store, run) -> list[tuple]:
    rep = store.rollcall.report(run.round_id)
    return [(e.unit_name, e.outcome, e.answered_by) for e in rep.entries]


async def test_outcome_keys_act_on_the_highlighted_unit(db_path, clock, store):
    seed(store)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        run = await open_runner(app, pilot, store)
        assert run.current.unit_name == "城关镇值班室"
        # Down to the third unit: the card shows it, and 2 (no answer) is for it.
        await pilot.press("down", "down")
        await settle(pilot, lambda: "青山铺镇" in str(run.query_one("#run-unit").render()))
        assert "0731-84511003" in str(run.query_one("#run-phone").render())
        await pilot.press("2")
        await settle(pilot, lambda: run.report.summary.checked == 1, workers=True)
        assert outcomes(store, run) == [
            ("城关镇值班室", None, ""),
            ("东坡街道值班室", None, ""),
            ("青山铺镇值班室", Outcome.no_answer, ""),
        ]
        # The runner stands on the first unchecked one again; 1 and a name answer for it.
        assert run.highlighted.unit_name == "城关镇值班室"
        await pilot.press("1", *"李明", "enter")
        await settle(pilot, lambda: run.report.summary.checked == 2, workers=True)
        # The runner now stands on the second; down to the third (answered already): 3
        # corrects that one, and the second keeps no answer.
        assert run.highlighted.unit_name == "东坡街道值班室"
        await pilot.press("down")
        await settle(pilot, lambda: run.highlighted.unit_name == "青山铺镇值班室")
        await pilot.press("3")
        await settle(pilot, lambda: run.report.entries[2].outcome == Outcome.busy, workers=True)
    assert outcomes(store, run) == [
        ("城关镇值班室", Outcome.on_post, "李明"),
        ("东坡街道值班室", None, ""),
        ("青山铺镇值班室", Outcome.busy, ""),
    ]


async def test_a_name_typed_before_the_outcome_key_is_kept(db_path, clock, store):
    seed(store)
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        run = await open_runner(app, pilot, store)
        await pilot.press("down")  # 东坡街道
        await settle(pilot, lambda: run.highlighted.unit_name == "东坡街道值班室")
        # The answerer says their name first: typed in "who answered", then the key.
        run.query_one("#run-who").focus()
        await pilot.press(*"王芳")
        clock.advance(seconds=9)
        await pilot.press("4")  # answered by someone not on duty
        assert run.query_one("#run-who").value == "王芳"  # kept, and no "4" typed into it
        assert run.pending == Outcome.not_on_duty
        await pilot.press("enter")
        await settle(pilot, lambda: run.report.summary.checked == 1, workers=True)
        # A name typed and left unsaved: Esc leaves the field, then asks before the pause.
        run.query_one("#run-who").focus()
        await pilot.press(*"赵六", "escape")
        assert run.query_one("#run-who").value == "赵六" and app.screen is run
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("n")
        await settle(pilot, lambda: app.screen is run)
        assert run.query_one("#run-who").value == "赵六"
    rep = store.rollcall.report(run.round_id)
    assert [(e.outcome, e.answered_by, e.answer_seconds) for e in rep.entries] == [
        (None, "", None),
        (Outcome.not_on_duty, "王芳", 9),
        (None, "", None),
    ]

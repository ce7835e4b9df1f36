"""Pilot tests: Esc asks before throwing typed text away on the warning-issue form, the unit
form and the file-path prompt, reached with the keys an officer presses (issue 13); with
nothing typed, Esc closes at once."""

from __future__ import annotations

from tests.directory.fixtures import seed
from tests.helpers import settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.screens.dialogs import ConfirmDialog
from watchdesk.screens.directory import DirectoryScreen
from watchdesk.screens.directory_forms import PathScreen, UnitFormScreen
from watchdesk.screens.warning import WarningsScreen
from watchdesk.screens.warning_forms import IssueWarningScreen


def app_for(db_path, clock):
    return make_app(db_path, settings=Settings(), clock=clock, poll=False)


async def esc_asks(app, pilot, form) -> None:
    """Esc on `form` asks; No keeps it as typed; Yes throws it away."""
    typed = form.values()
    await pilot.press("escape")
    await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
    await pilot.press("n")
    await settle(pilot, lambda: app.screen is form)
    assert form.values() == typed
    await pilot.press("escape")
    await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog))
    await pilot.press("y")
    await settle(
        pilot, lambda: app.screen is not form and not isinstance(app.screen, ConfirmDialog)
    )


async def test_esc_asks_on_the_warning_issue_form(db_path, clock, store):
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(app.screen, WarningsScreen), workers=True)
        board = app.screen
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, IssueWarningScreen))
        form = app.screen
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot, lambda: app.screen is board)
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, IssueWarningScreen))
        form = app.screen
        await pilot.press("tab", "tab", *"城关镇")  # the area
        assert form.query_one("#w-area").value == "城关镇"
        await esc_asks(app, pilot, form)
        assert app.screen is board
        # Typed in the measures (a text area) only: asked about too.
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, IssueWarningScreen))
        form = app.screen
        form.query_one("#w-measures").focus()
        await pilot.press(*"停课")
        await esc_asks(app, pilot, form)
    assert store.warnings.in_force(clock()) == []


async def test_esc_asks_on_the_unit_form_and_the_path_prompt(db_path, clock, store):
    seed(store)
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(app.screen, DirectoryScreen), workers=True)
        directory = app.screen
        await settle(pilot, lambda: directory.searches >= 1, workers=True)
        await pilot.press("enter", "a")
        await settle(pilot, lambda: isinstance(app.screen, UnitFormScreen))
        form = app.screen
        await pilot.press(*"县气象局")
        await esc_asks(app, pilot, form)
        assert app.screen is directory and store.directory.find("县气象局") is None
        # The export path prompt: a changed path is asked about too.
        await pilot.press("x")
        await settle(pilot, lambda: isinstance(app.screen, PathScreen))
        prompt = app.screen
        await pilot.press("end", *"x")
        await esc_asks(app, pilot, prompt)
        assert app.screen is directory

"""The first screen and the warnings board at 100x30: nothing a duty officer must read is cut."""

from __future__ import annotations

from rich.cells import cell_len

from tests.helpers import roster_today, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.i18n import using
from watchdesk.widgets.leader_check import LeaderCheckBar


async def test_leader_check_line_wraps_instead_of_being_cut(db_path, clock, store):
    roster_today(store, clock)  # nobody signed in, no check recorded
    clock.advance(hours=12)  # hours after the first check was due: the long overdue line
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    with using("en"):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
            bar = app.screen.query_one(LeaderCheckBar)
            text = bar.render().plain if hasattr(bar.render(), "plain") else str(bar.render())
            inner = bar.content_region.width
            assert cell_len(text) > inner, "the line should be longer than one row here"
            assert bar.size.height >= -(-cell_len(text) // inner), (text, bar.size)


async def test_warnings_board_shows_status_at_100_columns(db_path, clock, store):
    from textual.widgets import DataTable

    from watchdesk.models.warning import WarningInput
    from watchdesk.rules.warning import Level
    from watchdesk.screens.warning import WarningsScreen

    def issue(kind: str) -> int:
        w = WarningInput(
            kind=kind, level=Level.IV, area="全县各乡镇", issuer="县气象台", issued_at=clock()
        )
        return store.warnings.issue(w).id

    issue("rainstorm")
    store.warnings.lift(issue("gale"), at=clock())
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    with using("zh"):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
            board = WarningsScreen()
            await app.push_screen(board)
            await settle(pilot, lambda: board.loads >= 1, what="the board", workers=True)
            table = board.query_one("#warn-table", DataTable)
            visible = table.scrollable_content_region.width
            # every column up to and including the status fits in the visible width
            upto = 0
            for col in table.ordered_columns:
                upto += col.get_render_width(table)
                if col.key.value == "status":
                    break
            assert upto <= visible, (upto, visible)
            statuses = [str(table.get_cell_at((r, 1))) for r in range(table.row_count)]
            assert sorted(statuses) == ["已解除", "生效中"]


async def test_board_shows_a_whole_overdue_time_left(db_path, clock, store):
    from tests.helpers import facts
    from watchdesk.i18n import t
    from watchdesk.widgets.board import CountdownBoard

    roster_today(store, clock)
    store.incidents.add(facts(clock, dead=10))
    clock.advance(days=12, hours=18)  # every clock long overdue: "OVER 12d …"
    for lang in ("zh", "en"):
        app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
        with using(lang):
            async with app.run_test(size=(100, 30)) as pilot:
                await settle(pilot, lambda a=app: a.loads >= 1, what="the dashboard", workers=True)
                board = app.screen.query_one(CountdownBoard)
                width = next(c.width for c in board.ordered_columns if c.key.value == "left")
                for r in board.rows_data:
                    cell = str(board.get_cell(str(r.deadline_id), "left"))
                    assert cell.startswith(t("board.overdue", time="").strip()), cell
                    assert cell_len(cell) <= width, (cell, width)

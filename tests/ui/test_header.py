"""The title bar survives being taken down while a title changes (a refused edit form came up
and went at once; Textual's own header then raised NoMatches and stopped the console)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Header
from textual.widgets._header import HeaderTitle

from watchdesk.widgets.header import DeskHeader


class _Bare(App[None]):
    def __init__(self, header: type[Header]) -> None:
        super().__init__()
        self.header = header

    def compose(self) -> ComposeResult:
        yield self.header()


async def _title_changes_after_the_title_is_gone(header: type[Header]) -> str:
    app = _Bare(header)
    async with app.run_test() as pilot:
        await app.query_one(HeaderTitle).remove()
        app.sub_title = "孙丽娜 值班中"
        await pilot.pause()
        app.title = "watchdesk"
        await pilot.pause()
        return "still running"


async def test_desk_header_tolerates_a_title_change_while_torn_down():
    assert await _title_changes_after_the_title_is_gone(DeskHeader) == "still running"


async def test_textuals_header_did_not():
    """Why DeskHeader exists: if Textual mends this, the subclass can go."""
    with pytest.raises(Exception, match="HeaderTitle"):
        await _title_changes_after_the_title_is_gone(Header)


async def test_desk_header_still_shows_the_title():
    app = _Bare(DeskHeader)
    async with app.run_test() as pilot:
        app.title = "值班台"
        app.sub_title = "孙丽娜"
        await pilot.pause()
        text = str(app.query_one(HeaderTitle).render())
        assert "值班台" in text and "孙丽娜" in text

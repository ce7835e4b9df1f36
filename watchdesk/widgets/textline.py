"""A few lines of text that redraw on a tick only what changed.

The banner and the leader-check bar recompute their text every second from the app's `now`.
A `Static` would repaint all of its lines and lay the whole screen out again each time; here an
unchanged text does nothing, and a new text that takes as many lines (a countdown going from
7:42:56 to 7:42:55) repaints only the lines that changed, from their first changed cell, without
a layout pass (and `watchdesk.widgets.chops` then sends the terminal only those cells). The
lines compared are the ones drawn, wrapped to the widget's width as Textual wraps them, and
they are what the repaint shows (Widget would draw the whole text again: a private Textual
method, `_render_content`, is replaced; Textual is pinned to an exact version).
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget, _RenderCache


def changed_cells(old: Strip, new: Strip) -> tuple[int, int] | None:
    """The cells [start, end) that differ between two drawn lines, by whole segments (None:
    nothing differs)."""
    a, b = list(old), list(new)
    same = 0
    while same < min(len(a), len(b)) and a[same] == b[same]:
        same += 1
    if same == len(a) == len(b):
        return None
    tail = 0
    while tail < min(len(a), len(b)) - same and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start = sum(s.cell_length for s in b[:same])
    tail_cells = sum(s.cell_length for s in b[len(b) - tail :])
    end = max(old.cell_length, new.cell_length) - tail_cells  # a shorter line clears the rest
    return start, max(end, start + 1)


class TextLine(Widget):
    DEFAULT_CSS = """
    TextLine { height: auto; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.last_text = Text()
        self._drawn: tuple[int, list[Strip]] | None = None  # the width and lines last drawn

    def render(self) -> Text:
        return self.last_text

    def _render_content(self) -> None:
        """The lines `show` just drew, rather than drawing the text again (Widget's own draws
        all of it on every repaint, however small the region)."""
        drawn = self._drawn
        if drawn is None or (drawn[0], len(drawn[1])) != tuple(self.size):
            super()._render_content()
            return
        self._render_cache = _RenderCache(self.size, drawn[1])
        self._dirty_regions.clear()

    def notify_style_update(self) -> None:
        self._drawn = None  # drawn in the old styles: drawn again, all of it
        super().notify_style_update()

    def _lines(self, text: Text, width: int) -> list[Strip]:
        visual = visualize(self, text, markup=False)
        return Visual.to_strips(self, visual, width, None, self.visual_style)

    def show(self, text: Text) -> None:
        """Show `text` (kept as `last_text`) if it differs from what is shown."""
        if self._drawn is not None and text == self.last_text:
            return
        self.last_text = text
        width = self.size.width
        before = self._drawn
        if not width or not self.is_mounted:
            self._drawn = None
            self.refresh(layout=True)
            return
        lines = self._lines(text, width)
        self._drawn = (width, lines)
        if before is None or before[0] != width or len(before[1]) != len(lines):
            self.refresh(layout=True)
            return
        regions = []
        for y, (a, b) in enumerate(zip(before[1], lines, strict=True)):
            cells = changed_cells(a, b)
            if cells is not None:
                regions.append(Region(cells[0], y, cells[1] - cells[0], 1))
        if regions:
            self.refresh(*regions)

"""A DataTable for tables whose every column has a fixed width and every row is one line.

Textual measures each cell it is given (on `add_row`, and again on each `update_cell`) to keep
track of how wide a column's content is; a column with a fixed width never uses that figure.
On the first screen (a busy desk: ~120 running clocks and ~70 incidents of the day) the measuring
was ~15 ms of opening the console, and the countdown board paid it again every second for each
time-left cell it updates. This table skips the measuring when there is nothing to size: any
auto-width column, labelled row or auto-height row hands the work back to DataTable unchanged.

An updated cell repaints only itself: DataTable.update_cell repaints the whole table, and on the
first screen the countdown board's tick then sent every row of the board to the terminal each
second (what `watchdesk serve` and an SSH session carry) instead of the time-left cells. And
only that cell is drawn again: DataTable forgets every drawn cell on any update (its caches are
keyed by a count of updates), so each tick drew all the cells of every row with a clock; here
drawn cells are kept by a count of the table's other updates and each cell's own. And a row whose
cells only were updated is not put together again from all its cells and the table's styles
(several style look-ups up the DOM per row): its line as last drawn gets the new cells put in.

It overrides five private DataTable methods (and uses its private caches' counter and the
`_require_update_dimensions` flag); Textual is pinned to an exact version in
pyproject.toml and tests/ui/test_fixed_table.py compares it with a plain DataTable, segment by
segment.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, CellType, ColumnKey, RowKey


def cell_text(value: str) -> Text:
    """A one-line cell. Text, not str: a DataTable reads a str as markup ("[" in a place name
    would be taken for a style) and parses it on every draw. Too long for its column, it ends
    in "…" instead of being cut off wherever the wrap fell."""
    return Text(value, no_wrap=True, overflow="ellipsis")


class FixedTable(DataTable):
    def __init__(self, *args, **kwargs) -> None:
        # before DataTable's own: its watchers clear the caches while it starts
        self._cell_updates = 0  # the updates of `_update_count` made by update_cell here
        self._cell_versions: dict[tuple[RowKey, ColumnKey], int] = {}
        self._drawn_cells: LRUCache[tuple, list[list[Segment]]] = LRUCache(10000)
        # each line of a row as last drawn, by y: (what else it was drawn with, its cells'
        # versions, the row's style, the line); at most one per line of the table
        self._drawn_lines: dict[int, tuple[tuple, tuple[int, ...], Style, Strip]] = {}
        super().__init__(*args, **kwargs)

    def _nothing_to_size(self) -> bool:
        return bool(self.columns) and not any(c.auto_width for c in self.columns.values())

    def _update_column_widths(self, updated_cells: set[CellKey]) -> None:
        if not self._nothing_to_size():
            super()._update_column_widths(updated_cells)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        new_rows = list(new_rows)
        rows = [self.rows.get(k) for k in new_rows]
        if not self._nothing_to_size() or any(
            r is not None and (r.auto_height or r.label is not None) for r in rows
        ):
            super()._update_dimensions(new_rows)
            return
        # What DataTable._update_dimensions ends with: the scrollable size.
        width = sum(c.get_render_width(self) for c in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width, self._total_row_height + header
        )

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        """DataTable.update_cell, repainting only the cell when nothing has to be measured."""
        if update_width:
            super().update_cell(row_key, column_key, value, update_width=True)
        else:
            self.update_cells([(row_key, column_key, value)])

    def update_cells(self, cells: Iterable[tuple[RowKey | str, ColumnKey | str, CellType]]) -> None:
        """`update_cell` for each (row, column, value), with one repaint of the changed cells
        (the countdown board's tick)."""
        one_line = (
            self._nothing_to_size()
            and self._total_row_height == self.row_count  # no row of more than one line
            and not self.fixed_rows
            and not self.fixed_columns
        )
        columns = self.ordered_columns
        top = self.header_height if self.show_header else 0
        regions = []
        for row, column, value in cells:
            row_key = RowKey(row) if isinstance(row, str) else row
            column_key = ColumnKey(column) if isinstance(column, str) else column
            row_index = self._row_locations.get(row_key)
            column_index = self._column_locations.get(column_key)
            if not one_line or row_index is None or column_index is None:
                super().update_cell(row_key, column_key, value)
                continue
            self._data[row_key][column_key] = value
            self._update_count += 1  # the render caches' key: the rows are drawn anew ...
            self._cell_updates += 1  # ... from their cells as drawn, but for this one
            self._cell_versions[row_key, column_key] = self._cell_updates
            x = self._row_label_column_width + sum(
                c.get_render_width(self) for c in columns[:column_index]
            )
            width = columns[column_index].get_render_width(self)
            regions.append(Region(x, top + row_index, width, 1))
        window = self.window_region
        shown = [r.translate(-self.scroll_offset) for r in regions if window.overlaps(r)]
        if shown:
            self.refresh(*shown)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        if row_index < 0 or column_index < 0:  # the header, a row label
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        key = (
            row_key,
            column_key,
            row_index,
            base_style,
            width,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count - self._cell_updates,  # any other change: all drawn anew
            self._cell_versions.get((row_key, column_key), 0),  # type: ignore[arg-type]
            self._pseudo_class_state,
        )
        lines = self._drawn_cells.get(key)
        if lines is None:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            self._drawn_cells[key] = lines
        return lines

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """A line of a row whose cells only were updated since it was last drawn is that line
        with the new cells put in: DataTable draws the whole row again from its cells and the
        table's styles (on the first screen, every row of the countdown board every second)."""
        width = self.size.width
        if x1 or self.fixed_columns or not self._nothing_to_size() or self._labelled_row_exists:
            return super()._render_line(y, x1, x2, base_style)
        try:
            row_key, line_no = self._get_offsets(y)
        except LookupError:
            return super()._render_line(y, x1, x2, base_style)
        if row_key is self._header_row_key or line_no:
            return super()._render_line(y, x1, x2, base_style)
        key = (
            row_key,
            x2,
            width,
            self.cursor_coordinate,
            self.hover_coordinate,
            base_style,
            self.cursor_type,
            self._show_hover_cursor,
            self._update_count - self._cell_updates,
            self._pseudo_class_state,
        )
        columns = self.ordered_columns
        versions = tuple(self._cell_versions.get((row_key, c.key), 0) for c in columns)
        drawn = self._drawn_lines.get(y)
        if drawn is None or drawn[0] != key:
            strip = super()._render_line(y, x1, x2, base_style)
            row_index = self._row_locations.get(row_key)
            row_style = self._get_row_style(-1 if row_index is None else row_index, base_style)
            self._drawn_lines[y] = (key, versions, row_style, strip)
            return strip
        _, was, row_style, strip = drawn
        if was == versions:
            return strip
        row_index = self._row_locations.get(row_key) or 0
        cursor, hover, kind = self.cursor_coordinate, self.hover_coordinate, self.cursor_type
        x = self._row_label_column_width
        for column_index, column in enumerate(columns):
            cell_width = column.get_render_width(self)
            if versions[column_index] != was[column_index] and x < x2:
                at = Coordinate(row_index, column_index)
                lines = self._render_cell(
                    row_index,
                    column_index,
                    row_style,
                    cell_width,
                    cursor=self._should_highlight(cursor, at, kind),
                    hover=self._should_highlight(hover, at, kind),
                )
                cell = Strip(lines[0]).crop(0, x2 - x)
                strip = Strip.join([strip.crop(0, x), cell, strip.crop(x + cell_width)])
            x += cell_width
        strip = strip.simplify()
        self._drawn_lines[y] = (key, versions, row_style, strip)
        return strip

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._drawn_cells.clear()
        self._drawn_lines.clear()

    def notify_style_update(self) -> None:
        self._drawn_cells.clear()
        self._drawn_lines.clear()
        super().notify_style_update()

    def size_now(self) -> None:
        """Size the table for the rows just added, now rather than when the app is next idle
        (what DataTable._on_idle would do): with nothing to measure it is cheap, and the next
        frame then shows the rows. The first screen's first frame shows its data instead of
        two empty tables that fill a frame later."""
        if self._require_update_dimensions and self._nothing_to_size():
            self._require_update_dimensions = False
            new_rows = list(self._new_rows)
            self._new_rows.clear()
            self._update_dimensions(new_rows)

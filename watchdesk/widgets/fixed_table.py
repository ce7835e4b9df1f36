"""A DataTable for tables whose every column has a fixed width and every row is one line.

Textual measures each cell it is given (on `add_row`, and again on each `update_cell`) to keep
track of how wide a column's content is; a column with a fixed width never uses that figure.
On the first screen (a busy desk: ~120 running clocks and ~70 incidents of the day) the measuring
was ~15 ms of opening the console, and the countdown board paid it again every second for each
time-left cell it updates. This table skips the measuring when there is nothing to size: any
auto-width column, labelled row or auto-height row hands the work back to DataTable unchanged.

It overrides two private DataTable methods; Textual is pinned to an exact version in
pyproject.toml and tests/ui/test_fixed_table.py compares it with a plain DataTable.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, RowKey


def cell_text(value: str) -> Text:
    """A one-line cell. Text, not str: a DataTable reads a str as markup ("[" in a place name
    would be taken for a style) and parses it on every draw. Too long for its column, it ends
    in "…" instead of being cut off wherever the wrap fell."""
    return Text(value, no_wrap=True, overflow="ellipsis")


class FixedTable(DataTable):
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

"""The statistics screen's charts (issue 15), drawn in the terminal.

- `MonthBars`: incidents per month, stacked by grade (I red, II orange, III yellow, IV blue).
- `RateLine`: our on-time rate per month, 0–100 %.
- `RankedBars`: subordinate units ranked by late and missed reports (迟报 / 漏报).

The first two are textual-plotext plots. Plotext counts every character as one cell, so a Chinese
title, legend or tick label would push its frame out of line: everything drawn inside a plot is
ASCII (months `2026-11` / `12`, numbers, `%`); titles and the grade legend are drawn outside it
with Rich (`grade_legend`), which measures in terminal cells. The ranked chart names units in
Chinese, so it is drawn with Rich alone, padded by `rich.cells.cell_len`.

Pure drawing: the figures come in as models, nothing here reads the desk.
"""

from __future__ import annotations

from typing import Any, cast

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.widget import Widget
from textual_plotext import PlotextPlot

from watchdesk.i18n import t
from watchdesk.i18n.labels import grade_label
from watchdesk.models.incident import Grade
from watchdesk.models.stats import MonthCount, UnitTimeliness

# The grades' colours (红 橙 黄 蓝, as warnings are coloured), as RGB so that plotext and Rich
# draw the same colour whatever the terminal's palette.
GRADE_RGB = {
    Grade.I: (220, 50, 47),
    Grade.II: (255, 140, 0),
    Grade.III: (230, 200, 0),
    Grade.IV: (38, 139, 210),
}
GRADE_RICH = {g: "rgb({},{},{})".format(*rgb) for g, rgb in GRADE_RGB.items()}
LATE_STYLE, MISSED_STYLE = GRADE_RICH[Grade.III], GRADE_RICH[Grade.I]
RATE_RGB = (60, 180, 75)
Y_AXIS = 6  # cells plotext takes for the y axis and the frame, about


def month_ticks(months: list[str], width: int) -> tuple[list[float], list[str]]:
    """Tick positions (1-based) and ASCII labels for `months` (YYYY-MM) along `width` cells:
    `2026-11` at the first month and each January, else `MM`; every k-th only, so that labels
    never run into each other."""
    if not months:
        return [], []
    labels = []
    for i, m in enumerate(months):
        labels.append(m if i == 0 or m.endswith("-01") else m[5:])
    slot = max(1, (width - Y_AXIS) // len(months))
    step = 1
    while step < len(months) and slot * step < max(cell_len(x) for x in labels[::step]) + 1:
        step += 1
    keep = list(range(0, len(months), step))
    return [float(i + 1) for i in keep], [labels[i] for i in keep]


def grade_legend() -> Text:
    out = Text(no_wrap=True, overflow="crop")
    for g in Grade:
        out.append("■ ", style=GRADE_RICH[g])
        out.append(grade_label(g, short=True) + "  ")
    return out


class _Chart(PlotextPlot):
    DEFAULT_CSS = """
    _Chart {
        height: 1fr;
        width: 1fr;
    }
    """

    def _frame(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.frame(True)


class MonthBars(_Chart):
    """Incidents per month, stacked by grade."""

    months: list[MonthCount] = []

    def set_months(self, months: list[MonthCount]) -> None:
        self.months = list(months)
        self.refresh()

    def render(self) -> RenderResult:
        self._frame()
        plt = self.plt
        months = self.months
        if months:
            xs = list(range(1, len(months) + 1))
            ys = [[m.by_grade.get(g, 0) for m in months] for g in Grade]
            # plotext takes a colour per stack (its annotation says one colour)
            colors = cast(Any, [GRADE_RGB[g] for g in Grade])
            plt.stacked_bar(xs, ys, color=colors, width=0.6)
            top = max(max(m.incidents for m in months), 1)
            plt.ylim(0, top)
            yt = _int_ticks(top)
            plt.yticks(yt, [str(int(v)) for v in yt])
            ticks, labels = month_ticks([m.month for m in months], self.size.width)
            plt.xticks(ticks, labels)
        return super().render()


class RateLine(_Chart):
    """On-time rate per month (a month with nothing due has no point)."""

    points: list[tuple[str, float | None]] = []

    def set_points(self, points: list[tuple[str, float | None]]) -> None:
        self.points = list(points)
        self.refresh()

    def render(self) -> RenderResult:
        self._frame()
        plt = self.plt
        if self.points:
            xs = [i + 1 for i, (_, r) in enumerate(self.points) if r is not None]
            ys = [r * 100 for _, r in self.points if r is not None]
            if xs:
                plt.plot(xs, ys, color=RATE_RGB, marker="hd")
                plt.scatter(xs, ys, color=RATE_RGB, marker="o")
            plt.xlim(0.5, len(self.points) + 0.5)
            plt.ylim(0, 100)
            plt.yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
            ticks, labels = month_ticks([m for m, _ in self.points], self.size.width)
            plt.xticks(ticks, labels)
        return super().render()


def _int_ticks(top: int) -> list[float]:
    step = max(1, -(-top // 4))
    return [float(v) for v in range(0, top + step, step)]


class RankedBars(Widget):
    """Units ranked by late and missed reports: a bar of late (yellow) then missed (red) per unit,
    worst first, with the counts and the worst delay. Units with nothing late are left out."""

    DEFAULT_CSS = """
    RankedBars {
        height: auto;
        padding: 0 1;
    }
    """
    NAME_CELLS = 16
    LIMIT = 10

    units: list[UnitTimeliness] = []
    worst: list[str] = []  # the worst delay of each unit, as the screen words it

    def set_units(self, units: list[UnitTimeliness], worst: list[str]) -> None:
        self.units, self.worst = list(units), list(worst)
        self.refresh(layout=True)

    def _ranked(self) -> list[tuple[UnitTimeliness, str]]:
        pairs = [(u, w) for u, w in zip(self.units, self.worst) if u.late or u.missed]
        pairs.sort(key=lambda p: (-(p[0].missed + p[0].late), -p[0].missed, p[0].unit))
        return pairs[: self.LIMIT]

    def lines(self, width: int) -> list[Text]:
        ranked = self._ranked()
        if not ranked:
            return [Text(t("statsui.rank.none"), style="dim")]
        name_w = min(self.NAME_CELLS, max(cell_len(u.unit) for u, _ in ranked))
        notes = [t("statsui.rank.note", late=u.late, missed=u.missed, worst=w) for u, w in ranked]
        note_w = max(cell_len(n) for n in notes)
        bar_w = max(4, width - name_w - note_w - 4)
        top = max(u.late + u.missed for u, _ in ranked)
        out = []
        for (u, _), note in zip(ranked, notes):
            late = round(bar_w * u.late / top)
            missed = round(bar_w * u.missed / top)
            if u.late and not late:
                late = 1
            if u.missed and not missed:
                missed = 1
            line = Text(no_wrap=True, overflow="crop")
            line.append(set_cell_size(u.unit, name_w) + " │")
            line.append("█" * late, style=LATE_STYLE)
            line.append("█" * missed, style=MISSED_STYLE)
            line.append(" " * max(1, bar_w - late - missed + 1))
            line.append(note)
            out.append(line)
        legend = Text(no_wrap=True, overflow="crop")
        legend.append(" " * (name_w + 2))
        legend.append("■ ", style=LATE_STYLE)
        legend.append(t("stats.outcome.late") + "  ")
        legend.append("■ ", style=MISSED_STYLE)
        legend.append(t("stats.outcome.missed"))
        return [*out, legend]

    def render(self) -> Text:
        return Text("\n", no_wrap=True).join(self.lines(self.content_region.width or 80))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

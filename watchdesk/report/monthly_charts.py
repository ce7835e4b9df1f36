"""The monthly report's charts as reportlab drawings (reportlab.graphics): stacked or grouped
bars, a line of a rate in percent, units ranked in horizontal bars. The PDF places the drawings
as they are; the .docx as PNG pictures where reportlab can render them (`png`: renderPM needs
its rlPyCairo backend or the _renderPM extension), else it says the figures are in the table.
"""

from __future__ import annotations

import math
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from watchdesk.report.monthly import Chart, Table

PALETTE = [
    colors.HexColor("#b2182b"),
    colors.HexColor("#ef8a62"),
    colors.HexColor("#fddbc7"),
    colors.HexColor("#67a9cf"),
    colors.HexColor("#2166ac"),
]
GRADE_COLOURS = [  # 特别重大 红, 重大 橙, 较大 黄, 一般 蓝 (the warning colours)
    colors.HexColor("#d7191c"),
    colors.HexColor("#fd8d3c"),
    colors.HexColor("#f2c400"),
    colors.HexColor("#2c7bb6"),
]


def _scale(top: float) -> tuple[int, int]:
    """(maximum, step) of a count axis: whole numbers, at most about five steps."""
    step = 1
    for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        step = s
        if top / s <= 5:
            break
    else:
        step = max(1, math.ceil(top / 5))
    return max(step, math.ceil(top / step) * step), step


def _series(table: Table, chart: Chart, *, gaps: bool = False) -> list[list[Any]]:
    """The chart's values by series; a rate with nothing counted is a gap (`gaps`) or 0."""
    return [
        [None if gaps and r[i] is None else float(r[i] or 0) for r in table.rows]
        for i in chart.values
    ]


def _rate_label(v: float | None) -> str:
    return "" if v is None else f"{v:.1f}%"


def drawing(table: Table, font: str, width: float, height: float = 170) -> Drawing | None:
    """The chart of `table` (None when it has none, or no rows)."""
    chart = table.chart
    if chart is None or not table.rows:
        return None
    d = Drawing(width, height)
    d.initialFontName = font  # the renderer's starting font (else Helvetica, not embedded)
    d.add(
        String(width / 2, height - 12, chart.title, fontName=font, fontSize=10, textAnchor="middle")
    )
    names = [str(r[chart.category]) for r in table.rows]
    data = _series(table, chart)
    labels = [table.columns[i].title for i in chart.values]
    plot_h = height - 55
    if chart.kind == "line":
        c: Any = HorizontalLineChart()
        c.x, c.y, c.width, c.height = 45, 30, width - 70, plot_h
        c.data = [
            [None if v is None else v * 100 for v in s] for s in _series(table, chart, gaps=True)
        ]
        c.categoryAxis.categoryNames = names
        c.valueAxis.valueMin, c.valueAxis.valueMax = 0, 100
        c.valueAxis.valueStep = 20
        c.valueAxis.labelTextFormat = "%d%%"
        c.lines[0].strokeColor = PALETTE[4]
        c.lines[0].strokeWidth = 2
        c.joinedLines = 1
        from reportlab.graphics.widgets.markers import makeMarker

        c.lines[0].symbol = makeMarker("FilledCircle", size=4)
        c.lineLabelFormat = _rate_label
        c.lineLabels.fontName = font
        c.lineLabels.fontSize = 7
        c.lineLabels.dy = 6
    elif chart.kind == "barh":
        n = len(names)
        c = HorizontalBarChart()
        c.x, c.y, c.width, c.height = 110, 30, width - 140, plot_h - 12
        c.data = [list(reversed(s)) for s in data]  # the worst at the top
        c.categoryAxis.categoryNames = list(reversed(names))
        c.categoryAxis.style = "stacked"
        top = max((sum(s[i] for s in data) for i in range(n)), default=0)
        c.valueAxis.valueMin = 0
        c.valueAxis.valueMax, c.valueAxis.valueStep = _scale(top)
        for i in range(len(data)):
            c.bars[i].fillColor = [GRADE_COLOURS[1], GRADE_COLOURS[0]][i % 2]
        c.barWidth = 8
    else:
        c = VerticalBarChart()
        c.x, c.y, c.width, c.height = 45, 30, width - 150, plot_h
        c.data = data
        c.categoryAxis.categoryNames = names
        if chart.kind == "stacked":
            c.categoryAxis.style = "stacked"
            top = max((sum(s[i] for s in data) for i in range(len(names))), default=0)
        else:
            top = max((max(s) for s in data if s), default=0)
        c.valueAxis.valueMin = 0
        c.valueAxis.valueMax, c.valueAxis.valueStep = _scale(top)
        palette = GRADE_COLOURS if len(data) == len(GRADE_COLOURS) else PALETTE
        for i in range(len(data)):
            c.bars[i].fillColor = palette[i % len(palette)]
    for axis in (c.categoryAxis, c.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 8
    d.add(c)
    if chart.kind != "line":
        legend = Legend()
        legend.fontName, legend.fontSize = font, 8
        legend.alignment = "right"
        legend.columnMaximum = 5
        if chart.kind == "barh":
            legend.x, legend.y = width - 90, height - 25
            legend.colorNamePairs = [
                ([GRADE_COLOURS[1], GRADE_COLOURS[0]][i % 2], labels[i]) for i in range(len(labels))
            ]
            legend.columnMaximum = 1
            legend.x, legend.deltax = width - 120, 60
        else:
            legend.x, legend.y = width - 95, height - 40
            legend.colorNamePairs = [(c.bars[i].fillColor, labels[i]) for i in range(len(labels))]
        d.add(legend)
    return d


def png(d: Drawing, dpi: int = 150) -> bytes | None:
    """`d` as a PNG, None where reportlab has no bitmap renderer here."""
    try:
        from reportlab.graphics import renderPM

        return renderPM.drawToString(d, fmt="PNG", dpi=dpi)
    except Exception:  # RenderPMError: neither rlPyCairo nor _renderPM is installed
        return None

"""The handover screen's text and Markdown come from one wording of the sheet
(`render_text_markdown`), and a line that fits is taken as it is (`_wrap`): both exactly what
`render_text`, `render_markdown` and `wrap_cells` give."""

from __future__ import annotations

import pytest

from tests.handover.test_sheet import night  # noqa: F401  (the fixture)
from tests.helpers import TZ
from watchdesk.report.handover import _wrap, render_markdown, render_text, render_text_markdown
from watchdesk.report.textfmt import wrap_cells

LINES = [
    "",
    "   ",
    "  ",
    "交接班记录",
    "  #12 11-22 23:30 一般 自然灾害-地质灾害 青山铺镇石桥村 山体滑坡掩埋村道，2人被困 [处置中]",
    "  Follow-up 1: due 11-23 07:30 【已超时 2 分钟】 (since 2026-11-23 07:28)   ",
    "  line one\nline two",
    "  一行\u2028另一行",
    "  K1532+900 0731-84511003 G107 ＡＢＣ１２３ 12-03 19:28 【敏感】（括号）",
    "  " + "很长的一段没有空格的中文文字" * 8,
    "  " + "word " * 40,
    "        indented sub-line that runs on and on past the width of the sheet",
    "  trailing spaces only fit    ",
]


@pytest.mark.parametrize("width", [6, 10, 40, 46, 80, 132])
@pytest.mark.parametrize("line", LINES)
def test_a_line_is_wrapped_as_wrap_cells_does(line, width):
    lead = 2 + len(line) - len(line.lstrip(" "))
    indent = min(lead + 2, width - 2)
    assert _wrap(line, width, indent) == wrap_cells(line, width, indent=indent)
    assert _wrap(line, width) == wrap_cells(line, width)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [40, 80])
def test_text_and_markdown_at_once_are_each_alone(night, lang, width):  # noqa: F811
    s, clock, night_id, *_ = night
    s.handover.add_pending(night_id, "继续跟踪石桥村滑坡被困人员搜救进展", "孙丽娜")
    s.handover.set_notes(night_id, "夜间降雨持续。\n各乡镇值班室已提醒加强巡查。")
    sheet = s.handover.compile(night_id)
    text, md = render_text_markdown(sheet, tz=TZ, width=width, lang=lang)
    assert text == render_text(sheet, tz=TZ, width=width, lang=lang)
    assert md == render_markdown(sheet, tz=TZ, lang=lang)
    with pytest.raises(ValueError):
        render_text_markdown(sheet, tz=TZ, width=5)

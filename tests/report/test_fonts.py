"""One CJK font helper for the handover sheet and the written report (`watchdesk.report.pdf`)."""

from __future__ import annotations

import pytest

from watchdesk.i18n import set_language
from watchdesk.report import pdf, written_pdf

needs_font = pytest.mark.skipif(
    written_pdf.font_problem() is not None, reason="no CJK TrueType font"
)


@needs_font
def test_the_handover_and_the_report_use_the_same_registered_font():
    name, warning = pdf.cjk_font()
    assert warning is None and name.startswith("WatchdeskCJK-")
    assert written_pdf.installed_font() == name
    assert written_pdf.fonts_for() == {"header": name, "title": name, "body": name}
    # a font the desk names is registered once, under a name of its own
    path, index = next((p, i) for p, i in pdf.CANDIDATES if pdf.Path(p).is_file())
    assert pdf.register_ttf(path, index) == name
    assert pdf.cjk_font(path)[0] == name


def test_without_a_truetype_font_the_handover_warns_in_the_ui_language():
    none = (("/nonexistent/font.ttc", 0),)
    set_language("zh")
    name, warning = pdf.cjk_font(candidates=none)
    assert name == "STSong-Light" and warning and "fonts-wqy-zenhei" in warning
    assert "方框" in warning
    set_language("en")  # the font is found once; the warning speaks the language of the moment
    _, warning = pdf.cjk_font(candidates=none)
    assert warning and "boxes" in warning and "fonts-wqy-zenhei" in warning
    _, warning = pdf.cjk_font("/nonexistent/desk.ttf", candidates=none)
    assert warning and "boxes" in warning

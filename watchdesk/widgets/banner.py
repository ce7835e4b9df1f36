"""Who is on duty now and next, with the time left in the shift."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text

from watchdesk.i18n import language, t
from watchdesk.i18n.labels import role_label
from watchdesk.models.roster import Role, ShiftView
from watchdesk.text.timefmt import fmt_span, hms, remaining_seconds
from watchdesk.widgets.textline import TextLine

if TYPE_CHECKING:
    from textual import getters

    from watchdesk.app import WatchdeskApp


class OnDutyBanner(TextLine):
    if TYPE_CHECKING:
        app = getters.app(WatchdeskApp)

    DEFAULT_CSS = """
    OnDutyBanner { height: auto; padding: 0 1; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.current: ShiftView | None = None
        self.upcoming: ShiftView | None = None
        # what only a new duty, a new day or another zone changes: (day, zone, lines)
        self._duty_lines: tuple[date, tzinfo, Text, Text] | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "now", self._redraw, init=False)

    def set_duty(
        self, current: ShiftView | None, upcoming: ShiftView | None, now: datetime
    ) -> None:
        self.current, self.upcoming = current, upcoming
        self._duty_lines = None
        self._redraw(now)

    def _people(self, view: ShiftView) -> Text:
        line = Text()
        sep = "，" if language() == "zh" else ", "
        for role in Role:
            names = view.names(role)
            if not names:
                continue
            if line:
                line.append("   ")
            line.append(role_label(role) + ": ", style="dim")
            line.append(sep.join(names), style="bold" if role == Role.leader else "")
        return line

    def _redraw(self, now: datetime) -> None:
        """Every tick: the time left in the shift, after the rest as drawn for this duty."""
        tz = self.app.settings.tz
        day = now.astimezone(tz).date()
        if self._duty_lines is None or self._duty_lines[:2] != (day, tz):
            self._duty_lines = (day, tz, *self._duty(now, tz))
        first, second = self._duty_lines[2:]
        if self.current is not None:
            left = remaining_seconds(self.current.shift.ends_at, now)
            first = first + Text("   " + t("duty.ends_in", time=hms(max(left, 0))), style="dim")
        self.show(Text("\n").join([first, second]))

    def _duty(self, now: datetime, tz: tzinfo) -> tuple[Text, Text]:
        if self.current is None:
            first = Text(t("duty.none"), style="bold reverse red")
        else:
            s = self.current.shift
            first = Text()
            first.append(t("duty.now") + " ", style="bold")
            first.append(f"{fmt_span(s.starts_at, s.ends_at, tz, now)}  ")
            first.append_text(self._people(self.current))
            if not self.current.names(Role.leader):
                first.append("   " + t("duty.no_leader"), style="bold reverse red")
        second = Text()
        second.append(t("duty.next") + " ", style="bold dim")
        if self.upcoming is None:
            second.append(t("duty.next_none"), style="dim")
        else:
            s = self.upcoming.shift
            second.append(f"{fmt_span(s.starts_at, s.ends_at, tz, now)}  ", style="dim")
            nxt = self._people(self.upcoming)
            nxt.stylize("dim")
            second.append_text(nxt)
        return first, second

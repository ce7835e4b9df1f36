"""Take-over and leader-on-duty check status: one line, red with the bell while a check is
escalated.

`duty_line` is pure (the banner can use it too); `LeaderCheckBar` recomputes it from cached data
on every tick of the app's `now`, so escalation needs no database read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text

from watchdesk.i18n import t
from watchdesk.models.directory import stale_count
from watchdesk.models.roster import CheckStatus, DutyStatus
from watchdesk.rules.roster import escalation, next_due, status_at
from watchdesk.text.timefmt import fmt_hm, hms, remaining_seconds
from watchdesk.widgets.textline import TextLine

if TYPE_CHECKING:
    from textual import getters

    from watchdesk.app import WatchdeskApp

BELL_EVERY = timedelta(seconds=60)  # while escalated, the bell repeats this often


def duty_line(duty: DutyStatus | None, now: datetime, tz: tzinfo) -> tuple[Text, bool]:
    """(the line, escalated?) for the current shift's take-over, leader check and gaps ahead."""
    line = Text()
    if duty is None:
        return line, False
    if duty.shift_id is not None and duty.signin is not None:
        if duty.signin.taken_over:
            first = duty.signin.signed_in[0]
            line.append(
                "✓ "
                + t("check.taken_over", name=first.officer_name, time=fmt_hm(first.at, tz, now)),
                style="green",
            )
        else:
            line.append(" " + t("check.not_taken_over") + " ", style="bold black on #e8a300")
        line.append("   ")
    esc = escalation(duty.checks, now)
    if esc.active:
        c = esc.checks[0]
        line.append(
            " "
            + t(
                "check.escalated",
                time=fmt_hm(c.due_at, tz, now),
                late=hms(-remaining_seconds(c.due_at, now)),
            )
            + " ",
            style="bold white on #c62828",
        )
    else:
        nd = next_due(duty.checks, now)
        if nd is not None:
            c = nd
            key = "check.failed" if status_at(c, now) == CheckStatus.failed else "check.due"
            line.append(
                " "
                + t(
                    key,
                    time=fmt_hm(c.due_at, tz, now),
                    left=hms(max(remaining_seconds(c.escalate_at, now), 0)),
                )
                + " ",
                style="bold black on #e8a300",
            )
        elif duty.shift_id is not None:
            upcoming = [x for x in duty.checks if status_at(x, now) == CheckStatus.upcoming]
            if upcoming:
                line.append(t("check.next", time=fmt_hm(upcoming[0].due_at, tz, now)), style="dim")
            else:
                line.append(t("check.all_done"), style="dim green")
    if duty.problems_ahead:
        line.append("   ")
        line.append(t("check.problems_ahead", n=duty.problems_ahead), style="bold #e8a300")
    return line, esc.active


class LeaderCheckBar(TextLine):
    if TYPE_CHECKING:
        app = getters.app(WatchdeskApp)

    DEFAULT_CSS = """
    LeaderCheckBar { height: auto; max-height: 3; padding: 0 1; }  /* wraps when narrow */
    LeaderCheckBar.-escalated { background: $error 30%; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.duty: DutyStatus | None = None
        self.filings: list[date | None] | None = None  # the first screen's (see set_status)
        self.escalated = False
        self._rung_at: datetime | None = None
        self.bells = 0

    def on_mount(self) -> None:
        self.watch(self.app, "now", self._redraw, init=False)

    def _rings(self) -> bool:
        """Several screens carry this bar (the first screen, the roster); only the top-most
        one rings, so an escalation rings once however many screens are stacked."""
        for screen in reversed(self.app.screen_stack):
            if screen.query(LeaderCheckBar):
                return screen is self.screen
        return True

    def set_status(
        self, duty: DutyStatus | None, now: datetime, filings: list[date | None] | None = None
    ) -> None:
        """`filings`: the latest filing (备案) day of each unit that must file (the first screen
        adds "3 个单位备案过期" when some are stale or missing)."""
        self.duty = duty
        self.filings = filings
        self._redraw(now)

    def _redraw(self, now: datetime) -> None:
        tz = self.app.settings.tz
        text, escalated = duty_line(self.duty, now, tz)
        if self.filings:
            interval = self.app.settings.filing_interval_days
            n = stale_count(self.filings, now.astimezone(tz).date(), interval)
            if n:
                text.append("   " if text else "")
                text.append(t("filing.main.stale", n=n), style="bold #e8a300")
        self.escalated = escalated
        self.set_class(escalated, "-escalated")
        if escalated and self._rings():
            if self._rung_at is None or now - self._rung_at >= BELL_EVERY:
                self._rung_at = now
                self.bells += 1
                self.app.bell()
        else:
            self._rung_at = None
        self.show(text)

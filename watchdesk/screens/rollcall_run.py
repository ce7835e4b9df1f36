"""The roll-call runner: one unit at a time, the number to call, one key per outcome.

Keys: 1 answered and on post · 2 no answer · 3 busy · 4 answered by someone not on duty ·
5 leader on duty absent. A key acts on the highlighted unit (the runner stands on the next one
to call; ↑/↓ highlight another, to call a busy line back or correct an answer). For 1, 4 and 5
the cursor goes to "who answered" with the seconds already counted since the unit came up
(space restarts the count when you dial); Enter saves. A name typed there before the key is
kept (the keys 1–5 work in that field too). Every step is saved at once, so p (pause), Esc or a
lost terminal resumes where it stood.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from watchdesk.errors import StoreError
from watchdesk.i18n import t
from watchdesk.i18n.labels import method_label, outcome_label, set_label
from watchdesk.models.rollcall import Outcome, RollCallEntry, RoundReport, RoundStatus
from watchdesk.screens.base import WatchdeskModal, WatchdeskScreen
from watchdesk.screens.dialogs import confirm_discard
from watchdesk.text.timefmt import hms
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader

KEYS = {
    "1": Outcome.on_post,
    "2": Outcome.no_answer,
    "3": Outcome.busy,
    "4": Outcome.not_on_duty,
    "5": Outcome.leader_absent,
}


def summary_text(rep: RoundReport) -> Text:
    sm = rep.summary
    out = Text()
    out.append(t("rc.summary.rate") + "  ", style="bold")
    out.append(sm.rate_text() + "\n", style="bold")
    out.append(
        t("rc.summary.counts", checked=sm.checked, total=sm.total, on_post=sm.on_post) + "\n"
    )
    for o in Outcome:
        out.append(f"  {outcome_label(o)}: {sm.counts.get(o, 0)}\n")
    if sm.not_checked:
        out.append(t("rc.summary.not_checked", n=sm.not_checked) + "\n", style="bold")
    if sm.mean_answer_seconds is not None:
        out.append(t("rc.summary.mean", s=f"{sm.mean_answer_seconds:.0f}") + "\n")
    out.append(t("rc.summary.definition"), style="dim")
    return out


class RoundSummaryScreen(WatchdeskModal[None]):
    DEFAULT_CSS = """
    RoundSummaryScreen { align: center middle; }
    RoundSummaryScreen > Vertical { width: 80; max-width: 95%; height: auto;
        border: thick $primary; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,enter", "close", "key.dir.close", id="summary-close")]

    def __init__(self, report: RoundReport) -> None:
        super().__init__()
        localize_bindings(self)
        self.report = report

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("rc.summary.title"), classes="section-title")
            yield Static(summary_text(self.report), id="summary-text")

    def action_close(self) -> None:
        self.dismiss(None)


class WhoInput(Input):
    """Who answered. The outcome keys 1–5 work here too, so that a name typed before the key is
    kept (an answerer is a name: no digits are typed here)."""

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if event.character in KEYS and isinstance(screen, RollCallRunScreen):
            event.prevent_default()
            event.stop()
            screen.action_outcome(event.character)


class RollCallRunScreen(WatchdeskScreen):
    DEFAULT_CSS = """
    RollCallRunScreen #run-card { height: auto; padding: 0 1; border: round $primary; }
    RollCallRunScreen #run-phone { text-style: bold; }
    RollCallRunScreen #run-answer { height: auto; }
    RollCallRunScreen #run-answer Input { width: 1fr; }
    RollCallRunScreen #run-error { color: $error; height: auto; padding: 0 1; }
    RollCallRunScreen #run-entries { height: 1fr; }
    """
    BINDINGS = [
        Binding("1", "outcome('1')", "key.rc.on_post", id="rc-on-post"),
        Binding("2", "outcome('2')", "key.rc.no_answer", id="rc-no-answer"),
        Binding("3", "outcome('3')", "key.rc.busy", id="rc-busy"),
        Binding("4", "outcome('4')", "key.rc.not_on_duty", id="rc-not-on-duty"),
        Binding("5", "outcome('5')", "key.rc.leader_absent", id="rc-leader-absent"),
        Binding("space", "restart_timer", "key.rc.dial", id="rc-dial"),
        Binding("p", "pause", "key.rc.pause", id="rc-pause"),
        Binding("f", "finish", "key.rc.finish", id="rc-finish"),
        Binding("escape", "leave", "key.dir.back", id="rc-leave"),
    ]

    def __init__(self, round_id: int) -> None:
        super().__init__()
        localize_bindings(self)
        self.round_id = round_id
        self.report: RoundReport | None = None
        self.pending: Outcome | None = None
        self.pending_seq: int | None = None  # the unit the pending outcome is for
        self.dial_started: datetime | None = None
        self._card_seq: int | None = None  # the unit the card shows
        self.steps = 0  # completed loads and saves (tests wait on it)

    def compose(self) -> ComposeResult:
        yield DeskHeader(show_clock=False)
        with Vertical(id="run-card"):
            yield Label("", id="run-head")
            yield Static("", id="run-unit")
            yield Static("", id="run-phone")
            yield Static("", id="run-timer")
        with Horizontal(id="run-answer"):
            yield WhoInput(placeholder=t("rc.run.who"), id="run-who")
            yield Input(placeholder=t("rc.run.secs"), id="run-secs", type="integer")
        yield Static("", id="run-error")
        yield DataTable(id="run-entries", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#run-entries", DataTable)
        for key, width in (
            ("seq", 4),
            ("unit", 22),
            ("phone", 16),
            ("outcome", 18),
            ("who", 10),
            ("secs", 6),
            ("attempts", 6),
        ):
            table.add_column(t(f"rc.run.col.{key}"), key=key, width=width)
        table.focus()
        self.watch(self.app, "now", self._tick, init=False)
        self.run_write(self._open, group="rc-run", exclusive=True)

    async def _open(self) -> None:
        rid = self.round_id

        def open_round(s) -> RoundReport:
            if s.rollcall.get(rid).status == RoundStatus.paused:
                s.rollcall.resume(rid)
            return s.rollcall.report(rid)

        self._show(await self.app.client.call(open_round))

    # -- showing --------------------------------------------------------------------------------
    @property
    def current(self) -> RollCallEntry | None:
        """The unit the runner stands on (the next to call)."""
        rep = self.report
        if rep is None or not rep.entries:
            return None
        return rep.entries[min(max(rep.round.position, 1), len(rep.entries)) - 1]

    @property
    def highlighted(self) -> RollCallEntry | None:
        """The unit under the table's cursor: the one the outcome keys act on."""
        rep = self.report
        if rep is None or not rep.entries:
            return None
        row = self.query_one("#run-entries", DataTable).cursor_row
        return rep.entries[row] if 0 <= row < len(rep.entries) else self.current

    def _show(self, rep: RoundReport) -> None:
        self.report = rep
        self.pending = self.pending_seq = None
        self.dial_started = self.app.clock()
        r = rep.round
        self.query_one("#run-head", Label).update(
            t(
                "rc.run.head",
                n=r.position,
                total=len(rep.entries),
                set=set_label(r.set_kind),
                method=method_label(r.method),
                status=t(f"rc.status.{r.status.value}"),
                rate=rep.summary.rate_text(),
            )
        )
        table = self.query_one("#run-entries", DataTable)
        table.clear()
        for x in rep.entries:
            style = "" if x.outcome in (None, Outcome.on_post) else "bold red"
            table.add_row(
                str(x.seq),
                x.unit_name,
                x.phone,
                Text(outcome_label(x.outcome), style),
                x.answered_by,
                "" if x.answer_seconds is None else str(x.answer_seconds),
                str(x.attempts or ""),
                key=str(x.seq),
            )
        if rep.entries:
            table.move_cursor(row=r.position - 1)
        self._card()
        for sel in ("#run-who", "#run-secs"):
            self.query_one(sel, Input).value = ""
        self._tick(self.app.clock())
        self.steps += 1

    def _card(self) -> None:
        """The highlighted unit: its name, what it already has, the number to call."""
        rep = self.report
        if rep is None:
            return
        e = self.highlighted
        self._card_seq = e.seq if e is not None else None
        unit = Text()
        phone = Text()
        if e is not None:
            unit.append(e.unit_name, style="bold")
            if e.outcome is not None:
                unit.append(f"   {t('rc.run.already')} {outcome_label(e.outcome)}", style="dim")
            phone.append(t("rc.run.call") + "  ")
            phone.append(e.phone or t("rc.run.no_phone"), style="bold reverse")
        if rep.round.status == RoundStatus.finished:
            phone = Text(t("rc.run.finished"), style="bold")
        elif rep.summary.not_checked == 0:
            phone.append("   " + t("rc.run.all_done"), style="bold green")
        self.query_one("#run-unit", Static).update(unit)
        self.query_one("#run-phone", Static).update(phone)

    @on(DataTable.RowHighlighted, "#run-entries")
    def _highlighted(self) -> None:
        """Another unit highlighted: the card shows it, and its count starts now."""
        e = self.highlighted
        if self.report is None or e is None or e.seq == self._card_seq:
            return
        self._card()
        if self.pending is None:
            self.dial_started = self.app.clock()
            self._tick(self.dial_started)

    def _tick(self, now: datetime) -> None:
        if self.dial_started is None or self.report is None:
            return
        done = self.report.round.status == RoundStatus.finished
        secs = max(0, int((now - self.dial_started).total_seconds()))
        self.query_one("#run-timer", Static).update(
            "" if done else t("rc.run.timer", time=hms(secs))
        )

    def _error(self, message: str) -> None:
        self.query_one("#run-error", Static).update(message)

    # -- recording ------------------------------------------------------------------------------
    def action_restart_timer(self) -> None:
        self.dial_started = self.app.clock()
        self._tick(self.dial_started)

    def action_outcome(self, key: str) -> None:
        """The outcome for the highlighted unit (a name already typed stays)."""
        e = self.highlighted
        if e is None or self.report is None or self.report.round.status == RoundStatus.finished:
            return
        outcome = KEYS[key]
        self._error("")
        if not outcome.answered:
            self._record(e.seq, outcome, "", None)
            return
        self.pending, self.pending_seq = outcome, e.seq
        now = self.app.clock()
        secs = self.query_one("#run-secs", Input)
        if not secs.value and self.dial_started is not None:
            secs.value = str(max(0, int((now - self.dial_started).total_seconds())))
        who = self.query_one("#run-who", Input)
        who.focus()
        self._error(t("rc.run.who_prompt_unit", outcome=outcome_label(outcome), unit=e.unit_name))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if self.pending is None or self.pending_seq is None:
            return
        raw = self.query_one("#run-secs", Input).value.strip()
        try:
            secs = int(raw) if raw else None
        except ValueError:
            self._error(t("rc.run.bad_secs"))
            return
        who = self.query_one("#run-who", Input).value
        self._record(self.pending_seq, self.pending, who, secs)

    def _record(self, seq: int, outcome: Outcome, who: str, secs: int | None) -> None:
        rid = self.round_id

        async def go() -> None:
            try:
                rep = await self.app.client.call(
                    lambda s: s.rollcall.record(
                        rid, seq, outcome, answered_by=who, answer_seconds=secs
                    )
                )
            except StoreError as err:
                self._error(str(err))  # keeps what was typed
                return
            self._error("")
            self._show(rep)
            self.query_one("#run-entries", DataTable).focus()

        self.run_write(go, group="rc-run", exclusive=True)

    @on(DataTable.RowSelected, "#run-entries")
    def _goto(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: stand on that unit (call a busy line back, or correct it)."""
        if self.report is None or self.report.round.status == RoundStatus.finished:
            return
        rid, seq = self.round_id, event.cursor_row + 1

        async def go() -> None:
            def move(s) -> RoundReport:
                s.rollcall.move(rid, seq)
                return s.rollcall.report(rid)

            self._show(await self.app.client.call(move))

        self.run_write(go, group="rc-run", exclusive=True)

    # -- pause, finish, leave -------------------------------------------------------------------
    def action_pause(self) -> None:
        if self.report is None or self.report.round.status != RoundStatus.running:
            self.app.pop_screen()
            return
        rid = self.round_id

        async def go() -> None:
            await self.app.client.call(lambda s: s.rollcall.pause(rid))
            self.notify(t("rc.run.paused"))
            self.app.pop_screen()

        self.run_write(go, group="rc-run", exclusive=True)

    def action_leave(self) -> None:
        """Esc: out of the answer fields first (what was typed stays), then pause and leave,
        asking first when a name or a count typed would be thrown away."""
        table = self.query_one("#run-entries", DataTable)
        if self.pending is not None or isinstance(self.focused, Input):
            self.pending = self.pending_seq = None
            self._error("")
            table.focus()
            return
        if any(self.query_one(sel, Input).value.strip() for sel in ("#run-who", "#run-secs")):
            confirm_discard(self, self.action_pause, t("rc.run.discard"))
            return
        self.action_pause()

    def action_finish(self) -> None:
        if self.report is None or self.report.round.status == RoundStatus.finished:
            return
        rid = self.round_id

        async def go() -> None:
            rep = await self.app.client.call(lambda s: s.rollcall.finish(rid))
            self._show(rep)
            self.app.push_screen(RoundSummaryScreen(rep), lambda _: self.app.pop_screen())

        self.run_write(go, group="rc-run", exclusive=True)

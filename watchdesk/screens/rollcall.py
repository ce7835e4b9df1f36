"""Roll-call: the rounds (电话查岗 / 视频点名) and the checks made on us (上级查岗)."""

from __future__ import annotations

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import (
    Checkbox,
    DataTable,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
)

from watchdesk.errors import InputError, StoreError
from watchdesk.i18n import t
from watchdesk.i18n.labels import method_label, set_label, unit_class
from watchdesk.models.rollcall import (
    CheckMethod,
    HigherCheckInput,
    HigherCheckResult,
    RollCallRound,
    RoundReport,
    RoundSet,
    RoundSummary,
)
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.dialogs import Form
from watchdesk.screens.rollcall_run import RollCallRunScreen
from watchdesk.store.directory import input_error
from watchdesk.text.timefmt import fmt_hm, parse_time
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader


class NewRoundScreen(Form[RoundReport | None]):
    """Choose the set and the method; starts the round and dismisses with it."""

    DEFAULT_CSS = """
    NewRoundScreen { align: center middle; }
    NewRoundScreen > Vertical { width: 80; max-width: 95%; height: 34; max-height: 95%;
        border: thick $primary; background: $surface; padding: 0 1; }
    NewRoundScreen SelectionList { height: 1fr; }
    NewRoundScreen #round-error { color: $error; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "start", "key.rc.start", id="round-start", priority=True),
        Binding("escape", "cancel", "key.dir.cancel", id="round-cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("rc.new.title"), classes="section-title")
            yield Select(
                [(set_label(s), s.value) for s in RoundSet],
                value=RoundSet.level1.value,
                allow_blank=False,
                id="round-set",
            )
            yield Select(
                [(method_label(m), m.value) for m in (CheckMethod.phone, CheckMethod.video)],
                value=CheckMethod.phone.value,
                allow_blank=False,
                id="round-method",
            )
            yield Input(placeholder=t("rc.new.label"), id="round-label")
            yield Label(t("rc.new.custom"), classes="dim")
            yield SelectionList[int](id="round-units", disabled=True)
            yield Static("", id="round-error")

    def on_mount(self) -> None:
        self.query_one("#round-set", Select).focus()
        self.run_read(self._units, group="round-units")

    async def _units(self) -> None:
        units = await self.app.client.call(lambda s: s.directory.units(active_only=True))
        self.query_one(SelectionList).add_options(
            [(f"{u.name}  {unit_class(u.kind, u.level, u.room_type)}", u.id) for u in units]
        )

    @on(Select.Changed, "#round-set")
    def _set_changed(self, event: Select.Changed) -> None:
        self.query_one(SelectionList).disabled = event.value != RoundSet.custom.value

    def action_start(self) -> None:
        self.run_write(self._start, group="round-start", exclusive=True)

    async def _start(self) -> None:
        set_kind = str(self.query_one("#round-set", Select).value)
        method = str(self.query_one("#round-method", Select).value)
        label = self.query_one("#round-label", Input).value
        ids = list(self.query_one(SelectionList).selected) if set_kind == "custom" else None
        try:
            rep = await self.app.client.call(
                lambda s: s.rollcall.start(set_kind, unit_ids=ids, method=method, label=label)
            )
        except StoreError as e:
            self.query_one("#round-error", Static).update(str(e))
            return
        self.dismiss(rep)


class HigherCheckScreen(Form[bool]):
    """Log a check a higher office made on this desk: who, how, when, result."""

    cancelled = False

    DEFAULT_CSS = """
    HigherCheckScreen { align: center middle; }
    HigherCheckScreen > Vertical { width: 80; max-width: 95%; height: auto;
        border: thick $primary; background: $surface; padding: 0 1; }
    HigherCheckScreen #hc-error { color: $error; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "key.dir.save", id="hc-save", priority=True),
        Binding("escape", "cancel", "key.dir.cancel", id="hc-cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)

    def compose(self) -> ComposeResult:
        now = self.app.clock()
        tz = self.app.settings.tz
        with Vertical():
            yield Label(t("rc.hc.title"), classes="section-title")
            yield Input(
                now.astimezone(tz).strftime("%Y-%m-%d %H:%M"), id="hc-at", placeholder=t("rc.hc.at")
            )
            yield Input(placeholder=t("rc.hc.checker"), id="hc-checker")
            yield Select(
                [(method_label(m), m.value) for m in CheckMethod],
                value=CheckMethod.phone.value,
                allow_blank=False,
                id="hc-method",
            )
            yield Input(placeholder=t("rc.hc.answered_by"), id="hc-answered")
            yield Checkbox(t("rc.hc.leader_present"), value=True, id="hc-leader")
            yield Select(
                [(t(f"rc.hc.result.{r.value}"), r.value) for r in HigherCheckResult],
                value=HigherCheckResult.passed.value,
                allow_blank=False,
                id="hc-result",
            )
            yield Input(placeholder=t("rc.hc.note"), id="hc-note")
            yield Static("", id="hc-error")

    def on_mount(self) -> None:
        self.query_one("#hc-checker", Input).focus()

    def action_save(self) -> None:
        self.run_write(self._save, group="hc-save", exclusive=True)

    async def _save(self) -> None:
        tz = self.app.settings.tz
        now = self.app.clock()
        err = self.query_one("#hc-error", Static)
        try:
            try:
                at = parse_time(self.query_one("#hc-at", Input).value, tz, now=now)
            except ValueError as e:
                raise InputError("at", str(e)) from None
            try:
                check = HigherCheckInput(
                    at=at,
                    checker=self.query_one("#hc-checker", Input).value.strip(),
                    method=CheckMethod(self.query_one("#hc-method", Select).value),
                    answered_by=self.query_one("#hc-answered", Input).value,
                    leader_present=self.query_one("#hc-leader", Checkbox).value,
                    result=HigherCheckResult(self.query_one("#hc-result", Select).value),
                    note=self.query_one("#hc-note", Input).value,
                )
            except ValidationError as e:
                raise input_error(e) from None
            await self.app.client.call(lambda s: s.rollcall.log_higher_check(check))
        except StoreError as e:
            err.update(str(e))
            return
        self.dismiss(True)


class RollCallScreen(WatchdeskScreen):
    DEFAULT_CSS = """
    RollCallScreen #rc-rounds-box { height: 3fr; }
    RollCallScreen #rc-higher-box { height: 2fr; }
    RollCallScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "key.dir.back", id="rc-back"),
        Binding("s", "new_round", "key.rc.new", id="rc-new"),
        Binding("o", "open_round", "key.rc.open", id="rc-open"),
        Binding("u", "higher_check", "key.rc.higher", id="rc-higher"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)
        self.rounds: list[tuple[RollCallRound, RoundSummary]] = []
        self.loads = 0

    def compose(self) -> ComposeResult:
        yield DeskHeader(show_clock=False)
        with Vertical(id="rc-rounds-box"):
            yield Label(t("rc.rounds.title"), classes="section-title")
            yield DataTable(id="rc-rounds", cursor_type="row", zebra_stripes=True)
        with Vertical(id="rc-higher-box"):
            yield Label(t("rc.hc.list"), classes="section-title")
            yield DataTable(id="rc-higher", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        rounds = self.query_one("#rc-rounds", DataTable)
        for key in ("started", "set", "method", "status", "progress", "rate", "label"):
            rounds.add_column(t(f"rc.col.{key}"), key=key)
        higher = self.query_one("#rc-higher", DataTable)
        for key in ("at", "checker", "method", "answered_by", "leader", "result", "note"):
            higher.add_column(t(f"rc.hc.col.{key}"), key=key)
        rounds.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.run_read(self._load, group="rc-load")

    async def _load(self) -> None:
        # The hundred rounds' tallies in one grouped read (`summaries`), not a read of each
        # round's entries.
        def read(s):
            rounds = s.rollcall.rounds(limit=100)
            tallies = s.rollcall.summaries([r.id for r in rounds])
            return [(r, tallies[r.id]) for r in rounds], s.rollcall.higher_checks(limit=100)

        self.rounds, checks = await self.app.client.call(read)
        table = self.query_one("#rc-rounds", DataTable)
        table.clear()
        self._add_rounds(self.rounds)
        tz = self.app.settings.tz
        now = self.app.clock()
        higher = self.query_one("#rc-higher", DataTable)
        higher.clear()
        for c in checks:
            higher.add_row(
                fmt_hm(c.at, tz, now),
                c.checker,
                method_label(c.method),
                c.answered_by,
                t("rc.yes" if c.leader_present else "rc.no"),
                t(f"rc.hc.result.{c.result.value}"),
                c.note,
                key=str(c.id),
            )
        self.loads += 1

    def _add_rounds(self, rounds: list[tuple[RollCallRound, RoundSummary]]) -> None:
        tz = self.app.settings.tz
        now = self.app.clock()
        table = self.query_one("#rc-rounds", DataTable)
        for r, sm in rounds:
            table.add_row(
                fmt_hm(r.started_at, tz, now),
                set_label(r.set_kind),
                method_label(r.method),
                t(f"rc.status.{r.status.value}"),
                f"{sm.checked}/{sm.total}",
                sm.rate_text(),
                r.label,
                key=str(r.id),
            )

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new_round(self) -> None:
        def started(rep: RoundReport | None) -> None:
            if rep is not None:
                self.app.push_screen(RollCallRunScreen(rep.round.id))

        self.app.push_screen(NewRoundScreen(), started)

    def action_open_round(self) -> None:
        table = self.query_one("#rc-rounds", DataTable)
        if self.rounds and 0 <= table.cursor_row < len(self.rounds):
            self.app.push_screen(RollCallRunScreen(self.rounds[table.cursor_row][0].id))

    @on(DataTable.RowSelected, "#rc-rounds")
    def _selected(self) -> None:
        self.action_open_round()

    def action_higher_check(self) -> None:
        def saved(ok: bool | None) -> None:
            if ok:
                self.notify(t("rc.hc.saved"))
                self.reload()

        self.app.push_screen(HigherCheckScreen(), saved)


__all__ = ["HigherCheckScreen", "NewRoundScreen", "RollCallRunScreen", "RollCallScreen"]

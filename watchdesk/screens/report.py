"""The report itself (issue 14), in the console: a written report drafted from the desk's data,
worked on beside its elements, signed off, and sent on the clock.

`w` on an incident opens the report its clocks wait for (the first written report, a follow-up,
a verification answer, the final report): the open draft of that kind if there is one, else a new
draft. The screen shows the report's elements on the left (what is still unknown in red, marked
【待核实：…】 in the text) and the text on the right, title on the first line; the officer edits
it there. Keys: ctrl+s keeps the text; ctrl+r draws it again from the latest data and shows what
would change before anything is replaced; ctrl+t sets 报 / 送 / 抄送 (F3 adds a unit from the
directory); ctrl+g signs the step the chain waits for (the officer at the keyboard, or another
officer with their PIN: the leader walks over and signs); ctrl+b sends it back with a reason;
ctrl+o records that it went (when, how) — that closes the clock, on time or late.

While one console has a draft open for editing, another sees it read-only (a hold, as incidents
have; it expires on its own). `p` opens the phone report's read-out card (`PhoneCard`): the
phone elements in speaking order, what is missing in red; `p` or Enter there records the call.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, Label, Static, TextArea

from watchdesk.errors import InputError
from watchdesk.i18n import t
from watchdesk.i18n.labels import kind_label
from watchdesk.models.incident import DeadlineStatus, ReportKind
from watchdesk.models.report import Draft, DraftElement
from watchdesk.screens.base import WatchdeskModal, WatchdeskScreen
from watchdesk.screens.dialogs import ConfirmDialog, Field, FormDialog, confirm_discard
from watchdesk.store.holds import Held
from watchdesk.text.timefmt import fmt_full, fmt_hm, parse_past_time
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader

if TYPE_CHECKING:
    from watchdesk.app import WatchdeskApp
    from watchdesk.models.incident import Hold, Incident
    from watchdesk.store.desk import Store
    from watchdesk.store.signoff import SignoffPolicy, WrittenReport

# The written kinds `w` chooses among, by the clocks that run.
WRITTEN = (ReportKind.written, ReportKind.followup, ReportKind.verification, ReportKind.final)
VIAS = ("fax", "gov", "email", "other")


def policy_of(app: WatchdeskApp) -> SignoffPolicy:
    """The desk's sign-off policy from the console's settings; a bad one raises InputError."""
    from pydantic import ValidationError

    from watchdesk.store.signoff import SignoffPolicy

    try:
        return SignoffPolicy.from_settings(app.settings)
    except ValidationError as e:
        from watchdesk.i18n import validation_msg

        problem = "; ".join(str(validation_msg(x)) for x in e.errors())
        raise InputError("report", t("rep.bad_config", problem=problem)) from None


def next_kind(s: Store, incident_id: int) -> ReportKind:
    """The written report the incident's clocks wait for: the running one due first; with none
    running, a follow-up once a written report went, else the first written report."""
    running = [
        d
        for d in s.incidents.deadlines(incident_id)
        if d.status == DeadlineStatus.running and d.kind in WRITTEN
    ]
    if running:
        return min(running, key=lambda d: d.due_at).kind
    made = {r.kind for r in s.incidents.reports(incident_id)}
    return ReportKind.followup if ReportKind.written in made else ReportKind.written


def open_or_draft(
    s: Store,
    incident_id: int,
    policy: SignoffPolicy,
    desk_name: str,
    report_to: str,
    kind: ReportKind | None = None,
) -> int:
    """The open (unsent) report of `kind` (by default the kind the clocks wait for), or a new
    draft of it."""
    kind = kind or next_kind(s, incident_id)
    for r in reversed(s.written.list(incident_id)):
        if r.kind == kind and r.status != "sent" and not r.correction:
            return r.id
    rep = s.written.create(
        incident_id, kind, policy=policy, desk_name=desk_name, report_to=report_to
    )
    return rep.id


def split_text(text: str) -> tuple[str, str]:
    """The editor's text as (title, body): the first line is the title."""
    title, _, body = text.strip("\n").partition("\n")
    return title.strip(), body.strip("\n")


def element_lines(elements: list[DraftElement]) -> Text:
    """The elements as the officer reads them: label, value; what is missing in red."""
    out = Text()
    for e in elements:
        if not (e.required or e.value):
            continue  # not asked of this kind of report and not known
        out.append(f"{e.label}：", style="bold")
        if e.missing:
            out.append(t("rep.unknown"), style="bold white on red")
        else:
            out.append(e.value or "—", style="dim" if not e.value else "")
        out.append("\n")
    return out


def diff_text(old: str, new: str) -> Text:
    """What a re-draw would change, line by line: removed in red, added in green."""
    out = Text()
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        tag, rest = line[:1], line[2:]
        if tag == "-":
            out.append(f"- {rest}\n", style="red")
        elif tag == "+":
            out.append(f"+ {rest}\n", style="green")
        elif tag == " ":
            out.append(f"  {rest}\n", style="dim")
    return out


class DiffDialog(WatchdeskModal[bool]):
    """Shows what a re-draw would change; True keeps the new draft, False the officer's text."""

    BINDINGS = [
        Binding("escape", "answer(False)", "key.cancel", id="diff-cancel"),
    ]

    def __init__(self, title: str, diff: Text, same: bool):
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        self.diff_title = title
        self.diff = diff
        self.same = same

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog report-diff"):
            yield Label(self.diff_title, classes="dialog-title")
            with VerticalScroll(id="diff-lines"):
                yield Static(t("rep.redraw_same") if self.same else self.diff, id="diff-text")
            with Horizontal(classes="dialog-buttons"):
                if not self.same:
                    yield Button(t("rep.redraw_take"), id="take", variant="warning")
                yield Button(t("rep.redraw_keep"), id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "take")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ReportScreen(WatchdeskScreen[None]):
    """One written report: its elements, its text, its sign-off and its sending."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="report-save", priority=True),
        Binding("ctrl+r", "redraw", "key.rep.redraw", id="report-redraw", priority=True),
        Binding("ctrl+t", "distribution", "key.rep.to", id="report-to", priority=True),
        Binding("f3", "pick_unit", "key.rep.pick", id="report-pick", priority=True),
        Binding("ctrl+g", "sign", "key.rep.sign", id="report-sign", priority=True),
        Binding("ctrl+b", "back", "key.rep.back", id="report-back", priority=True),
        Binding("ctrl+o", "send", "key.rep.send", id="report-send", priority=True),
        Binding("f2", "other_kind", "key.rep.kind", id="report-kind", priority=True),
        Binding("f7", "correct", "key.rep.correct", id="report-correct", priority=True),
        Binding("f5", "print", "key.rep.print", id="report-print", priority=True),
        Binding("f6", "save_files", "key.rep.files", id="report-files", priority=True),
        Binding("escape", "leave", "key.back", id="report-leave"),
    ]

    def __init__(self, report_id: int):
        super().__init__()
        localize_bindings(self)
        self.report_id = report_id
        self.report: WrittenReport | None = None
        self.draft: Draft | None = None
        self.incident: Incident | None = None
        self.hold: Hold | None = None
        self.read_only = False
        self._clean_text = ""
        self._hold_timer: Timer | None = None
        self._holding = False

    if TYPE_CHECKING:
        from textual import getters

        app = getters.app(WatchdeskApp)

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(id="report-status", markup=False)
        with Horizontal(id="report-body"):
            with VerticalScroll(id="report-elements"):
                yield Label(t("rep.elements"), classes="section-title")
                yield Static(id="report-element-lines")
            with Vertical(id="report-editor"):
                yield TextArea(id="report-text", soft_wrap=True, show_line_numbers=False)
                yield Static(id="report-lists", markup=False)
                yield Static(id="report-steps", markup=False)
        yield KeyFooter()

    DEFAULT_CSS = """
    ReportScreen #report-status { height: auto; padding: 0 1; background: $boost; }
    ReportScreen #report-body { height: 1fr; }
    ReportScreen #report-elements { width: 36; border-right: solid $primary-darken-2; padding: 0 1; }
    ReportScreen #report-editor { width: 1fr; }
    ReportScreen #report-text { height: 1fr; }
    ReportScreen #report-lists { height: auto; padding: 0 1; }
    ReportScreen #report-steps { height: auto; max-height: 6; padding: 0 1; color: $text-muted; }
    DiffDialog .report-diff { width: 90%; height: 80%; }
    DiffDialog #diff-lines { height: 1fr; }
    """

    def on_mount(self) -> None:
        super().on_mount()
        self.title = t("rep.title_loading", id=self.report_id)
        self.query_one("#report-text", TextArea).focus()
        self.reload(take_hold=True)
        self._hold_timer = self.set_interval(60, self._renew)

    # -- reading ---------------------------------------------------------------------------------
    def reload(self, *, take_hold: bool = False, keep_text: bool = False) -> None:
        rid = self.report_id

        def read(s: Store) -> tuple[WrittenReport, Draft, Incident, Hold | None]:
            rep = s.written.get(rid)
            return rep, s.written.draft_of(rid), s.incidents.get(rep.incident_id), None

        async def work() -> None:
            rep, d, inc, _ = await self.app.client.call(read)
            if take_hold and rep.status == "draft":
                await self._take_hold()
            self._show(rep, d, inc, keep_text=keep_text)

        self.run_read(work, group="report-load")

    def _show(self, rep: WrittenReport, d: Draft, inc: Incident, *, keep_text: bool) -> None:
        self.report, self.draft, self.incident = rep, d, inc
        tz = self.app.settings.tz
        now = self.app.clock()
        self.title = t("rep.title", kind=kind_label(rep.kind, rep.seq), id=inc.id)
        self.sub_title = inc.headline
        state = t(f"rep.status.{rep.status}")
        parts = [f"#{rep.id}", state]
        if rep.serial:
            parts.append(rep.serial)
        if rep.next_step:
            parts.append(t("rep.waiting", step=t(f"rep.step.{rep.next_step}")))
        if rep.sent_at:
            parts.append(t("rep.sent_at", at=fmt_hm(rep.sent_at, tz, now)))
        if rep.sent_without_chain:
            parts.append(t("rep.without_chain"))
        if rep.missing:
            parts.append(t("rep.missing", labels="、".join(rep.missing)))
        if self.read_only and self.hold is not None:
            parts.append(t("rep.held", who=self.hold.holder))
        self.query_one("#report-status", Static).update(" · ".join(parts))
        self.query_one("#report-element-lines", Static).update(element_lines(d.elements))
        text = f"{rep.title}\n\n{rep.body}"
        area = self.query_one("#report-text", TextArea)
        editable = rep.status == "draft" and not self.read_only
        area.read_only = not editable
        if not keep_text or not self.dirty():
            area.load_text(text)
            self._clean_text = text
        else:
            self._clean_text = text
        lists = [
            (t("rep.to.report"), rep.report_to),
            (t("rep.to.send"), rep.send_to),
            (t("rep.to.copy"), rep.copy_to),
        ]
        self.query_one("#report-lists", Static).update(
            "  ".join(f"{label}：{'、'.join(names) or '—'}" for label, names in lists)
        )
        steps = [
            t(
                f"rep.step_line.{s.action}",
                step=t(f"rep.step.{s.step}"),
                who=s.officer_name,
                at=fmt_full(s.at, tz),
                reason=s.reason,
            )
            for s in rep.steps
        ]
        self.query_one("#report-steps", Static).update(
            "\n".join(steps) or t("rep.no_steps", who=rep.drafted_by)
        )

    def dirty(self) -> bool:
        return self.query_one("#report-text", TextArea).text != self._clean_text

    # -- holds -----------------------------------------------------------------------------------
    async def _take_hold(self) -> None:
        app, rid = self.app, self.report_id
        try:
            await app.client.call(lambda s: s.report_holds.acquire(rid, app.actor, app.seat))
            self.read_only, self.hold, self._holding = False, None, True
        except Held as e:
            self.read_only, self.hold, self._holding = True, e.hold, False
            self.notify(str(e), severity="warning", timeout=8)

    def _renew(self) -> None:
        if self._holding:
            self.run_write(self._take_hold, group="report-hold", exclusive=True)

    async def _release(self) -> None:
        if self._holding:
            app, rid = self.app, self.report_id
            self._holding = False
            await app.client.call(lambda s: s.report_holds.release(rid, app.actor, app.seat))

    def on_unmount(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.stop()

    # -- the text --------------------------------------------------------------------------------
    def _writable(self) -> WrittenReport | None:
        rep = self.report
        if rep is None:
            return None
        if self.read_only and self.hold is not None:
            self.notify(t("rep.held", who=self.hold.holder), severity="warning")
            return None
        return rep

    def action_save(self) -> None:
        rep = self._writable()
        if rep is None:
            return
        if rep.status != "draft":
            self.notify(t("rep.not_editable"), severity="warning")
            return
        title, body = split_text(self.query_one("#report-text", TextArea).text)
        rid, version = rep.id, rep.version

        async def work() -> None:
            await self.app.client.call(
                lambda s: s.written.edit(rid, title=title, body=body, version=version)
            )
            self.notify(t("rep.saved"))
            self.reload()

        self.run_write(work, group="report-save", exclusive=True)

    def action_redraw(self) -> None:
        rep = self._writable()
        if rep is None:
            return
        if rep.status != "draft":
            self.notify(t("rep.not_editable"), severity="warning")
            return
        app, rid, version = self.app, rep.id, rep.version
        mine = self.query_one("#report-text", TextArea).text

        async def work() -> None:
            pol = policy_of(app)
            fresh = await app.client.call(lambda s: s.written.redraw(rid, policy=pol))
            new_text = f"{fresh.title}\n\n{fresh.body}"
            same = new_text.strip() == mine.strip()

            async def take_it() -> None:
                await app.client.call(lambda s: s.written.take_redraw(rid, fresh, version=version))
                self.notify(t("rep.redrawn"))
                self.reload()

            def answered(take: bool | None) -> None:
                if take:
                    self.run_write(take_it, group="report-save")

            app.push_screen(
                DiffDialog(t("rep.redraw_title"), diff_text(mine, new_text), same),
                answered,
            )

        self.run_read(work, group="report-redraw")

    # -- where it goes ---------------------------------------------------------------------------
    def action_distribution(self) -> None:
        rep = self._writable()
        if rep is None:
            return
        app, rid, version = self.app, rep.id, rep.version
        fields = [
            Field("report_to", t("rep.to.report"), "、".join(rep.report_to), wide=True),
            Field("send_to", t("rep.to.send"), "、".join(rep.send_to), wide=True),
            Field("copy_to", t("rep.to.copy"), "、".join(rep.copy_to), wide=True),
        ]

        async def submit(v: dict[str, Any]) -> Any:
            from watchdesk.report.written_paper import names as split_names
            from watchdesk.store.signoff import Distribution

            dist = Distribution.of(
                report_to=split_names(v["report_to"]),
                send_to=split_names(v["send_to"]),
                copy_to=split_names(v["copy_to"]),
            )
            out = await app.client.call(
                lambda s: s.written.set_distribution(rid, dist, version=version)
            )
            self.reload(keep_text=True)
            return out

        app.push_screen(
            FormDialog(t("rep.to.title", id=rid), fields, submit, note=t("rep.to.note"))
        )

    def action_pick_unit(self) -> None:
        """Add a unit from the directory to 报, 送 or 抄送."""
        from watchdesk.screens.directory_picker import UnitPickerScreen

        rep = self._writable()
        if rep is None:
            return
        app, rid = self.app, rep.id

        def chosen(unit: Any) -> None:
            if unit is None:
                return
            name = unit.unit
            fields = [
                Field(
                    "list",
                    t("rep.to.list"),
                    "report_to",
                    kind="select",
                    options=[
                        (t("rep.to.report"), "report_to"),
                        (t("rep.to.send"), "send_to"),
                        (t("rep.to.copy"), "copy_to"),
                    ],
                )
            ]

            async def submit(v: dict[str, Any]) -> Any:
                from watchdesk.store.signoff import Distribution

                def add(s: Store) -> WrittenReport:
                    now = s.written.get(rid)
                    lists = {
                        "report_to": list(now.report_to),
                        "send_to": list(now.send_to),
                        "copy_to": list(now.copy_to),
                    }
                    lists[v["list"]].append(name)
                    return s.written.set_distribution(
                        rid, Distribution.of(**lists), version=now.version
                    )

                out = await app.client.call(add)
                self.reload(keep_text=True)
                return out

            app.push_screen(FormDialog(t("rep.to.which", name=name), fields, submit))

        app.push_screen(UnitPickerScreen("", title=t("rep.to.pick_title")), chosen)

    # -- sign-off --------------------------------------------------------------------------------
    def action_sign(self) -> None:
        rep = self.report
        if rep is None:
            return
        if not rep.chain:
            self.notify(t("rep.no_chain"), severity="warning")
            return
        if rep.next_step is None:
            self.notify(t(f"rep.status.{rep.status}"), severity="warning")
            return
        if rep.status == "draft" and self.dirty():
            self.notify(t("rep.save_first"), severity="warning")
            return
        app, rid, step = self.app, rep.id, rep.next_step
        fields = [
            Field("officer", t("rep.sign.officer"), app.actor),
            Field("pin", t("rep.sign.pin"), "", password=True),
        ]

        async def submit(v: dict[str, Any]) -> Any:
            from watchdesk.models.officer import Actor, ActorKind

            pol = policy_of(app)
            who = v["officer"].strip() or app.actor
            pin = v["pin"].strip() or None
            other = who != app.actor
            if other and not pin:
                raise InputError("pin", t("rep.sign.other_pin", who=who))
            font = app.settings.pdf_font

            def sign(s: Store) -> WrittenReport:
                if not other:
                    return s.written.sign(rid, step, policy=pol, pin=pin, font_path=font)
                o = s.officers.resolve(who)
                before = s.acting
                s.act_as(Actor(name=o.name, officer_id=o.id, kind=ActorKind.officer, seat=app.seat))
                try:
                    return s.written.sign(rid, step, policy=pol, pin=pin, font_path=font)
                finally:
                    s.act_as(before)

            out = await app.client.call(sign)
            msg = (
                t("rep.signed_final", serial=out.serial or "")
                if out.status == "signed"
                else t("rep.signed_step", step=t(f"rep.step.{step}"), who=who)
            )
            app.after_write(msg)
            if out.status != "draft":
                await self._release()
            self.reload()
            return out

        app.push_screen(
            FormDialog(t("rep.sign.title", step=t(f"rep.step.{step}"), id=rid), fields, submit)
        )

    def action_back(self) -> None:
        rep = self.report
        if rep is None or rep.next_step is None or not rep.chain:
            return
        if rep.status == "draft" and not any(s.round == rep.round for s in rep.steps):
            self.notify(t("rep.back_nothing"), severity="warning")
            return
        app, rid = self.app, rep.id
        fields = [Field("reason", t("rep.back.reason"), "", wide=True)]

        async def submit(v: dict[str, Any]) -> Any:
            out = await app.client.call(lambda s: s.written.back(rid, v["reason"]))
            app.after_write(t("rep.sent_back"))
            self.reload(take_hold=True)
            return out

        app.push_screen(FormDialog(t("rep.back.title", id=rid), fields, submit))

    # -- sending ---------------------------------------------------------------------------------
    def action_send(self) -> None:
        rep = self.report
        if rep is None:
            return
        if rep.status == "sent":
            self.notify(t("rep.already_sent"), severity="warning")
            return
        if rep.status == "draft" and self.dirty():
            self.notify(t("rep.save_first"), severity="warning")
            return
        app, rid = self.app, rep.id
        tz = app.settings.tz
        fields = [
            Field("at", t("report.at"), fmt_full(app.clock(), tz)),
            Field(
                "via",
                t("rep.send.via"),
                "fax",
                kind="select",
                options=[(t(f"rep.via.{v}"), v) for v in VIAS],
            ),
            Field("note", t("rep.send.note"), "", wide=True),
        ]
        unsigned = bool(rep.chain) and rep.status != "signed"

        def submit_with(without: bool) -> Callable[[dict[str, Any]], Any]:
            async def submit(v: dict[str, Any]) -> Any:
                try:
                    at: datetime = parse_past_time(v["at"], tz, now=app.clock())
                except ValueError as e:
                    raise InputError("at", str(e)) from None
                pol = policy_of(app)

                def send(s: Store) -> tuple[WrittenReport, int | None]:
                    out = s.written.send(
                        rid, via=v["via"], at=at, note=v["note"], without_chain=without, policy=pol
                    )
                    late = None
                    for r in s.incidents.reports(out.incident_id):
                        if r.id == out.report_id:
                            late = r.late_seconds
                    return out, late

                out, late = await app.client.call(send)
                label = kind_label(out.kind, out.seq)
                if late is None:
                    msg = t("report.recorded", kind=label)
                elif late > 0:
                    msg = t("report.late", kind=label, minutes=(late + 59) // 60)
                else:
                    msg = t("report.on_time", kind=label)
                from watchdesk.screens.incident_actions import follow

                follow(app, out.incident_id)
                app.after_write(msg, warn=bool(late and late > 0))
                await self._release()
                self.reload()
                return out

            return submit

        def open_form(without: bool) -> None:
            app.push_screen(FormDialog(t("rep.send.title", id=rid), fields, submit_with(without)))

        if unsigned and policy_of(app).required:
            question = t(
                "rep.send.unsigned", step=t(f"rep.step.{rep.next_step}") if rep.next_step else ""
            )
            app.push_screen(
                ConfirmDialog(question, danger=True),
                lambda yes: open_form(True) if yes else None,
            )
        else:
            open_form(unsigned)

    # -- another kind ----------------------------------------------------------------------------
    def action_other_kind(self) -> None:
        """Another report on this incident: a follow-up before its clock, the final report (终报,
        which has no clock of its own), a verification answer …"""
        rep = self.report
        if rep is None:
            return
        if self.dirty():
            self.notify(t("rep.save_first"), severity="warning")
            return
        app, inc_id = self.app, rep.incident_id
        fields = [
            Field(
                "kind",
                t("rep.kind.which"),
                rep.kind.value,
                kind="select",
                options=[(kind_label(k), k.value) for k in WRITTEN],
            )
        ]

        async def submit(v: dict[str, Any]) -> Any:
            pol = policy_of(app)
            name, to = app.settings.desk_name, app.settings.report_to
            kind = ReportKind(v["kind"])
            return await app.client.call(lambda s: open_or_draft(s, inc_id, pol, name, to, kind))

        async def switch(rid: int) -> None:
            await self._release()
            self.dismiss(None)
            app.push_screen(ReportScreen(rid), lambda _: app.reload())

        def chosen(rid: Any) -> None:  # once the dialog has closed: this screen is in front
            if isinstance(rid, int) and rid != self.report_id:
                self.run_write(lambda: switch(rid), group="report-leave")

        app.push_screen(FormDialog(t("rep.kind.title", id=inc_id), fields, submit), chosen)

    def action_correct(self) -> None:
        """A sent report is corrected by a new one (更正) that names it; the old one stays."""
        rep = self.report
        if rep is None:
            return
        if rep.status != "sent":
            self.notify(t("rep.correct_unsent"), severity="warning")
            return
        app, rid, inc_id, kind = self.app, rep.id, rep.incident_id, rep.kind

        async def work() -> None:
            pol = policy_of(app)
            name, to = app.settings.desk_name, app.settings.report_to
            new = await app.client.call(
                lambda s: s.written.create(
                    inc_id, kind, policy=pol, corrects=rid, desk_name=name, report_to=to
                )
            )
            self.dismiss(None)
            app.push_screen(ReportScreen(new.id), lambda _: app.reload())

        self.run_write(work, group="report-correct")

    # -- paper -----------------------------------------------------------------------------------
    def action_print(self) -> None:
        self._paper(print_it=True)

    def action_save_files(self) -> None:
        self._paper(print_it=False)

    def _paper(self, *, print_it: bool) -> None:
        """The report as text, PDF and .docx in the export folder (the frozen copy once signed,
        byte for byte; before, the draft marked 【草稿】), and with F5 its PDF to the printer.
        Rendering and files run off the UI thread."""
        rep = self.report
        if rep is None:
            return
        if rep.status == "draft" and self.dirty():
            self.notify(t("rep.save_first"), severity="warning")
            return
        app, rid, frozen = self.app, rep.id, rep.frozen
        font, printer = app.settings.pdf_font, app.settings.printer

        def read(s: Store) -> Any:
            return s.written.frozen(rid) if frozen else s.written.paper_of(s.written.get(rid))

        def write(got: Any) -> tuple[Path, str | None]:
            from watchdesk.files.output import write_private
            from watchdesk.report.printing import print_file
            from watchdesk.screens.handover import export_dir

            if frozen:
                text, pdf, docx = got.text, got.pdf, got.docx
            else:
                from watchdesk.report.written_docx import render_docx
                from watchdesk.report.written_pdf import render_pdf
                from watchdesk.report.written_text import render_text

                text, pdf, docx = (
                    render_text(got),
                    render_pdf(got, font_path=font),
                    render_docx(got),
                )
            stem = export_dir(app) / (f"report-{rid}" + ("" if frozen else "-draft"))
            write_private(stem.with_suffix(".txt"), text.encode("utf-8"))
            write_private(stem.with_suffix(".docx"), docx)
            write_private(stem.with_suffix(".pdf"), pdf)
            job = (
                print_file(stem.with_suffix(".pdf"), printer, title=f"report {rid}")
                if print_it
                else None
            )
            return stem.with_suffix(".pdf"), job

        async def run() -> None:
            import asyncio

            from watchdesk.report.printing import PrintError

            got = await app.client.call(read)
            try:
                path, job = await asyncio.to_thread(write, got)
            except PrintError as e:
                self.notify(t("rep.print_failed", why=str(e)), severity="error", timeout=20)
                return
            if job is not None:
                self.notify(t("rep.printed", job=job, printer=printer or "-", path=str(path)))
            else:
                self.notify(t("rep.saved_files", path=str(path.with_suffix(".*"))), timeout=12)

        self.run_read(run, group="report-paper")

    # -- leaving ---------------------------------------------------------------------------------
    def action_leave(self) -> None:
        async def leave() -> None:
            await self._release()
            self.dismiss(None)

        if self.dirty():
            confirm_discard(self, leave, t("rep.discard"))
        else:
            self.run_write(leave, group="report-leave")


class PhoneCard(WatchdeskScreen[bool]):
    """The phone report's read-out card: the elements in speaking order, missing ones in red.
    `p` or Enter: record the phone report (dismisses True); Esc: back."""

    BINDINGS = [
        Binding("p", "record", "key.rep.record_phone", id="card-record"),
        Binding("enter", "record", "key.rep.record_phone", show=False, id="card-record-enter"),
        Binding("escape", "dismiss(False)", "key.back", id="card-back"),
    ]

    DEFAULT_CSS = """
    PhoneCard #card { padding: 1 2; }
    PhoneCard #card-missing { padding: 0 2; color: $error; }
    """

    def __init__(self, incident_id: int):
        super().__init__()
        localize_bindings(self)
        self.incident_id = incident_id

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with VerticalScroll():
            yield Static(id="card")
            yield Static(id="card-missing", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.title = t("rep.card.title", id=self.incident_id)
        inc_id = self.incident_id
        app = self.app

        def read(s: Store) -> Draft:
            from watchdesk.report.written import draft

            return draft(
                s,
                inc_id,
                ReportKind.phone,
                now=s.now(),
                desk_name=app.settings.desk_name,
                report_to=app.settings.report_to,
            )

        async def work() -> None:
            d = await app.client.call(read)
            card = Text()
            shown = [e for e in d.elements if e.required or e.value]
            for n, e in enumerate(shown, 1):
                card.append(f"{n:>2}. {e.label}：", style="bold")
                if e.missing:
                    card.append(t("rep.unknown"), style="bold white on red")
                else:
                    card.append(e.value or "—")
                card.append("\n")
            self.query_one("#card", Static).update(card)
            if d.missing:
                self.query_one("#card-missing", Static).update(
                    t("rep.card.missing", labels="、".join(d.missing_labels))
                )

        self.run_read(work, group="card")

    def action_record(self) -> None:
        self.dismiss(True)

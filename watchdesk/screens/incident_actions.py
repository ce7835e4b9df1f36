"""One key each for the reporting lifecycle, shared by every screen that has a selected incident.

p phone report (its read-out card first) · w the written report drafted, signed off and sent
(screens/report.py; W records one sent by other means) · f follow-up (numbered by itself) · v verification
requested (核报) · k verification answered · e final report (终报) · u new figures · i instruction
or note · x void. Each opens a short dialog whose time defaults to now; the store closes the
matching clock and records whether it was on time or late.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from watchdesk.errors import InputError
from watchdesk.i18n import t
from watchdesk.i18n.labels import grade_label, kind_label
from watchdesk.models.dutylog import LogEntry, LogKind
from watchdesk.models.incident import (
    FIGURE_FIELDS,
    DeadlineStatus,
    FigureStatus,
    ReportEvent,
    ReportKind,
)
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.dialogs import ConfirmDialog, Field, FormDialog
from watchdesk.text.timefmt import fmt_full, fmt_hm, parse_past_time, parse_time

if TYPE_CHECKING:
    from watchdesk.app import WatchdeskApp

LIFECYCLE_BINDINGS = [
    Binding("p", "report('phone')", "key.phone", id="report-phone"),
    Binding("w", "report('written')", "key.written", id="report-written"),
    Binding("W", "record_written", "key.record_written", show=False, id="report-written-record"),
    Binding("f", "report('followup')", "key.followup", id="report-followup"),
    Binding("v", "verify_request", "key.verify_request", id="verify-request"),
    Binding("k", "report('verification')", "key.verify_answer", id="verify-answer"),
    Binding("e", "report('final')", "key.final", id="report-final"),
    Binding("u", "figures", "key.figures", id="figures"),
    Binding("i", "log_note", "key.note", id="incident-note"),
    Binding("x", "void", "key.void", show=False, id="incident-void"),
]

# Reports made once per clock: a second one on the same clock is asked about first.
ONCE = (ReportKind.phone, ReportKind.written)


class ReportDialog(FormDialog):
    """A report's form: it opens on its first empty field (the time is already now)."""

    def first_field(self) -> Field | None:
        empty = (f for f in self.fields if f.kind == "input" and not str(f.value).strip())
        return next(empty, None) or super().first_field()


def follow(app: WatchdeskApp, incident_id: int) -> None:
    """The first screen's cursor goes with the incident the officer is working on."""
    main = app.get_screen_main()
    if main is not None:
        main.follow(incident_id)


class IncidentActions(WatchdeskScreen):
    """The base of a screen with a selected incident: it provides `selected_incident_id()`."""

    def selected_incident_id(self) -> int | None:  # pragma: no cover - overridden
        return None

    def _target(self) -> int | None:
        inc_id = self.selected_incident_id()
        if inc_id is None:
            self.notify(t("action.no_selection"), severity="warning")
        return inc_id

    def _when(self, text: str) -> Any:
        """A time something was done: a bare HH:MM is the most recent one, not in the future."""
        app = self.app
        try:
            return parse_past_time(text, app.settings.tz, now=app.clock())
        except ValueError as e:
            raise InputError("at", str(e)) from None

    def _now_text(self) -> str:
        app = self.app
        return fmt_full(app.clock(), app.settings.tz)

    def action_report(self, kind: str) -> None:
        inc_id = self._target()
        if inc_id is None:
            return
        rk = ReportKind(kind)
        if rk == ReportKind.phone:
            self._phone_card(inc_id)
        elif rk == ReportKind.written:
            self.run_write(lambda: self._open_written(inc_id), group="dialog")
        else:
            self.run_read(lambda: self._open_report(inc_id, rk), group="dialog")

    def action_record_written(self) -> None:
        """Record a written report sent by other means, without drafting it here."""
        inc_id = self._target()
        if inc_id is not None:
            self.run_read(lambda: self._open_report(inc_id, ReportKind.written), group="dialog")

    def _phone_card(self, inc_id: int) -> None:
        """The read-out card first; the phone report is recorded from it."""
        from watchdesk.screens.report import PhoneCard

        def read_out(record: bool | None) -> None:
            if record:
                self.run_read(lambda: self._open_report(inc_id, ReportKind.phone), group="dialog")

        self.app.push_screen(PhoneCard(inc_id), read_out)

    async def _open_written(self, inc_id: int) -> None:
        """`w`: the report the incident's clocks wait for, drafted by the console (or the open
        draft of it), on its own screen."""
        from watchdesk.screens.report import ReportScreen, open_or_draft, policy_of

        app = self.app
        pol = policy_of(app)
        name, to = app.settings.desk_name, app.settings.report_to
        rid = await app.client.call(lambda s: open_or_draft(s, inc_id, pol, name, to))
        follow(app, inc_id)
        app.push_screen(ReportScreen(rid), lambda _: app.reload())

    async def _open_report(self, inc_id: int, rk: ReportKind) -> None:
        """Read whom this kind of report went to last, and whether this clock already has its
        report; then ask where a second one needs asking, and open the form."""
        app = self.app

        def read(s) -> tuple[str, ReportEvent | None]:
            earlier: ReportEvent | None = None
            if rk in ONCE:
                running = any(
                    d.kind == rk and d.status == DeadlineStatus.running
                    for d in s.incidents.deadlines(inc_id)
                )
                made = [r for r in s.incidents.reports(inc_id) if r.kind == rk]
                earlier = made[-1] if made and not running else None
            return s.incidents.last_addressee(rk), earlier

        to_whom, earlier = await app.client.call(read)
        fields = [
            Field("at", t("report.at"), self._now_text()),
            Field("to_whom", t("report.to_whom"), to_whom or app.settings.report_to),
            Field("by_whom", t("report.by_whom"), app.actor),
            Field("content", t("report.content"), "", wide=True),
        ]

        async def submit(v: dict[str, Any]):
            at = self._when(v["at"])
            rep = await app.client.call(
                lambda s: s.incidents.record_report(
                    inc_id,
                    rk,
                    at=at,
                    to_whom=v["to_whom"].strip(),
                    by_whom=v["by_whom"].strip(),
                    content=v["content"].strip(),
                )
            )
            label = kind_label(rep.kind, rep.seq)
            if rep.late_seconds is None:
                msg = t("report.recorded", kind=label)
            elif rep.late_seconds > 0:
                msg = t("report.late", kind=label, minutes=(rep.late_seconds + 59) // 60)
            else:
                msg = t("report.on_time", kind=label)
            follow(app, inc_id)
            app.after_write(msg, warn=bool(rep.late_seconds and rep.late_seconds > 0))
            return rep

        title = t("report.title", kind=kind_label(rk), id=inc_id)

        def open_form(ok: bool | None = True) -> None:
            if ok:
                app.push_screen(ReportDialog(title, fields, submit))

        if rk == ReportKind.final:
            app.push_screen(ConfirmDialog(t("report.final_confirm", id=inc_id)), open_form)
        elif earlier is not None:
            question = t(
                "report.again",
                kind=kind_label(rk),
                id=inc_id,
                at=fmt_hm(earlier.at, app.settings.tz, app.clock()),
                to=earlier.to_whom or "—",
            )
            app.push_screen(ConfirmDialog(question, danger=True), open_form)
        else:
            open_form()

    def action_verify_request(self) -> None:
        inc_id = self._target()
        if inc_id is None:
            return
        app = self.app
        fields = [
            Field("at", t("verify.at"), self._now_text()),
            Field("from_whom", t("verify.from_whom"), app.settings.report_to),
            Field("due_at", t("verify.due_at"), "", placeholder=t("verify.due_ph")),
            Field("content", t("verify.content"), "", wide=True),
        ]

        async def submit(v: dict[str, Any]):
            at = self._when(v["at"])
            due = None
            if v["due_at"].strip():
                try:
                    due = parse_time(v["due_at"], app.settings.tz, now=app.clock())
                except ValueError as e:
                    raise InputError("due_at", str(e)) from None
            d = await app.client.call(
                lambda s: s.incidents.request_verification(
                    inc_id, from_whom=v["from_whom"], content=v["content"], at=at, due_at=due
                )
            )
            follow(app, inc_id)
            app.after_write(t("verify.recorded", due=fmt_full(d.due_at, app.settings.tz)))
            return d

        app.push_screen(FormDialog(t("verify.title", id=inc_id), fields, submit))

    def action_figures(self) -> None:
        inc_id = self._target()
        if inc_id is None:
            return
        self.run_read(lambda: self._figures_dialog(inc_id), group="dialog")

    async def _figures_dialog(self, inc_id: int) -> None:
        app = self.app
        inc = await app.client.call(lambda s: s.incidents.get(inc_id))
        fields = [Field(f, t(f"fig.{f}"), str(getattr(inc, f))) for f in FIGURE_FIELDS]
        fields += [
            Field(
                "status",
                t("fig.status"),
                FigureStatus.updated.value,
                kind="select",
                options=[
                    (t(f"fig.status.{s.value}"), s.value)
                    for s in FigureStatus
                    if s != FigureStatus.initial
                ],
            ),
            Field("source", t("fig.source"), ""),
            Field("at", t("fig.at"), self._now_text()),
            Field("note", t("fig.note"), "", wide=True),
        ]

        async def submit(v: dict[str, Any]):
            from watchdesk.rules.intake import _int

            figs = {f: _int(f, v[f]) for f in FIGURE_FIELDS}
            at = self._when(v["at"])
            kw = dict(
                source=v["source"],
                status=FigureStatus(v["status"]),
                at=at,
                expected_version=inc.version,
                note=v["note"].strip(),
            )
            res = await app.client.call(lambda s: s.figures.update(inc_id, figs, **kw))
            if res.needs_confirmation:
                ok = await app.push_screen_wait(
                    ConfirmDialog(
                        t(
                            "fig.lower_confirm",
                            old=grade_label(res.old_grade),
                            new=grade_label(res.suggested),
                        ),
                        danger=True,
                    )
                )
                if ok:
                    # The figures are saved already; this only accepts the lower grade.
                    res = await app.client.call(
                        lambda s: s.figures.update(
                            inc_id,
                            figs,
                            accept_lower=True,
                            **(kw | {"expected_version": None, "note": t("fig.lower_note")}),
                        )
                    )
            follow(app, inc_id)
            if res.raised:
                app.after_write(
                    t(
                        "fig.raised",
                        old=grade_label(res.old_grade),
                        new=grade_label(res.new_grade),
                        n=len(res.added),
                    ),
                    warn=True,
                )
            else:
                app.after_write(t("fig.saved", grade=grade_label(res.new_grade)))
            return res

        app.push_screen(
            FormDialog(t("fig.title", id=inc_id), fields, submit, note=t("fig.explain"))
        )

    def action_log_note(self) -> None:
        inc_id = self._target()
        if inc_id is None:
            return
        open_log_dialog(self.app, incident_id=inc_id)

    def action_void(self) -> None:
        inc_id = self._target()
        if inc_id is None:
            return
        app = self.app

        async def submit(v: dict[str, Any]):
            inc = await app.client.call(lambda s: s.incidents.void(inc_id, v["reason"]))
            follow(app, inc_id)
            app.after_write(t("void.done", id=inc.id))
            return inc

        app.push_screen(
            FormDialog(
                t("void.title", id=inc_id),
                [Field("reason", t("void.reason"), "", wide=True)],
                submit,
                note=t("void.explain"),
            )
        )


def open_log_dialog(app: WatchdeskApp, *, incident_id: int | None = None) -> None:
    """Add a duty-log entry (来电来文, 领导批示, 落实情况, 备注), optionally linked to an incident."""
    kinds = [k for k in LogKind if k != LogKind.verification_request]
    fields = [
        Field(
            "kind",
            t("log.kind"),
            (LogKind.instruction if incident_id else LogKind.call_in).value,
            kind="select",
            options=[(t(f"log.kind.{k.value}"), k.value) for k in kinds],
        ),
        Field("at", t("log.at"), fmt_full(app.clock(), app.settings.tz)),
        Field("counterpart", t("log.counterpart"), ""),
        Field("content", t("log.content"), "", wide=True),
        Field("handling", t("log.handling"), "", wide=True),
        Field("incident_id", t("log.incident"), str(incident_id or "")),
    ]

    async def submit(v: dict[str, Any]):
        try:
            at = parse_past_time(v["at"], app.settings.tz, now=app.clock())
        except ValueError as e:
            raise InputError("at", str(e)) from None
        link = v["incident_id"].strip().lstrip("#")
        if link and not link.isdigit():
            raise InputError("incident_id", t("log.bad_incident"))
        if not v["content"].strip():
            raise InputError("content", t("error.required"))
        entry = LogEntry(
            at=at,
            kind=LogKind(v["kind"]),
            counterpart=v["counterpart"].strip(),
            content=v["content"],
            handling=v["handling"].strip(),
            incident_id=int(link) if link else None,
            by_whom=app.actor,
        )
        saved = await app.client.call(lambda s: s.dutylog.add(entry))
        app.after_write(t("log.saved"))
        return saved

    app.push_screen(FormDialog(t("log.title"), fields, submit))

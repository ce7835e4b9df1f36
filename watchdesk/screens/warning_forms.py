"""Modals of the warnings board: issue, change (re-issue at a new level) and lift."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static, TextArea

from watchdesk.errors import InputError, StoreError
from watchdesk.i18n import t
from watchdesk.i18n.labels import level_label, signal_label, warning_title
from watchdesk.models.warning import EarlyWarning, WarningInput
from watchdesk.rules.warning import SIGNAL_TYPES, Level, signal_type
from watchdesk.screens.dialogs import Form
from watchdesk.store.directory import input_error
from watchdesk.text.timefmt import parse_time
from watchdesk.widgets import localize_bindings

CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 84; max-width: 95%; height: auto; max-height: 95%;
    border: thick $primary; background: $surface; padding: 0 1; }}
{name} TextArea {{ height: 5; }}
{name} .error {{ color: $error; height: auto; }}
"""


class _WarningForm(Form[EarlyWarning | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "key.dir.save", id="warn-save", priority=True),
        Binding("escape", "cancel", "key.dir.cancel", id="warn-cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)

    def _time(self, sel: str, field: str) -> datetime:
        app = self.app
        try:
            return parse_time(
                self.query_one(sel, Input).value,
                app.settings.tz,
                now=app.clock(),
            )
        except ValueError as e:
            raise InputError(field, str(e)) from None

    def _now_text(self) -> str:
        return self.app.clock().astimezone(self.app.settings.tz).strftime("%Y-%m-%d %H:%M")

    def action_save(self) -> None:
        self.run_write(self._save, group="warn-save", exclusive=True)

    async def _save(self) -> None:
        try:
            fn = self.build()
            saved = await self.app.client.call(fn)
        except StoreError as e:
            self.query_one(".error", Static).update(str(e))  # keeps what was typed
            return
        self.dismiss(saved)

    def build(self):  # pragma: no cover - overridden
        raise NotImplementedError


def _levels(levels) -> list[tuple[str, str]]:
    return [(level_label(x), x.value) for x in levels]


class IssueWarningScreen(_WarningForm):
    DEFAULT_CSS = CSS.format(name="IssueWarningScreen")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("warn.issue.title"), classes="section-title")
            yield Select(
                [(f"{signal_label(k)}", k.code) for k in SIGNAL_TYPES.values()],
                value="rainstorm",
                allow_blank=False,
                id="w-kind",
            )
            yield Select(
                _levels(signal_type("rainstorm").levels),
                value=Level.IV.value,
                allow_blank=False,
                id="w-level",
            )
            yield Input(placeholder=t("warn.field.area"), id="w-area")
            yield Input(placeholder=t("warn.field.issuer"), id="w-issuer")
            yield Input(self._now_text(), placeholder=t("warn.field.issued_at"), id="w-at")
            yield Label(t("warn.field.measures"))
            yield TextArea(id="w-measures")
            yield Static("", classes="error")

    def on_mount(self) -> None:
        self.query_one("#w-kind", Select).focus()

    @on(Select.Changed, "#w-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        """Offer only the levels this kind has (a hail signal is orange or red)."""
        kind = signal_type(str(event.value))
        level = self.query_one("#w-level", Select)
        keep = level.value if level.value in [x.value for x in kind.levels] else None
        level.set_options(_levels(kind.levels))
        level.value = keep or kind.levels[-1].value

    def build(self):
        try:
            w = WarningInput(
                kind=str(self.query_one("#w-kind", Select).value),
                level=Level(self.query_one("#w-level", Select).value),
                area=self.query_one("#w-area", Input).value,
                issuer=self.query_one("#w-issuer", Input).value,
                issued_at=self._time("#w-at", "issued_at"),
                measures=self.query_one("#w-measures", TextArea).text,
            )
        except ValidationError as e:
            raise input_error(e) from None
        return lambda s: s.warnings.issue(w)


class ChangeWarningScreen(_WarningForm):
    """Re-issue at a new level: the levels offered are the kind's own, minus the current one."""

    DEFAULT_CSS = CSS.format(name="ChangeWarningScreen")

    def __init__(self, warning: EarlyWarning) -> None:
        super().__init__()
        self.warning = warning

    def compose(self) -> ComposeResult:
        w = self.warning
        others = [x for x in w.signal.levels if x != w.level]
        with Vertical():
            yield Label(
                t("warn.change.title", title=warning_title(w), area=w.area), classes="section-title"
            )
            yield Select(
                _levels(others),
                value=others[0].value if others else Select.NULL,
                allow_blank=not others,
                id="w-level",
            )
            yield Input(self._now_text(), placeholder=t("warn.field.at"), id="w-at")
            yield Input(w.issuer, placeholder=t("warn.field.issuer"), id="w-issuer")
            yield Input(w.area, placeholder=t("warn.field.area"), id="w-area")
            yield Label(t("warn.field.measures"))
            yield TextArea(w.measures, id="w-measures")
            yield Input(placeholder=t("warn.field.note"), id="w-note")
            yield Static("", classes="error")

    def on_mount(self) -> None:
        self.query_one("#w-level", Select).focus()

    def build(self):
        level = self.query_one("#w-level", Select).value
        if level is Select.NULL:
            raise InputError("level", "this kind has no other level")
        wid, version = self.warning.id, self.warning.version
        at = self._time("#w-at", "at")
        issuer = self.query_one("#w-issuer", Input).value
        area = self.query_one("#w-area", Input).value
        measures = self.query_one("#w-measures", TextArea).text
        note = self.query_one("#w-note", Input).value
        return lambda s: s.warnings.change(
            wid,
            str(level),
            at=at,
            issuer=issuer,
            area=area,
            measures=measures,
            note=note,
            version=version,
        )


class LiftWarningScreen(_WarningForm):
    DEFAULT_CSS = CSS.format(name="LiftWarningScreen")

    def __init__(self, warning: EarlyWarning) -> None:
        super().__init__()
        self.warning = warning

    def compose(self) -> ComposeResult:
        w = self.warning
        with Vertical():
            yield Label(
                t("warn.lift.title", title=warning_title(w), area=w.area), classes="section-title"
            )
            yield Input(self._now_text(), placeholder=t("warn.field.at"), id="w-at")
            yield Input(placeholder=t("warn.field.note"), id="w-note")
            yield Label(t("warn.lift.hint"), classes="dim")
            yield Static("", classes="error")

    def on_mount(self) -> None:
        self.query_one("#w-note", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def build(self):
        wid, version = self.warning.id, self.warning.version
        at = self._time("#w-at", "at")
        note = self.query_one("#w-note", Input).value
        return lambda s: s.warnings.lift(wid, at=at, note=note, version=version)


__all__ = ["ChangeWarningScreen", "IssueWarningScreen", "LiftWarningScreen"]

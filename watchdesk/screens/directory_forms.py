"""Modals of the directory: the unit form, the filing (备案) form, and the file-path prompt for
import and export."""

from __future__ import annotations

import re
from datetime import date

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static, TextArea

from watchdesk.errors import InputError, StoreError
from watchdesk.i18n import t
from watchdesk.models.directory import PHONE_CHARS, Contact, Filing, FilingInput, UnitRecord
from watchdesk.screens.dialogs import Form
from watchdesk.store.directory import input_error
from watchdesk.widgets import localize_bindings

FIELDS = ("name", "area", "duty_phone", "backup_phone", "fax", "notes")


def contacts_text(contacts: list[Contact]) -> str:
    return "\n".join(" ".join(x for x in (c.name, c.role, c.phone) if x) for c in contacts)


def parse_contacts(text: str) -> list[Contact]:
    """One contact a line: `姓名 职务 电话` (spaces, commas or tabs between; role optional)."""
    out = []
    for i, line in enumerate(text.splitlines(), start=1):
        parts = [p for p in re.split(r"[\s,，、;；]+", line.strip()) if p]
        if not parts:
            continue
        phone = ""
        if len(parts) > 1 and all(c in PHONE_CHARS for c in parts[-1]):
            phone = parts.pop()
        name, role = parts[0], " ".join(parts[1:])
        try:
            out.append(Contact(name=name, role=role, phone=phone))
        except ValidationError as e:
            raise input_error(e, f"contacts[{i}].") from None
    return out


class UnitFormScreen(Form[UnitRecord | None]):
    """Add (unit=None) or edit a unit; saves through the store and dismisses with the saved unit.
    A refused save shows the store's message and keeps everything typed; Esc asks first."""

    DEFAULT_CSS = """
    UnitFormScreen { align: center middle; }
    UnitFormScreen > Vertical {
        width: 90; max-width: 95%; height: 40; max-height: 95%; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    UnitFormScreen .row { height: auto; }
    UnitFormScreen .row Label { width: 14; padding: 1 1 0 0; }
    UnitFormScreen .row Input, UnitFormScreen .row Select { width: 1fr; }
    UnitFormScreen TextArea { height: 6; }
    UnitFormScreen #unit-error { color: $error; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "key.dir.save", id="unit-save", priority=True),
        Binding("escape", "cancel", "key.dir.cancel", id="unit-cancel"),
    ]

    def __init__(self, unit: UnitRecord | None = None) -> None:
        super().__init__()
        localize_bindings(self)
        self.unit = unit
        self.saved: UnitRecord | None = None

    def _row(self, key: str, widget) -> Horizontal:
        return Horizontal(Label(t(f"dir.field.{key}")), widget, classes="row")

    def compose(self) -> ComposeResult:
        u = self.unit or UnitRecord(name="x")
        with Vertical():
            yield Label(
                t("dir.form.edit" if self.unit else "dir.form.new"), classes="section-title"
            )
            with VerticalScroll():
                yield self._row("name", Input(self.unit.name if self.unit else "", id="f-name"))
                yield self._row(
                    "kind",
                    Select(
                        [
                            (t("dir.kind.linkage"), "linkage"),
                            (t("dir.kind.duty_room"), "duty_room"),
                        ],
                        value=u.kind,
                        allow_blank=False,
                        id="f-kind",
                    ),
                )
                yield self._row(
                    "level",
                    Select(
                        [(t(f"dir.level.{n}"), n) for n in (1, 2, 3)],
                        value=u.level if u.level else Select.NULL,
                        prompt=t("dir.none"),
                        id="f-level",
                    ),
                )
                yield self._row(
                    "room_type",
                    Select(
                        [(t(f"dir.room.{r}"), r) for r in ("district", "township", "department")],
                        value=u.room_type or Select.NULL,
                        prompt=t("dir.none"),
                        id="f-room_type",
                    ),
                )
                for key in FIELDS[1:]:
                    yield self._row(key, Input(getattr(u, key), id=f"f-{key}"))
                yield Label(t("dir.field.contacts"))
                yield TextArea(contacts_text(u.contacts), id="f-contacts")
            yield Static("", id="unit-error")

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def form_unit(self) -> UnitRecord:
        """The form as a model; InputError names the first bad field."""
        values = {k: self.query_one(f"#f-{k}", Input).value for k in FIELDS}
        level = self.query_one("#f-level", Select).value
        room = self.query_one("#f-room_type", Select).value
        kind = self.query_one("#f-kind", Select).value
        try:
            return UnitRecord(
                id=self.unit.id if self.unit else None,
                kind=str(kind),
                level=level if isinstance(level, int) else None,
                room_type=room if isinstance(room, str) else "",
                active=self.unit.active if self.unit else True,
                contacts=parse_contacts(self.query_one("#f-contacts", TextArea).text),
                **values,
            )
        except ValidationError as e:
            raise input_error(e) from None

    def show_error(self, message: str) -> None:
        self.query_one("#unit-error", Static).update(message)

    def action_save(self) -> None:
        self.run_write(self._save, group="unit-save", exclusive=True)

    async def _save(self) -> None:
        try:
            unit = self.form_unit()
            uid = self.unit.id if self.unit else None
            saved = await self.app.client.call(
                lambda s: s.directory.update_unit(uid, unit) if uid else s.directory.add_unit(unit)
            )
        except InputError as e:
            self.show_error(
                t(
                    "dir.refused",
                    field=t(f"dir.field.{e.field.split('[')[0]}"),
                    where=e.field,
                    problem=e.problem,
                )
            )
            return
        except StoreError as e:
            self.show_error(str(e))
            return
        self.saved = saved
        self.dismiss(saved)


class PathScreen(Form[str | None]):
    """Ask for a file path (import / export). Esc asks before throwing a typed path away."""

    DEFAULT_CSS = """
    PathScreen { align: center middle; }
    PathScreen > Vertical {
        width: 80; max-width: 95%; height: auto; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "key.dir.cancel", id="path-cancel")]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        localize_bindings(self)
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="section-title")
            yield Input(self.value, placeholder=t("dir.path.placeholder"), id="path")
            yield Label(t("dir.path.hint"), classes="dim")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


def phones_of(text: str) -> list[str]:
    """The phones of the filing form: separated by commas, semicolons, 、 or line breaks (a
    phone may hold spaces: 0731 8452 1110)."""
    return [p.strip() for p in re.split(r"[,，、;；\n]+", text) if p.strip()]


class FilingFormScreen(Form[Filing | None]):
    """Record a unit's filing (备案) of its duty phone(s) and duty-staff list: the day (today by
    default), the phones (the last filing's, else the unit's duty phone), the staff list (the
    last filing's). Saves through the store and dismisses with the filing; a refused save says
    what and where and keeps everything typed; Esc asks first."""

    DEFAULT_CSS = """
    FilingFormScreen { align: center middle; }
    FilingFormScreen > Vertical {
        width: 80; max-width: 95%; height: auto; max-height: 95%; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    FilingFormScreen .row { height: auto; }
    FilingFormScreen .row Label { width: 16; padding: 1 1 0 0; }
    FilingFormScreen .row Input { width: 1fr; }
    FilingFormScreen TextArea { height: 4; }
    FilingFormScreen #filing-error { color: $error; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "key.dir.save", id="filing-save", priority=True),
        Binding("escape", "cancel", "key.dir.cancel", id="filing-cancel"),
    ]

    def __init__(self, unit: UnitRecord, today: date, last: Filing | None = None) -> None:
        super().__init__()
        localize_bindings(self)
        self.unit = unit
        self.today = today
        self.last = last
        self.saved: Filing | None = None

    def _row(self, key: str, widget) -> Horizontal:
        return Horizontal(Label(t(f"filing.field.{key}")), widget, classes="row")

    def compose(self) -> ComposeResult:
        last = self.last
        phones = last.duty_phones if last else [self.unit.duty_phone]
        with Vertical():
            yield Label(t("filing.form.title", name=self.unit.name), classes="section-title")
            yield self._row("filed_on", Input(self.today.isoformat(), id="fl-filed_on"))
            yield self._row("duty_phones", Input("、".join(p for p in phones if p), id="fl-phones"))
            yield Label(t("filing.field.staff"))
            yield TextArea(last.staff if last else "", id="fl-staff")
            yield self._row(
                "staff_count",
                Input("", placeholder=t("filing.form.count_ph"), id="fl-count"),
            )
            yield self._row("note", Input("", id="fl-note"))
            yield Static(t("filing.form.hint"), classes="dim")
            yield Static("", id="filing-error")

    def on_mount(self) -> None:
        self.query_one("#fl-filed_on", Input).focus()

    def form_filing(self) -> FilingInput:
        """The form as a model; InputError names the first bad field."""
        from watchdesk.text.timefmt import parse_date

        raw_day = self.query_one("#fl-filed_on", Input).value
        try:
            filed_on = parse_date(raw_day) if raw_day.strip() else self.today
        except ValueError as e:
            raise InputError("filed_on", str(e)) from None
        raw_count = self.query_one("#fl-count", Input).value.strip()
        if raw_count and not raw_count.isdigit():
            raise InputError("staff_count", "err.filing.count", value=repr(raw_count))
        try:
            return FilingInput(
                filed_on=filed_on,
                duty_phones=phones_of(self.query_one("#fl-phones", Input).value),
                staff=self.query_one("#fl-staff", TextArea).text,
                staff_count=int(raw_count) if raw_count else None,
                note=self.query_one("#fl-note", Input).value,
            )
        except ValidationError as e:
            raise input_error(e) from None

    def show_error(self, message: str) -> None:
        self.query_one("#filing-error", Static).update(message)

    def action_save(self) -> None:
        self.run_write(self._save, group="filing-save", exclusive=True)

    async def _save(self) -> None:
        uid = self.unit.id
        assert uid is not None
        try:
            filing = self.form_filing()
            saved = await self.app.client.call(lambda s: s.directory.filings.record(uid, filing))
        except InputError as e:
            key = e.field.split("[")[0]
            self.show_error(
                t(
                    "filing.refused",
                    field=t(f"filing.field.{key}"),
                    where=e.field,
                    problem=e.problem,
                )
            )
            return
        except StoreError as e:
            self.show_error(str(e))
            return
        self.saved = saved
        self.dismiss(saved)

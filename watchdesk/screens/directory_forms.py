"""Modals of the directory: the unit form, and the file-path prompt for import and export."""

from __future__ import annotations

import re

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static, TextArea

from watchdesk.errors import InputError, StoreError
from watchdesk.i18n import t
from watchdesk.models.directory import PHONE_CHARS, Contact, UnitRecord
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

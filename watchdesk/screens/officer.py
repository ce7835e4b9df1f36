"""The people screen (值班人员): the desk's officers with their titles, phones, the roles each may
take, administrators, who is active and whose PIN is set; add, edit, deactivate (a deactivated
officer stays listed and in history), PINs, and import / export as CSV (UTF-8 with BOM) or .xlsx.

Every read and write goes through `self.app.client.call(...)` to `store.officers`. The store's
errors say themselves in the UI language (`str(e)`, `e.problem`; see watchdesk/errors.py).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Label, OptionList
from textual.widgets.option_list import Option

from watchdesk.errors import InputError, msg_of, os_msg
from watchdesk.i18n import language, t
from watchdesk.i18n.labels import role_label
from watchdesk.models.base import RowProblem, saved_id
from watchdesk.models.officer import Officer, PinStatus
from watchdesk.models.roster import Role
from watchdesk.screens.base import WatchdeskModal, WatchdeskScreen
from watchdesk.screens.dialogs import ConfirmDialog, Field, FormDialog
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.fixed_table import FixedTable, cell_text
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader

if TYPE_CHECKING:
    from watchdesk.store.desk import Store


def field_error(e: InputError, fields: dict[str, str] | None = None) -> InputError:
    """The store's InputError for a form: the store's field named as the form names it
    (`fields`: store field → form field); its problem says itself in the UI language."""
    name = (fields or {}).get(e.field, e.field)
    return InputError(name, e.msg)


def row_problems(errors: list[RowProblem], limit: int = 10) -> str:
    """A file's bad rows, one a line, in the UI language."""
    lines = [
        t(
            "people.import.row",
            row=p.row,
            field=t(f"people.col.{p.field}")
            if t(f"people.col.{p.field}") != f"people.col.{p.field}"
            else p.field,
            problem=p.problem,
        )
        for p in errors[:limit]
    ]
    if len(errors) > limit:
        lines.append(t("people.import.more", n=len(errors) - limit))
    return "\n".join(lines)


def roles_text(roles: list[Role]) -> str:
    return "、".join(role_label(r) for r in roles) if roles else t("people.roles.any")


def who(o: Officer) -> str:
    """The name with what tells two of one name apart: `王伟（科员，13900000001）`."""
    extra = [x for x in (o.title, o.phone) if x]
    if not extra:
        return o.name
    return t("people.who", name=o.name, extra=t("people.sep").join(extra))


def twin_problem(o: Officer, same_name: list[Officer]) -> str | None:
    """Two 王伟 are normal, told apart by title or phone; one that nothing tells apart from an
    officer already on the desk is refused (the message names the one it would be taken for)."""
    digits = "".join(c for c in o.phone if c.isdigit())
    for other in same_name:
        if other.id == o.id:
            continue
        if other.title == o.title and "".join(c for c in other.phone if c.isdigit()) == digits:
            return t("people.twin", who=who(other))
    return None


def _officer_or_error(**kw: Any) -> Officer:
    try:
        return Officer(**kw)
    except ValidationError as e:
        err = e.errors()[0]
        raise InputError(str(err["loc"][0]) if err["loc"] else "name", err["msg"]) from None


class DeskForm(FormDialog):
    """The FormDialog of the people and settings screens (the same as FormDialog now that
    app.tcss gives every form checkbox its whole box)."""


class ChoiceModal(WatchdeskModal[str | None]):
    """Pick one of a few actions (Enter); Esc picks none."""

    BINDINGS = [Binding("escape", "cancel", "key.cancel", id="choice-cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], note: str = ""):
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        self.title_text = title
        self.choices = choices
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self.title_text, classes="dialog-title")
            if self.note:
                yield Label(self.note, classes="dialog-note")
            yield OptionList(*[Option(label, id=key) for key, label in self.choices])

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = 0
        ol.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- the forms ------------------------------------------------------------------------------------
def officer_fields(o: Officer | None) -> list[Field]:
    roles = o.roles if o else []
    return [
        Field("name", t("people.col.name"), o.name if o else ""),
        Field(
            "title", t("people.col.title"), o.title if o else "", placeholder=t("people.title_ph")
        ),
        Field("phone", t("people.col.phone"), o.phone if o else ""),
        Field("unit", t("people.col.unit"), o.unit if o else ""),
        *(
            Field(f"role_{r.value}", t("people.may", role=role_label(r)), r in roles, "checkbox")
            for r in Role
        ),
        Field("admin", t("people.col.admin"), o.admin if o else False, "checkbox"),
    ]


def officer_from(values: dict[str, Any], old: Officer | None = None) -> Officer:
    return _officer_or_error(
        id=old.id if old else None,
        name=str(values["name"]).strip() or " ",
        title=str(values["title"]),
        phone=str(values["phone"]),
        unit=str(values["unit"]),
        roles=[r for r in Role if values.get(f"role_{r.value}")],
        admin=bool(values["admin"]),
        active=old.active if old else True,
    )


def save_officer(s: Store, o: Officer) -> tuple[Officer, list[Officer]]:
    """On the DB thread: add (no id) or edit the officer, refusing one that nothing tells apart
    from another of the same name. Returns it and the others of its name."""
    twins = [x for x in s.officers.find(o.name.strip()) if x.id != o.id]
    problem = twin_problem(o.model_copy(update={"name": o.name.strip()}), twins)
    if problem:
        raise InputError("title", problem)
    if o.id is None:
        return s.officers.add(o), twins
    saved = s.officers.edit(
        o.id,
        name=o.name,
        title=o.title,
        phone=o.phone,
        unit=o.unit,
        roles=o.roles,
        admin=o.admin,
    )
    return saved, twins


def pin_state_text(st: PinStatus | None) -> str:
    if st is None or not st.has_pin:
        return t("people.pin.none")
    if st.locked_until is not None:
        return t("people.pin.locked", time=f"{st.locked_until:%H:%M}")
    if st.failures:
        return t("people.pin.failures", n=st.failures, left=st.tries_left)
    return t("people.pin.set")


# -- the screen -----------------------------------------------------------------------------------
AHEAD = timedelta(days=60)  # a deactivation warns of the officer's shifts this far ahead
COLUMNS = (  # key, width in cells
    ("name", 10),
    ("title", 12),
    ("phone", 13),
    ("roles", 30),
    ("admin", 6),
    ("active", 6),
    ("pin", 5),
)


class PeopleScreen(WatchdeskScreen):
    DEFAULT_CSS = """
    PeopleScreen #people-title { height: 1; }
    PeopleScreen #people-table { height: 1fr; }
    PeopleScreen #people-detail { height: auto; min-height: 1; padding: 0 1; background: $boost; }
    """
    BINDINGS = [
        Binding("escape", "back", "key.people.back", id="people-back"),
        Binding("a", "add", "key.people.add", id="people-add"),
        Binding("e", "edit", "key.people.edit", id="people-edit"),
        Binding("x", "toggle_active", "key.people.active", id="people-active"),
        Binding("p", "pin", "key.people.pin", id="people-pin"),
        Binding("i", "import", "key.people.import", id="people-import"),
        Binding("s", "export", "key.people.export", id="people-export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)
        self.officers: list[Officer] = []
        self.pins: dict[int, bool] = {}
        self.loads = 0  # completed loads (tests wait on it)

    def compose(self) -> ComposeResult:
        yield DeskHeader(show_clock=False)
        yield Label(t("people.title"), id="people-title", classes="section-title")
        yield FixedTable(id="people-table", cursor_type="row", zebra_stripes=True)
        yield Label("", id="people-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(FixedTable)
        for key, width in COLUMNS:
            table.add_column(Text(t(f"people.col.{key}")), key=key, width=width)
        table.focus()
        self.refresh_data()

    # -- reading --------------------------------------------------------------------------------
    def refresh_data(self) -> None:
        self.run_read(self._load, group="people-load")

    async def _load(self, select: int | None = None) -> None:
        def read(s: Store) -> tuple[list[Officer], dict[int, bool]]:
            people = s.officers.list(active_only=False)
            return people, {saved_id(o.id): s.officers.has_pin(saved_id(o.id)) for o in people}

        self.officers, self.pins = await self.app.client.call(read)
        self._show(select)
        self.loads += 1

    def _show(self, select: int | None) -> None:
        table = self.query_one(FixedTable)
        keep = select if select is not None else self._cursor_id()
        table.clear()
        for o in self.officers:
            style = "" if o.active else "dim"
            cells = [
                o.name,
                o.title,
                o.phone,
                roles_text(o.roles),
                t("people.yes") if o.admin else "",
                t("people.active") if o.active else t("people.inactive"),
                "✓" if self.pins.get(saved_id(o.id)) else "",
            ]
            row = [cell_text(c) for c in cells]
            for c in row:
                c.stylize(style)
            if not o.active:
                row[5].stylize("bold reverse")
            table.add_row(*row, key=str(o.id))
        table.size_now()
        inactive = sum(1 for o in self.officers if not o.active)
        self.query_one("#people-title", Label).update(
            t("people.title_n", n=len(self.officers) - inactive, off=inactive)
        )
        if keep is not None:
            for i, o in enumerate(self.officers):
                if o.id == keep:
                    table.move_cursor(row=i, animate=False)
                    break
        self._detail()

    def _cursor_id(self) -> int | None:
        table = self.query_one(FixedTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return int(key) if key else None

    def selected(self) -> Officer | None:
        oid = self._cursor_id()
        return next((o for o in self.officers if o.id == oid), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _detail(self) -> None:
        o = self.selected()
        label = self.query_one("#people-detail", Label)
        if o is None:
            label.update(t("people.empty"))
            return
        parts = [who(o), roles_text(o.roles)]
        if o.unit:
            parts.append(o.unit)
        if o.admin:
            parts.append(t("people.col.admin"))
        parts.append(t("people.active") if o.active else t("people.inactive_note"))
        label.update(Text("  ·  ".join(parts)))

    def _need(self) -> Officer | None:
        o = self.selected()
        if o is None:
            self.notify(t("people.none_selected"), severity="warning")
        return o

    # -- add, edit, deactivate ------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        self._form(None)

    def action_edit(self) -> None:
        o = self._need()
        if o is not None:
            self._form(o)

    def _form(self, old: Officer | None) -> None:
        async def submit(v: dict[str, Any]) -> Officer:
            o = officer_from(v, old)
            try:
                saved, twins = await self.app.client.call(lambda s: save_officer(s, o))
            except InputError as e:
                raise field_error(e) from None
            if twins:
                self.notify(t("people.twins", name=saved.name, n=len(twins) + 1), timeout=8)
            return saved

        def done(saved: Officer | None) -> None:
            if isinstance(saved, Officer):
                self.notify(t("people.saved", who=who(saved)))
                self.run_read(lambda: self._load(saved.id), group="people-load")

        title = t("people.form.edit", who=who(old)) if old else t("people.form.add")
        self.app.push_screen(
            DeskForm(title, officer_fields(old), submit, note=t("people.form.note")), done
        )

    def action_toggle_active(self) -> None:
        o = self._need()
        if o is None:
            return
        oid, active = saved_id(o.id), not o.active
        now = self.app.clock()

        async def ask() -> None:
            question = t("people.ask.activate" if active else "people.ask.deactivate", who=who(o))
            if not active:  # still on the roster ahead: say so (the roster lists them as gaps)
                ahead = await self.app.client.call(
                    lambda s: len(s.roster.export_rows(now, now + AHEAD, oid))
                )
                if ahead:
                    question += "\n" + t("people.ask.ahead", n=ahead, days=AHEAD.days)
            yes = await self.app.push_screen_wait(ConfirmDialog(question, danger=not active))
            if not yes:
                return
            try:
                saved = await self.app.client.call(lambda s: s.officers.edit(oid, active=active))
            except InputError as e:
                self.notify(e.problem, severity="error", timeout=10)
                return
            self.notify(t("people.activated" if active else "people.deactivated", who=who(saved)))
            await self._load(oid)

        self.run_write(ask, group="people-active", exclusive=True)

    # -- PINs -----------------------------------------------------------------------------------
    def action_pin(self) -> None:
        o = self._need()
        if o is None:
            return
        if not o.active:
            self.notify(t("err.officer.inactive_short", who=o.name), severity="warning")
            return
        oid = saved_id(o.id)

        async def go() -> None:
            st, admins = await self.app.client.call(
                lambda s: (
                    s.officers.pin_status(oid),
                    [a for a in s.officers.list() if a.admin and a.id != oid],
                )
            )
            if not st.has_pin:
                self._set_pin(o)
                return
            choices = [("change", t("people.pin.change")), ("reset", t("people.pin.reset"))]

            def picked(choice: str | None) -> None:
                if choice == "change":
                    self._change_pin(o)
                elif choice == "reset":
                    self._reset_pin(o, admins)

            self.app.push_screen(
                ChoiceModal(t("people.pin.title", who=who(o)), choices, pin_state_text(st)), picked
            )

        self.run_read(go, group="people-pin")

    def _pin_done(self, ok: Any) -> None:
        if ok:
            self.run_read(self._load, group="people-load")

    def _set_pin(self, o: Officer) -> None:
        oid = saved_id(o.id)

        async def submit(v: dict[str, Any]) -> bool:
            if v["pin"] != v["repeat"]:
                raise InputError("repeat", t("people.pin.mismatch"))
            try:
                await self.app.client.call(lambda s: s.officers.set_pin(oid, v["pin"]))
            except InputError as e:
                raise field_error(e, {"officer": "pin"}) from None
            self.notify(t("people.pin.saved", who=who(o)))
            return True

        fields = [
            Field("pin", t("people.pin.new"), password=True),
            Field("repeat", t("people.pin.repeat"), password=True),
        ]
        self.app.push_screen(
            DeskForm(
                t("people.pin.set_title", who=who(o)),
                fields,
                submit,
                note=t("people.pin.rule"),
            ),
            self._pin_done,
        )

    def _change_pin(self, o: Officer) -> None:
        from watchdesk.store.officer import pin_problem

        oid = saved_id(o.id)

        async def submit(v: dict[str, Any]) -> bool:
            problem = pin_problem(v["new"])
            if problem:
                raise InputError("new", problem)
            if v["new"] != v["repeat"]:
                raise InputError("repeat", t("people.pin.mismatch"))
            try:
                await self.app.client.call(lambda s: s.officers.change_pin(oid, v["old"], v["new"]))
            except InputError as e:
                same = e.msg.key == "err.pin.same"
                raise field_error(e, {"pin": "new" if same else "old"}) from None
            self.notify(t("people.pin.saved", who=who(o)))
            return True

        fields = [
            Field("old", t("people.pin.old"), password=True),
            Field("new", t("people.pin.new"), password=True),
            Field("repeat", t("people.pin.repeat"), password=True),
        ]
        self.app.push_screen(
            DeskForm(
                t("people.pin.change_title", who=who(o)),
                fields,
                submit,
                note=t("people.pin.rule"),
            ),
            self._pin_done,
        )

    def _reset_pin(self, o: Officer, admins: list[Officer]) -> None:
        if not admins:
            self.notify(t("people.pin.no_admin"), severity="warning", timeout=10)
            return
        oid = saved_id(o.id)
        by_id = {str(a.id): a for a in admins}

        async def submit(v: dict[str, Any]) -> bool:
            admin = by_id[str(v["admin"])]
            pin = v["admin_pin"] or None
            try:
                await self.app.client.call(lambda s: s.officers.reset_pin(oid, admin, by_pin=pin))
            except InputError as e:
                raise field_error(e, {"by": "admin", "pin": "admin_pin"}) from None
            self.notify(t("people.pin.was_reset", who=who(o), by=admin.name), timeout=8)
            return True

        fields = [
            Field(
                "admin",
                t("people.pin.admin"),
                kind="select",
                options=[(who(a), str(a.id)) for a in admins],
            ),
            Field("admin_pin", t("people.pin.admin_pin"), password=True),
        ]
        self.app.push_screen(
            DeskForm(
                t("people.pin.reset_title", who=who(o)),
                fields,
                submit,
                note=t("people.pin.reset_note"),
            ),
            self._pin_done,
        )

    # -- files ----------------------------------------------------------------------------------
    def action_import(self) -> None:
        async def submit(v: dict[str, Any]) -> bool | None:
            res = await import_people(self, str(v["path"]))
            if res is None:
                return None
            await self._load()
            return True

        self.app.push_screen(
            DeskForm(
                t("people.import.title"),
                [Field("path", t("people.path"), placeholder=t("people.path_ph"))],
                submit,
                note=t("people.import.note"),
            )
        )

    def action_export(self) -> None:
        folder = self.app.settings.export_dir
        default = (
            str(Path(folder) / t("people.export.default")) if folder else t("people.export.default")
        )

        async def submit(v: dict[str, Any]) -> bool:
            path = Path(str(v["path"]).strip()).expanduser()
            if not str(v["path"]).strip():
                raise InputError("path", t("people.path_needed"))
            people = await self.app.client.call(lambda s: s.officers.list(active_only=False))
            n = await asyncio.to_thread(_write, path, people)
            self.notify(t("people.exported", n=n, path=str(path)), timeout=8)
            return True

        self.app.push_screen(
            DeskForm(
                t("people.export.title"),
                [Field("path", t("people.path"), default)],
                submit,
                note=t("people.export.note"),
            )
        )


def _write(path: Path, people: list[Officer]) -> int:
    from watchdesk.files.officer import OfficerFileError, write_file

    try:
        return write_file(path, people, lang=language())
    except OfficerFileError as e:
        raise InputError("path", msg_of(e)) from None
    except OSError as e:
        raise InputError("path", "err.file.unreadable", path=path, why=os_msg(e)) from None


def _read(path: Path) -> tuple[list[Any], list[RowProblem]]:
    from watchdesk.files.officer import OfficerFileError, read_file

    try:
        return read_file(path)
    except OfficerFileError as e:
        raise InputError("path", msg_of(e)) from None


async def import_people(
    node: WatchdeskScreen[Any] | WatchdeskModal[Any],
    text: str,
    *,
    confirm: bool = True,
    field: str = "path",
) -> Any:
    """Read an officers' file (.csv / .xlsx) and import it: every row checked, then all written
    in one transaction or nothing. Bad rows raise InputError(`field`) listing each by its row
    number; with `confirm` the officer is first told what it would do and asked. Returns the
    store's result, or None when the officer said no. Runs in a worker (it may ask)."""
    from watchdesk.store.officer import OfficerImportError

    if not text.strip():
        raise InputError(field, t("people.path_needed"))
    path = Path(text.strip()).expanduser()
    try:
        rows, errors = await asyncio.to_thread(_read, path)
    except InputError as e:
        raise InputError(field, e.msg) from None
    try:
        if confirm:
            trial = await node.app.client.call(
                lambda s: s.officers.import_rows(rows, errors=errors, dry_run=True)
            )
            yes = await node.app.push_screen_wait(
                ConfirmDialog(
                    t(
                        "people.import.confirm",
                        created=trial.created,
                        updated=trial.updated,
                        unchanged=trial.unchanged,
                    )
                )
            )
            if not yes:
                return None
        res = await node.app.client.call(lambda s: s.officers.import_rows(rows, errors=errors))
    except OfficerImportError as e:
        raise InputError(
            field, t("people.import.refused", n=len(e.errors)) + "\n" + row_problems(e.errors)
        ) from None
    node.notify(
        t("people.imported", created=res.created, updated=res.updated, unchanged=res.unchanged),
        timeout=8,
    )
    return res

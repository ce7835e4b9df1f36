"""The first-run setup (首次设置): a new desk, opened in the console, is walked through what it needs —
its name, time zone, deadline rule pack, shift pattern and minimum people per role, its people
(typed, or imported from a file), and a first rotation.

Each step is written when it is confirmed (ctrl+s), in one transaction of its own, through the
store that checks and audits it; a refused step shows why at its field and writes nothing.
Every step can be skipped (ctrl+n) and done later from the settings (`s`) and people (`o`)
screens. Esc asks before abandoning: the steps confirmed so far stay, whole; nothing of the
current step is written. Finishing (skips included) marks the desk as set up, so the setup is
not offered again; abandoned, it is offered the next time the desk is opened while still empty.

The console offers it (`WatchdeskApp._offer_setup`) when it opens a desk with no officers and no shifts that was
never set up; the settings screen opens it again on `w`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from watchdesk.errors import InputError, msg_of, validation_msg
from watchdesk.i18n import t
from watchdesk.i18n.labels import role_label
from watchdesk.models.officer import ActorKind, Officer, OfficerRow
from watchdesk.models.roster import Role, RosterConfig, RotationSpec
from watchdesk.screens.dialogs import ConfirmDialog, Field, Form, field_label
from watchdesk.screens.officer import field_error, import_people, row_problems
from watchdesk.screens.settings import (
    overridden_here,
    pack_options,
    roster_apply,
    roster_fields,
)
from watchdesk.text.timefmt import parse_date
from watchdesk.widgets import localize_bindings

if TYPE_CHECKING:
    from watchdesk.app import WatchdeskApp
    from watchdesk.store.desk import Store
    from watchdesk.store.settings import DeskSettings, PackChoice

STEPS = ("desk", "timezone", "rule_pack", "roster", "people", "rotation")
ROTATION_ROLES = (Role.leader, Role.chief, Role.officer, Role.standby)
PEOPLE_HEADER = ["姓名", "职务", "电话", "可任角色", "管理员"]  # the columns a typed line has
WEEKS_MAX = 52


def open_setup(app: WatchdeskApp) -> None:
    """The first-run setup on a new desk (the app offers it: `WatchdeskApp._offer_setup`), after
    which the first screen reads the desk again and, when the console asks who is at the
    keyboard, it asks now that the desk has people."""

    def done(finished: bool | None) -> None:
        app.reload()
        if app.ask_officer and app.officer.kind != ActorKind.officer:
            app.run_read(lambda: app._ask_officer(required=True), group="identify")

    app.push_screen(SetupWizard(), done)


# -- pieces ---------------------------------------------------------------------------------------
def shift_day(now: datetime, tz: ZoneInfo, cfg: RosterConfig) -> date:
    """The day whose shifts cover `now`: before the first shift of the day starts, yesterday's
    (a 24-hour shift from 08:30 is still on at 03:00)."""
    local = now.astimezone(tz)
    first = min(s.start_time for s in cfg.slots())
    return local.date() - timedelta(days=1) if local.time() < first else local.date()


def handle(o: Officer, counts: Counter[str]) -> str:
    """How a rotation list names an officer: the name, and where two share it, `王伟(13900000001)`."""
    if counts[o.name] < 2:
        return o.name
    return f"{o.name}({o.phone or o.title or '#' + str(o.id)})"


def first_role(o: Officer) -> Role:
    """The list a rotation puts an officer on: the first of the roles they may take (an officer
    who may take any: the duty officers')."""
    return next((r for r in ROTATION_ROLES if r in o.roles), Role.officer)


def role_list(officers: list[Officer], role: Role) -> str:
    """The active officers whose first role is `role`, in the desk's order."""
    counts = Counter(o.name for o in officers)
    return "、".join(handle(o, counts) for o in officers if first_role(o) == role)


_HANDLE = re.compile(r"([^,，、;；\s()（）]+)(?:\s*[（(]([^)）]*)[)）])?")


def handles(text: str) -> list[tuple[str, str]]:
    """`王建国、王伟(13900000001)` → [("王建国", ""), ("王伟", "13900000001")]."""
    return [(m[1], (m[2] or "").strip()) for m in _HANDLE.finditer(text)]


def resolve_lists(
    s: Store, lists: dict[Role, str]
) -> tuple[dict[Role, list[int]], dict[str, list[Role]]]:
    """On the DB thread: each role's list as officer ids, and the names the desk does not have
    (with the roles they were listed for). A name several active officers share, without the
    title or phone that tells them apart, is an InputError at the role's field."""
    ids: dict[Role, list[int]] = {}
    unknown: dict[str, list[Role]] = {}
    for role, text in lists.items():
        for name, extra in handles(text):
            if not s.officers.find(name):
                unknown.setdefault(name, [])
                if role not in unknown[name]:
                    unknown[name].append(role)
                continue
            if extra.startswith("#") and extra[1:].isdigit():
                o = s.officers.get(int(extra[1:]))
                if o.name != name or not o.active:
                    o = s.officers.resolve(name, field=role.value)
            else:
                phone_like = sum(c.isdigit() for c in extra) >= 3
                o = s.officers.resolve(
                    name,
                    title=None if phone_like else extra,
                    phone=extra if phone_like else None,
                    field=role.value,
                )
            ids.setdefault(role, []).append(o.id or 0)
    return ids, unknown


def people_rows(text: str, first_admin: bool) -> list[OfficerRow]:
    """Typed lines (`姓名，职务，电话，可任角色，管理员`; commas, tabs, or spaces between) as
    officer rows, read like a file's (line N is row N); InputError("people") listing every bad
    line. With `first_admin`, the first person administers the desk unless a line says who."""
    from watchdesk.files.officer import read_table
    from watchdesk.models.base import RowProblem

    table: list[list[str]] = [PEOPLE_HEADER]
    for line in text.splitlines():
        sep = r"[,，\t]" if re.search(r"[,，\t]", line) else r"\s+"
        table.append([c.strip() for c in re.split(sep, line.strip())] if line.strip() else [])
    rows, errors = read_table(table)
    errors = [RowProblem(row=e.row - 1, field=e.field, problem=e.problem) for e in errors]
    if errors:
        raise InputError("people", row_problems(errors))
    rows = [r.model_copy(update={"row": r.row - 1}) for r in rows]
    if first_admin and rows and not any(r.admin for r in rows):
        rows[0] = rows[0].model_copy(update={"admin": True})
    return rows


@dataclass
class SetupState:
    desk: DeskSettings
    packs: list[PackChoice]
    cfg: RosterConfig
    officers: list[Officer] = field(default_factory=list)


# -- the wizard -----------------------------------------------------------------------------------
class SetupWizard(Form[bool]):
    """The steps, one at a time, in one modal. Dismisses with True when finished, False when
    abandoned."""

    DEFAULT_CSS = """
    SetupWizard .dialog { width: 100; }
    SetupWizard #setup-progress { color: $text-muted; margin-bottom: 1; }
    SetupWizard #setup-people { height: 8; }
    SetupWizard .people-cell { column-span: 2; height: auto; }
    SetupWizard .form-grid Checkbox { width: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "key.setup.save", id="setup-save", priority=True),
        Binding("ctrl+n", "skip", "key.setup.skip", id="setup-skip", priority=True),
        Binding("escape", "cancel", "key.setup.abandon", id="setup-abandon"),
    ]
    cancelled = False

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        self.step = 0
        self.done: dict[str, str] = {}  # step -> "saved" | "skipped"
        self.state: SetupState | None = None
        self._busy = False

    # -- layout ---------------------------------------------------------------------------------
    @property
    def step_name(self) -> str:
        return STEPS[self.step]

    def fields(self) -> list[Field]:
        st = self.state
        assert st is not None
        conf = self.app.settings
        name = self.step_name
        if name == "desk":
            return [
                Field("desk_name", t("settings.desk.desk_name"), st.desk.desk_name),
                Field("report_to", t("settings.desk.report_to"), st.desk.report_to),
            ]
        if name == "timezone":
            return [
                Field("timezone", t("settings.desk.timezone"), st.desk.timezone or conf.timezone)
            ]
        if name == "rule_pack":
            return [
                Field(
                    "rule_pack",
                    t("settings.desk.rule_pack"),
                    st.desk.rule_pack or conf.rule_pack,
                    "select",
                    pack_options(st.desk, st.packs),
                )
            ]
        if name == "roster":
            return roster_fields(st.cfg, full=False)
        if name == "people":
            return [
                Field("path", t("setup.people.path"), placeholder=t("people.path_ph")),
                Field(
                    "first_admin",
                    t("setup.people.admin"),
                    True,
                    "checkbox",
                    placeholder=t("setup.people.first_admin"),  # the checkbox's own text
                ),
            ]
        active = [o for o in st.officers if o.active]
        start = shift_day(self.app.clock(), self.app.settings.tz, st.cfg)
        return [
            Field("start", t("setup.rotation.start"), start.isoformat()),
            Field("weeks", t("setup.rotation.weeks"), "4"),
            *(Field(r.value, role_label(r), role_list(active, r)) for r in ROTATION_ROLES),
        ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog"):
            yield Label(
                t(
                    "setup.title",
                    n=self.step + 1,
                    of=len(STEPS),
                    step=t(f"setup.step.{self.step_name}"),
                ),
                classes="dialog-title",
            )
            yield Static(self._progress(), id="setup-progress")
            if self.state is None:
                yield Static(t("setup.loading"), classes="dialog-note")
                return
            yield Static(self._note(), classes="dialog-note")
            with Grid(classes="form-grid"):
                if self.step_name == "people":
                    with Vertical(classes="people-cell"):
                        yield TextArea("", id="setup-people")
                        yield Static("", classes="field-error", id="e-people")
                for f in self.fields():
                    yield Label(f.label, classes="form-label")
                    with Vertical(classes="form-cell"):
                        if f.kind == "select":
                            choices = [v for _, v in f.options]
                            yield Select(
                                f.options,
                                value=f.value if f.value in choices else choices[0],
                                allow_blank=False,
                                id=f"f-{f.name}",
                            )
                        elif f.kind == "checkbox":
                            yield Checkbox(f.placeholder, value=bool(f.value), id=f"f-{f.name}")
                        else:
                            yield Input(str(f.value), placeholder=f.placeholder, id=f"f-{f.name}")
                        yield Static("", classes="field-error", id=f"e-{f.name}")
            last = self.step == len(STEPS) - 1
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    t("setup.finish" if last else "setup.next"), id="save", variant="primary"
                )
                yield Button(t("setup.skip"), id="skip")
                yield Button(t("setup.abandon"), id="abandon")

    def _progress(self) -> str:
        out = []
        for i, name in enumerate(STEPS):
            mark = {"saved": "✓", "skipped": "–"}.get(self.done.get(name, ""), " ")
            if i == self.step:
                mark = "▸"
            out.append(f"{mark} {t(f'setup.step.{name}')}")
        return "   ".join(out)

    def _note(self) -> str:
        note = t(f"setup.note.{self.step_name}")
        if self.step_name in ("timezone", "rule_pack"):  # set here by a flag or the environment
            note = "\n".join([note, *overridden_here(self.app, (self.step_name,))])
        st = self.state
        if (
            self.step_name == "rotation"
            and st is not None
            and not any(o.active for o in st.officers)
        ):
            note += "\n" + t("setup.rotation.nobody")
        return note

    async def _show_step(self) -> None:
        await self.recompose()
        self.opened_with = self.values()
        first = self.query("#setup-people, Input, Select, Checkbox").first()
        first.focus()

    def on_mount(self) -> None:
        self.run_read(self._start, group="setup-load")

    async def _start(self) -> None:
        await self._load()
        await self._show_step()

    async def _load(self) -> None:
        def read(s: Store) -> SetupState:
            return SetupState(
                desk=s.settings.get(),
                packs=s.settings.packs(),
                cfg=s.roster.config(),
                officers=s.officers.list(),
            )

        self.state = await self.app.client.call(read)

    # -- errors ---------------------------------------------------------------------------------
    def show_error(self, field_name: str, message: str) -> None:
        for w in self.query(".field-error"):
            if isinstance(w, Static):
                w.update("")
        labels = {f.name: f.label for f in self.fields()} if self.state else {}
        labels["people"] = t("setup.people.typed")
        found = self.query(f"#e-{field_name}")
        if not found:
            self.notify(
                f"{field_label(field_name, labels)}: {message}", severity="error", timeout=10
            )
            return
        label = found.first()
        if isinstance(label, Static):
            label.update(
                t("form.field_error", field=field_label(field_name, labels), problem=message)
            )
        target = self.query(f"#f-{field_name}, #setup-{field_name}")
        if target:
            target.first().focus()

    # -- keys -----------------------------------------------------------------------------------
    def action_save(self) -> None:
        self.run_write(self._save, group="setup-save")

    def action_skip(self) -> None:
        self.run_write(self._skip, group="setup-save")

    def action_cancel(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(False)

        self.app.push_screen(ConfirmDialog(t("setup.ask_abandon"), danger=True), answered)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "skip":
            self.action_skip()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if inputs and event.input is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    async def _skip(self) -> None:
        if self._busy or self.state is None:
            return
        self.done[self.step_name] = "skipped"
        await self._advance()

    async def _save(self) -> None:
        if self._busy or self.state is None:
            return
        self._busy = True
        try:
            saved = await self._write(self.values())
        except InputError as e:
            self.show_error(e.field, e.problem)
            return
        finally:
            self._busy = False
        if saved:
            self.done[self.step_name] = "saved"
            await self._advance()

    async def _advance(self) -> None:
        if self.step == len(STEPS) - 1:
            await self.app.client.call(lambda s: s.settings.finish_setup())
            saved = sum(1 for v in self.done.values() if v == "saved")
            self.notify(t("setup.finished", saved=saved, skipped=len(STEPS) - saved), timeout=10)
            self.dismiss(True)
            return
        await self._load()
        self.step += 1
        await self._show_step()

    # -- writing each step ----------------------------------------------------------------------
    async def _write(self, v: dict[str, Any]) -> bool:
        """Write the step (one transaction); InputError at a field when refused. False: the
        officer said no to a question, nothing written, the step stays."""
        st = self.state
        assert st is not None
        call = self.app.client.call
        name = self.step_name
        if name in ("desk", "timezone", "rule_pack"):
            keys = {"desk": ("desk_name", "report_to")}.get(name, (name,))
            changes = {k: str(v[f"f-{k}"]) for k in keys}
            if not any(x.strip() for x in changes.values()):
                raise InputError(keys[0], t("setup.empty"))
            try:
                ds = await call(lambda s: s.settings.update(**changes))
            except InputError as e:
                raise field_error(e) from None
            self.app.apply_desk(ds.model_dump())
            return True
        if name == "roster":
            values = {k.removeprefix("f-"): x for k, x in v.items()}
            try:
                await call(lambda s: s.roster.set_config(roster_apply(s.roster.config(), values)))
            except InputError as e:
                raise field_error(e) from None
            return True
        if name == "people":
            return await self._write_people(v)
        return await self._write_rotation({k.removeprefix("f-"): x for k, x in v.items()})

    async def _write_people(self, v: dict[str, Any]) -> bool:
        typed = str(v.get("setup-people", "")).strip()
        path = str(v.get("f-path", "")).strip()
        if typed and path:
            raise InputError("path", t("setup.people.either"))
        if path:
            return await import_people(self, path) is not None
        if not typed:
            raise InputError("people", t("setup.people.none"))
        rows = people_rows(typed, bool(v.get("f-first_admin")))
        from watchdesk.store.officer import OfficerImportError

        try:
            res = await self.app.client.call(lambda s: s.officers.import_rows(rows))
        except OfficerImportError as e:
            raise InputError("people", row_problems(e.errors)) from None
        self.notify(
            t("people.imported", created=res.created, updated=res.updated, unchanged=res.unchanged)
        )
        return True

    async def _write_rotation(self, v: dict[str, Any]) -> bool:
        try:
            start = parse_date(str(v["start"]))
        except ValueError as e:
            raise InputError("start", msg_of(e)) from None
        try:
            weeks = int(str(v["weeks"]).strip())
        except ValueError:
            weeks = 0
        if not 1 <= weeks <= WEEKS_MAX:
            raise InputError("weeks", t("settings.range", lo=1, hi=WEEKS_MAX))
        lists = {r: str(v[r.value]) for r in ROTATION_ROLES if str(v[r.value]).strip()}
        if not lists:
            raise InputError(Role.leader.value, "err.roster.no_lists")
        call = self.app.client.call
        try:
            ids, unknown = await call(lambda s: resolve_lists(s, lists))
        except InputError as e:
            raise field_error(e) from None
        if unknown:
            names = "、".join(unknown)
            yes = await self.app.push_screen_wait(
                ConfirmDialog(t("setup.rotation.add_unknown", names=names))
            )
            if not yes:
                role = next(iter(unknown.values()))[0]
                raise InputError(role.value, t("setup.rotation.unknown", names=names))
            rows = [
                OfficerRow(row=i, name=n, roles=roles)
                for i, (n, roles) in enumerate(unknown.items(), start=1)
            ]
            await call(lambda s: s.officers.import_rows(rows))
            ids, unknown = await call(lambda s: resolve_lists(s, lists))
        try:
            spec = RotationSpec(start=start, end=start + timedelta(days=weeks * 7 - 1), lists=ids)
        except ValidationError as e:
            raise InputError("start", validation_msg(e.errors()[0])) from None
        try:
            res = await call(lambda s: s.roster.generate(spec))
        except InputError as e:
            raise field_error(e) from None
        self.notify(
            t(
                "gen.done",
                shifts=res.shifts_created,
                people=res.assigned,
                kept=len(res.kept_manual),
                conflicts=len(res.conflicts),
            ),
            timeout=10,
        )
        return True

"""Passing on and following up (传、跟) in the console.

`DispatchForm` (the incident's `a`): pick units from the directory as you type (the pinyin search
of `directory_picker`; Enter adds the unit under the cursor, several at once), the instruction
(pre-filled from the incident's latest 领导批示), the channel, who passed it on, when. Each unit
gets its own task with its clocks (store/dispatch.py).

`TasksScreen` (the incident's `b`): the incident's tasks with each clock; Enter records the next
step (one key: acknowledged, on scene, fed back), `h` chases a late one (督办), `x` cancels one,
`g` starts a roll-call of exactly the units dispatched, `f` records the first receiver (首接) or
its handover. On the first screen, `b` on a task's row of the countdown board records its step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Checkbox, Input, Label, Select, Static

from watchdesk.errors import InputError, StoreError
from watchdesk.i18n import t
from watchdesk.models.dispatch import IMPLIED, Channel, Task, TaskInput
from watchdesk.rules.dispatch import Step, TaskKind
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.dialogs import Field, Form, FormDialog, error_text
from watchdesk.screens.directory_picker import HitsTable
from watchdesk.text.timefmt import fmt_full, fmt_hm, hms, parse_past_time
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.fixed_table import FixedTable, cell_text
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader

if TYPE_CHECKING:
    from watchdesk.app import WatchdeskApp


def late_text(seconds: int | None) -> str:
    return hms(seconds) if seconds and seconds > 0 else ""


class DispatchForm(Form[Any]):
    """Several units, one instruction: one task each."""

    DEFAULT_CSS = """
    DispatchForm { align: center middle; }
    DispatchForm > Vertical {
        width: 110; max-width: 98%; height: auto; max-height: 98%; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    DispatchForm HitsTable { height: 7; }
    DispatchForm .form-grid { grid-size: 2; grid-columns: 16 1fr; height: auto; }
    DispatchForm .form-grid > * { height: 3; }
    DispatchForm #dsp-chosen { color: $accent; }
    DispatchForm #dsp-error { color: $error; }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", "key.save", id="dispatch-save", priority=True),
        Binding("escape", "cancel", "key.cancel", id="dispatch-cancel"),
        Binding("ctrl+d", "drop_unit", "key.dispatch_drop_unit", id="dispatch-drop"),
    ]

    def __init__(
        self,
        *,
        incident_id: int | None = None,
        log_entry_id: int | None = None,
        instruction: str = "",
        urban: bool = False,
        warning_id: int | None = None,
        units: list[tuple[int, str]] | None = None,
    ) -> None:
        super().__init__()
        localize_bindings(self)
        self.incident_id = incident_id
        self.log_entry_id = log_entry_id
        self.warning_id = warning_id  # a warning passed on to the units of its area
        self.instruction = instruction
        self.urban = urban
        self.chosen: list[tuple[int, str]] = list(units or [])
        self.searches = 0

    def compose(self) -> ComposeResult:
        if self.incident_id is not None:
            title = t("dsp.title", id=self.incident_id)
        elif self.warning_id is not None:
            title = t("dsp.title_warning", id=self.warning_id)
        else:
            title = t("dsp.title_log", id=self.log_entry_id)
        app = self.app
        with Vertical():
            yield Label(title, classes="section-title")
            yield Input(placeholder=t("dsp.search"), id="dsp-query")
            yield HitsTable(id="dsp-hits")
            yield Static(t("dsp.chosen_none"), id="dsp-chosen")
            with Grid(classes="form-grid"):
                yield Label(t("dsp.kind"))
                yield Select(
                    [
                        (t(f"dispatch.kind.{k.value}"), k.value)
                        for k in (TaskKind.dispatch, TaskKind.instruction)
                    ],
                    value=(TaskKind.dispatch if self.incident_id else TaskKind.instruction).value,
                    allow_blank=False,
                    id="dsp-kind",
                )
                yield Label(t("dsp.instruction"))
                yield Input(self.instruction, id="dsp-instruction")
                yield Label(t("dsp.channel"))
                yield Select(
                    [(t(f"dispatch.channel.{c.value}"), c.value) for c in Channel],
                    value=Channel.phone.value,
                    allow_blank=False,
                    id="dsp-channel",
                )
                yield Label(t("dsp.passed_by"))
                yield Input(app.actor or "", id="dsp-passed-by")
                yield Label(t("dsp.at"))
                yield Input(fmt_full(app.clock(), app.settings.tz), id="dsp-at")
                yield Label(t("dsp.urban"))
                yield Checkbox("", value=self.urban, id="dsp-urban")
            yield Label("", id="dsp-error")
            yield Static(t("dsp.keys"), classes="dialog-note")

    def on_mount(self) -> None:
        self.query_one("#dsp-query", Input).focus()
        self.search("")
        if self.chosen:  # given (a warning's area): shown from the start
            self._show_chosen()

    def search(self, text: str) -> None:
        self.run_read(lambda: self._search(text), group="dispatch-search")

    async def _search(self, text: str) -> None:
        hits = await self.app.client.call(lambda s: s.directory.search(text, limit=50))
        # units only (a contact's line names its unit too): one line per unit
        seen: set[int] = set()
        units = []
        for h in hits:
            if h.unit_id not in seen and h.active:
                seen.add(h.unit_id)
                units.append(h.model_copy(update={"contact_name": "", "role": "", "phone": ""}))
        self.query_one(HitsTable).set_hits(units)
        self.searches += 1

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "dsp-query":
            self.search(event.value)

    def on_key(self, event) -> None:
        if self.focused is self.query_one("#dsp-query", Input) and event.key in ("up", "down"):
            table = self.query_one(HitsTable)
            if table.row_count:
                step = 1 if event.key == "down" else -1
                table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))
            event.stop()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "dsp-query":
            self.add_unit()
        elif event.input.id == "dsp-at":
            self.action_submit()
        else:
            self.focus_next()

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.add_unit()

    def add_unit(self) -> None:
        hit = self.query_one(HitsTable).current
        if hit is None:
            return
        if hit.unit_id not in [u for u, _ in self.chosen]:
            self.chosen.append((hit.unit_id, hit.unit_name))
        self._show_chosen()
        q = self.query_one("#dsp-query", Input)
        q.value = ""
        q.focus()

    def action_drop_unit(self) -> None:
        if self.chosen:
            self.chosen.pop()
        self._show_chosen()

    def _show_chosen(self) -> None:
        names = "、".join(n for _, n in self.chosen)
        self.query_one("#dsp-chosen", Static).update(
            Text(t("dsp.chosen", units=names) if names else t("dsp.chosen_none"))
        )

    def typed(self) -> bool:
        return bool(self.chosen) or super().typed()

    def values(self) -> dict[str, Any]:
        out = super().values()
        out["units"] = [u for u, _ in self.chosen]
        return out

    def action_submit(self) -> None:
        self.run_write(self._submit, group="dispatch-submit")

    async def _submit(self) -> None:
        app = self.app
        v = super().values()
        err = self.query_one("#dsp-error", Label)
        try:
            try:
                at = parse_past_time(v["dsp-at"], app.settings.tz, now=app.clock())
            except ValueError as e:
                raise InputError("at", str(e)) from None
            if not v["dsp-instruction"].strip():
                raise InputError("instruction", "err.text.blank")
            inp = TaskInput(
                kind=v["dsp-kind"],
                incident_id=self.incident_id,
                log_entry_id=self.log_entry_id,
                warning_id=self.warning_id,
                unit_ids=[u for u, _ in self.chosen],
                instruction=v["dsp-instruction"],
                channel=v["dsp-channel"],
                passed_by=v["dsp-passed-by"],
                issued_at=at,
                urban=bool(v["dsp-urban"]),
            )
            tasks = await app.client.call(lambda s: s.dispatch.add(inp))
        except InputError as e:
            err.update(error_text(e, {"units": t("dsp.search"), "at": t("dsp.at")}))
            return
        except StoreError as e:
            err.update(str(e))
            return
        app.after_write(t("dsp.done", n=len(tasks), units="、".join(x.unit_name for x in tasks)))
        self.dismiss(tasks)


def step_dialog(app: WatchdeskApp, task: Task, on_done: Any = None) -> None:
    """One key on a task: its next step, at now (editable), with a note (a feedback's text)."""
    nxt = task.next_clock()
    if nxt is None or task.status != "open":
        app.notify(
            t("err.dispatch.not_open", id=task.id, status=t(f"dispatch.status.{task.status}"))
        )
        return
    open_steps = [
        c.step for c in sorted(task.clocks, key=lambda c: (c.due_at, c.id)) if c.done_at is None
    ]

    async def submit(v: dict[str, Any]):
        try:
            at = parse_past_time(v["at"], app.settings.tz, now=app.clock())
        except ValueError as e:
            raise InputError("at", str(e)) from None
        step = Step(v["step"])
        label = t(f"dispatch.step.{step.value}")
        done = await app.client.call(lambda s: s.dispatch.record(task.id, step, at, v["note"]))
        c = done.clock(step)
        late = late_text(c.late_seconds if c else None)
        app.after_write(
            t("dsp.step_late", unit=task.unit_name, step=label, late=late)
            if late
            else t("dsp.step_done", unit=task.unit_name, step=label),
            warn=bool(late),
        )
        if on_done is not None:
            on_done()
        return done

    app.push_screen(
        FormDialog(
            t(
                "dsp.step_title",
                id=task.id,
                unit=task.unit_name,
                step=t(f"dispatch.kind.{task.kind.value}"),
            ),
            [
                Field(
                    "step",
                    t("dsp.step"),
                    nxt.step.value,
                    kind="select",
                    options=[(t(f"dispatch.step.{x.value}"), x.value) for x in open_steps],
                ),
                Field("at", t("dsp.step_at"), fmt_full(app.clock(), app.settings.tz)),
                Field("note", t("dsp.step_note"), "", wide=True),
            ],
            submit,
            note=f"{task.instruction[:120]}\n{nxt.source}",
        )
    )


class TasksScreen(WatchdeskScreen):
    """The tasks given on one incident, each clock, chases; the first receiver."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="tasks-back"),
        Binding("enter", "step", "key.task_step", id="tasks-step", priority=True),
        Binding("a", "dispatch", "key.dispatch", id="tasks-dispatch"),
        Binding("h", "chase", "key.task_chase", id="tasks-chase"),
        Binding("x", "cancel_task", "key.task_cancel", id="tasks-cancel"),
        Binding("g", "rollcall", "key.task_rollcall", id="tasks-rollcall"),
        Binding("f", "first", "key.task_first", id="tasks-first"),
    ]

    def __init__(self, incident_id: int) -> None:
        super().__init__()
        localize_bindings(self)
        self.incident_id = incident_id
        self.tasks: list[Task] = []
        self.headline = ""

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Vertical(id="tasks"):
            yield Label("", classes="section-title", id="tasks-title")
            yield Static("", id="tasks-first")
            yield FixedTable(id="tasks-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#tasks-table", FixedTable)
        for key, width in (
            ("unit", 16),
            ("given", 11),
            ("ack", 10),
            ("arrive", 15),
            ("feedback", 13),
            ("chased", 12),
            ("status", 6),
        ):
            table.add_column(Text(t(f"dsp.col.{key}")), key=key, width=width)
        self.watch(self.app, "now", lambda _now: self.render_tasks(), init=False)
        self.reload()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.reload()

    def reload(self) -> None:
        self.run_read(self._load, group="tasks-load")

    async def _load(self) -> None:
        inc_id = self.incident_id

        def read(s):
            return (
                s.incidents.get(inc_id),
                s.dispatch.list(incident_id=inc_id),
                s.dispatch.first_receiver(inc_id),
            )

        inc, tasks, first = await self.app.client.call(read)
        self.tasks, self.first = tasks, first
        self.headline = inc.headline
        self.query_one("#tasks-title", Label).update(
            t("dsp.tasks_title", id=inc.id, headline=inc.headline)
        )
        self.render_tasks()

    first: Any = None

    def render_tasks(self) -> None:
        """Draw the tasks read last (the clock's tick redraws them without reading again)."""
        tasks, first = self.tasks, self.first
        tz, now = self.app.settings.tz, self.app.clock()
        line = ""
        if first is not None:
            line = t("dsp.first_line", unit=first.unit_name, at=fmt_hm(first.received_at, tz, now))
            if first.handed_at is not None:
                line += t(
                    "dsp.first_handed", to=first.handed_to, at=fmt_hm(first.handed_at, tz, now)
                )
        if not tasks and not line:
            line = t("dsp.tasks_none")
        self.query_one("#tasks-first", Static).update(Text(line))
        table = self.query_one("#tasks-table", FixedTable)
        row = table.cursor_row
        table.clear()
        for task in tasks:
            style = "strike dim" if task.status == "cancelled" else ""
            cells = [
                cell_text(task.unit_name),
                cell_text(fmt_hm(task.issued_at, tz, now)),
            ]
            for step in (Step.ack, Step.arrive, Step.feedback):
                cells.append(self._clock_cell(task, step, now))
            last = task.last_chase
            cells.append(
                cell_text(
                    t("dsp.chase_cell", n=len(task.chases), at=fmt_hm(last.at, tz, now))
                    if last
                    else ""
                )
            )
            cells.append(cell_text(t(f"dispatch.status.{task.status}")))
            if style:
                for c in cells:
                    c.stylize(style)
            table.add_row(*cells, key=str(task.id))
        table.size_now()
        if 0 <= row < len(tasks):
            table.move_cursor(row=row)

    def _clock_cell(self, task: Task, step: Step, now) -> Text:
        tz = self.app.settings.tz
        c = task.clock(step)
        if c is None:
            return Text("—", style="dim")
        if c.done_at is not None and c.note == IMPLIED:  # closed by a later step
            return Text(t("dispatch.implied"), style="dim")
        if c.done_at is not None:
            late = late_text(c.late_seconds)
            at = fmt_hm(c.done_at, tz, now)
            if late:
                return Text(t("dsp.cell.late", at=at, late=late), style="bold red")
            return Text(t("dsp.cell.done", at=at), style="green")
        if task.status != "open":
            return Text("")
        if c.due_at < now:
            return Text(
                t("dsp.cell.over", due=fmt_hm(c.due_at, tz, now)), style="bold white on red"
            )
        return Text(t("dsp.cell.open", due=fmt_hm(c.due_at, tz, now)))

    def selected(self) -> Task | None:
        table = self.query_one("#tasks-table", FixedTable)
        if self.tasks and 0 <= table.cursor_row < len(self.tasks):
            return self.tasks[table.cursor_row]
        self.notify(t("dsp.pick_task"), severity="warning")
        return None

    def action_step(self) -> None:
        task = self.selected()
        if task is not None:
            step_dialog(self.app, task, self.reload)

    def action_dispatch(self) -> None:
        open_dispatch(self.app, self.incident_id, self.reload)

    def action_chase(self) -> None:
        task = self.selected()
        if task is None:
            return
        app = self.app

        async def submit(v: dict[str, Any]):
            try:
                at = parse_past_time(v["at"], app.settings.tz, now=app.clock())
            except ValueError as e:
                raise InputError("at", str(e)) from None
            done = await app.client.call(lambda s: s.dispatch.chase(task.id, v["outcome"], at))
            app.after_write(t("dsp.chase_done", unit=task.unit_name, n=len(done.chases)))
            self.reload()
            return done

        app.push_screen(
            FormDialog(
                t("dsp.chase_title", id=task.id, unit=task.unit_name),
                [
                    Field("at", t("dsp.step_at"), fmt_full(app.clock(), app.settings.tz)),
                    Field("outcome", t("dsp.chase_outcome"), "", wide=True),
                ],
                submit,
            )
        )

    def action_cancel_task(self) -> None:
        task = self.selected()
        if task is None:
            return
        app = self.app

        async def submit(v: dict[str, Any]):
            done = await app.client.call(lambda s: s.dispatch.cancel(task.id, v["reason"]))
            app.after_write(t("dsp.cancel_done", id=task.id))
            self.reload()
            return done

        app.push_screen(
            FormDialog(
                t("dsp.cancel_title", id=task.id, unit=task.unit_name),
                [Field("reason", t("dsp.cancel_reason"), "", wide=True)],
                submit,
            )
        )

    def action_rollcall(self) -> None:
        self.run_write(self._rollcall, group="tasks-rollcall")

    async def _rollcall(self) -> None:
        from watchdesk.screens.rollcall_run import RollCallRunScreen

        inc_id = self.incident_id
        try:
            rep = await self.app.client.call(lambda s: s.dispatch.start_rollcall(inc_id))
        except InputError as e:
            self.notify(e.problem, severity="warning")
            return
        self.app.push_screen(RollCallRunScreen(rep.round.id))

    def action_first(self) -> None:
        app = self.app
        inc_id = self.incident_id
        tz = app.settings.tz

        async def submit(v: dict[str, Any]):
            def when(name: str):
                try:
                    return (
                        parse_past_time(v[name], tz, now=app.clock()) if v[name].strip() else None
                    )
                except ValueError as e:
                    raise InputError(name, str(e)) from None

            at, to_at = when("at"), when("to_at")

            def write(s):
                have = s.dispatch.first_receiver(inc_id)
                if have is None or v["unit"].strip() != have.unit_name:
                    have = s.dispatch.set_first_receiver(inc_id, unit_name=v["unit"], at=at)
                if v["to"].strip():
                    have = s.dispatch.hand_over_first(inc_id, to_name=v["to"], at=to_at)
                return have

            done = await app.client.call(write)
            app.after_write(t("dsp.first_done"))
            self.reload()
            return done

        async def open_form() -> None:
            have = await app.client.call(lambda s: s.dispatch.first_receiver(inc_id))
            now = app.clock()
            app.push_screen(
                FormDialog(
                    t("dsp.first_title", id=inc_id),
                    [
                        Field("unit", t("dsp.first_unit"), have.unit_name if have else ""),
                        Field(
                            "at",
                            t("dsp.first_at"),
                            fmt_full(have.received_at if have else now, tz),
                        ),
                        Field("to", t("dsp.first_to"), have.handed_to if have else ""),
                        Field("to_at", t("dsp.first_to_at"), fmt_full(now, tz)),
                    ],
                    submit,
                )
            )

        self.run_read(open_form, group="tasks-first")


def open_dispatch(app: WatchdeskApp, incident_id: int, on_done: Any = None) -> None:
    """The dispatch form for an incident, pre-filled from its latest leader instruction."""

    async def go() -> None:
        instruction, urban = await app.client.call(
            lambda s: (s.dispatch.latest_instruction(incident_id), s.dispatch.is_urban(incident_id))
        )

        def done(result: Any) -> None:
            if result and on_done is not None:
                on_done()

        app.push_screen(
            DispatchForm(incident_id=incident_id, instruction=instruction, urban=urban), done
        )

    app.run_read(go, group="dispatch-open")


def open_task_step(app: WatchdeskApp, task_id: int) -> None:
    """The board's `b` on a task row: record its next step."""

    async def go() -> None:
        task = await app.client.call(lambda s: s.dispatch.get(task_id))
        step_dialog(app, task)

    app.run_read(go, group="task-step")

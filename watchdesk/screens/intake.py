"""The intake form: log an incident while still on the phone.

The received time is already now and the cursor is in the first field. Only place, category and
a short description are required. Tab / Shift+Tab move, ctrl+s saves, Esc asks before throwing
anything away, F2 picks the event type (Chinese or pinyin initials), F3 picks the caller from
the directory, F5 the area (乡镇/街道: by name, pinyin or initials; typed pinyin naming one area is
looked up when saved). Every change is kept in a crash-safe draft until it is saved or discarded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from watchdesk.errors import FieldName, InputError, StaleVersion, StoreError
from watchdesk.files.drafts import clear_draft, save_draft
from watchdesk.i18n import t
from watchdesk.i18n.labels import category_label, grade_label
from watchdesk.models.incident import FIGURE_FIELDS, Grade, Incident
from watchdesk.rules import categories
from watchdesk.rules.intake import facts_from_mapping
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.category_picker import CategoryPicker
from watchdesk.screens.dialogs import confirm_discard
from watchdesk.store.holds import Held
from watchdesk.text.category_search import find_categories
from watchdesk.text.timefmt import fmt_full
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader

# (field, catalog key, wide) in tab order: what is known first comes first.
FORM = [
    ("place", "form.place", True),
    ("category", "form.category", False),
    ("sensitive", "form.sensitive", False),
    ("description", "form.description", True),
    ("area", "form.area", True),  # F5 picks it (pinyin search); typed pinyin is looked up
    ("title", "form.title", False),
    ("grade", "form.grade", False),
    ("occurred_at", "form.occurred_at", False),
    ("received_at", "form.received_at", False),
    ("dead", "fig.dead", False),
    ("injured", "fig.injured", False),
    ("seriously_injured", "fig.seriously_injured", False),
    ("trapped", "fig.trapped", False),
    ("missing", "fig.missing", False),
    ("direct_loss", "fig.direct_loss", False),
    ("caller_unit", "form.caller_unit", False),
    ("caller_name", "form.caller_name", False),
    ("caller_title", "form.caller_title", False),
    ("caller_phone", "form.caller_phone", False),
    ("source", "form.source", False),
    ("recorder", "form.recorder", False),
    ("scope", "form.scope", True),
    ("trend", "form.trend", True),
    ("measures", "form.measures", True),
]
FIELDS = [f for f, _, _ in FORM]
REQUIRED = ("place", "category", "description")


class IncidentForm(WatchdeskScreen[int | None]):
    # A field, not the scrolling form around it: focusing the form first (Textual's default, the
    # first focusable widget) and then the field restyled the whole form twice (~40 % of the
    # time the form took to open); on_mount then moves to the first empty required field.
    AUTO_FOCUS = "Input"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="intake-save", priority=True),
        Binding("escape", "cancel", "key.cancel", id="intake-cancel"),
        Binding("f2", "pick_category", "key.pick_category", id="intake-category"),
        Binding("f3", "pick_caller", "key.pick_caller", id="intake-caller"),
        Binding("f5", "pick_area", "key.pick_area", id="intake-area"),
    ]

    def __init__(
        self,
        *,
        initial: dict[str, Any] | None = None,
        incident: Incident | None = None,
        category: tuple[str, str] | None = None,
    ):
        super().__init__()
        localize_bindings(self)
        self.incident = incident
        self.initial = dict(initial or {})
        self.category_code, self.subtype_code = category or ("", "")
        self._clean: dict[str, Any] = {}
        self._draft_timer: Timer | None = None
        self._hold_timer: Timer | None = None
        self._saving = False
        self._fields: dict[str, Widget] = {}  # the fields by name, found once (values())
        if incident is not None:
            data = incident.model_dump()
            self.initial = {k: data.get(k) for k in FIELDS} | self.initial
            self.category_code, self.subtype_code = incident.category, incident.subtype
        if self.initial.get("category") and not self.category_code:
            self.category_code = self.initial.get("category", "")
            self.subtype_code = self.initial.get("subtype", "")

    @property
    def editing(self) -> bool:
        return self.incident is not None

    # -- layout ----------------------------------------------------------------------------------
    def _display(self, name: str) -> Any:
        tz = self.app.settings.tz
        v = self.initial.get(name)
        if name == "received_at" and v is None:
            v = self.app.clock()
        if isinstance(v, datetime):
            return fmt_full(v, tz)
        if name == "category" and self.category_code:
            return category_label(self.category_code, self.subtype_code)
        if name in FIGURE_FIELDS and not v:
            return ""
        return "" if v is None else str(v)

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        title = t("form.edit_title", id=self.incident.id) if self.incident else t("form.new_title")
        with VerticalScroll(id="intake"):
            yield Label(title, classes="dialog-title")
            yield Static(t("form.hint"), classes="dialog-note")
            with Grid(id="intake-grid"):
                for name, key, wide in FORM:
                    if self.editing and name in FIGURE_FIELDS:
                        continue
                    if self.editing and name == "grade":
                        continue
                    yield Label(
                        t(key) + (" *" if name in REQUIRED else ""),
                        classes="form-label",
                    )
                    with Horizontal(classes="form-cell wide" if wide else "form-cell"):
                        if name == "sensitive":
                            yield Checkbox(
                                t("form.sensitive_box"),
                                value=bool(self.initial.get("sensitive")),
                                id=f"f-{name}",
                            )
                        elif name == "grade":
                            opts = [(t("form.grade_auto"), "")] + [
                                (grade_label(g), g.value) for g in Grade
                            ]
                            yield Select(
                                opts,
                                value=self.initial.get("grade") or "",
                                allow_blank=False,
                                id=f"f-{name}",
                            )
                        else:
                            yield Input(
                                self._display(name),
                                id=f"f-{name}",
                                placeholder=t(f"{key}.ph") if t(f"{key}.ph") != f"{key}.ph" else "",
                            )
                        yield Label("", classes="field-error", id=f"e-{name}")
            if self.editing:
                yield Static(t("form.figures_elsewhere"), classes="dialog-note")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._clean = self.values()
        # The first required field still empty (a line without a place opens on the place).
        values = self._clean
        first = next((f for f in REQUIRED if not values.get(f)), "place")
        self.query_one(f"#f-{first}", Input).focus()
        if self.editing:
            self._renew_hold()
            self._hold_timer = self.set_interval(60, self._renew_hold)
        elif self.initial:
            self._schedule_draft()

    # -- values ----------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        if not self._fields:  # one walk of the form, not a query per field (each walks it all)
            self._fields = {
                w.id[2:]: w for w in self.walk_children(Widget) if w.id and w.id.startswith("f-")
            }
        out: dict[str, Any] = {}
        for name in FIELDS:
            w = self._fields.get(name)
            if w is None:
                continue
            out[name] = w.value if isinstance(w, (Input, Select, Checkbox)) else None
        return out

    def mapping(self) -> dict[str, Any]:
        """What the officer typed, as the intake mapping (category as a code when picked)."""
        v = self.values()
        data = {k: val for k, val in v.items() if val not in (None, "")}
        typed = self._resolve_typed(v.get("category") or "")
        if typed is not None:
            data["category"], data["subtype"] = typed
            if not data["subtype"]:
                data.pop("subtype")
        elif v.get("category"):
            hits = find_categories(v["category"])
            exact = [c for c in hits if v["category"].lower() in (c[1].zh if c[1] else c[0].zh,)]
            if exact or len(hits) == 1:
                cat, sub = (exact or hits)[0]
                data["category"] = cat.code
                if sub:
                    data["subtype"] = sub.code
        if isinstance(data.get("grade"), str) and not data["grade"]:
            data.pop("grade")
        return data

    def _resolve_typed(self, text: str) -> tuple[str, str] | None:
        """The type in the type field as codes: the one picked, or a name or alias typed there
        (车祸 → road traffic); None when the text names no one type."""
        if self.category_code and text == category_label(self.category_code, self.subtype_code):
            return self.category_code, self.subtype_code
        if not text.strip():
            return None
        try:
            cat, sub = categories.resolve(text)
        except ValueError:
            return None
        return cat.code, sub.code if sub else ""

    def _settle_category(self) -> bool:
        """A name or alias typed in the type field becomes that type (shown by its name); False
        when the text names no one type (the picker is for that)."""
        box = self.query_one("#f-category", Input)
        codes = self._resolve_typed(box.value)
        if codes is None:
            return False
        self.category_code, self.subtype_code = codes
        label = category_label(*codes)
        if box.value != label:
            box.value = label
        return True

    def show_error(self, field: str, problem: str) -> None:
        for name in FIELDS:
            for lbl in self.query(f"#e-{name}").results(Label):
                lbl.update("")
                lbl.remove_class("-shown")
        target = self.query(f"#e-{field}").results(Label)
        shown = next(target, None)
        if shown is not None:
            shown.update(problem)
            shown.add_class("-shown")
            self.query_one(f"#f-{field}").focus()
        else:
            self.notify(
                t("err.field_problem", field=FieldName(field), problem=problem),
                severity="error",
                timeout=10,
            )

    # -- drafts ----------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if (
            event.input.id == "f-category"
            and self.category_code
            and event.value != category_label(self.category_code, self.subtype_code)
        ):
            self.category_code = self.subtype_code = ""
        self._schedule_draft()

    def on_checkbox_changed(self, _event) -> None:
        self._schedule_draft()

    def _schedule_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(0.4, self._write_draft)

    def _draft_data(self) -> dict[str, Any]:
        return {
            "values": self.values(),
            "category": [self.category_code, self.subtype_code],
            "incident_id": self.incident.id if self.incident else None,
            "version": self.incident.version if self.incident else None,
            "saved_at": self.app.clock().isoformat(),
        }

    def _write_draft(self) -> None:
        if not self.is_attached or self._saving or self.app.client.read_only:
            return  # (a desk opened read-only: its folder takes no draft either)
        data = self._draft_data()
        path = self.app.draft_path
        self.run_read(lambda: save_draft(path, data), group="draft", thread=True)

    def _forget_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        clear_draft(self.app.draft_path)

    # -- holds -----------------------------------------------------------------------------------
    async def _take_hold(self) -> None:
        if self.incident is None:
            return
        app, inc_id = self.app, self.incident.id
        try:
            await app.client.call(lambda s: s.holds.acquire(inc_id, app.actor, app.seat))
        except Held as e:
            self.notify(str(e), severity="error", timeout=10)
            self.dismiss(None)

    def _renew_hold(self) -> None:
        self.run_write(self._take_hold, group="hold", exclusive=True)

    async def _release_hold(self) -> None:
        if self.incident is not None:
            app = self.app
            inc_id = self.incident.id
            await app.client.call(lambda s: s.holds.release(inc_id, app.actor, app.seat))

    # -- actions ---------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self._saving:
            return
        app = self.app
        now = app.clock()
        try:
            data = self.mapping()
            facts = facts_from_mapping(data, now=now, tz=app.settings.tz)
        except InputError as e:
            self.show_error(e.field, e.problem)
            return
        self._saving = True
        # A worker, as every write (screens/base): the console stays live while the save waits,
        # e.g. for another writer's lock (the waiting bar shows).
        self.run_write(lambda: self._save(facts), group="save")

    async def _save(self, facts: Any) -> None:
        app = self.app
        try:
            if self.incident is None:
                inc = await app.client.call(lambda s: s.incidents.add(facts))
            else:
                version = self.incident.version
                inc_id = self.incident.id
                inc = await app.client.call(
                    lambda s: s.incidents.update(inc_id, facts, expected_version=version)
                )
        except InputError as e:
            self._saving = False
            self.show_error(e.field, e.problem)
            return
        except StaleVersion as e:
            self._saving = False
            await self._resolve_conflict(facts, e)
            return
        except StoreError as e:
            self._saving = False
            self.notify(str(e), severity="error", timeout=12)
            return
        self._forget_draft()
        await self._release_hold()
        main = app.get_screen_main()
        if main is not None:
            main.follow(inc.id)
        from watchdesk.screens.incident import duplicate_notice  # 可能与 #15 重复

        dup = await duplicate_notice(app, inc.id) if self.incident is None else ""
        saved = t("form.saved", id=inc.id, grade=grade_label(inc.grade))
        app.after_write(saved + dup, warn=bool(dup))
        self.dismiss(inc.id)

    async def _resolve_conflict(self, mine_facts, err: StaleVersion) -> None:
        from watchdesk.screens.incident_merge import MergeDialog

        assert self.incident is not None
        theirs = await self.app.client.call(lambda s: s.incidents.get(err.incident_id))

        def done(result: Incident | None) -> None:
            if result is not None:
                # The merged record is now the base: reopen the form on it (still unsaved).
                self.incident = theirs
                self.category_code, self.subtype_code = result.category, result.subtype
                for name, value in result.model_dump().items():
                    for box in self.query(f"#f-{name}").results(Input):
                        box.value = self._fmt_value(name, value)
                self.notify(t("merge.review"), timeout=8)

        self.app.push_screen(MergeDialog(self.incident, mine_facts, theirs), done)

    def _fmt_value(self, name: str, value: Any) -> str:
        if isinstance(value, datetime):
            return fmt_full(value, self.app.settings.tz)
        if name == "category":
            return category_label(value, self.subtype_code)
        return "" if value is None else str(value)

    def action_pick_category(self) -> None:
        text = self.query_one("#f-category", Input).value
        if self.category_code and text == category_label(self.category_code, self.subtype_code):
            text = ""

        def chosen(choice) -> None:
            if choice:
                cat, sub = choice
                self.category_code, self.subtype_code = cat.code, sub.code if sub else ""
                self.query_one("#f-category", Input).value = category_label(
                    self.category_code, self.subtype_code
                )
                desc = self.query_one("#f-description", Input)
                if not desc.value:
                    desc.focus()
                else:
                    self.query_one("#f-category", Input).focus()
                    self.focus_next()

        self.app.push_screen(CategoryPicker(text), chosen)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "f-category" and not self.category_code:
            if not self._settle_category():
                self.action_pick_category()
                return
            desc = self.query_one("#f-description", Input)
            if not desc.value:
                desc.focus()
                return
        self.focus_next()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Leaving the type field with a name or alias typed (Tab) settles it too."""
        if event.widget.id == "f-category" and not self.category_code:
            self._settle_category()

    def action_pick_caller(self) -> None:
        try:
            from watchdesk.screens.directory_picker import UnitPickerScreen
        except ImportError:
            self.notify(t("form.no_directory"), severity="warning")
            return
        query = self.query_one("#f-caller_unit", Input).value

        def chosen(result) -> None:
            if not result:
                return
            for name, attr in (
                ("caller_unit", "unit"),
                ("caller_name", "name"),
                ("caller_title", "title"),
                ("caller_phone", "phone"),
            ):
                value = getattr(result, attr, "") or ""
                if value:
                    self.query_one(f"#f-{name}", Input).value = value
            self.query_one("#f-caller_name", Input).focus()

        self.app.push_screen(UnitPickerScreen(query), chosen)

    def action_pick_area(self) -> None:
        from watchdesk.screens.area_picker import AreaPicker

        box = self.query_one("#f-area", Input)

        def chosen(area) -> None:
            box.focus()
            if area is not None:
                box.value = area.name
                self.focus_next()

        self.app.push_screen(AreaPicker(box.value), chosen)

    async def action_cancel(self) -> None:
        async def leave() -> None:
            self._forget_draft()
            await self._release_hold()
            self.dismiss(None)

        if self.values() == self._clean and not (self.initial and not self.editing):
            await leave()
            return
        confirm_discard(self, leave, t("form.discard"))

    def on_unmount(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.stop()

"""The one-line intake: `火灾 @城关镇东街 亡1 伤3 困2 敏感` → a confirmation that saves in one key.

Enter reads the line. Every word that was not understood is shown under it, and nothing goes on
until it is fixed; a word meant as the event type that is not one (`爆炸` before it was an alias,
`井喷`) opens the type picker with that word already typed. A complete line (a type and a place:
the line writes the description) goes to a short confirmation where Enter saves; the full form
opens only when something required is missing (the place), or when asked for (`e`). A place that
starts with one of the desk's areas puts the incident in it (`@青山铺镇水库下游` → 青山铺镇).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from watchdesk.errors import InputError, StoreError
from watchdesk.i18n import t
from watchdesk.i18n.labels import category_label, grade_label
from watchdesk.models.incident import IncidentFacts
from watchdesk.rules.intake import LINE_GRAMMAR, LineProblem, facts_from_mapping, read_line
from watchdesk.screens.base import WatchdeskModal
from watchdesk.screens.category_picker import CategoryPicker
from watchdesk.screens.dialogs import Form
from watchdesk.text.area import area_of_place
from watchdesk.text.timefmt import fmt_full
from watchdesk.widgets import localize_bindings

TYPE_PROBLEMS = ("unknown_type", "no_type")


def field_name(field: str) -> str:
    """An incident field as the form labels it (`dead` → 死亡)."""
    for key in (f"form.{field}", f"fig.{field}"):
        label = t(key)
        if label != key:
            return label
    return field


def problem_text(p: LineProblem) -> str:
    """One word not understood, in the UI language."""
    key = f"quick.err.{p.code}"
    text = t(key, token=p.token)
    return (
        text
        if text != key
        else t("err.field_problem", field=field_name(p.field), problem=p.problem)
    )


class QuickLine(Form[dict | None]):
    """Esc asks before throwing a typed line away (a `Form`). Dismisses with the fields when the
    form has to open, or None (saved from the confirmation, or cancelled)."""

    BINDINGS = [Binding("escape", "cancel", "key.cancel", id="quickline-cancel")]

    def __init__(self, text: str = "") -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        self.text = text
        self.area_names: list[str] | None = None  # the desk's areas, read on mount

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog quickline"):
            yield Label(t("quick.title"), classes="dialog-title")
            yield Static(LINE_GRAMMAR, classes="dialog-note")
            yield Input(self.text, placeholder="火灾 @城关镇东街 亡1 伤3 困2 敏感", id="line")
            yield Label("", classes="field-error", id="line-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.run_read(self._read_areas, group="quick-areas")

    async def _read_areas(self) -> None:
        areas = await self.app.client.call(lambda s: s.areas.list())
        self.area_names = [a.name for a in areas]

    def show_problems(self, problems: list[LineProblem]) -> None:
        """What was not understood, under the line (hidden when nothing is wrong)."""
        label = self.query_one("#line-error", Label)
        label.update(Text("\n".join(problem_text(p) for p in problems)))
        label.set_class(bool(problems), "-shown")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        app = self.app
        reading = read_line(event.value, now=app.clock(), tz=app.settings.tz)
        self.show_problems(reading.problems)
        if any(p.code not in TYPE_PROBLEMS for p in reading.problems):
            return
        if reading.problems:  # only the type is missing: pick it, starting from the word typed
            # Said in a notice as well: the picker covers the line and its error.
            self.notify(problem_text(reading.problems[0]), severity="warning", timeout=8)
            self._pick_type(reading.fields, reading.type_word)
            return
        self._go_on(reading.fields)

    def _pick_type(self, fields: dict[str, Any], word: str) -> None:
        def chosen(choice) -> None:
            if not choice:
                self.query_one(Input).focus()
                return
            cat, sub = choice
            self.show_problems([])
            self._go_on(dict(fields, category=cat.code, subtype=sub.code if sub else ""))

        self.app.push_screen(CategoryPicker(word), chosen)

    def _go_on(self, fields: dict[str, Any]) -> None:
        """A type is known: the confirmation, or the form when something required is missing."""
        if not fields.get("place"):
            self.dismiss(fields)  # the form opens on the empty place
            return
        if not fields.get("area"):
            area = area_of_place(fields["place"], self.area_names or [])
            if area:
                fields = dict(fields, area=area)
        app = self.app
        try:
            facts = facts_from_mapping(fields, now=app.clock(), tz=app.settings.tz)
        except InputError as e:
            label = self.query_one("#line-error", Label)
            label.update(Text(t("err.field_problem", field=field_name(e.field), problem=e.problem)))
            label.add_class("-shown")
            return

        def answered(result: str | None) -> None:
            if result == "saved":
                self.dismiss(None)
            elif result == "edit":
                self.dismiss(fields)
            else:
                self.query_one(Input).focus()

        app.push_screen(QuickConfirm(facts), answered)


def summary(facts: IncidentFacts, tz) -> Text:
    """What the line said, as it will be saved."""
    rows: list[tuple[str, str]] = []

    def row(label: str, value: str) -> None:
        rows.append((label, value))

    row(t("form.category"), category_label(facts.category, facts.subtype))
    row(t("form.place"), facts.place)
    if facts.area:
        row(t("form.area"), facts.area)
    row(t("form.description"), facts.description)
    figures = [
        f"{t(f'fig.{f}')} {getattr(facts, f)}"
        for f in ("dead", "injured", "seriously_injured", "trapped", "missing", "direct_loss")
        if getattr(facts, f)
    ]
    if figures:
        row(t("quick.confirm.figures"), " · ".join(figures))
    if facts.occurred_at is not None:
        row(t("form.occurred_at"), fmt_full(facts.occurred_at, tz))
    if facts.grade is not None:
        row(t("form.grade"), grade_label(facts.grade))
    if facts.sensitive:
        row(t("form.sensitive"), t("dialog.yes"))
    if facts.caller_phone:
        row(t("form.caller_phone"), facts.caller_phone)
    width = max(cell_len(label) for label, _ in rows)
    out = Text()
    for label, value in rows:
        out.append(label + " " * (width - cell_len(label) + 2), style="bold")
        out.append(value + "\n")
    out.rstrip()
    return out


class QuickConfirm(WatchdeskModal[str | None]):
    """The line as it will be saved. Enter saves ("saved"), `e` opens the form ("edit"), Esc
    goes back to the line (None). A refused save is shown here and nothing is written."""

    DEFAULT_CSS = """
    QuickConfirm #quick-summary { margin-bottom: 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "key.quick.back", id="quick-confirm-back"),
        Binding("e", "edit", "key.quick.edit", id="quick-confirm-edit"),
        Binding("ctrl+s", "save", "key.save", id="quick-confirm-save", priority=True),
    ]

    def __init__(self, facts: IncidentFacts) -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        self.facts = facts
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog quick-confirm"):
            yield Label(t("quick.confirm.title"), classes="dialog-title")
            yield Static(summary(self.facts, self.app.settings.tz), id="quick-summary")
            yield Label("", classes="field-error", id="quick-error")
            yield Static(t("quick.confirm.hint"), classes="dialog-note")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("quick.confirm.save"), id="save", variant="primary")
                yield Button(t("quick.confirm.edit"), id="edit")
                yield Button(t("quick.confirm.back"), id="back")

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"save": self.action_save, "edit": self.action_edit, "back": self.action_back}[
            str(event.button.id)
        ]()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        self.dismiss("edit")

    def action_save(self) -> None:
        self.run_write(self._save, group="quick-save", exclusive=True)

    async def _save(self) -> None:
        if self._saving:
            return
        self._saving = True
        app, facts = self.app, self.facts
        try:
            inc = await app.client.call(lambda s: s.incidents.add(facts))
        except StoreError as e:
            self._saving = False
            error = self.query_one("#quick-error", Label)
            if isinstance(e, InputError):
                error.update(
                    Text(t("err.field_problem", field=field_name(e.field), problem=e.problem))
                )
            else:
                error.update(Text(str(e)))
            error.add_class("-shown")
            return
        main = app.get_screen_main()
        if main is not None:
            main.follow(inc.id)
        from watchdesk.screens.incident import duplicate_notice  # 可能与 #15 重复

        dup = await duplicate_notice(app, inc.id)
        saved = t("form.saved", id=inc.id, grade=grade_label(inc.grade))
        app.after_write(saved + dup, warn=bool(dup))
        self.dismiss("saved")

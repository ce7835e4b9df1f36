"""Small modal dialogs: confirm, and the one form framework.

`Form` is every modal that takes typed text: Esc closes it at once when nothing was typed, and
asks first (`confirm_discard`) when something was. `FormDialog` is a `Form` built from a list
of `Field`s: it collects the values and hands them to an async `submit` callback, which does the
store call. If the callback raises InputError, the message appears under that field, the dialog
stays open and everything typed stays as it was; nothing was written. Any other failure of the
callback is a failed write (see `watchdesk.screens.base`): a notice says nothing was saved, and
the dialog stays open too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    Select,
    Static,
)

from watchdesk.errors import FieldName, InputError, StoreError
from watchdesk.i18n import t
from watchdesk.screens.base import ResultT, WatchdeskModal
from watchdesk.widgets import localize_bindings

if TYPE_CHECKING:
    from textual.widgets import SelectionList, TextArea


class ConfirmDialog(WatchdeskModal[bool]):
    """Yes / no. `y` or Enter on the focused button answers; Esc or `n` says no."""

    BINDINGS = [
        Binding("escape", "answer(False)", "key.cancel", id="confirm-cancel"),
        Binding("y", "answer(True)", "key.yes", show=False, id="confirm-yes"),
        Binding("n", "answer(False)", "key.no", show=False, id="confirm-no"),
    ]

    def __init__(
        self, question: str, *, yes: str | None = None, no: str | None = None, danger: bool = False
    ):
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        self.question = question
        self.yes_label = yes or t("dialog.yes")
        self.no_label = no or t("dialog.no")
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    self.yes_label, id="yes", variant="error" if self.danger else "primary"
                )
                yield Button(self.no_label, id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self.danger else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


def confirm_discard(
    screen: Screen[Any], discard: Callable[[], Awaitable[None] | None], question: str = ""
) -> None:
    """Esc on a form with typed text: ask (No has the focus), and `discard()` only on Yes."""

    async def answered(yes: bool | None) -> None:
        if yes:
            done = discard()
            if done is not None:
                await done

    screen.app.push_screen(ConfirmDialog(question or t("dialog.discard"), danger=True), answered)


def field_label(name: str, labels: dict[str, str] | None = None) -> str:
    """A field's label: the form's own, else the catalog's `field.<name>`, else the errors' label
    of the field (`err.field.<name>`), else the name."""
    if labels and name in labels:
        return labels[name]
    label = t(f"field.{name}")
    return str(FieldName(name)) if label == f"field.{name}" else label


def error_text(e: Exception, labels: dict[str, str] | None = None) -> str:
    """A refused input for the officer: `Approver: an approver is required`."""
    if isinstance(e, InputError):
        return t("form.field_error", field=field_label(e.field, labels), problem=e.problem)
    return str(e)


class Form(WatchdeskModal[ResultT]):
    """A modal that takes typed text. `values()` is what is typed and chosen now; Esc (the
    `cancel` action) dismisses with `cancelled` at once if it is as it was when the form opened,
    else asks before throwing it away."""

    cancelled: Any = None
    opened_with: dict[str, Any] | None = None  # values() when the form opened
    INPUTS = "Input, TextArea, Select, Checkbox, SelectionList"

    def values(self) -> dict[str, Any]:
        """Every input's value, by widget id."""
        out: dict[str, Any] = {}
        for i, w in enumerate(self.query(self.INPUTS)):
            key = w.id or str(i)
            # TextArea and SelectionList are told apart by what they hold rather than imported
            # here: the first screen's forms need neither, and TextArea alone costs ~15 ms of
            # start-up (its document and syntax modules).
            if isinstance(w, (Input, Select, Checkbox)):
                out[key] = w.value
            elif hasattr(w, "selected"):  # SelectionList
                out[key] = list(cast("SelectionList[Any]", w).selected)
            else:  # TextArea
                out[key] = cast("TextArea", w).text
        return out

    def on_mount(self) -> None:
        # Textual calls every class's own on_mount, a subclass's first: this one still runs.
        self.opened_with = self.values()

    def typed(self) -> bool:
        return self.opened_with is not None and self.values() != self.opened_with

    def action_cancel(self) -> None:
        if self.typed():
            confirm_discard(self, self.discard)
        else:
            self.discard()

    def discard(self) -> None:
        self.dismiss(self.cancelled)


@dataclass
class Field:
    name: str
    label: str
    value: Any = ""
    kind: str = "input"  # input | select | checkbox | static
    options: list[tuple[str, Any]] = field(default_factory=list)
    placeholder: str = ""
    wide: bool = False
    password: bool = False  # an input shown as dots (a PIN)


class FormDialog(Form[Any]):
    """A titled form of `Field`s. ctrl+s or Enter in the last input submits; Esc cancels (asking
    first if anything was typed). A select with no value starts on its first option."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "key.save", id="form-save", priority=True),
        Binding("escape", "cancel", "key.cancel", id="form-cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        submit: Callable[[dict[str, Any]], Awaitable[Any]],
        *,
        note: str = "",
    ):
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        self.form_title = title
        self.fields = fields
        self.submit_cb = submit
        self.note = note
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog"):
            yield Label(self.form_title, classes="dialog-title")
            if self.note:
                yield Static(self.note, classes="dialog-note")
            with Grid(classes="form-grid"):
                for f in self.fields:
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
                            yield Checkbox("", value=bool(f.value), id=f"f-{f.name}")
                        elif f.kind == "static":
                            yield Static(str(f.value), id=f"f-{f.name}")
                        else:
                            yield Input(
                                str(f.value),
                                placeholder=f.placeholder,
                                password=f.password,
                                id=f"f-{f.name}",
                            )
                        yield Label("", classes="field-error", id=f"e-{f.name}")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("dialog.save"), id="save", variant="primary")
                yield Button(t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        # Focused once, here, before the first paint: a second focus change after it would
        # restyle and paint the dialog again.
        first = self.first_field()
        if first is not None:
            self.query_one(f"#f-{first.name}").focus()

    def first_field(self) -> Field | None:
        """The field the form opens on: the first that takes input."""
        return next((f for f in self.fields if f.kind != "static"), None)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            w = self.query_one(f"#f-{f.name}")
            if isinstance(w, (Input, Select, Checkbox)):
                out[f.name] = w.value
        return out

    def show_error(self, field_name: str, message: str) -> None:
        labels = {f.name: f.label for f in self.fields}
        for f in self.fields:
            self.query_one(f"#e-{f.name}", Label).update("")
            self.query_one(f"#e-{f.name}", Label).remove_class("-shown")
        text = error_text(InputError(field_name, message), labels)
        if field_name in labels:
            self.query_one(f"#e-{field_name}", Label).update(text)
            self.query_one(f"#e-{field_name}", Label).add_class("-shown")
            widget = self.query_one(f"#f-{field_name}")
            if widget.focusable:
                widget.focus()
        else:
            self.notify(text, severity="error", timeout=8)

    def action_submit(self) -> None:
        # In a worker, so a submit callback may itself ask a question (push_screen_wait).
        self.run_write(self._submit, group="submit")

    async def _submit(self) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            result = await self.submit_cb(self.values())
        except InputError as e:
            self.show_error(e.field, e.problem)
        except StoreError as e:
            self.notify(str(e), severity="error", timeout=10)
        else:
            self.dismiss(result if result is not None else True)
        finally:
            self._busy = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [f for f in self.fields if f.kind == "input"]
        if inputs and event.input.id == f"f-{inputs[-1].name}":
            self.action_submit()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_submit()
        else:
            self.action_cancel()

"""Small modal dialogs: confirm, and a generic form whose errors appear at the field.

A FormDialog collects values and hands them to an async `submit` callback, which does the
store call. If the callback raises InputError, the message appears under that field, the
dialog stays open and everything typed stays as it was; nothing was written.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from watchdesk.errors import InputError, StoreError
from watchdesk.i18n import explain, t
from watchdesk.widgets import localize_bindings


class ConfirmDialog(ModalScreen[bool]):
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


@dataclass
class Field:
    name: str
    label: str
    value: Any = ""
    kind: str = "input"  # input | select | checkbox | static
    options: list[tuple[str, Any]] = field(default_factory=list)
    placeholder: str = ""
    wide: bool = False


class FormDialog(ModalScreen[Any]):
    """A titled form. ctrl+s or Enter in the last field submits; Esc cancels (asking first if
    anything was typed)."""

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
        self._initial: dict[str, Any] = {}
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
                            yield Select(
                                f.options, value=f.value, allow_blank=False, id=f"f-{f.name}"
                            )
                        elif f.kind == "checkbox":
                            yield Checkbox("", value=bool(f.value), id=f"f-{f.name}")
                        elif f.kind == "static":
                            yield Static(str(f.value), id=f"f-{f.name}")
                        else:
                            yield Input(str(f.value), placeholder=f.placeholder, id=f"f-{f.name}")
                        yield Label("", classes="field-error", id=f"e-{f.name}")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("dialog.save"), id="save", variant="primary")
                yield Button(t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        self._initial = self.values()
        for f in self.fields:
            if f.kind != "static":
                self.query_one(f"#f-{f.name}").focus()
                break

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            w = self.query_one(f"#f-{f.name}")
            if isinstance(w, (Input, Select, Checkbox)):
                out[f.name] = w.value
        return out

    def show_error(self, field_name: str, message: str) -> None:
        names = {f.name for f in self.fields}
        target = field_name if field_name in names else None
        for f in self.fields:
            self.query_one(f"#e-{f.name}", Label).update("")
            self.query_one(f"#e-{f.name}", Label).remove_class("-shown")
        if target:
            self.query_one(f"#e-{target}", Label).update(explain(message))
            self.query_one(f"#e-{target}", Label).add_class("-shown")
            widget = self.query_one(f"#f-{target}")
            if widget.focusable:
                widget.focus()
        else:
            self.notify(f"{field_name}: {explain(message)}", severity="error", timeout=8)

    def action_submit(self) -> None:
        # In a worker, so a submit callback may itself ask a question (push_screen_wait).
        self.run_worker(self._submit, exclusive=True, group="submit", exit_on_error=False)

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

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [f for f in self.fields if f.kind == "input"]
        if inputs and event.input.id == f"f-{inputs[-1].name}":
            self.action_submit()
        else:
            self.focus_next()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_submit()
        else:
            await self.action_cancel()

    async def action_cancel(self) -> None:
        if self.values() != self._initial:

            def done(discard: bool | None) -> None:
                if discard:
                    self.dismiss(None)

            self.app.push_screen(ConfirmDialog(t("dialog.discard"), danger=True), done)
        else:
            self.dismiss(None)

"""Modals of the roster screen: pick a person (by name or pinyin initials), and a small form
(reason, approver, times, the check's method and result...).

Both run the write themselves through a `submit` callback, so a refused write (InputError) shows
its message in the modal and keeps everything typed; only a successful write closes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from watchdesk.errors import InputError, StoreError
from watchdesk.i18n import t
from watchdesk.models.roster import Officer
from watchdesk.widgets import localize_bindings


@lru_cache(maxsize=2048)
def _pinyin(name: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin

    return (
        "".join(lazy_pinyin(name)).lower(),
        "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower(),
    )


def name_matches(query: str, name: str) -> bool:
    """`周` / `周文` / `zwb` / `zhouwen` all find 周文博."""
    q = query.strip().lower()
    if not q:
        return True
    if q in name.lower():
        return True
    full, initials = _pinyin(name)
    return initials.startswith(q) or full.startswith(q)


def error_text(e: Exception) -> str:
    if isinstance(e, InputError):
        key = f"roster.field.{e.field}"
        label = t(key)
        return t(
            "roster.form.error_field", field=e.field if label == key else label, problem=e.problem
        )
    return str(e)


class RosterModal(ModalScreen[Any]):
    """The roster's modals: one centred box, title, error line, hints, labelled fields."""

    DEFAULT_CSS = """
    RosterModal { align: center middle; background: $background 60%; }
    RosterModal .modal-box {
        width: 72; height: auto; max-height: 90%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    RosterModal .modal-title { text-style: bold; margin-bottom: 1; }
    RosterModal .modal-error { color: $error; text-style: bold; height: auto; }
    RosterModal .modal-hint { color: $text-muted; }
    RosterModal .field-label { color: $text-muted; margin-top: 1; }
    RosterModal OptionList { height: auto; max-height: 14; }
    """


class PickOfficerModal(RosterModal):
    BINDINGS = [
        Binding("escape", "cancel", "key.roster.cancel", id="roster-pick-cancel"),
        Binding("down", "move(1)", show=False, id="roster-pick-down"),
        Binding("up", "move(-1)", show=False, id="roster-pick-up"),
    ]

    def __init__(
        self,
        title: str,
        officers: list[Officer],
        submit: Callable[[int], Awaitable[Any]] | None = None,
    ):
        super().__init__(classes="roster-modal")
        localize_bindings(self)
        self.title_text = title
        self.officers = officers
        self.submit = submit
        self.shown: list[Officer] = list(officers)

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(self.title_text, classes="modal-title")
            yield Input(placeholder=t("roster.pick.placeholder"), id="pick-query")
            yield OptionList(
                *[Option(self._label(o), id=str(o.id)) for o in self.officers], id="pick-list"
            )
            yield Label("", id="modal-error", classes="modal-error")
            yield Label(t("roster.pick.hint"), classes="modal-hint")

    @staticmethod
    def _label(o: Officer) -> str:
        return f"{o.name}  {o.title}".rstrip()

    def on_mount(self) -> None:
        self.query_one("#pick-list", OptionList).highlighted = 0 if self.officers else None
        self.query_one("#pick-query", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.shown = [o for o in self.officers if name_matches(event.value, o.name)]
        ol = self.query_one("#pick-list", OptionList)
        ol.clear_options()
        ol.add_options([Option(self._label(o), id=str(o.id)) for o in self.shown])
        ol.highlighted = 0 if self.shown else None

    def action_move(self, step: int) -> None:
        ol = self.query_one("#pick-list", OptionList)
        if ol.option_count:
            ol.highlighted = max(0, min(ol.option_count - 1, (ol.highlighted or 0) + step))

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ol = self.query_one("#pick-list", OptionList)
        if ol.highlighted is None:
            self.query_one("#modal-error", Label).update(t("roster.pick.none"))
            return
        await self._pick(int(ol.get_option_at_index(ol.highlighted).id or 0))

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        await self._pick(int(event.option.id or 0))

    async def _pick(self, officer_id: int) -> None:
        if self.submit is None:
            self.dismiss(officer_id)
            return
        try:
            result = await self.submit(officer_id)
        except (InputError, StoreError, ValueError) as e:
            self.query_one("#modal-error", Label).update(error_text(e))
            return
        self.dismiss(result if result is not None else officer_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class FormField:
    name: str
    label: str
    value: str = ""
    options: list[tuple[str, str]] | None = None  # (label, value): a Select
    placeholder: str = ""
    extra: dict = field(default_factory=dict)


class FormModal(RosterModal):
    """A few fields, saved with Enter on the last one or ctrl+s; Escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "key.roster.cancel", id="roster-form-cancel"),
        Binding("ctrl+s", "save", "key.roster.save", id="roster-form-save"),
    ]

    def __init__(
        self,
        title: str,
        fields: list[FormField],
        submit: Callable[[dict[str, str]], Awaitable[Any]],
        note: str = "",
    ):
        super().__init__(classes="roster-modal")
        localize_bindings(self)
        self.title_text = title
        self.fields = fields
        self.submit = submit
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(self.title_text, classes="modal-title")
            if self.note:
                yield Label(self.note, classes="modal-note")
            for f in self.fields:
                yield Label(f.label, classes="field-label")
                if f.options is not None:
                    yield Select(
                        [(lab, val) for lab, val in f.options],
                        value=f.value or f.options[0][1],
                        allow_blank=False,
                        id=f"f-{f.name}",
                    )
                else:
                    yield Input(value=f.value, placeholder=f.placeholder, id=f"f-{f.name}")
            yield Label("", id="modal-error", classes="modal-error")
            yield Label(t("roster.form.hint"), classes="modal-hint")

    def on_mount(self) -> None:
        first = next((w for w in self.query("Input, Select")), None)
        if first is not None:
            first.focus()

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in self.fields:
            w = self.query_one(f"#f-{f.name}")
            out[f.name] = str(w.value) if isinstance(w, (Input, Select)) else ""
        return out

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [w for w in self.query("Input, Select")]
        if inputs and event.input is inputs[-1]:
            await self.action_save()
        else:
            self.focus_next()

    async def action_save(self) -> None:
        try:
            result = await self.submit(self.values())
        except (InputError, StoreError, ValueError) as e:
            self.query_one("#modal-error", Label).update(error_text(e))
            if isinstance(e, InputError):
                try:
                    self.query_one(f"#f-{e.field}").focus()
                except Exception:
                    pass
            return
        self.dismiss(result if result is not None else True)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""The roster screen's person picker: pick a person by name or pinyin initials. (Its forms are
`FormDialog`s, see `forms.py`.)

With a `submit` callback the picker runs the write itself, so a refused write (InputError) shows
its message in the modal and keeps what was typed; only a successful write closes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from watchdesk.errors import InputError, StoreError
from watchdesk.i18n import t
from watchdesk.models.officer import Officer
from watchdesk.screens.base import WatchdeskModal
from watchdesk.screens.dialogs import error_text
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


class PickOfficerModal(WatchdeskModal[Any]):
    DEFAULT_CSS = """
    PickOfficerModal { align: center middle; background: $background 60%; }
    PickOfficerModal .modal-box {
        width: 72; height: auto; max-height: 90%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    PickOfficerModal .modal-title { text-style: bold; margin-bottom: 1; }
    PickOfficerModal .modal-error { color: $error; text-style: bold; height: auto; }
    PickOfficerModal .modal-hint { color: $text-muted; }
    PickOfficerModal OptionList { height: auto; max-height: 14; }
    """
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

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ol = self.query_one("#pick-list", OptionList)
        if ol.highlighted is None:
            self.query_one("#modal-error", Label).update(t("roster.pick.none"))
            return
        self._pick(int(ol.get_option_at_index(ol.highlighted).id or 0))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(int(event.option.id or 0))

    def _pick(self, officer_id: int) -> None:
        if self.submit is None:
            self.dismiss(officer_id)
            return
        submit = self.submit

        async def save() -> None:
            try:
                result = await submit(officer_id)
            except (InputError, StoreError, ValueError) as e:
                self.query_one("#modal-error", Label).update(error_text(e))
                return
            self.dismiss(result if result is not None else officer_id)

        self.run_write(save, group="roster-pick", exclusive=True)

    def action_cancel(self) -> None:
        self.dismiss(None)

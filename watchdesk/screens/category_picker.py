"""Pick an event type by Chinese text or pinyin initials, results as you type."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from watchdesk.i18n import language, t
from watchdesk.screens.base import WatchdeskModal
from watchdesk.text.category_search import Choice, find_categories
from watchdesk.widgets import localize_bindings


def choice_label(choice: Choice) -> str:
    cat, sub = choice
    if language() == "zh":
        return f"{sub.zh}（{cat.zh}）" if sub else f"{cat.zh}（大类）"
    return f"{sub.en} ({cat.en})" if sub else f"{cat.en} (category)"


class CategoryPicker(WatchdeskModal[Choice | None]):
    BINDINGS = [
        Binding("escape", "dismiss_none", "key.cancel", id="picker-cancel"),
        Binding("down", "move(1)", show=False, id="picker-down"),
        Binding("up", "move(-1)", show=False, id="picker-up"),
    ]

    def __init__(self, query: str = ""):
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        self.query_text = query
        self.choices: list[Choice] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(t("picker.category.title"), classes="dialog-title")
            yield Input(self.query_text, placeholder=t("picker.category.placeholder"), id="q")
            yield OptionList(id="options")

    def on_mount(self) -> None:
        self._fill(self.query_text)
        self.query_one("#q", Input).focus()

    def _fill(self, query: str) -> None:
        self.choices = find_categories(query)
        ol = self.query_one(OptionList)
        ol.clear_options()
        ol.add_options([Option(choice_label(c)) for c in self.choices])
        if self.choices:
            ol.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ol = self.query_one(OptionList)
        if self.choices and ol.highlighted is not None:
            self.dismiss(self.choices[ol.highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])

    def action_move(self, step: int) -> None:
        ol = self.query_one(OptionList)
        if not self.choices:
            return
        cur = ol.highlighted if ol.highlighted is not None else -step
        ol.highlighted = max(0, min(len(self.choices) - 1, cur + step))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

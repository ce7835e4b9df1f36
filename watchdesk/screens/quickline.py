"""The one-line intake: `火灾 @城关镇东街 亡1 伤3 困2 敏感` → a filled form to confirm."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from watchdesk.errors import InputError
from watchdesk.i18n import explain, t
from watchdesk.rules.intake import LINE_GRAMMAR, parse_line
from watchdesk.screens.dialogs import Form
from watchdesk.widgets import localize_bindings


class QuickLine(Form[dict | None]):
    """Esc asks before throwing a typed line away (a `Form`)."""

    BINDINGS = [Binding("escape", "cancel", "key.cancel", id="quickline-cancel")]

    def __init__(self, text: str = "") -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog quickline"):
            yield Label(t("quick.title"), classes="dialog-title")
            yield Static(LINE_GRAMMAR, classes="dialog-note")
            yield Input(self.text, placeholder="火灾 @城关镇东街 亡1 伤3 困2 敏感", id="line")
            yield Label("", classes="field-error", id="line-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        app = self.app
        try:
            fields = parse_line(event.value, now=app.clock(), tz=app.settings.tz)
        except InputError as e:
            self.query_one("#line-error", Label).update(
                f"{t('form.' + e.field)}: {explain(e.problem)}" if e.field != "line" else e.problem
            )
            return
        self.dismiss(fields)

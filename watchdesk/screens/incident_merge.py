"""A save refused because someone else saved first: see both changes and merge them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label, Static

from watchdesk.i18n import t
from watchdesk.models.incident import Incident, IncidentFacts
from watchdesk.rules.intake import three_way_merge
from watchdesk.screens.base import WatchdeskModal
from watchdesk.store.incident import IncidentRepo
from watchdesk.widgets import localize_bindings


def _show(v) -> str:
    return "" if v is None else str(v)


class MergeDialog(WatchdeskModal[Incident | None]):
    """Rows: each field that either side changed, with base / mine / theirs. The officer keeps
    mine or takes theirs for the fields both changed; the other fields merge by themselves. The
    result goes back into the form, unsaved, for a last look."""

    BINDINGS = [Binding("escape", "dismiss_none", "key.cancel", id="merge-cancel")]

    def __init__(self, base: Incident, mine: IncidentFacts, theirs: Incident):
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        fields = IncidentRepo.EDITABLE
        self.base = {f: getattr(base, f) for f in fields}
        self.mine = {f: getattr(mine, f) for f in fields}
        self.theirs_inc = theirs
        self.theirs = {f: getattr(theirs, f) for f in fields}
        self.merged, self.conflicts = three_way_merge(self.base, self.mine, self.theirs)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog merge"):
            yield Label(t("merge.title"), classes="dialog-title")
            yield Static(t("merge.explain", n=len(self.conflicts)), classes="dialog-note")
            yield DataTable(id="diff", cursor_type="row")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("merge.keep_mine"), id="mine", variant="primary")
                yield Button(t("merge.take_theirs"), id="theirs")
                yield Button(t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(t("merge.field"), t("merge.base"), t("merge.mine"), t("merge.theirs"))
        for f in self.base:
            if self.mine[f] != self.base[f] or self.theirs[f] != self.base[f]:
                mark = " ⚠" if f in self.conflicts else ""
                table.add_row(
                    t(f"form.{f}") + mark,
                    _show(self.base[f]),
                    _show(self.mine[f]),
                    _show(self.theirs[f]),
                )
        self.query_one("#mine", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        merged = dict(self.merged)
        if event.button.id == "mine":
            for f in self.conflicts:
                merged[f] = self.mine[f]
        self.dismiss(self.theirs_inc.model_copy(update=merged))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

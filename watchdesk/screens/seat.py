"""Who is at the keyboard (谁在值班席): the people of the shift on duty and the desk's administrators,
the proposed one under the cursor, a PIN where the desk requires PINs (`handover_pin`). Asked when
the console starts (and in every browser tab of `watchdesk serve`), and by F4 to switch officer.

What is chosen is checked and applied by the app (`WatchdeskApp.become`): the officer may act now
(`store.officers.may_act`), the PIN is right (`verify_pin`: wrong tries are counted and lock the
officer), and only then every write is recorded under them. A refusal is shown as the store words
it, under the list or the PIN, and nothing is switched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from watchdesk.errors import InputError, StoreError
from watchdesk.i18n import t
from watchdesk.models.base import saved_id
from watchdesk.models.officer import Actor
from watchdesk.models.roster import Role
from watchdesk.screens.dialogs import Form, error_text
from watchdesk.widgets import localize_bindings

if TYPE_CHECKING:
    from watchdesk.store.desk import Store

# Who is most likely at the keyboard: the duty chief, then the duty officers, then standby, and
# the leader on duty last (带班领导 lead the shift; they seldom type).
_AT_KEYBOARD = (Role.chief, Role.officer, Role.standby, Role.leader)
_SHOWN = (Role.leader, Role.chief, Role.officer, Role.standby)


@dataclass
class SeatChoice:
    officer_id: int
    name: str
    title: str = ""
    roles: list[Role] = field(default_factory=list)  # on the shift on duty
    signed_in: bool = False  # 接班签到, and not signed out since
    signed_out: bool = False
    admin: bool = False
    has_pin: bool = False

    def rank(self) -> tuple[int, int]:
        """How likely this is the person at the keyboard (lower first)."""
        at = min((_AT_KEYBOARD.index(r) for r in self.roles), default=len(_AT_KEYBOARD))
        return (0 if self.signed_in else 1 if self.roles else 2, at)


@dataclass
class SeatChoices:
    starts_at: datetime | None = None  # the shift on duty
    ends_at: datetime | None = None
    people: list[SeatChoice] = field(default_factory=list)  # the shift's, then administrators
    proposed: int = 0  # index into people
    officers: bool = False  # the desk has any active officer at all


def read_choices(s: Store, now: datetime, current: int | None = None) -> SeatChoices:
    """The people who may be at the keyboard now (the shift on duty, then the administrators who
    are not on it), with the one to propose: the signed-in person most likely at the keyboard,
    other than `current` (the officer acting now, when switching)."""
    out = SeatChoices()
    by_id: dict[int, SeatChoice] = {}
    view = s.roster.on_duty(now)
    if view is not None:
        out.starts_at, out.ends_at = view.shift.starts_at, view.shift.ends_at
        status = s.roster.signin_status(saved_id(view.shift.id))
        gone = {e.officer_id for e in status.signed_out}  # their last event is a sign-out
        here = {e.officer_id for e in status.signed_in} - gone
        for a in sorted(view.assignments, key=lambda a: _SHOWN.index(a.role)):
            c = by_id.setdefault(a.officer_id, SeatChoice(a.officer_id, a.officer_name))
            if a.role not in c.roles:
                c.roles.append(a.role)
            c.signed_in, c.signed_out = a.officer_id in here, a.officer_id in gone
    everyone = s.officers.list()
    out.officers = bool(everyone)
    for o in (o for o in everyone if o.admin):
        by_id.setdefault(saved_id(o.id), SeatChoice(saved_id(o.id), o.name))
    for oid, c in list(by_id.items()):
        o = s.officers.get(oid)
        if not o.active:
            del by_id[oid]
            continue
        c.name, c.title, c.admin = o.name, o.title, o.admin
        c.has_pin = s.officers.has_pin(oid)
    out.people = list(by_id.values())
    ranked = sorted(
        (i for i, c in enumerate(out.people) if c.officer_id != current),
        key=lambda i: out.people[i].rank(),
    )
    out.proposed = ranked[0] if ranked else 0
    return out


def _pad(text: str, cells: int) -> str:
    return text + " " * max(1, cells - cell_len(text))


class SeatDialog(Form[Actor | None]):
    """Choose who is at the keyboard. Enter on a person accepts (or moves to the PIN when the
    desk requires PINs); Enter in the PIN accepts. `required` (at start): Esc does not leave
    without someone chosen."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "key.save", id="seat-save", priority=True),
        Binding("escape", "cancel", "key.cancel", id="seat-cancel"),
    ]

    def __init__(
        self,
        choices: SeatChoices,
        *,
        pin_required: bool,
        required: bool,
        current: int | None = None,
        web: bool = False,
    ) -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self)
        self.choices = choices
        self.pin_required = pin_required
        self.required = required
        self.current = current
        self.web = web
        self._busy = False

    def _row(self, c: SeatChoice) -> Text:
        row = Text(_pad(c.name, 10), style="bold")
        roles = "、".join(t(f"seat.role.{Role(r).value}") for r in c.roles)
        row.append(_pad(roles or c.title or " ", 18))
        flags = []
        if c.signed_in:
            flags.append((t("seat.signed_in"), "green"))
        elif c.signed_out:
            flags.append((t("seat.signed_out"), "dim"))
        if c.admin:
            flags.append((t("seat.admin"), "cyan"))
        if self.pin_required and not c.has_pin:
            flags.append((t("seat.no_pin"), "yellow"))
        if c.officer_id == self.current:
            flags.append((t("seat.current"), "bold"))
        for i, (flag, style) in enumerate(flags):
            row.append(("  " if i else "") + flag, style=style)
        return row

    def compose(self) -> ComposeResult:
        ch = self.choices
        with Vertical(classes="dialog seat-dialog"):
            title = t("seat.title_start") if self.required else t("seat.title_switch")
            yield Label(title, classes="dialog-title")
            note = t("seat.note_pin") if self.pin_required else t("seat.note")
            if self.web:
                note += "\n" + t("seat.note_web")
            yield Static(note, classes="dialog-note")
            if ch.starts_at is not None and ch.ends_at is not None:
                tz = self.app.settings.tz
                shift = t(
                    "seat.shift",
                    start=f"{ch.starts_at.astimezone(tz):%m-%d %H:%M}",
                    end=f"{ch.ends_at.astimezone(tz):%m-%d %H:%M}",
                )
            else:
                shift = t("seat.no_shift")
            yield Label(shift, id="seat-shift")
            yield OptionList(
                *(Option(self._row(c), id=str(c.officer_id)) for c in ch.people),
                id="seat-people",
            )
            yield Label("", classes="field-error", id="e-officer")
            if self.pin_required:
                with Horizontal(id="seat-pin-row"):
                    yield Label(t("seat.pin"), classes="form-label")
                    yield Input(password=True, id="f-pin", max_length=12)
                yield Label("", classes="field-error", id="e-pin")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("seat.ok"), id="ok", variant="primary")
                if not self.required:
                    yield Button(t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        people = self.query_one("#seat-people", OptionList)
        if self.choices.people:
            people.highlighted = self.choices.proposed
        people.focus()

    # -- choosing --------------------------------------------------------------------------------
    def chosen(self) -> SeatChoice | None:
        i = self.query_one("#seat-people", OptionList).highlighted
        people = self.choices.people
        return people[i] if i is not None and 0 <= i < len(people) else None

    def pin(self) -> str:
        return self.query_one("#f-pin", Input).value if self.pin_required else ""

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.pin_required:
            self.query_one("#f-pin", Input).focus()
        else:
            self.action_submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.action_cancel()

    def show_error(self, field_name: str, problem: str) -> None:
        labels = {"officer": t("seat.officer"), "pin": t("seat.pin")}
        where = field_name if field_name in labels else "officer"
        for name in labels:
            if self.query(f"#e-{name}"):
                self.query_one(f"#e-{name}", Label).update("")
                self.query_one(f"#e-{name}", Label).remove_class("-shown")
        text = error_text(InputError(field_name, problem), labels)
        self.query_one(f"#e-{where}", Label).update(text)
        self.query_one(f"#e-{where}", Label).add_class("-shown")
        if where == "pin":
            pin = self.query_one("#f-pin", Input)
            pin.value = ""
            pin.focus()

    def action_submit(self) -> None:
        self.run_write(self._submit, group="seat")

    async def _submit(self) -> None:
        if self._busy:
            return
        c = self.chosen()
        if c is None:
            self.show_error("officer", t("seat.choose"))
            return
        self._busy = True
        try:
            actor = await self.app.become(c.officer_id, c.name, self.pin())
        except InputError as e:
            self.show_error(e.field, e.problem)
        except StoreError as e:
            self.show_error("officer", str(e))
        else:
            self.dismiss(actor)
        finally:
            self._busy = False

    def action_cancel(self) -> None:
        if self.required:
            self.notify(t("seat.required"), severity="warning", timeout=6)
            return
        super().action_cancel()

    def values(self) -> dict[str, Any]:
        return {"pin": self.pin()}

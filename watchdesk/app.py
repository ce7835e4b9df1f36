"""The Textual app: thin. Screens do the showing, the DeskClient does the I/O."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import getpass
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import date, datetime
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette, Provider
from textual.reactive import var
from textual.screen import Screen

from watchdesk.client import DeskClient, start_first_load, store_kwargs
from watchdesk.config import Settings
from watchdesk.errors import InputError, StoreError
from watchdesk.files.drafts import clear_draft, draft_path, load_draft, restorable_draft, save_draft
from watchdesk.i18n import t
from watchdesk.models.dashboard import Dashboard
from watchdesk.models.officer import Actor, ActorKind
from watchdesk.screens.main import MainScreen
from watchdesk.store.desk import system_clock
from watchdesk.widgets import chops, localize_bindings
from watchdesk.widgets.console import ConsoleNode

Clock = Callable[[], datetime]

POLL_SECONDS = 1.0  # how often to ask SQLite whether another process wrote (the 1 s tick's)
CHECKPOINT_SECONDS = 20.0  # the console's WAL checkpoint, off the save path
CATCH_UP_SECONDS = 0.25  # ... and sooner while full-text merging is behind (12 ms steps)


def _actions_provider() -> type[Provider]:
    from watchdesk.screens.palette import ActionsProvider

    return ActionsProvider


def _incident_provider() -> type[Provider]:
    from watchdesk.screens.palette import IncidentProvider

    return IncidentProvider


class WatchdeskApp(ConsoleNode, App):
    """The console. Like every screen it is a ConsoleNode: its own workers start with
    `run_read` / `run_write`, and one that fails is a notice, never a dead console."""

    CSS_PATH = "app.tcss"
    TITLE = "watchdesk"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("n", "new_incident", "key.new", id="incident-new"),
        Binding("colon", "quick_line", "key.quick", key_display=":", id="incident-quick"),
        Binding("slash", "search", "key.search", key_display="/", id="search"),
        Binding("l", "duty_log", "key.log", id="duty-log"),
        Binding("j", "handover", "key.handover", show=False, id="handover"),
        Binding("d", "directory", "key.directory", show=False, id="directory"),
        Binding("g", "rollcall", "key.rollcall", show=False, id="rollcall"),
        Binding("y", "warnings", "key.warnings", show=False, id="warnings"),
        Binding("z", "roster", "key.roster.open", show=False, id="roster"),
        Binding("c", "leader_check", "key.roster.leader_check", show=False, id="leader-check"),
        Binding("f4", "switch_officer", "key.officer", show=False, id="officer-switch"),
        Binding("q", "quit", "key.quit", show=False, id="quit"),
        Binding("question_mark", "help", "key.help", show=False, key_display="?", id="help"),
        Binding("f1", "help", "key.help", show=False, priority=True, id="help-f1"),
        # Declared here, so its label is translated (Textual adds an English one otherwise).
        Binding(
            "ctrl+p",
            "command_palette",
            "key.palette",
            show=False,
            priority=True,
            id="command-palette",
        ),
    ]
    COMMANDS = App.COMMANDS | {_actions_provider, _incident_provider}

    # A var, not a reactive: setting it must not repaint the whole screen every second (the
    # widgets that show the time watch it and redraw only what changed).
    now: var[datetime] = var(system_clock, init=False, always_update=True)
    # The officer proposed when the console asks who is at the keyboard at start (an id):
    # `watchdesk --as NAME` on a desk that requires PINs (startup.open_console).
    propose: int | None = None
    # Set a moment after start-up when no embeddable Chinese font is installed: what to install
    # (screens/handover.py `warn_if_no_font`; the bar it puts up, and every print, say it).
    font_warning: str | None = None

    def __init__(
        self,
        db_path: str | Path,
        *,
        settings: Settings | None = None,
        clock: Clock = system_clock,
        actor: str | Actor = "",
        ask_officer: bool = False,
        poll: bool = True,
        client: DeskClient | None = None,
        first_load: Future | None = None,
    ):
        """`actor`: who is at the keyboard, already known (an Actor; or a name, which is the
        officer of that name when the desk has exactly one active, else a plain name; default
        "duty"). `ask_officer`: ask who is at the keyboard once the console is up (`watchdesk`
        itself does, see `startup.open_console`); a browser tab of `watchdesk serve` (a seat
        `web:…`) always asks. `client` and `first_load`: a DB thread already started on this
        desk and its first load already under way; by default the app starts both."""
        super().__init__()
        localize_bindings(self)
        self.settings = settings or Settings()
        self.clock = clock
        self.db_path = Path(db_path)
        self.os_user = os_login()
        seat = seat_name(self.settings.seat)
        if isinstance(actor, Actor):
            self.officer = actor.model_copy(
                update={"os_user": actor.os_user or self.os_user, "seat": actor.seat or seat}
            )
        else:
            self.officer = Actor(name=actor or "duty", os_user=self.os_user, seat=seat)
        self.ask_officer = ask_officer or seat.startswith(WEB_SEAT)
        self._resolve_name = isinstance(actor, str) and bool(actor) and not self.ask_officer
        self._acting: Future | None = None  # the officer applied to the DB thread's store
        self.client = client or DeskClient(
            self.db_path, **store_kwargs(self.settings, clock, self.officer.name)
        )
        self.dashboard: Dashboard | None = None
        self._mark: tuple[int, int] | None = None  # Store.change_mark of the dashboard shown
        self._poll = poll
        self._polling: asyncio.Task | None = None  # the poll under way (at most one)
        self._day: date | None = None
        self.loads = 0  # completed dashboard loads (tests wait on it)
        self.polled_reloads = 0  # reloads because another connection changed records
        self.first_load_done = asyncio.Event()  # set when the first screen has its data
        self._first_load: Future | None = first_load
        # Opened as `watchdesk` opens a desk (startup.open_console): a new desk gets the first-run
        # setup (screens/setup.py). Tests' apps on empty desks do not, unless they ask.
        self.offer_setup = first_load is not None
        self.set_reactive(WatchdeskApp.now, clock())
        self.title = t("app.title")
        self._show_officer()

    def run(self, *args, **kwargs):
        """Everything imported before the console starts lives as long as the process: freezing
        it keeps the garbage collector from walking it again and again (measured: ~140 ms).
        Partial screen updates send the terminal only the changed cells (widgets/chops.py)."""
        gc.freeze()
        chops.install()
        return super().run(*args, **kwargs)

    def startup_done(self) -> None:
        """The first screen is drawn with its data: what start-up built is frozen out of the
        garbage collector's way, and the collector (which `watchdesk` turns off while the
        console starts, see __main__.main) runs again. The work that is not on the way to the
        first screen starts from here, not from mounting: on a busy machine the first screen
        can take longer than their delays, and the font check alone imports reportlab (~150 ms)."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()
        if not self._after_start:  # once: the first load, or the timer in case it failed
            self._after_start = True
            self.set_timer(1.5, self._check_font)  # reportlab and the font file
            self.set_timer(3, self._checkpoint)  # soon: a desk fed by scripts may need merging
            self.set_timer(4, self._replicate)  # the desk's Litestream replica (store/replica.py)
            self.set_timer(5, self._daily_backup)

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def on_load(self) -> None:
        """The first load starts on the DB thread before the screen is built, so the first
        screen is usually drawn once, with its data, instead of empty and then again."""
        if self._first_load is None:
            self._first_load = start_first_load(self.client, self.clock)
        self._start_acting()

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.reload()
        self.set_interval(POLL_SECONDS, self.tick, name="tick")  # the poll rides on it
        self.run_read(self._identify, group="identify")
        if self.offer_setup:
            self.call_after_refresh(self._offer_setup)
        self.set_timer(3, self.startup_done)  # in case the first load failed (it starts the rest)

    # -- the desk's own settings and its first-run setup -----------------------------------------
    def _offer_setup(self) -> None:
        """When the console opens a desk: the desk's own settings as it keeps them (already
        applied when `watchdesk` opened it: see `watchdesk.startup`), and on a new desk (no
        officers, no shifts, never set up) the first-run setup (screens/setup.py, imported only
        then: with the screens it uses it is ~15-20 ms of start-up on every other desk)."""

        async def check() -> None:
            needs, ds = await self.client.call(
                lambda s: (s.settings.needs_setup(), s.settings.get())
            )
            self.apply_desk(ds.model_dump(), saved=False)
            if needs:
                from watchdesk.screens.setup import open_setup

                open_setup(self)

        self.run_read(check, group="setup-offer")

    def apply_desk(self, values: dict[str, str], *, saved: bool = True) -> None:
        """The desk's settings as saved (all the `DeskSettings` fields; empty: not set on the
        desk) as this console uses them from now on, where no flag or environment variable sets
        them (`Settings.with_desk`): the title, the default office reports go to, the time zone
        its times are shown in, the rule pack; the DB thread's store works in the same zone and
        pack (after a save, `saved`, always: the save set the store to the desk's values)."""
        before = self.settings
        conf = self.settings = self.settings.with_desk(values, self.db_path)
        if conf.desk_name != before.desk_name:
            self.sub_title = conf.desk_name
        if saved or (conf.timezone, conf.rule_pack) != (before.timezone, before.rule_pack):
            self.client.submit(lambda s: s.settings.use(conf.timezone, conf.rule_pack))

    # -- who is at the keyboard ------------------------------------------------------------------
    @property
    def actor(self) -> str:
        """The acting officer's name, as the records show it (by_whom, holds...)."""
        return self.officer.name

    @property
    def seat(self) -> str:
        """This console's seat: the terminal, or the browser tab (`WATCHDESK_SEAT`)."""
        return self.officer.seat or ""

    @seat.setter
    def seat(self, value: str) -> None:
        self.officer = self.officer.model_copy(update={"seat": value})
        if self._acting is not None:  # already applied: apply again
            officer = self.officer
            self.client.submit(lambda s: s.act_as(officer))

    @property
    def draft_path(self) -> Path:
        """This seat's draft for the officer at it."""
        return draft_path(self.db_path, self.seat, _officer_key(self.officer), self.os_user)

    def _show_officer(self) -> None:
        """The title bar: the desk's name and who is at the keyboard."""
        self.sub_title = self.settings.desk_name

    def validate_sub_title(self, sub_title: object) -> str:
        """The title bar always says who is at the keyboard: a desk name set as the sub-title
        (here, or by the settings screen) gets the officer beside it."""
        desk = str(sub_title)
        officer = getattr(self, "officer", None)  # (Textual sets a sub-title before __init__ ends)
        if officer is None or officer.kind != ActorKind.officer:
            return desk
        who = t("seat.header", name=officer.name)
        if desk.endswith(who):
            return desk
        return " · ".join(x for x in (desk, who) if x)

    def _start_acting(self) -> None:
        """The DB thread acts as this console's officer from its next call on (after the first
        load): a name given is the desk's officer of that name when exactly one is active."""
        officer, resolve = self.officer, self._resolve_name

        def act(s) -> Actor:
            actor = officer
            if resolve and actor.kind == ActorKind.system:
                found = [o for o in s.officers.find(actor.name) if o.active]
                if len(found) == 1 and found[0].id is not None:
                    actor = actor.model_copy(
                        update={"officer_id": found[0].id, "kind": ActorKind.officer}
                    )
            s.act_as(actor)
            return actor

        self._acting = self.client.submit(act)

    def _set_officer(self, actor: Actor) -> None:
        self.officer = actor
        self._show_officer()

    async def _identify(self) -> None:
        """Once the console is up: the officer given is applied, or the console asks who is at
        the keyboard; then a draft left at this seat is offered back."""
        if self._acting is not None:
            self._set_officer(await asyncio.wrap_future(self._acting))
        if self.ask_officer:
            await self._ask_officer(required=True)
        else:
            self._offer_draft()

    def action_switch_officer(self) -> None:
        """F4: someone else takes the keyboard (the same question as at start)."""
        from watchdesk.screens.intake import IncidentForm

        if any(isinstance(s, IncidentForm) for s in self.screen_stack):
            self.notify(t("seat.busy_form"), severity="warning", timeout=6)
            return
        self.run_read(lambda: self._ask_officer(required=False), group="identify")

    async def _ask_officer(self, *, required: bool) -> None:
        from watchdesk.screens.seat import SeatDialog, read_choices

        now = self.clock()
        current = self.officer.officer_id
        choices = await self.client.call(lambda s: read_choices(s, now, current))
        ids = [c.officer_id for c in choices.people]
        if required and self.propose in ids:
            choices.proposed = ids.index(self.propose)
        if not choices.people:  # nobody may act now: the writes stay under the login
            if choices.officers:  # (a new desk has no one yet: its setup comes first)
                self.notify(
                    t("seat.nobody", name=self.officer.name), severity="warning", timeout=12
                )
            if required:
                self._offer_draft()
            return

        def chosen(actor: Actor | None) -> None:
            if actor is None:
                return
            if not required:
                self.notify(t("seat.switched", name=actor.name), timeout=6)
            self._offer_draft()

        self.push_screen(
            SeatDialog(
                choices,
                pin_required=self.settings.handover_pin,
                required=required,
                current=current if self.officer.kind == ActorKind.officer else None,
                web=self.seat.startswith(WEB_SEAT),
            ),
            chosen,
        )

    async def become(self, officer_id: int, name: str, pin: str = "") -> Actor:
        """Act as this officer from now on, if they may act now (on the shift on duty, or an
        administrator) and, where the desk requires PINs, with their right PIN; else InputError
        as the store words it (a wrong PIN is counted, and enough of them lock the officer) and
        nothing is switched. Every write after this is recorded under them."""
        actor = Actor(
            name=name,
            officer_id=officer_id,
            kind=ActorKind.officer,
            os_user=self.os_user,
            seat=self.seat,
        )
        pin_required, at = self.settings.handover_pin, self.clock()
        refused = t("seat.not_allowed", name=name)

        def switch(s) -> Actor:
            if not s.officers.may_act(actor, at):
                raise InputError("officer", refused)
            if pin_required:
                if not pin:
                    raise InputError("pin", "enter your PIN")
                s.officers.verify_pin(officer_id, pin)  # outside a write: it records wrong tries
            s.act_as(actor)
            return actor

        actor = await self.client.call(switch)
        self._set_officer(actor)
        return actor

    # -- intake and navigation ------------------------------------------------------------------
    def _offer_draft(self) -> None:
        """A half-typed form survived a crash: offer it back (this seat's, or one this officer
        left in a console that is gone)."""
        found = restorable_draft(self.db_path, self.seat, _officer_key(self.officer), self.os_user)
        draft = load_draft(found) if found is not None else None
        if found is None or not draft:
            return
        from watchdesk.screens.dialogs import ConfirmDialog

        when = self._local_time(str(draft.get("saved_at", "")))

        def answered(restore: bool | None) -> None:
            if restore:
                if found != self.draft_path:  # adopted from a console that is gone
                    save_draft(self.draft_path, draft)
                    clear_draft(found)
                self._open_form_from_draft(draft)
            else:
                clear_draft(found)

        self.push_screen(
            ConfirmDialog(
                t("draft.offer", when=when), yes=t("draft.restore"), no=t("draft.discard")
            ),
            answered,
        )

    def _local_time(self, iso: str) -> str:
        """An instant saved as ISO text (UTC from the system clock) in the desk's time zone."""
        from watchdesk.text.timefmt import fmt_hm

        try:
            at = datetime.fromisoformat(iso)
        except ValueError:
            return iso[:16].replace("T", " ")
        if at.tzinfo is None:  # no zone: shown as it was written
            return at.strftime("%m-%d %H:%M")
        return fmt_hm(at, self.settings.tz, self.clock())

    def _open_form_from_draft(self, draft: dict) -> None:
        from watchdesk.screens.intake import FIELDS, IncidentForm

        values = {k: v for k, v in draft["values"].items() if k in FIELDS}
        cat = tuple(draft.get("category") or ("", ""))
        if draft.get("incident_id"):
            inc_id = draft["incident_id"]

            async def open_edit() -> None:
                inc = await self.client.call(lambda s: s.incidents.get(inc_id))
                self.push_screen(IncidentForm(incident=inc, initial=values, category=cat))

            self.run_read(open_edit, group="draft-edit", exclusive=False)
        else:
            self.push_screen(IncidentForm(initial=values, category=cat))

    def action_new_incident(self, initial: dict | None = None) -> None:
        from watchdesk.screens.intake import IncidentForm

        if isinstance(self.screen, IncidentForm):
            return
        cat = (initial.get("category", ""), initial.get("subtype", "")) if initial else None
        self.push_screen(IncidentForm(initial=initial, category=cat))

    def action_quick_line(self) -> None:
        from watchdesk.screens.quickline import QuickLine

        def parsed(fields: dict | None) -> None:
            if fields:
                self.action_new_incident(fields)

        self.push_screen(QuickLine(), parsed)

    def action_search(self) -> None:
        from watchdesk.screens.search import SearchScreen

        self.push_screen(SearchScreen())

    def action_duty_log(self) -> None:
        from watchdesk.screens.dutylog import DutyLogScreen

        self.push_screen(DutyLogScreen())

    def _push_once(self, cls: type[Screen]) -> None:
        if not isinstance(self.screen, cls):
            self.push_screen(cls())

    def action_directory(self) -> None:
        from watchdesk.screens.directory import DirectoryScreen

        self._push_once(DirectoryScreen)

    def action_rollcall(self) -> None:
        from watchdesk.screens.rollcall import RollCallScreen

        self._push_once(RollCallScreen)

    def action_warnings(self) -> None:
        from watchdesk.screens.warning import WarningsScreen

        self._push_once(WarningsScreen)

    def action_roster(self) -> None:
        from watchdesk.screens.roster.screen import RosterScreen

        self._push_once(RosterScreen)

    def action_leader_check(self) -> None:
        """Record the leader-on-duty check (带班领导在岗核查) for the current shift."""
        from watchdesk.screens.roster.forms import leader_check_modal

        duty = self.dashboard.duty if self.dashboard else None
        modal = leader_check_modal(self, duty, self.clock(), self.settings.tz)
        if modal is None:
            self.notify(t("duty.none"), severity="warning")
            return
        self.push_screen(modal, lambda _: self.reload())

    def action_handover(self) -> None:
        from watchdesk.screens.handover import HandoverScreen

        self._push_once(HandoverScreen)

    # -- help and the command palette ------------------------------------------------------------
    def action_help(self) -> None:
        """? or F1: the keys of the current screen (again: closes them)."""
        from watchdesk.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        elif not CommandPalette.is_open(self):
            self.push_screen(HelpScreen(self.screen))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(placeholder=t("palette.placeholder"), id="--command-palette")
            )

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=t("palette.themes")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands in the UI language. Its "Keys" and "Quit" are left out: the
        help screen (?) and the console's own quit (q) are in the palette already."""
        yield SystemCommand(
            t("palette.sys.theme"), t("palette.sys.theme.help"), self.action_change_theme
        )
        if screen.maximized is not None:
            yield SystemCommand(t("palette.sys.minimize"), "", screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(t("palette.sys.maximize"), "", screen.action_maximize)
        yield SystemCommand(
            t("palette.sys.screenshot"),
            t("palette.sys.screenshot.help"),
            lambda: self.set_timer(0.1, self.deliver_screenshot),
        )

    def action_help_quit(self) -> None:
        """ctrl+c outside a text field: say how to quit, in the UI language."""
        for active in self.active_bindings.values():
            if active.binding.action in ("quit", "app.quit"):
                shown = active.binding.key_display or self.get_key_display(active.binding)
                self.notify(t("palette.quit_hint", keys=shown), title=t("palette.quit_hint.title"))
                return

    def _check_font(self) -> None:
        from watchdesk.screens.handover import warn_if_no_font

        self.run_read(lambda: warn_if_no_font(self), group="font-check")

    def handover_frozen(self) -> None:
        """A handover was just frozen: take the online backup that goes with it."""
        self.backup("handover")

    def backup(self, reason: str, *, only_if_due: bool = False) -> None:
        """A restore point in a worker thread (store/replica.py: the desk's Litestream replica
        brought up to date and recorded, well under a second): at every handover, and once a day
        while a console is open. The daily one waits quietly while the replicator is still
        making its first copy of the desk."""
        from watchdesk.store import backup as backups
        from watchdesk.store import replica

        folder, keep = self.settings.backup_dir, self.settings.backup_keep

        def run() -> None:
            if only_if_due and not backups.due_daily(self.db_path, folder):
                return
            try:
                replica.take_point(
                    self.db_path, reason=reason, directory=folder, keep=keep, cancel=self._quitting
                )
            except replica.ReplicaError as e:
                if only_if_due or e.msg.key == "backup.replica.cancelled":
                    return  # the next hourly check takes the daily one; quitting is not a failure
                raise

        async def guarded() -> None:
            import asyncio

            try:
                await asyncio.to_thread(run)
            except Exception as e:  # a failed backup is loud, never fatal
                self.notify(t("backup.failed", why=str(e)), severity="error", timeout=20)

        self.run_read(guarded, group="backup", exclusive=False)

    _replicator: Any = None  # store.replica.Replicator, when this console runs the desk's one
    _after_start = False  # the work after the first screen is armed (startup_done)

    @property
    def _quitting(self) -> threading.Event:
        """Set when this console unmounts: a backup under way stops (store/replica.py)."""
        ev = self.__dict__.get("_quit_event")
        if ev is None:
            ev = self.__dict__["_quit_event"] = threading.Event()
        return ev

    def _replicate(self) -> None:
        """The desk's one Litestream replicator: started by the first console to get its lock
        (on the main thread: it dies with this process), looked after every minute (another
        console that quits hands it over); not on a desk opened read-only. The first time,
        a warning when the backups are on the desk's own disk."""
        from watchdesk.errors import StoreError
        from watchdesk.store import backup as backups
        from watchdesk.store import replica

        folder = self.settings.backup_dir
        if self._replicator is None and not getattr(self, "_replica_warned", False):
            self._replica_warned = True
            with contextlib.suppress(OSError, StoreError):
                backups.sweep(self.db_path, folder)  # what a killed backup left behind
            if replica.same_device(self.db_path, folder):
                folder_path = replica.layout(self.db_path, folder).folder
                self.notify(
                    t("backup.same_device", folder=folder_path, desk=self.db_path),
                    title=t("backup.same_device.title"),
                    severity="warning",
                    timeout=20,
                )
        if not self.client.read_only and not (self._replicator and self._replicator.alive()):
            if self._replicator is not None:
                self._replicator.stop()
                self._replicator = None
            try:
                self._replicator = replica.Replicator.start(self.db_path, folder)
            except (StoreError, OSError) as e:
                if str(e) != getattr(self, "_replica_failed", None):  # said once, not every minute
                    self._replica_failed = str(e)
                    msg = t("backup.replicator.failed", why=str(e))
                    self.notify(msg, severity="error", timeout=20)
        if self.is_running:
            self.set_timer(60, self._replicate)

    async def _checkpoint(self) -> None:
        """The WAL checkpoint and full-text merging this console's saves no longer do inline,
        on the client's maintenance thread and connection, not the DB thread the saves go
        through (re-armed, never stacked; every CATCH_UP_SECONDS while merging is behind)."""
        more = False
        try:
            more = bool(await self.client.maintain())
        except Exception:  # a busy reader elsewhere, or quitting: the next one catches up
            pass
        finally:
            if self.is_running:
                self.set_timer(CATCH_UP_SECONDS if more else CHECKPOINT_SECONDS, self._checkpoint)

    def _daily_backup(self) -> None:
        """Checked now and every hour (re-armed, never stacked); not on a desk opened read-only
        (it says so at the top of every screen)."""
        if not self.client.read_only:
            self.backup("daily", only_if_due=True)
        if self.is_running:
            self.set_timer(3600, self._daily_backup)

    def after_write(self, message: str = "", *, warn: bool = False) -> None:
        """After this console saved something: say so, and show it everywhere at once."""
        if message:
            self.notify(message, severity="warning" if warn else "information", timeout=6)
        self.reload()

    # -- time ------------------------------------------------------------------------------------
    def tick(self) -> None:
        """The one clock. No database work: widgets recompute from `now` and cached rows; a
        reload is asked for only when a shift boundary or midnight has passed."""
        now = self.clock()
        self.now = now
        if self._poll and self._polling is None and not self.client.closed:
            self._polling = asyncio.create_task(self.poll_once())  # never two at once
            self._polling.add_done_callback(self._polled)
        dash = self.dashboard
        if dash is None:
            return
        boundary = None
        if dash.current is not None:
            boundary = dash.current.shift.ends_at
        elif dash.upcoming is not None:
            boundary = dash.upcoming.shift.starts_at
        day = now.astimezone(self.settings.tz).date()
        if (boundary is not None and now >= boundary) or (
            self._day is not None and day != self._day
        ):
            self.reload()

    # -- data ------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.run_read(self._load, group="reload")

    def action_reload(self) -> None:
        self.reload()

    async def _load(self) -> None:
        first, self._first_load = self._first_load, None
        if first is not None:
            now, dash, mark = await asyncio.wrap_future(first)
        else:
            now = self.clock()
            # the mark first: a write landing while the dashboard is read is seen next poll
            mark, dash = await self.client.call(lambda s: (s.change_mark(), s.dashboard(now)))
        self._loaded(now, dash, mark)
        screen = self.get_screen_main()
        if screen is not None and screen.ready:
            screen.show(dash, self.clock())

    def first_load_if_done(self) -> Dashboard | None:
        """The first load's dashboard if it has already arrived (for the first screen to draw
        it in its first frame); None while it is still running."""
        first = self._first_load
        if first is None or not first.done() or first.exception() is not None:
            return None
        self._first_load = None
        now, dash, mark = first.result()
        self._loaded(now, dash, mark)
        return dash

    def _loaded(self, now: datetime, dash: Dashboard, mark: tuple[int, int]) -> None:
        self.dashboard = dash
        self._mark = mark
        self._day = now.astimezone(self.settings.tz).date()
        self.loads += 1
        if self.loads == 1:
            self.first_load_done.set()
            self.call_after_refresh(self.startup_done)

    def get_screen_main(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _polled(self, task: asyncio.Task) -> None:
        self._polling = None
        error = None if task.cancelled() else task.exception()
        if isinstance(error, Exception) and not self.client.closed:  # (not: quitting)
            self._handle_exception(error)  # as a timer's callback failing would

    async def poll_once(self) -> None:
        """Started by the 1 s tick unless the last one is still under way, so slow I/O never
        stacks up polls. Reloads only when another connection changed records
        (Store.change_mark): not for this console's maintenance commits or Litestream's."""
        if self.client.closed:  # the app is shutting down: its DB thread is gone
            return
        last = self._mark
        if last is None:  # the first load has not arrived yet
            return
        try:
            mark = await self.client.call(lambda s: s.change_mark(last))
        except StoreError as e:
            self.notify(str(e), severity="error", timeout=10)
            return
        if mark[1] == last[1]:  # nothing, or only commits that change no record
            if self._mark == last:  # (unless a load stored a newer mark meanwhile)
                self._mark = mark
            return
        self.polled_reloads += 1
        self.reload()
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_data", None)
            if refresh is not None:
                refresh()

    def on_unmount(self) -> None:
        self._quitting.set()  # a backup under way stops now, leaving nothing half-written
        if self._replicator is not None:
            self._replicator.stop()  # its last sync: at most STOP_SECONDS
        self.client.close()


WEB_SEAT = "web:"  # a seat named so is a browser tab of `watchdesk serve`


def os_login() -> str:
    """The operating-system user, recorded beside the officer (never as the actor)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry)
        return os.environ.get("USER") or f"uid{os.getuid()}"


def seat_name(configured: str | None = None) -> str:
    """Which seat this console is: the settings' `seat` or `WATCHDESK_SEAT` (`watchdesk serve`
    names each browser tab `web:1`, `web:2` …), else the terminal (`tty:/dev/pts/3`), else the
    process. Recorded beside the officer; it tells edit holds and drafts apart (one person may
    have two)."""
    seat = (configured or os.environ.get("WATCHDESK_SEAT", "")).strip()
    if seat:
        return seat
    for fd in (0, 1, 2):
        try:
            return f"tty:{os.ttyname(fd)}"
        except OSError:
            continue
    return f"pid:{os.getpid()}"


def _officer_key(actor: Actor) -> str:
    """Tells officers apart in draft names (two 王伟 are two officers)."""
    return f"o{actor.officer_id}" if actor.officer_id is not None else actor.name


def make_app(
    db_path: str | Path,
    *,
    settings: Settings | None = None,
    clock: Clock = system_clock,
    actor: str | Actor = "",
    ask_officer: bool = False,
    poll: bool = True,
    client: DeskClient | None = None,
    first_load: Future | None = None,
) -> WatchdeskApp:
    return WatchdeskApp(
        db_path,
        settings=settings,
        clock=clock,
        actor=actor,
        ask_officer=ask_officer,
        poll=poll,
        client=client,
        first_load=first_load,
    )

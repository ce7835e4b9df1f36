"""The Textual app: thin. Screens do the showing, the DeskClient does the I/O."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date, datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from watchdesk.client import DeskClient, start_first_load, store_kwargs
from watchdesk.config import Settings
from watchdesk.errors import StoreError
from watchdesk.files.drafts import clear_draft, draft_path, load_draft
from watchdesk.i18n import t
from watchdesk.models.dashboard import Dashboard
from watchdesk.screens.main import MainScreen
from watchdesk.store.desk import system_clock
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.console import ConsoleNode

Clock = Callable[[], datetime]

POLL_SECONDS = 1.0  # how often to ask SQLite whether another process wrote (PRAGMA data_version)
CHECKPOINT_SECONDS = 20.0  # the console's WAL checkpoint, off the save path
CATCH_UP_SECONDS = 1.0  # ... and sooner while full-text merging is behind (Store.checkpoint)


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
        Binding("q", "quit", "key.quit", show=False, id="quit"),
    ]

    now: reactive[datetime] = reactive(system_clock, init=False, always_update=True)

    def __init__(
        self,
        db_path: str | Path,
        *,
        settings: Settings | None = None,
        clock: Clock = system_clock,
        actor: str = "",
        poll: bool = True,
        client: DeskClient | None = None,
        first_load: Future | None = None,
    ):
        """`client` and `first_load`: a DB thread already started on this desk and its first
        load already under way (see `console.open_console`); by default the app starts both."""
        super().__init__()
        localize_bindings(self)
        self.settings = settings or Settings()
        self.clock = clock
        self.db_path = Path(db_path)
        self.actor = actor or "duty"
        self.seat = _seat()
        self.draft_path = draft_path(self.db_path)
        self.client = client or DeskClient(
            self.db_path, **store_kwargs(self.settings, clock, self.actor)
        )
        self.dashboard: Dashboard | None = None
        self._data_version: int | None = None
        self._poll = poll
        self._day: date | None = None
        self.loads = 0  # completed dashboard loads (tests wait on it)
        self.first_load_done = asyncio.Event()  # set when the first screen has its data
        self._first_load: Future | None = first_load
        self.set_reactive(WatchdeskApp.now, clock())
        self.title = t("app.title")
        if self.settings.desk_name:
            self.sub_title = self.settings.desk_name

    def run(self, *args, **kwargs):
        """Everything imported before the console starts lives as long as the process: freezing
        it keeps the garbage collector from walking it again and again (measured: ~140 ms)."""
        gc.freeze()
        return super().run(*args, **kwargs)

    def startup_done(self) -> None:
        """The first screen is drawn with its data: what start-up built is frozen out of the
        garbage collector's way, and the collector (which `watchdesk` turns off while the
        console starts, see __main__.main) runs again."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def on_load(self) -> None:
        """The first load starts on the DB thread before the screen is built, so the first
        screen is usually drawn once, with its data, instead of empty and then again."""
        if self._first_load is None:
            self._first_load = start_first_load(self.client, self.clock)

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.reload()
        self.set_interval(1, self.tick, name="tick")
        self.call_after_refresh(self._offer_draft)
        self.set_timer(5, self._daily_backup)  # not on the path to the first screen
        self.set_timer(3, self.startup_done)  # in case the first load failed
        self.set_timer(3, self._checkpoint)  # soon: a desk fed by scripts may have merging to do
        if self._poll:
            self.set_timer(POLL_SECONDS, self.poll_once)

    # -- intake and navigation ------------------------------------------------------------------
    def _offer_draft(self) -> None:
        """A half-typed form survived a crash: offer it back."""
        draft = load_draft(self.draft_path)
        if not draft:
            return
        from watchdesk.screens.dialogs import ConfirmDialog

        when = draft.get("saved_at", "")[:16].replace("T", " ")

        def answered(restore: bool | None) -> None:
            if restore:
                self._open_form_from_draft(draft)
            else:
                clear_draft(self.draft_path)

        self.push_screen(
            ConfirmDialog(
                t("draft.offer", when=when), yes=t("draft.restore"), no=t("draft.discard")
            ),
            answered,
        )

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

    def handover_frozen(self) -> None:
        """A handover was just frozen: take the online backup that goes with it."""
        self.backup("handover")

    def backup(self, reason: str, *, only_if_due: bool = False) -> None:
        """An online backup (SQLite's backup API) in a worker thread: at every handover, and once
        a day while a console is open."""
        from watchdesk.store import backup as backups

        folder, keep = self.settings.backup_dir, self.settings.backup_keep

        def run() -> None:
            if only_if_due and not backups.due_daily(self.db_path, folder):
                return
            backups.take(self.db_path, reason=reason, directory=folder, keep=keep)

        async def guarded() -> None:
            import asyncio

            try:
                await asyncio.to_thread(run)
            except Exception as e:  # a failed backup is loud, never fatal
                self.notify(t("backup.failed", why=str(e)), severity="error", timeout=20)

        self.run_read(guarded, group="backup", exclusive=False)

    async def _checkpoint(self) -> None:
        """The WAL checkpoint and full-text merging this console's saves no longer do inline
        (re-armed, never stacked; every second while merging has a backlog to catch up on)."""
        more = False
        try:
            more = bool(await self.client.call(lambda s: s.checkpoint()))
        except Exception:  # a busy reader elsewhere: the next one catches up
            pass
        finally:
            if self.is_running:
                self.set_timer(CATCH_UP_SECONDS if more else CHECKPOINT_SECONDS, self._checkpoint)

    def _daily_backup(self) -> None:
        """Checked now and every hour (re-armed, never stacked)."""
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
            now, dash, version = await asyncio.wrap_future(first)
        else:
            now = self.clock()
            # data_version first: a write landing while the dashboard is read is seen next poll
            version, dash = await self.client.call(lambda s: (s.data_version(), s.dashboard(now)))
        self._loaded(now, dash, version)
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
        now, dash, version = first.result()
        self._loaded(now, dash, version)
        return dash

    def _loaded(self, now: datetime, dash: Dashboard, version: int) -> None:
        self.dashboard = dash
        self._data_version = version
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

    async def poll_once(self) -> None:
        """Re-armed after each poll finishes, so slow I/O never stacks up polls."""
        try:
            version = await self.client.call(lambda s: s.data_version())
            if self._data_version is not None and version != self._data_version:
                self.reload()
                for screen in self.screen_stack:
                    refresh = getattr(screen, "refresh_data", None)
                    if refresh is not None:
                        refresh()
        except StoreError as e:
            self.notify(str(e), severity="error", timeout=10)
        finally:
            if self.is_running:
                self.set_timer(POLL_SECONDS, self.poll_once)

    def on_unmount(self) -> None:
        self.client.close()


def _seat() -> str:
    """Which terminal this console runs in, for edit holds (the same person may have two)."""
    for fd in (0, 1, 2):
        try:
            return os.ttyname(fd)
        except OSError:
            continue
    return f"pid{os.getpid()}"


def make_app(
    db_path: str | Path,
    *,
    settings: Settings | None = None,
    clock: Clock = system_clock,
    actor: str = "",
    poll: bool = True,
    client: DeskClient | None = None,
    first_load: Future | None = None,
) -> WatchdeskApp:
    return WatchdeskApp(
        db_path,
        settings=settings,
        clock=clock,
        actor=actor,
        poll=poll,
        client=client,
        first_load=first_load,
    )

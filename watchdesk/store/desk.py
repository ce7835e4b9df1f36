"""The Store: one open desk database with its repositories. Returns models, never raw rows."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from watchdesk.models.dashboard import Dashboard
from watchdesk.models.officer import Actor, ActorKind
from watchdesk.store.audit import Auditor, CheckResult, verify
from watchdesk.store.db import DeskBusy, DeskDb, connect, refuse_foreign, write_txn
from watchdesk.store.stamp import (
    LEGACY_RECORDS_SQL,
    MIGRATION_NAMES,
    MIGRATION_SET,
    SCHEMA_STAMP,
)

if TYPE_CHECKING:
    from watchdesk.models.incident import BoardRow, TimelineItem
    from watchdesk.rules.rulepack import RulePack
    from watchdesk.store.area import AreaRepo
    from watchdesk.store.directory import DirectoryRepo
    from watchdesk.store.dispatch import DispatchRepo
    from watchdesk.store.dutylog import DutyLogRepo
    from watchdesk.store.figures import FigureRepo
    from watchdesk.store.handover import HandoverRepo
    from watchdesk.store.holds import HoldRepo
    from watchdesk.store.incident import IncidentRepo
    from watchdesk.store.officer import OfficerRepo
    from watchdesk.store.rollcall import RollCallRepo
    from watchdesk.store.roster.repo import RosterRepo
    from watchdesk.store.search import SearchRepo
    from watchdesk.store.settings import SettingsRepo
    from watchdesk.store.signoff import ReportRepo
    from watchdesk.store.stats import StatsRepo
    from watchdesk.store.warning import WarningRepo

# The desk's full-text tables (FTS5; each kept by the repository of its noun, in the same
# transaction as the row). Their segments are merged by `Store.checkpoint`, never in a save.
FTS_TABLES = ("incidents_fts", "log_fts", "written_reports_fts")
# A maintenance step merges in slices of this many pages, for this long at most (issue 19:
# steps small enough never to hold a save; a 200-page step took up to 100 ms on a desk of years).
MERGE_SLICE_PAGES = 32
MERGE_BUDGET = 0.012
# A maintenance step on a connection of its own steps aside for a save (see merge_step), except
# after this many steps in a row did: so a flood of saves cannot keep the index from catching up.
MAX_ASIDE_IN_A_ROW = 3


class _StepAside(Exception):
    """A save began: the merge step under way gives the write lock back (rolled back)."""


Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def _system(name: str) -> Actor:
    return Actor(name=name or "system", kind=ActorKind.system)


# Never in an export: what would let anyone try PINs offline.
SECRET_COLUMNS: dict[str, tuple[str, ...]] = {"officer_pins": ("salt", "hash")}
# Never in an export at all: the record of PIN tries (whose PIN was mistyped, when, locked out).
SECRET_TABLES: frozenset[str] = frozenset({"pin_attempts"})


def _pending(db: DeskDb) -> list[str]:
    """Pending migrations; waits (within the write bound) while another process holds the desk
    mid-migration, instead of failing on "database is locked"."""
    import sqlite3
    import time

    from watchdesk.store import migrations
    from watchdesk.store.db import WRITE_RETRY_SECONDS

    deadline = time.monotonic() + WRITE_RETRY_SECONDS
    while True:
        try:
            return migrations.pending(db)
        except sqlite3.OperationalError as e:
            if "locked" not in str(e).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _stamp(db: DeskDb) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _legacy(db: DeskDb) -> bool:
    """Whether the desk still records a migration under its name of before one list (see
    stamp.LEGACY_NAMES); a plain read, so a stamped desk's opening stays without sqlite-utils."""
    try:
        return db.execute(LEGACY_RECORDS_SQL).fetchone() is not None
    except sqlite3.OperationalError:  # no _sqlite_migrations table: nothing recorded at all
        return False


def _up_to_date(db: DeskDb) -> bool:
    """Whether the desk is stamped as this version and records exactly this version's
    migrations (stamp.MIGRATION_NAMES, set "watchdesk", each once, nothing else): then nothing is
    pending, nothing unknown or legacy is recorded, and it is a watchdesk desk. A plain read of
    ~20 rows, so the usual opening loads neither sqlite-utils nor the migrations module."""
    if _stamp(db) != SCHEMA_STAMP:
        return False
    try:
        records = db.execute("SELECT migration_set, name FROM _sqlite_migrations").fetchall()
    except sqlite3.OperationalError:  # no _sqlite_migrations table
        return False
    return sorted(records) == sorted((MIGRATION_SET, n) for n in MIGRATION_NAMES)


def _restamp(db: DeskDb) -> None:
    """A desk with nothing pending, made before stamps or recording its migrations under their
    legacy names: rename the records and stamp it, so the next opening is quick. A desk this user
    cannot write stays as it is (it opens with the full check each time)."""
    import contextlib

    from watchdesk.errors import StoreError
    from watchdesk.store import migrations

    with (
        contextlib.suppress(StoreError, sqlite3.Error),
        write_txn(db, retry_seconds=1.0, quiet=True),
    ):
        migrations.fold_legacy(db)
        if _stamp(db) < SCHEMA_STAMP:
            db.execute(f"PRAGMA user_version = {SCHEMA_STAMP}")


def _check_desk(db: DeskDb, *, create: bool) -> None:
    """Refuse, before anything is written, a file that is not a watchdesk desk (an SQLite
    database of something else; an empty database unless `create`, i.e. `watchdesk init`) and a
    desk that a newer watchdesk wrote (its stamp, or migrations this code does not know).
    Only a desk that is not `_up_to_date` comes here: the usual opening pays nothing."""
    from watchdesk.errors import StoreError
    from watchdesk.store.stamp import LEGACY_NAMES

    path = db.desk_path
    stamp = _stamp(db)
    if stamp > SCHEMA_STAMP:
        raise StoreError("desk.too_new", path=path, desk=stamp, known=SCHEMA_STAMP)
    refuse_foreign(db, path)
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = '_sqlite_migrations'").fetchone():
        if stamp == 0 and not create:  # no tables at all (refuse_foreign let it by)
            raise StoreError("desk.empty_database", path=path)
        return
    records: list[tuple[str, str]] = []
    with contextlib.suppress(sqlite3.Error):
        records = [
            (r[0], r[1]) for r in db.execute("SELECT migration_set, name FROM _sqlite_migrations")
        ]
    from sqlite_utils import Database

    from watchdesk.store import migrations

    everything = migrations.migrations.pending(Database(memory=True))  # all of them, by name
    known = {m.name for m in everything} | set(LEGACY_NAMES.values())
    unknown = [
        n for s, n in records if s == "watchdesk" and n not in known and (s, n) not in LEGACY_NAMES
    ]
    if unknown:
        raise StoreError(
            "desk.too_new", path=path, desk=f"{stamp} (+{', '.join(unknown)})", known=SCHEMA_STAMP
        )


class Store:
    def __init__(
        self,
        db: DeskDb,
        *,
        clock: Clock = system_clock,
        actor: str | Actor = "system",
        tz: str | ZoneInfo = "Asia/Shanghai",
        rule_pack: str = "national",
        dispatch_within: Mapping[str, str] | None = None,
        dispatch_within_where: str = "",
    ):
        self.db = db
        self.clock = clock
        # Who the writes are recorded under: an Actor, or a plain name (an actor of kind
        # "system", as every caller gave before officers could act).
        self.acting: Actor = actor if isinstance(actor, Actor) else _system(actor)
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        self.rule_pack_id = rule_pack
        self._pack: RulePack | None = None
        # The desk's own dispatch timings (the dispatch_within setting) over the pack's, and
        # where they were set (store/dispatch.py names them as a clock's source).
        self.dispatch_within: dict[str, str] = dict(dispatch_within or {})
        self.dispatch_within_where = dispatch_within_where
        self.auditor = Auditor(db, clock, lambda: self.acting)
        self._wrote = False  # written through write() since opening (see close)
        self._autocheckpoint = True  # False: an owner checkpoints from a timer (Store.open)
        self._stopped = False  # interrupt() was called: no further maintenance here
        # On a maintenance connection: whether a save on the owner's connection is under way
        # (set by client.DeskClient); a merge step then steps aside (see merge_step).
        self.step_aside: Callable[[], bool] | None = None
        self._asides_in_a_row = 0

    @property
    def actor(self) -> str:
        """The acting name, as records (by_whom, recorded_by, the audit's actor) show it."""
        return self.acting.name

    @actor.setter
    def actor(self, name: str) -> None:
        self.acting = _system(name)

    def act_as(self, actor: Actor) -> None:
        """The writes that follow are recorded under `actor` (see OfficerRepo.actor_for)."""
        self.acting = Actor.model_validate(actor.model_dump())

    # Repositories are built (and their modules imported) on first use, so opening the console
    # pays only for what the first screen reads.
    @cached_property
    def incidents(self) -> IncidentRepo:
        from watchdesk.store.incident import IncidentRepo

        return IncidentRepo(self)

    @cached_property
    def officers(self) -> OfficerRepo:
        from watchdesk.store.officer import OfficerRepo

        return OfficerRepo(self)

    @cached_property
    def roster(self) -> RosterRepo:
        from watchdesk.store.roster.repo import RosterRepo

        return RosterRepo(self)

    @cached_property
    def directory(self) -> DirectoryRepo:
        from watchdesk.store.directory import DirectoryRepo

        return DirectoryRepo(self)

    @cached_property
    def areas(self) -> AreaRepo:
        from watchdesk.store.area import AreaRepo

        return AreaRepo(self)

    @cached_property
    def rollcall(self) -> RollCallRepo:
        from watchdesk.store.rollcall import RollCallRepo

        return RollCallRepo(self)

    @cached_property
    def warnings(self) -> WarningRepo:
        from watchdesk.store.warning import WarningRepo

        return WarningRepo(self)

    @cached_property
    def dispatch(self) -> DispatchRepo:
        """Tasks given to units, notices from above, first receivers (store/dispatch.py)."""
        from watchdesk.store.dispatch import DispatchRepo

        return DispatchRepo(self)

    @cached_property
    def figures(self) -> FigureRepo:
        from watchdesk.store.figures import FigureRepo

        return FigureRepo(self)

    @cached_property
    def dutylog(self) -> DutyLogRepo:
        from watchdesk.store.dutylog import DutyLogRepo

        return DutyLogRepo(self)

    @cached_property
    def holds(self) -> HoldRepo:
        from watchdesk.store.holds import HoldRepo

        return HoldRepo(self)

    @cached_property
    def report_holds(self) -> HoldRepo:
        """Who is editing a written report's draft (as `holds` for incidents)."""
        from watchdesk.store.holds import HoldRepo

        return HoldRepo(self, "report")

    @cached_property
    def search(self) -> SearchRepo:
        from watchdesk.store.search import SearchRepo

        return SearchRepo(self)

    @cached_property
    def handover(self) -> HandoverRepo:
        from watchdesk.store.handover import HandoverRepo

        return HandoverRepo(self)

    @cached_property
    def written(self) -> ReportRepo:
        """Written reports and their sign-off (store/signoff.py)."""
        from watchdesk.store.signoff import ReportRepo

        return ReportRepo(self)

    @cached_property
    def settings(self) -> SettingsRepo:
        from watchdesk.store.settings import SettingsRepo

        return SettingsRepo(self)

    @cached_property
    def stats(self) -> StatsRepo:
        from watchdesk.store.stats import StatsRepo

        return StatsRepo(self)

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        create: bool = True,
        migrate: bool = True,
        autocheckpoint: bool = True,
        **kwargs: Any,
    ) -> Store:
        """With `autocheckpoint=False` a save never pays for copying the WAL back into the
        database (SQLite does that inline every ~1000 pages, a 20–30 ms stall at the keyboard);
        the owner then calls `checkpoint()` from a timer, off the save path."""
        db = connect(path, create=create)
        try:
            # A desk stamped as this version recording exactly its migrations opens without the
            # full check, which loads sqlite-utils (click, dateutil, pluggy) and the migrations
            # module (issue 19): Store.open 254 -> 198 ms of CPU (fresh processes, median of 15);
            # the console to its first screen on the one-year desk, bench/startup_pty.py, 25
            # runs interleaved with the tree before, load 4.8: 2.41 -> 2.28 x bare (CPU). Issue
            # 11 had measured a stamp-only shortcut at ~3% and removed it, against a control that
            # opened on another screen (no --as); unlike that one, a record this code does not
            # know still refuses the desk.
            current = _up_to_date(db)
            if not current:
                _check_desk(db, create=create)  # a watchdesk desk, and not a newer one
            if migrate and not current:
                from watchdesk.store import migrations

                pending = _pending(db)
                if pending and db.read_only:
                    from watchdesk.errors import StoreError

                    raise StoreError(
                        "desk.needs_upgrade_read_only",
                        path=db.desk_path,
                        desk=_stamp(db),
                        known=SCHEMA_STAMP,
                        why=db.read_only_why,
                    )
                if pending:
                    migrations.apply(db)  # renames legacy records, migrates, stamps the desk
                elif _stamp(db) < SCHEMA_STAMP or _legacy(db):
                    _restamp(db)
        except BaseException:
            db.close()
            raise
        if not autocheckpoint:
            db.execute("PRAGMA wal_autocheckpoint = 0")
        store = cls(db, **kwargs)
        store._autocheckpoint = autocheckpoint
        return store

    @classmethod
    def for_maintenance(cls, path: str | Path) -> Store:
        """A second connection to a desk already opened (and migrated) by its owner, for the
        maintenance thread (client.DeskClient.maintain): the same pragmas as every connection
        (WAL, synchronous=FULL), no migration check, no inline WAL checkpoint. It only merges
        full-text segments and checkpoints the WAL, so the owner's own connection never does."""
        db = connect(path, create=False, fallback=False)
        try:
            db.execute("PRAGMA wal_autocheckpoint = 0")
        except BaseException:
            db.close()
            raise
        store = cls(db)
        store._autocheckpoint = False
        return store

    def checkpoint(
        self, merge_pages: int = MERGE_SLICE_PAGES, budget: float = MERGE_BUDGET
    ) -> bool:
        """Maintenance kept off the save path: a bounded step of full-text segment merging
        (`merge_step`), then a PASSIVE WAL checkpoint (`checkpoint_wal`). Returns whether the
        step found merging to do (then the next step should come soon). The console runs it on
        a connection of its own, on its own thread (client.DeskClient.maintain), never on the
        DB thread its saves and reads go through."""
        worked = self.merge_step(merge_pages, budget)
        self.checkpoint_wal()
        return worked

    def merge_step(
        self, merge_pages: int = MERGE_SLICE_PAGES, budget: float = MERGE_BUDGET
    ) -> bool:
        """A bounded step of full-text segment merging (see migrations.m10_fts_merge_off_save_path
        and m20 for why a backlog no longer ends in a save paying seconds for FTS5's crisis
        merge; bench/README.md finding 5, bench/saves.py), in one write transaction: `budget`
        seconds of merging at most (and one slice of `merge_pages` pages a table at least). It
        takes the write lock: a save on another connection waits for it (busy_timeout), for one
        step at most. It never waits for another writer: a save (or a script) holding the lock
        makes it give up at once and ask to come back soon (True). Returns whether it found
        merging to do.

        On a maintenance connection (`step_aside` set) it also steps aside for a save of this
        process: none begins while a save is under way, and when a save began during the step
        it is rolled back at the end of the slice under way (or instead of its commit), giving
        the lock back at once: the save waits for one slice at most, not for the step nor its
        fsync. Nothing is lost: the next step merges again. (Not sqlite3_interrupt: an
        interrupt that lands on a COMMIT can leave the transaction open, holding the lock.)
        Except after MAX_ASIDE_IN_A_ROW steps in a row stepped aside: then one step runs to its
        end (a save that comes meanwhile waits for it), so a flood of saves cannot starve the
        merging."""
        if self.db.read_only:  # nothing to merge on a desk no one can write
            return False
        self._wrote = True
        aside = self.step_aside if self._asides_in_a_row < MAX_ASIDE_IN_A_ROW else None
        if aside is not None and aside():
            self._asides_in_a_row += 1
            return True
        try:
            with write_txn(self.db, quiet=True, patient=False):
                worked = self._merge_step(merge_pages, budget, aside)
                if aside is not None and aside():
                    raise _StepAside  # rather than make the save wait for this commit's fsync
            self._asides_in_a_row = 0
            return worked
        except DeskBusy:
            return True  # someone else is writing: try again soon
        except _StepAside:
            self._asides_in_a_row += 1
            return True
        except sqlite3.OperationalError as e:
            if not self._stopped or "interrupt" not in str(e).lower():
                raise
            return True  # quitting (interrupt): the connection is closed next, rolling back

    def checkpoint_wal(self, rounds: int = 4) -> tuple[int, int, int]:
        """Copies committed WAL pages back into the database file, PASSIVE: as far as no reader
        is in the way, never waiting for a reader or a writer, never taking the write lock, so a
        save on another connection goes on meanwhile. (TRUNCATE and RESTART would wait, up to
        busy_timeout, for every reader to finish — Litestream always holds one — and keep new
        writers out while they wait: never used.)

        The WAL does not grow without bound: once a checkpoint copied all of it, the next write
        starts it again from its beginning. Saves on another connection may add to it while a
        checkpoint copies (seconds on a busy disk); had it stopped there, no write would ever
        find it all copied while saves keep coming, and it would grow save after save. So while
        a round copied more but not all, another round copies what came meanwhile (a few
        pages: quick), up to `rounds`. Durability does not depend on this: a commit is on disk
        in the WAL already. Returns SQLite's (busy, frames in the WAL, frames copied) of the
        last round."""
        if self.db.read_only or self._stopped:
            return (0, 0, 0)
        busy, log, done = 0, 0, -1
        for _ in range(rounds):
            before = done
            try:
                row = self.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.OperationalError as e:
                if "interrupt" not in str(e).lower():
                    raise
                return (1, -1, -1)  # stopped (quitting): copied back next time
            busy, log, done = int(row[0]), int(row[1]), int(row[2])
            if busy or done >= log or done <= before or self._stopped:
                break  # all copied; or a reader holds the rest back (no progress)
        return busy, log, done

    def interrupt(self) -> None:
        """From another thread, when quitting (the connection is closed next): the maintenance
        statement under way stops now (a merge step is rolled back, a checkpoint left for next
        time: no commit is lost), and no further merge slice or checkpoint starts here."""
        self._stopped = True
        self.db.conn.interrupt()

    def _merge_step(
        self, pages: int, budget: float = 0.0, aside: Callable[[], bool] | None = None
    ) -> bool:
        """Slices of `pages` pages of merging, table after table, each table until a slice finds
        nothing to do or `budget` seconds have gone by since the step began. Small slices: a
        merge of a level of large segments (a bulk load's, years of them) goes on over many
        steps instead of holding the DB thread for one long one; FTS5 keeps where it stopped."""
        import time

        deadline = time.perf_counter() + budget
        worked = False
        for table in FTS_TABLES:
            while not self._stopped:
                if aside is not None and aside():
                    raise _StepAside
                before = self.db.conn.total_changes
                self.db.execute(f"INSERT INTO {table}({table}, rank) VALUES('merge', ?)", [pages])
                # FTS5: a difference of 2 or more means the merge did work.
                did = self.db.conn.total_changes - before >= 2
                worked = worked or did
                if not did or time.perf_counter() >= deadline:
                    break
        return worked

    def close(self) -> None:
        """Closes the desk. A store that wrote and has no console's maintenance timer behind it
        (the command line: `autocheckpoint`) first takes one bounded merge step, so a desk fed
        only by scripts keeps its full-text index merged as it grows. Busy or read-only: skipped."""
        if self._wrote and self._autocheckpoint and not self.db.read_only:
            import contextlib

            from watchdesk.errors import StoreError

            with contextlib.suppress(StoreError, sqlite3.Error):
                with write_txn(self.db, retry_seconds=1.0, quiet=True):
                    self._merge_step(MERGE_SLICE_PAGES, MERGE_BUDGET)
        self.db.close()

    @property
    def pack(self) -> RulePack:
        if self._pack is None:
            from watchdesk.rules.rulepack import load_pack

            self._pack = load_pack(self.rule_pack_id)
        return self._pack

    @property
    def read_only(self) -> str | None:
        """Why nothing can be saved (the desk was opened for reading only: a read-only file,
        folder or mount, or a full disk), in the UI language; None when saves are possible."""
        return self.db.read_only

    def write(self) -> AbstractContextManager[DeskDb]:
        self._wrote = True
        return write_txn(self.db)

    def now(self) -> datetime:
        return self.clock()

    def data_version(self) -> int:
        """Changes whenever another connection commits; cheap enough to poll."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def change_mark(self, last: tuple[int, int] | None = None) -> tuple[int, int]:
        """(data_version, audit head): the head moves only when another connection changed
        records. data_version also moves for commits that change none: this console's own
        maintenance (full-text merge steps, checkpoints), Litestream's _litestream_* tables.
        Every record write appends to the audit chain in its own transaction (edit holds are
        not records, and no screen polls them), so the head tells them apart. The head is read
        only when data_version moved since `last`, and after it: a write committed at the same
        moment as a merge step is in the head read now or moves data_version for the next."""
        version = self.data_version()
        if last is not None and last[0] == version:
            return last
        head = self.db.execute("SELECT max(id) FROM audit").fetchone()[0]
        return version, int(head or 0)

    def timeline(self, incident_id: int) -> list[TimelineItem]:
        from watchdesk.store.timeline import timeline

        return timeline(self, incident_id)

    def check(self) -> CheckResult:
        res = verify(self.db)
        if (
            res.integrity == "ok"
            and self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'handovers'").fetchone()
        ):  # a damaged file: restore
            res.problems.extend(self.handover.verify_frozen())
            if self.db.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'written_reports'"
            ).fetchone():
                res.problems.extend(self.written.verify_frozen())
        return res

    def board_rows(self) -> list[BoardRow]:
        """The countdown board: report clocks and open tasks' next clocks, soonest first."""
        rows: list[BoardRow] = [*self.incidents.running_clocks(), *self.dispatch.board_rows()]
        rows.sort(key=lambda r: r.due_at)
        return rows

    def dashboard(self, now: datetime | None = None) -> Dashboard:
        now = now or self.now()
        from watchdesk.store.filing import required_last

        return Dashboard(
            current=self.roster.on_duty(now),
            upcoming=self.roster.next_shift(now),
            clocks=self.board_rows(),
            today=self.incidents.today(now),
            warnings=self.warnings.in_force(now),
            duty=self.roster.duty_status(now),
            filings_last=required_last(self.db),
        )

    # -- desk metadata ------------------------------------------------------------------------
    def get_meta(self, key: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.write():
            row = self.db.execute("SELECT id FROM meta WHERE key = ?", [key]).fetchone()
            if row:
                self.auditor.update("meta", row[0], {"value": value})
            else:
                self.auditor.insert("meta", {"key": key, "value": value})

    def export(self) -> dict[str, Any]:
        """Everything, as plain JSON-ready data (for `watchdesk export --format json`). PIN
        hashes and salts are left out (`officer_pins` says only whose PIN is set), and the PIN tries
        (`pin_attempts`) altogether."""
        out: dict[str, Any] = {"format": "watchdesk-export", "version": 1}
        from watchdesk.store.migrations import AUDITED_TABLES

        for table in AUDITED_TABLES:
            if table in SECRET_TABLES or not self.db[table].exists():
                continue
            rows = [dict(r) for r in self.db.query(f"SELECT * FROM [{table}] ORDER BY id")]
            secret = SECRET_COLUMNS.get(table, ())
            if secret:
                rows = [
                    {k: v for k, v in r.items() if k not in secret}
                    | {"pin_set": bool(r.get("hash"))}
                    for r in rows
                ]
            out[table] = rows
        return out

"""Anchors: the audit chain's head recorded outside the desk file, and checking the chain against
them (issue 18).

The chain (store/audit.py) proves that no entry was edited, inserted or removed *unless the whole
chain was recomputed*: someone with the file can change an incident from 11 dead to 2 and
recompute every later hash, or delete the newest rows with their entries and VACUUM. An anchor is
one entry's number and hash (`models.audit.ChainHead`) kept where such a rewriter does not reach:
the frozen handover sheet (its content, its PDF and the signed paper in the binder; its short form
is typed back with `watchdesk check --anchor N:HASH`) and every backup (the head it saw).
Today's chain must still hold each anchored entry with the same hash, and the chain up to it must
verify (`audit.verify` walks the whole chain for `check`; `check_anchor` walks up to the entry).

What it cannot catch: anything after the newest anchor (an entry written since the last sheet
or backup can be changed without trace), and a rewriter who also rewrites the paper, every backup
and every sheet. Never imports textual.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from watchdesk.errors import Msg, StoreError
from watchdesk.models.audit import ChainHead
from watchdesk.store.audit import GENESIS, WHO_COLUMNS, _entry_hash, _has_who_columns

if TYPE_CHECKING:
    from watchdesk.store.db import DeskDb


class AnchorMismatch(StoreError):
    """A restore candidate's chain does not hold an anchor recorded at or before its head."""


@dataclass(frozen=True)
class Anchor:
    """A head recorded somewhere (`source`, worded in the UI language when shown); `path`: a
    backup file to compare the chains with entry by entry, when there is one."""

    head: ChainHead
    source: Msg
    path: Path | None = None


# -- reading a chain -----------------------------------------------------------------------------
def _has_audit(db: DeskDb) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").fetchone()
        is not None
    )


def chain_head(db: DeskDb) -> ChainHead | None:
    """The newest audit entry's number and hash; None for a desk with no entries."""
    if not _has_audit(db):
        return None
    row = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return ChainHead(seq=int(row[0]), hash=str(row[1])) if row else None


def entry_hash(db: DeskDb, seq: int) -> str | None:
    """The stored hash of audit entry `seq`, None when there is no such entry."""
    if not _has_audit(db):
        return None
    row = db.execute("SELECT hash FROM audit WHERE id = ?", [seq]).fetchone()
    return None if row is None else str(row[0])


def chain_break(db: DeskDb, upto: int) -> int | None:
    """The first audit entry up to `upto` that does not verify (missing, not following the one
    before, or its hash not its content's); None when entries 1…upto all verify."""
    who = ", ".join(WHO_COLUMNS) if _has_who_columns(db) else "NULL, NULL, NULL"
    prev, expected = GENESIS, 1
    for eid, at, actor, table, row_id, action, before, after, prev_hash, h, *rest in db.execute(
        "SELECT id, at, actor, table_name, row_id, action, before, after, prev_hash, hash,"
        f" {who} FROM audit WHERE id <= ? ORDER BY id",
        [upto],
    ):
        if eid != expected or prev_hash != prev:
            return int(expected)
        if _entry_hash(prev_hash, at, actor, table, row_id, action, before, after, *rest) != h:
            return int(eid)
        prev, expected = h, eid + 1
    return None if expected > upto else int(expected)


def describe_entry(db: DeskDb, seq: int) -> str:
    """` (2026-11-22T06:29:00+00:00, 孙丽娜: incidents #3 update)`, or "" when there is none."""
    from watchdesk.i18n import t

    if not _has_audit(db):
        return ""
    row = db.execute(
        "SELECT at, actor, table_name, row_id, action FROM audit WHERE id = ?", [seq]
    ).fetchone()
    if row is None:
        return ""
    return t("tamper.entry", at=row[0], actor=row[1], table=row[2], row=row[3], action=row[4])


# -- one anchor ------------------------------------------------------------------------------------
def check_anchor(db: DeskDb, head: ChainHead, *, chain_verified: bool = False) -> Msg | None:
    """None when the desk's chain still holds entry `head.seq` with that hash (a prefix of 8+ hex
    digits, as typed from paper, is enough) and the chain up to it verifies; else the problem.
    `chain_verified`: the caller walked the whole chain already (`audit.verify`)."""
    have = entry_hash(db, head.seq)
    if have is None:
        last = chain_head(db)
        return Msg(
            "tamper.anchor.missing",
            anchor=head.short,
            seq=head.seq,
            last=last.seq if last else 0,
        )
    if not head.matches(head.seq, have):
        return Msg(
            "tamper.anchor.differs",
            anchor=head.short,
            seq=head.seq,
            now=ChainHead(seq=head.seq, hash=have).short,
        )
    if not chain_verified:
        broken = chain_break(db, head.seq)
        if broken is not None:
            return Msg("tamper.anchor.chain_broken", anchor=head.short, seq=head.seq, at=broken)
    return None


# -- two chains ------------------------------------------------------------------------------------
def first_divergence(desk_db: DeskDb, other_db: DeskDb) -> int | None:
    """The first audit entry number where two chains differ (an entry of `other_db` that the
    desk lacks or holds with another hash); None when the desk's chain holds all of
    `other_db`'s (it may go on beyond it). Each hash covers the one before, so two chains that
    agree at entry k agree on every entry before it: a binary search of primary-key reads, not a
    walk of millions of entries."""
    a_head, b_head = chain_head(desk_db), chain_head(other_db)
    if b_head is None:
        return None
    if a_head is None:
        return 1
    top = min(a_head.seq, b_head.seq)

    def same(k: int) -> bool:
        ha = entry_hash(desk_db, k)
        return ha is not None and ha == entry_hash(other_db, k)

    if top >= 1 and same(top):
        return None if b_head.seq <= a_head.seq else top + 1
    lo, hi = 0, top  # entries 1…lo agree (lo=0: none known to); entry hi differs
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if same(mid):
            lo = mid
        else:
            hi = mid
    return max(hi, 1)


# -- where anchors are recorded --------------------------------------------------------------------
def sheet_anchors(db: DeskDb) -> list[Anchor]:
    """The heads frozen into the desk's handover sheets (`sheet.chain_head` in `sheet_json`),
    oldest first. Sheets frozen before heads were recorded have none."""
    if (
        db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'handovers'"
        ).fetchone()
        is None
    ):
        return []
    out = []
    for hid, sheet in db.execute(
        "SELECT id, sheet_json FROM handovers WHERE status = 'frozen' AND sheet_json IS NOT NULL"
        " AND sheet_json LIKE '%chain_head%' ORDER BY id"
    ):
        head = _head_of(sheet)
        if head is not None:
            out.append(Anchor(head, Msg("tamper.source.sheet", id=hid)))
    return out


def _head_of(sheet_json: str) -> ChainHead | None:
    try:
        raw = json.loads(sheet_json).get("chain_head")
        return ChainHead.model_validate(raw) if raw else None
    except (ValueError, TypeError, AttributeError):
        return None  # a sheet edited into nonsense: verify_frozen names it (its hash)


def open_readonly(path: Path) -> DeskDb:
    """A backup (or any desk file) opened for reading only, without touching it."""
    from watchdesk.store.db import DeskDb

    uri = f"file:{urllib.parse.quote(str(Path(path).resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=5)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return DeskDb(conn, Path(path))


def backup_anchors(desk_path: str | Path, backup_dir: str | Path | None = None) -> list[Anchor]:
    """The heads the desk's backups recorded, oldest first: `store.backup.recorded_heads` (the
    restore points' records, and each full copy's own head), or without it each backup file's
    head. Pre-restore copies, damaged and unreadable files are no anchors."""
    from watchdesk.store import backup as backups

    try:
        infos = backups.list_backups(desk_path, backup_dir)
    except StoreError:
        return []
    # Not records of history: the desk as it was before a restore replaced it (maybe the very
    # desk that was rewritten) and damaged desks set aside.
    not_records = {i.path.name for i in infos if i.reason in ("pre-restore", backups.DAMAGED)}
    recorded = getattr(backups, "recorded_heads", None)
    if callable(recorded):
        out: list[Anchor] = []
        for item in recorded(desk_path, backup_dir):
            label, head, *rest = item
            path = Path(rest[0]) if rest and rest[0] else None
            if (path.name if path else str(label)) in not_records:
                continue
            out.append(Anchor(head, Msg("tamper.source.backup", name=label), path))
        return sorted(out, key=lambda a: a.head.seq)
    anchors = []
    for info in infos:
        if info.path.name in not_records:
            continue
        anchor = file_anchor(info.path)
        if anchor is not None:
            anchors.append(anchor)
    return sorted(anchors, key=lambda a: a.head.seq)


def file_anchor(path: Path) -> Anchor | None:
    """A backup file's head as an anchor (None: unreadable, or no entries)."""
    try:
        other = open_readonly(path)
    except sqlite3.Error:
        return None
    try:
        head = chain_head(other)
    except sqlite3.Error:
        head = None
    finally:
        other.close()
    return None if head is None else Anchor(head, Msg("tamper.source.backup", name=path.name), path)


def known_anchors(
    db: DeskDb, desk_path: str | Path | None, backup_dir: str | Path | None = None
) -> list[Anchor]:
    """Every anchor recorded for this desk: its frozen sheets and its backups' heads."""
    out = sheet_anchors(db)
    if desk_path is not None:
        out += backup_anchors(desk_path, backup_dir)
    return sorted(out, key=lambda a: a.head.seq)


# -- checking a desk against its anchors ------------------------------------------------------------
@dataclass
class AnchorReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)  # worded in the UI language
    divergence: int | None = None  # the first entry where history diverges, when known exactly
    latest_good: ChainHead | None = None  # the newest anchor that still matches


def check_anchors(
    db: DeskDb, anchors: Iterable[Anchor], *, chain_verified: bool = False
) -> AnchorReport:
    """Each anchor against the desk's chain, then where history diverges: exactly, from a
    backup file (`first_divergence`), else between the newest anchor that still matches and the
    oldest that does not. Problems are worded in the UI language."""
    from watchdesk.i18n import t

    items = sorted(anchors, key=lambda a: a.head.seq)
    rep = AnchorReport(checked=len(items))
    problems = rep.problems
    if not items:
        return rep
    broken_upto: int | None = None
    if not chain_verified:
        broken_upto = chain_break(db, items[-1].head.seq)
    bad: list[Anchor] = []
    good: list[Anchor] = []
    for a in items:
        msg = check_anchor(db, a.head, chain_verified=True)
        if msg is None and broken_upto is not None and a.head.seq >= broken_upto:
            msg = Msg(
                "tamper.anchor.chain_broken", anchor=a.head.short, seq=a.head.seq, at=broken_upto
            )
        if msg is None:
            good.append(a)
        else:
            bad.append(a)
            problems.append(t("tamper.anchor.problem", source=a.source, problem=msg))
    rep.latest_good = good[-1].head if good else None
    exact: list[tuple[int, Anchor]] = []
    for a in items:
        if a.path is None:
            continue
        with contextlib.suppress(sqlite3.Error):
            other = open_readonly(a.path)
            try:
                d = first_divergence(db, other)
            finally:
                other.close()
            if d is not None:
                exact.append((d, a))
    if exact:
        d, a = min(exact, key=lambda x: x[0])
        rep.divergence = d
        problems.append(divergence_message(db, d, a.source))
    elif bad:
        first_bad = bad[0]
        below = [g for g in good if g.head.seq < first_bad.head.seq]
        last = chain_head(db)
        if below:
            g = below[-1]
            problems.append(
                t(
                    "tamper.diverge.range",
                    good=g.head.seq,
                    after=g.head.seq + 1,
                    good_source=g.source,
                    bad=first_bad.head.seq,
                    bad_source=first_bad.source,
                )
            )
        else:
            problems.append(
                t("tamper.diverge.upto", bad=first_bad.head.seq, bad_source=first_bad.source)
            )
        if last is not None and last.seq < first_bad.head.seq:
            problems.append(t("tamper.diverge.cut", last=last.seq, bad=first_bad.head.seq))
    return rep


def divergence_message(db: DeskDb, seq: int, source: Msg | str) -> str:
    """`history diverges at audit entry N (…)`: the entry as the desk holds it now, or that the
    desk ends before it."""
    from watchdesk.i18n import t

    entry = describe_entry(db, seq)
    if entry:
        return t("tamper.diverge.exact", seq=seq, entry=entry, source=source, prev=seq - 1)
    return t("tamper.diverge.removed", seq=seq, source=source, prev=seq - 1)


# -- restore ------------------------------------------------------------------------------------
def verify_restore_candidate(
    candidate_db_path: str | Path,
    desk_path: str | Path,
    backup_dir: str | Path | None = None,
    *,
    chain_verified: bool = False,
) -> None:
    """Refuse (AnchorMismatch, worded in the UI language) a restore candidate whose chain does
    not hold every anchor recorded at or before its own head: the desk's frozen sheets (when the
    desk can still be read) and its own, and the heads of the other backups. An anchor beyond
    the candidate's head was recorded later (restoring to an earlier point is what restore is
    for). `chain_verified`: the caller ran `audit.verify` on the candidate already."""
    cand_path = Path(candidate_db_path)
    try:
        cand = open_readonly(cand_path)
    except sqlite3.Error as e:
        raise AnchorMismatch("tamper.restore.unreadable", path=cand_path, why=e) from e
    try:
        head = chain_head(cand)
        if head is None:
            return
        anchors: list[Anchor] = sheet_anchors(cand)
        with contextlib.suppress(sqlite3.Error, StoreError, OSError):
            if Path(desk_path).exists() and Path(desk_path).stat().st_size:
                desk = open_readonly(Path(desk_path))
                try:
                    anchors += sheet_anchors(desk)
                finally:
                    desk.close()
        anchors += [
            a
            for a in backup_anchors(desk_path, backup_dir)
            if a.path is None or _not_same_file(a.path, cand_path)
        ]
        due = sorted((a for a in anchors if a.head.seq <= head.seq), key=lambda a: a.head.seq)
        if not due:
            return
        if not chain_verified:
            broken = chain_break(cand, due[-1].head.seq)
            if broken is not None:
                raise AnchorMismatch("tamper.restore.chain_broken", path=cand_path.name, at=broken)
        for a in due:
            msg = check_anchor(cand, a.head, chain_verified=True)
            if msg is not None:
                raise AnchorMismatch(
                    "tamper.restore.refused", path=cand_path.name, source=a.source, problem=msg
                )
    finally:
        cand.close()


def _not_same_file(a: Path, b: Path) -> bool:
    try:
        return not a.samefile(b)
    except OSError:
        return a.resolve() != b.resolve()


def parse_anchors(texts: Iterable[str]) -> Iterator[tuple[str, ChainHead | None]]:
    """(text, ChainHead or None when it is not of the form `N:HASH`) for each typed anchor."""
    for text in texts:
        yield text, ChainHead.parse(text)


def typed_anchors(heads: Iterable[ChainHead]) -> list[Anchor]:
    return [Anchor(h, Msg("tamper.source.typed", anchor=h.short)) for h in heads]

"""Tamper evidence beyond the rows (issue 18): the schema is checked against the migrations'
(a planted trigger, dropped guards, extra or altered objects are named), and the audit chain
against anchors kept outside the file (frozen handover sheets, backups, `--anchor N:HASH` typed
from paper, `--against BACKUP`), so a consistent rewrite of the whole chain, or the newest rows
deleted and the file VACUUMed, is caught and the entry where history diverges is named."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.handover.test_sheet import night_roster
from tests.helpers import TZ, FakeClock, facts
from tests.reliability._workers import one_line_error, run_main
from tests.store._rewrite import cut_newest, rewrite_history
from watchdesk.i18n import using
from watchdesk.models.audit import ChainHead
from watchdesk.store import anchors
from watchdesk.store import backup as backups
from watchdesk.store.desk import Store
from watchdesk.store.schema import expected_schema, normalize_sql, schema_problems

LEGACY = Path(__file__).parent / "fixtures" / "desk_before_one_migration_list.db"


def _raw(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for s in sql:
            conn.execute(s)
        conn.commit()
    finally:
        conn.close()


def _check(path: Path, *args: str) -> tuple[int, dict]:
    res = run_main(["check", "--json", "--db", str(path), *args])
    return res["code"], json.loads(res["out"])


# -- the schema ---------------------------------------------------------------------------------
PLANTED = (
    "CREATE TRIGGER x AFTER INSERT ON deadlines BEGIN UPDATE deadlines SET due_at ="
    " replace(datetime(due_at, '+2 hours'), ' ', 'T') || '+00:00' WHERE id = new.id; END"
)


def test_a_planted_trigger_moving_a_phone_clock_is_not_verified(db_path, clock):
    s = Store.open(db_path, clock=clock, actor="测试员", tz=TZ)
    assert s.check().ok
    _raw(db_path, PLANTED)
    inc = s.incidents.add(facts(clock, dead=12))
    phone = next(d for d in s.incidents.deadlines(inc.id) if d.kind.value == "phone")
    # The trigger ran before the audit after-image was read: the log agrees with the moved clock.
    assert phone.due_at - clock() == timedelta(hours=2, minutes=30)
    res = s.check()
    s.close()
    assert not res.ok
    assert any("trigger x on deadlines" in p and "planted" in p for p in res.problems)
    code, out = _check(db_path)
    assert code == 1 and not out["ok"]
    with using("zh"):
        (msg,) = [str(m) for m in schema_problems(Store.open(db_path).db)]
    assert "deadlines 上的触发器 x" in msg and "被植入" in msg


def test_dropped_guard_triggers_are_named(db_path, clock):
    Store.open(db_path, clock=clock, tz=TZ).close()
    _raw(
        db_path,
        "DROP TRIGGER audit_no_update",
        "DROP TRIGGER audit_no_delete",
        "DROP TRIGGER incidents_no_delete",
    )
    code, out = _check(db_path)
    assert code == 1
    for name, table in (
        ("audit_no_update", "audit"),
        ("audit_no_delete", "audit"),
        ("incidents_no_delete", "incidents"),
    ):
        assert any(f"trigger {name} on {table} is missing" in p for p in out["problems"]), out
    res = run_main(["check", "--db", str(db_path), "--lang", "zh"])
    assert res["code"] == 1 and "缺少 audit 上的触发器 audit_no_update" in res["out"]


def test_extra_missing_and_altered_objects_are_named(db_path, clock):
    Store.open(db_path, clock=clock, tz=TZ).close()
    _raw(
        db_path,
        "CREATE INDEX sneaky ON incidents(dead)",
        "DROP INDEX deadlines_due",
        "CREATE VIEW v_quiet AS SELECT id FROM incidents WHERE dead < 3",
        "DROP VIEW v_late_reports",
        "ALTER TABLE incidents ADD COLUMN note TEXT",
        "CREATE TABLE stash (x)",
    )
    s = Store.open(db_path, clock=clock, tz=TZ)
    problems = s.check().problems
    s.close()
    want = [
        "index sneaky on incidents is not one the migrations made",
        "index deadlines_due on deadlines is missing",
        "view v_quiet is not one the migrations made",
        "view v_late_reports is missing",
        "table incidents differs from the one the migrations made",
        "table stash is not one the migrations made",
    ]
    for w in want:
        assert any(w in p for p in problems), (w, problems)


def test_harmless_differences_do_not_count(db_path, clock):
    """Statistics tables (ANALYZE), and SQL text differing only in blanks, case, comments or
    the quoting of names, are the same schema."""
    s = Store.open(db_path, clock=clock, tz=TZ)
    s.incidents.add(facts(clock))
    s.db.execute("ANALYZE")
    assert s.check().ok
    s.close()
    assert normalize_sql('CREATE TABLE "a" ( x  INT, -- c\n [y] TEXT )') == normalize_sql(
        "create table a (x int, y text)"
    )
    assert normalize_sql("CREATE TABLE a (x TEXT DEFAULT 'A')") != normalize_sql(
        "CREATE TABLE a (x TEXT DEFAULT 'a')"
    )


def test_a_legacy_desk_migrated_verifies_clean(tmp_path):
    path = tmp_path / "legacy.db"
    shutil.copyfile(LEGACY, path)
    s = Store.open(path)
    try:
        assert schema_problems(s.db) == []
        assert s.check().ok, s.check().problems
    finally:
        s.close()


def test_an_older_backup_is_checked_against_its_own_migrations(tmp_path):
    """A file that records fewer migrations (the legacy fixture, not migrated) is compared with
    the schema those migrations make, not today's."""
    path = tmp_path / "legacy.db"
    shutil.copyfile(LEGACY, path)
    db = anchors.open_readonly(path)
    try:
        assert schema_problems(db) == []
    finally:
        db.close()
    assert len(expected_schema(10)) < len(expected_schema())


# -- anchors --------------------------------------------------------------------------------------
@pytest.fixture
def desk(tmp_path):
    """A night shift with an 11-death incident, its handover frozen (the sheet's anchor), then
    more work after it."""
    clock = FakeClock(datetime(2026, 11, 22, 21, 0, tzinfo=TZ))
    path = tmp_path / "d.db"
    s = Store.open(path, clock=clock, tz=TZ, actor="孙丽娜")
    night_id, next_id = night_roster(s)
    inc = s.incidents.add(facts(clock, dead=11, description="化工厂爆炸，11人死亡"))
    clock.set(datetime(2026, 11, 23, 7, 50, tzinfo=TZ))
    s.roster.sign_in(next_id, s.roster.officer_by_name("赵磊").id)
    s.handover.sign(night_id, "outgoing", "孙丽娜")
    s.handover.sign(night_id, "incoming", "赵磊")
    sheet = s.handover.frozen(night_id).sheet
    assert sheet.chain_head is not None
    clock.advance(minutes=20)
    s.incidents.add(facts(clock, place="东坡街道", description="货车侧翻"))
    s.close()
    return path, inc.id, sheet.chain_head, clock


def _first_entry(path: Path, table: str, row_id: int) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT min(id) FROM audit WHERE table_name = ? AND row_id = ?", [table, row_id]
        ).fetchone()[0]
    finally:
        conn.close()


def _verify_alone(path: Path) -> bool:
    """What `check` said before anchors: the schema and the chain (and its rows) alone."""
    s = Store.open(path)
    try:
        return s.check().ok
    finally:
        s.close()


def test_a_whole_chain_rewrite_is_caught_by_the_sheets_anchor(desk):
    path, inc_id, head, _ = desk
    code, out = _check(path)
    assert code == 0, out
    assert out["anchors"]["handover_sheets"] == 1
    first = rewrite_history(path, "incidents", inc_id, {"dead": 2})
    assert _verify_alone(path)  # consistent: the chain and the schema alone pass
    code, out = _check(path)
    assert code == 1 and not out["ok"]
    text = "\n".join(out["anchors"]["problems"])
    assert f"anchor {head.short}: audit entry {head.seq} now reads" in text
    assert "handover sheet #1" in text
    assert f"history diverges at or before audit entry {head.seq} (handover sheet #1)" in text
    assert first <= head.seq
    # The sheet on paper, typed back: the same finding, also in Chinese.
    res = run_main(["check", "--db", str(path), "--lang", "zh", "--anchor", head.short])
    assert res["code"] == 1
    assert f"锚点 {head.short}：审计记录 {head.seq} 现为" in res["out"]
    assert "此前的历史被改写" in res["out"]


def test_a_whole_chain_rewrite_is_caught_by_a_backups_anchor_at_the_entry(desk, tmp_path):
    path, inc_id, _, _ = desk
    info = backups.take(path, reason="manual")
    first = rewrite_history(path, "incidents", inc_id, {"dead": 2})
    assert _verify_alone(path)
    # The sheets alone say "somewhere before"; the backup, compared entry by entry, says where.
    code, out = _check(path)
    assert code == 1
    assert out["anchors"]["divergence"] == first
    assert any(
        f"history diverges at audit entry {first} (" in p and f"backup {info.path.name}" in p
        for p in out["problems"]
    ), out["problems"]
    assert any(f"incidents #{inc_id} insert" in p for p in out["problems"])
    # --against names the same entry (the backup given by its name in the folder).
    res = run_main(["check", "--db", str(path), "--against", info.path.name])
    assert res["code"] == 1 and f"history diverges at audit entry {first}" in res["out"]
    res = run_main(["check", "--db", str(path), "--against", str(info.path), "--lang", "zh"])
    assert res["code"] == 1 and f"历史自第 {first} 条审计记录起分叉" in res["out"]


def test_deleting_the_newest_rows_is_caught_by_an_anchor_taken_after_them(desk, tmp_path):
    path, inc_id, head, clock = desk
    s = Store.open(path, clock=clock, tz=TZ, actor="赵磊")
    before = anchors.chain_head(s.db)
    assert before is not None
    clock.advance(minutes=5)
    late = s.incidents.add(facts(clock, place="西湖路", dead=3, description="民房倒塌，3人死亡"))
    s.close()
    info = backups.take(path, reason="handover")  # the anchor taken after the new rows
    after = anchors.file_anchor(info.path)
    assert after is not None and after.head.seq > before.seq
    cut_newest(path, before.seq)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM incidents WHERE id = ?", [late.id]).fetchone()[0] == 0
    conn.close()
    assert _verify_alone(path)  # no trace left in the file itself
    code, out = _check(path)
    assert code == 1
    assert out["anchors"]["divergence"] == before.seq + 1
    text = "\n".join(out["problems"])
    assert f"audit entry {after.head.seq} is no longer in the desk" in text
    assert f"its chain ends at entry {before.seq}" in text
    assert f"history diverges at audit entry {before.seq + 1}" in text


def test_what_happened_after_the_last_anchor_is_not_caught(desk):
    """The limit the README states: rows removed after the newest anchor leave no trace."""
    path, _, head, clock = desk
    s = Store.open(path, clock=clock, tz=TZ, actor="赵磊")
    s.incidents.add(facts(clock, place="西湖路"))
    s.close()
    cut_newest(path, head.seq + 5)
    code, out = _check(path)
    assert code == 0, out


def test_bad_anchors_are_refused_with_exit_2(desk):
    path, *_ = desk
    for bad in ("12", "abc:1234abcd", "12:xyz12345", "5:1234567", "N:HASH", ""):
        res = run_main(["check", "--db", str(path), "--anchor", bad])
        assert res["code"] == 2, (bad, res)
        line = one_line_error(res)
        assert "--anchor" in line and "at least 8 hex digits" in line
    res = run_main(["check", "--db", str(path), "--lang", "zh", "--anchor", "12"])
    assert res["code"] == 2 and "至少 8 位十六进制数字" in res["err"]
    res = run_main(["check", "--db", str(path), "--against", "no-such-backup.db"])
    assert res["code"] == 2 and "no such backup" in one_line_error(res)
    # Forms an officer may type from paper are accepted: spaces, a full-width colon, a #.
    head = anchors.chain_head(anchors.open_readonly(path))
    assert head is not None
    for good in (head.short, f"#{head.seq} : {head.hash[:8].upper()}", f"{head.seq}：{head.hash}"):
        assert run_main(["check", "--db", str(path), "--anchor", good])["code"] == 0, good


def test_a_typed_anchor_beyond_the_chain_or_mistyped_is_a_problem(desk):
    path, _, head, _ = desk
    res = run_main(["check", "--db", str(path), "--anchor", f"{head.seq}:00000000"])
    assert res["code"] == 1 and "as typed" in res["out"]


# -- the pieces on their own ------------------------------------------------------------------------
def test_check_anchor_and_first_divergence(desk, tmp_path):
    path, inc_id, head, _ = desk
    copy = tmp_path / "copy.db"
    info = backups.take(path, reason="manual")
    shutil.copyfile(info.path, copy)
    db = anchors.open_readonly(path)
    other = anchors.open_readonly(copy)
    try:
        assert anchors.check_anchor(db, head) is None
        assert anchors.check_anchor(db, ChainHead(seq=head.seq, hash=head.hash[:8])) is None
        assert anchors.first_divergence(db, other) is None
        top = anchors.chain_head(db)
        assert top is not None
        missing = anchors.check_anchor(db, ChainHead(seq=top.seq + 3, hash="ab" * 32))
        assert missing is not None and missing.key == "tamper.anchor.missing"
    finally:
        db.close()
        other.close()
    first = rewrite_history(copy, "incidents", inc_id, {"dead": 2})
    db, other = anchors.open_readonly(path), anchors.open_readonly(copy)
    try:
        assert anchors.first_divergence(db, other) == first
        assert anchors.first_divergence(other, db) == first
        bad = anchors.check_anchor(other, head)
        assert bad is not None and bad.key == "tamper.anchor.differs"
    finally:
        db.close()
        other.close()
    # A chain whose entry was edited without rehashing: the anchor matches, the chain up to it
    # does not verify.
    broken = tmp_path / "broken.db"
    shutil.copyfile(info.path, broken)
    _raw(broken, "DROP TRIGGER audit_no_update", "UPDATE audit SET actor = 'x' WHERE id = 2")
    b = anchors.open_readonly(broken)
    try:
        msg = anchors.check_anchor(b, head)
        assert msg is not None and msg.key == "tamper.anchor.chain_broken"
    finally:
        b.close()


def test_anchors_given_as_heads(desk):
    """Heads from anywhere (a backup that records only its head, a binder): checked as a list;
    the divergence lies between the newest that matches and the oldest that does not."""
    path, inc_id, head, _ = desk
    db = anchors.open_readonly(path)
    try:
        early = anchors.chain_head(db)
        hashes = dict(db.execute("SELECT id, hash FROM audit").fetchall())
    finally:
        db.close()
    assert early is not None
    first = rewrite_history(path, "incidents", inc_id, {"dead": 2})
    heads = [
        anchors.Anchor(
            ChainHead(seq=k, hash=hashes[k]), anchors.Msg("tamper.source.backup", name=f"b{k}")
        )
        for k in (first - 1, first, early.seq)
    ]
    db = anchors.open_readonly(path)
    try:
        rep = anchors.check_anchors(db, heads)
    finally:
        db.close()
    assert rep.latest_good is not None and rep.latest_good.seq == first - 1
    assert len(rep.problems) == 3
    assert f"between audit entries {first} and {first}" in rep.problems[-1]


def test_restore_refuses_a_backup_of_a_rewritten_history(desk, tmp_path):
    path, inc_id, head, clock = desk
    good = backups.take(path, reason="manual")
    rewrite_history(path, "incidents", inc_id, {"dead": 2})
    s = Store.open(path, clock=clock, tz=TZ, actor="赵磊")
    clock.advance(minutes=1)
    s.incidents.add(facts(clock, place="南门"))
    s.close()
    clock.advance(seconds=2)
    bad = backups.take(path, reason="manual", now=clock().astimezone(TZ) + timedelta(seconds=5))
    # The rewritten desk's own backup holds a chain that does not hold the good backup's head.
    with pytest.raises(anchors.AnchorMismatch) as e:
        anchors.verify_restore_candidate(bad.path, path, None)
    assert bad.path.name in str(e.value) and "nothing was changed" in str(e.value)
    with using("zh"):
        assert "不恢复" in str(e.value)
    # The good backup holds every anchor at or before its head (the sheet's, its own).
    anchors.verify_restore_candidate(good.path, path, None)

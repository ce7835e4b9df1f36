"""Signing and freezing: both signatures, the sign-in rule, PINs, byte-identical reprints."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.handover.test_sheet import night_roster
from tests.helpers import TZ, FakeClock, facts
from watchdesk.errors import InputError
from watchdesk.models.incident import ReportKind
from watchdesk.store.desk import Store
from watchdesk.store.handover import HandoverRefused


@pytest.fixture
def desk(tmp_path):
    clock = FakeClock(datetime(2026, 11, 22, 21, 0, tzinfo=TZ))
    s = Store.open(tmp_path / "d.db", clock=clock, tz=TZ, actor="孙丽娜")
    night_id, next_id = night_roster(s)
    inc = s.incidents.add(facts(clock, dead=12, description="化工厂爆炸，12人死亡"))
    clock.set(datetime(2026, 11, 23, 7, 50, tzinfo=TZ))
    yield s, clock, night_id, next_id, inc
    s.close()


def officer_id(s, name):
    return s.roster.officer_by_name(name).id


def test_refuses_without_an_incoming_officer_signed_in(desk):
    s, clock, night_id, next_id, inc = desk
    s.handover.sign(night_id, "outgoing", "孙丽娜")
    with pytest.raises(HandoverRefused, match="signed in"):
        s.handover.sign(night_id, "incoming", "赵磊")
    assert not s.handover.record(night_id).frozen


def test_two_signatures_freeze_and_reprints_are_identical(desk):
    s, clock, night_id, next_id, inc = desk
    s.roster.sign_in(next_id, officer_id(s, "赵磊"))
    s.handover.add_pending(night_id, "化工厂爆炸事件每12小时续报", "赵磊")
    rec = s.handover.sign(night_id, "outgoing", "孙丽娜")
    assert not rec.frozen
    with pytest.raises(InputError, match="has not signed in"):
        s.handover.sign(night_id, "incoming", "王建国")
    rec = s.handover.sign(night_id, "incoming", "赵磊", lang="zh", width=72)
    assert rec.frozen
    first = s.handover.frozen(night_id)
    assert "孙丽娜" in first.text and "赵磊" in first.text and "每12小时续报" in first.text
    printed = s.handover.render_pdf(night_id).pdf
    assert printed.startswith(b"%PDF")
    # Open incidents go on the sheet, still running.
    assert any(i.id == inc.id for i in first.sheet.incidents)
    # The records change afterwards: the frozen sheet does not.
    clock.advance(minutes=5)
    s.incidents.record_report(inc.id, ReportKind.phone, to_whom="市应急局")
    s.figures.update(inc.id, {"dead": 13}, source="核实")
    again = s.handover.frozen(night_id)
    assert again.text == first.text and s.handover.render_pdf(night_id).pdf == printed
    assert again.markdown == first.markdown
    assert s.handover.compile(night_id).incidents[0].figures != first.sheet.incidents[0].figures
    # A frozen sheet takes no more edits or signatures.
    with pytest.raises(HandoverRefused):
        s.handover.set_notes(night_id, "改动")
    with pytest.raises(HandoverRefused):
        s.handover.sign(night_id, "outgoing", "孙丽娜")
    assert [h.shift_id for h in s.handover.history()] == [night_id]
    assert s.check().ok


def test_check_catches_a_tampered_frozen_sheet(desk, tmp_path):
    import sqlite3

    s, clock, night_id, next_id, inc = desk
    s.roster.sign_in(next_id, officer_id(s, "赵磊"))
    s.handover.sign(night_id, "outgoing", "孙丽娜")
    s.handover.sign(night_id, "incoming", "赵磊")
    raw = sqlite3.connect(tmp_path / "d.db")
    raw.execute("UPDATE handovers SET text = replace(text, '孙丽娜', '王建国')")
    raw.commit()
    assert any("content differs from the hash" in p for p in s.check().problems)


def test_pin_when_the_desk_requires_one(desk):
    s, clock, night_id, next_id, inc = desk
    with pytest.raises(InputError) as e:
        s.handover.sign(night_id, "outgoing", "孙丽娜", pin_required=True)
    assert e.value.field == "pin"
    with pytest.raises(InputError):
        s.officers.set_pin(officer_id(s, "孙丽娜"), "12a4")
    s.officers.set_pin(officer_id(s, "孙丽娜"), "2468")
    with pytest.raises(InputError, match="wrong PIN"):
        s.handover.sign(night_id, "outgoing", "孙丽娜", pin="1357", pin_required=True)
    rec = s.handover.sign(night_id, "outgoing", "孙丽娜", pin="2468", pin_required=True)
    assert rec.outgoing.name == "孙丽娜"


def test_the_incoming_signature_needs_a_pin_too(desk):
    s, clock, night_id, next_id, inc = desk
    s.roster.sign_in(next_id, officer_id(s, "赵磊"))
    s.officers.set_pin(officer_id(s, "孙丽娜"), "2468")
    s.handover.sign(night_id, "outgoing", "孙丽娜", pin="2468", pin_required=True)
    with pytest.raises(InputError, match="赵磊 has no PIN set") as e:
        s.handover.sign(night_id, "incoming", "赵磊", pin_required=True)
    assert e.value.field == "pin"
    s.officers.set_pin(officer_id(s, "赵磊"), "8642")
    with pytest.raises(InputError, match="enter your PIN"):
        s.handover.sign(night_id, "incoming", "赵磊", pin_required=True)
    assert s.handover.sign(night_id, "incoming", "赵磊", pin="8642", pin_required=True).frozen


def test_only_someone_of_the_outgoing_shift_signs_for_it(desk):
    s, clock, night_id, next_id, inc = desk
    before = s.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    # 赵磊 is on the day shifts, not the night shift being handed over.
    with pytest.raises(InputError, match="not on shift") as e:
        s.handover.sign(night_id, "outgoing", "赵磊")
    assert e.value.field == "name" and "孙丽娜" in e.value.problem
    with pytest.raises(InputError, match="not on shift"):
        s.handover.sign(night_id, "outgoing", "无此人")
    assert s.db.execute("SELECT count(*) FROM audit").fetchone()[0] == before
    # The leader of the night shift may sign for it too.
    assert s.handover.sign(night_id, "outgoing", "李红梅").outgoing.name == "李红梅"


def test_a_wrong_pin_at_signing_counts_towards_the_lock(desk):
    s, clock, night_id, next_id, inc = desk
    sun = officer_id(s, "孙丽娜")
    s.officers.set_pin(sun, "2468")
    for left in (4, 3):
        with pytest.raises(InputError, match=f"wrong PIN; {left} tries left"):
            s.handover.sign(night_id, "outgoing", "孙丽娜", pin="9753", pin_required=True)
    assert s.officers.pin_status(sun).failures == 2
    s.handover.sign(night_id, "outgoing", "孙丽娜", pin="2468", pin_required=True)
    assert s.officers.pin_status(sun).failures == 0

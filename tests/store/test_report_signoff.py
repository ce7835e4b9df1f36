"""Written reports in the store: the sign-off chain, sending back, who may sign, PINs, serial
numbers under two signers at once, the frozen copy and `check`, sending closes the clock."""

from __future__ import annotations

import threading

import pytest

from tests.report import cases
from watchdesk.errors import InputError
from watchdesk.models.incident import DeadlineStatus, ReportKind
from watchdesk.models.officer import Actor, ActorKind, Officer
from watchdesk.models.roster import Role
from watchdesk.report.written_pdf import font_problem
from watchdesk.store.desk import Store
from watchdesk.store.signoff import SignoffPolicy

needs_font = pytest.mark.skipif(font_problem() is not None, reason="no CJK TrueType font")

PEOPLE = {
    "孙丽娜": ([Role.chief, Role.officer], "2468"),
    "赵磊": ([Role.chief, Role.officer], "1357"),
    "王建国": ([Role.leader], "8642"),
}


def _people(store: Store) -> dict[str, int]:
    ids = {}
    for name, (roles, pin) in PEOPLE.items():
        o = store.officers.add(Officer(name=name, roles=roles))
        assert o.id is not None
        store.officers.set_pin(o.id, pin)
        ids[name] = o.id
    return ids


def _as(store: Store, name: str) -> None:
    o = store.officers.resolve(name)
    store.act_as(Actor(name=o.name, officer_id=o.id, kind=ActorKind.officer))


@pytest.fixture
def desk(store, clock):
    _people(store)
    inc, moments = cases.major_road(store, clock)
    clock.set(moments["written"])
    _as(store, "孙丽娜")
    return store, inc


def _chain(store: Store, rid: int, policy: SignoffPolicy | None = None) -> None:
    _as(store, "孙丽娜")
    store.written.sign(rid, "drafted", policy=policy)
    _as(store, "赵磊")
    store.written.sign(rid, "审核", policy=policy)
    _as(store, "王建国")
    store.written.sign(rid, "signed", policy=policy)


@needs_font
def test_the_chain_numbers_and_freezes_the_report(desk):
    store, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    assert rep.status == "draft" and rep.chain == ["drafted", "checked", "signed"]
    assert rep.next_step == "drafted" and rep.drafted_by == "孙丽娜"
    _as(store, "孙丽娜")
    assert store.written.sign(rep.id, "拟稿").status == "signoff"
    _as(store, "赵磊")
    mid = store.written.sign(rep.id, "checked")
    assert mid.next_step == "signed" and mid.serial is None
    _as(store, "王建国")
    done = store.written.sign(rep.id, "signed")
    assert done.status == "signed" and done.serial == "〔2026〕第1期" and done.signer == "王建国"
    assert [(s.step, s.officer_name) for s in done.steps] == [
        ("drafted", "孙丽娜"),
        ("checked", "赵磊"),
        ("signed", "王建国"),
    ]
    fz = store.written.frozen(rep.id)
    assert "〔2026〕第1期" in fz.text and fz.pdf.startswith(b"%PDF") and fz.docx[:2] == b"PK"
    # every write is audited under the officer who made it
    actors = [
        r[0]
        for r in store.db.execute(
            "SELECT actor FROM audit WHERE table_name = 'report_steps' ORDER BY id"
        )
    ]
    assert actors == ["孙丽娜", "赵磊", "王建国"]
    assert store.check().ok


def test_a_step_out_of_order_is_refused(desk):
    store, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    _as(store, "赵磊")
    with pytest.raises(InputError) as e:
        store.written.sign(rep.id, "checked")
    assert e.value.field == "step"
    assert store.written.get(rep.id).steps == []


def test_send_back_starts_the_next_round(desk):
    store, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    store.written.sign(rep.id, "drafted")
    _as(store, "赵磊")
    with pytest.raises(InputError):
        store.written.back(rep.id, "  ")
    back = store.written.back(rep.id, "伤亡人数与医院口径不一致，请核实")
    assert back.status == "draft" and back.round == 2 and back.next_step == "drafted"
    assert [(s.step, s.action) for s in back.steps] == [
        ("drafted", "signed"),
        ("checked", "returned"),
    ]
    assert back.steps[-1].reason == "伤亡人数与医院口径不一致，请核实"
    _as(store, "孙丽娜")
    assert store.written.sign(rep.id, "drafted").next_step == "checked"


def test_the_final_signature_needs_an_allowed_role(desk):
    store, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    store.written.sign(rep.id, "drafted")
    _as(store, "赵磊")
    store.written.sign(rep.id, "checked")
    with pytest.raises(InputError) as e:  # a duty chief, not a leader
        store.written.sign(rep.id, "signed")
    assert e.value.field == "as" and "赵磊" in str(e.value)
    assert store.written.get(rep.id).status == "signoff"
    # the desk may allow duty chiefs as well
    _ = SignoffPolicy(signers=["leader", "chief"])


def test_a_wrong_pin_is_refused_and_nothing_is_signed(desk):
    store, inc = desk
    policy = SignoffPolicy(pin=True)
    rep = store.written.create(inc, ReportKind.written, policy=policy)
    with pytest.raises(InputError) as e:
        store.written.sign(rep.id, "drafted", policy=policy)
    assert e.value.field == "pin"
    with pytest.raises(InputError) as e:
        store.written.sign(rep.id, "drafted", policy=policy, pin="0000")
    assert e.value.field == "pin"
    assert store.written.get(rep.id).steps == []
    assert store.written.sign(rep.id, "drafted", policy=policy, pin="2468").status == "signoff"


def test_a_phone_report_has_no_chain(desk):
    store, inc = desk
    rep = store.written.create(inc, ReportKind.phone)
    assert rep.chain == [] and rep.next_step is None
    with pytest.raises(InputError):
        store.written.sign(rep.id, "drafted")


def test_someone_not_an_officer_cannot_sign(desk):
    store, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    store.actor = "sms-gateway"
    with pytest.raises(InputError) as e:
        store.written.sign(rep.id, "drafted")
    assert e.value.field == "as"


@needs_font
def test_serials_stay_continuous_under_two_signers_at_once(desk, db_path, clock):
    store, inc = desk
    ids = []
    for _ in range(6):
        _as(store, "孙丽娜")
        rid = store.written.create(inc, ReportKind.written).id
        store.written.sign(rid, "drafted")
        _as(store, "赵磊")
        store.written.sign(rid, "checked")
        ids.append(rid)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def signer(mine: list[int]) -> None:
        s = Store.open(db_path, clock=clock, tz=store.tz)
        try:
            _as(s, "王建国")
            barrier.wait()
            for rid in mine:
                s.written.sign(rid, "signed")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            s.close()

    threads = [threading.Thread(target=signer, args=(ids[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    serials = sorted(store.written.get(rid).serial_no or 0 for rid in ids)
    assert serials == [1, 2, 3, 4, 5, 6]
    assert store.check().ok


@needs_font
def test_the_frozen_copy_reprints_byte_for_byte_and_check_sees_tampering(desk):
    store, inc = desk
    rid = store.written.create(inc, ReportKind.written).id
    _chain(store, rid)
    first = store.written.frozen(rid)
    again = store.written.frozen(rid)
    assert (again.text, again.pdf, again.docx) == (first.text, first.pdf, first.docx)
    assert store.written.verify_frozen() == []
    with pytest.raises(Exception, match="never changed"):
        with store.write():
            store.db.execute(
                "UPDATE report_files SET pdf = x'00' WHERE written_report_id = ?", [rid]
            )
    with store.write():  # behind the desk's back
        store.db.execute("DROP TRIGGER report_files_no_update")
        store.db.execute("UPDATE report_files SET docx = x'00' WHERE written_report_id = ?", [rid])
    problems = store.check().problems
    assert any(f"report #{rid} .docx" in p for p in problems)


@needs_font
def test_sending_closes_the_clock_on_time(desk, clock):
    store, inc = desk
    rid = store.written.create(inc, ReportKind.written).id
    with pytest.raises(InputError) as e:  # not signed yet, and the desk requires sign-off
        store.written.send(rid, via="fax")
    assert e.value.field == "report"
    running = [
        d
        for d in store.incidents.deadlines(inc)
        if d.kind == ReportKind.written and d.status == DeadlineStatus.running
    ]
    assert running, "the written report's clock runs until the report goes"
    _chain(store, rid)
    assert any(
        d.kind == ReportKind.written and d.status == DeadlineStatus.running
        for d in store.incidents.deadlines(inc)
    ), "signing does not close the clock"
    _as(store, "孙丽娜")
    with pytest.raises(InputError) as e:
        store.written.send(rid, via="pigeon")
    assert e.value.field == "via"
    sent = store.written.send(rid, via="传真", at=clock(), note="传真至市局总值班室")
    assert sent.status == "sent" and sent.sent_via == "fax" and not sent.sent_without_chain
    clock_ = next(d for d in store.incidents.deadlines(inc) if d.id == running[0].id)
    assert clock_.status == DeadlineStatus.done
    event = next(r for r in store.incidents.reports(inc) if r.id == sent.report_id)
    assert event.kind == ReportKind.written and event.late_seconds is not None
    assert event.late_seconds <= 0  # on time
    assert "〔2026〕第1期" in event.content
    with pytest.raises(InputError):
        store.written.send(rid, via="fax")


def test_sending_without_the_chain_is_marked(desk, clock):
    store, inc = desk
    rid = store.written.create(inc, ReportKind.written).id
    sent = store.written.send(rid, via="email", without_chain=True)
    assert sent.status == "sent" and sent.sent_without_chain and sent.serial is None
    # a desk that does not require sign-off lets it go, marked all the same
    rid2 = store.written.create(inc, ReportKind.final).id
    sent2 = store.written.send(rid2, via="other", policy=SignoffPolicy(required=False))
    assert sent2.sent_without_chain


def test_a_correction_is_a_new_report_naming_the_old(desk):
    store, inc = desk
    rid = store.written.create(inc, ReportKind.written).id
    with pytest.raises(InputError):  # not sent yet
        store.written.create(inc, ReportKind.written, corrects=rid)
    store.written.send(rid, via="fax", without_chain=True)
    fix = store.written.create(inc, ReportKind.written, corrects=rid)
    assert fix.id != rid and fix.corrects_id == rid and fix.title.endswith("（更正）")
    assert store.written.get(rid).status == "sent"  # the old one stays
    sent = store.written.send(fix.id, via="fax", without_chain=True)
    assert sent.report_id is None  # a correction closes no clock


def test_unknown_report(desk):
    store, _ = desk
    with pytest.raises(Exception, match="999"):
        store.written.get(999)

"""Officers (store.officers): adding, editing, telling two of one name apart, deactivation; who acts
(Actor, act_as, actor_for) and what the audit log records of them."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from tests.helpers import TZ, facts
from watchdesk.config import Settings
from watchdesk.errors import InputError
from watchdesk.models.officer import Actor, ActorKind, Officer
from watchdesk.models.roster import Role
from watchdesk.store.desk import Store


def audit_count(store: Store) -> int:
    return store.db.execute("SELECT count(*) FROM audit").fetchone()[0]


@pytest.fixture
def wang(store):
    """Two 王伟, normal in any bureau, and a third deactivated."""
    a = store.officers.add(Officer(name="王伟", title="科员", phone="13900000001"))
    b = store.officers.add(Officer(name="王伟", title="副局长", phone="13900000002"))
    c = store.officers.add(Officer(name="王伟", title="退休", phone="13900000003", active=False))
    return a, b, c


def test_add_and_edit_are_audited_and_kept(store):
    o = store.officers.add(
        Officer(name=" 赵磊 ", title="值班长", phone="0731-84520001", roles=["officer", "chief"])
    )
    assert o.id and o.name == "赵磊" and o.roles == [Role.chief, Role.officer]
    assert not o.admin and o.active
    o = store.officers.edit(o.id, title="副主任", admin=True, roles=[])
    assert (o.title, o.admin, o.roles) == ("副主任", True, [])
    assert store.officers.get(o.id) == o
    # The roster's old entry points read the same officers.
    assert store.roster.officer(o.id) == o and store.roster.officers() == [o]
    assert store.roster.officer_by_name("赵磊") == o
    rows = store.db.execute(
        "SELECT action FROM audit WHERE table_name = 'officers' AND row_id = ?", [o.id]
    ).fetchall()
    assert [r[0] for r in rows] == ["insert", "update"]
    assert store.check().ok


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"name": "  "}, "name"),
        ({"name": "王" * 41}, "name"),
        ({"name": "王伟", "phone": "call me"}, "phone"),
        ({"name": "王伟", "phone": "12"}, "phone"),
    ],
)
def test_bad_officers_write_nothing(store, kw, field):
    before = audit_count(store)
    with pytest.raises((InputError, ValueError)) as e:
        store.officers.add(Officer.model_construct(**({"title": "", "unit": ""} | kw)))
    if isinstance(e.value, InputError):
        assert e.value.field == field
    assert audit_count(store) == before


def test_edit_refuses_bad_input(store, wang):
    a, _, _ = wang
    before = audit_count(store)
    with pytest.raises(InputError) as e:
        store.officers.edit(a.id, phone="电话")
    assert e.value.field == "phone"
    with pytest.raises(InputError) as e:
        store.officers.edit(a.id, name="王" * 41)
    assert e.value.field == "name"
    with pytest.raises(InputError) as e:
        store.officers.edit(a.id, roles=["boss"])
    assert e.value.field == "roles"
    assert audit_count(store) == before


def test_two_of_one_name_are_told_apart_by_title_or_phone(store, wang):
    a, b, c = wang
    assert [o.id for o in store.officers.find("王伟")] == [a.id, b.id, c.id]
    with pytest.raises(InputError) as e:
        store.officers.resolve("王伟")
    msg = e.value.problem
    assert "2 officers are named '王伟'" in msg
    assert "王伟 (科员, 13900000001)" in msg and "王伟 (副局长, 13900000002)" in msg
    assert "退休" not in msg  # the deactivated one is no candidate
    assert store.officers.resolve("王伟", title="副局长") == b
    assert store.officers.resolve("王伟", phone="139 0000 0001") == a
    with pytest.raises(InputError, match="no active officer named '王伟' with that title"):
        store.officers.resolve("王伟", title="局长")
    # The roster's name lookup gives the same clear message, in the caller's field.
    with pytest.raises(InputError) as e:
        store.roster.officer_by_name("王伟", "leaders")
    assert e.value.field == "leaders" and "13900000002" in e.value.problem


def test_unknown_and_deactivated_names(store, wang):
    with pytest.raises(InputError, match="no officer named '李四'"):
        store.officers.resolve("李四")
    with pytest.raises(InputError, match="deactivated"):
        store.officers.resolve("王伟", phone="13900000003")
    retired = store.officers.add(Officer(name="钱七", title="科员"))
    store.officers.edit(retired.id, active=False)
    with pytest.raises(InputError, match="钱七 \\(科员\\) is deactivated"):
        store.officers.resolve("钱七")
    # Deactivated, not deleted: still read by id and listed with everyone.
    assert store.officers.get(retired.id).active is False
    assert retired.id not in [o.id for o in store.officers.list()]
    assert retired.id in [o.id for o in store.officers.list(active_only=False)]
    raw = sqlite3.connect(store.db.desk_path)
    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        raw.execute("DELETE FROM officers WHERE id = ?", [retired.id])
    raw.close()


def test_a_deactivated_officer_stays_in_history(store, clock):
    o = store.officers.add(Officer(name="周文博"))
    lead = store.officers.add(Officer(name="王建国"))
    start = clock().replace(hour=8, minute=30)
    view = store.roster.add_shift(
        start, start + timedelta(days=1), people=[(lead.id, Role.leader), (o.id, Role.officer)]
    )
    store.officers.edit(o.id, active=False)
    assert "周文博" in store.roster.view(view.shift.id).names(Role.officer)
    with pytest.raises(InputError, match="no longer active"):
        store.roster.assign(view.shift.id + 0, o.id, Role.standby)


def test_the_last_administrator_stays_one(store):
    boss = store.officers.add(Officer(name="欧阳明", admin=True))
    with pytest.raises(InputError, match="only administrator") as e:
        store.officers.edit(boss.id, admin=False)
    assert e.value.field == "admin"
    with pytest.raises(InputError, match="only administrator") as e:
        store.officers.edit(boss.id, active=False)
    assert e.value.field == "active"
    other = store.officers.add(Officer(name="李红梅"))
    store.officers.edit(other.id, admin=True)
    assert not store.officers.edit(boss.id, admin=False).admin


def test_roles_limit_what_the_roster_may_give_an_officer(store, clock):
    lead = store.officers.add(Officer(name="王建国", roles=[Role.leader]))
    staff = store.officers.add(Officer(name="周文博", roles=[Role.officer, Role.standby]))
    anyone = store.officers.add(Officer(name="赵磊"))
    start = clock().replace(hour=8, minute=30)
    view = store.roster.add_shift(start, start + timedelta(days=1))
    sid = view.shift.id
    with pytest.raises(InputError, match="周文博 may not be") as e:
        store.roster.assign(sid, staff.id, Role.leader)
    assert e.value.field == "officer"
    store.roster.assign(sid, lead.id, Role.leader)
    a = store.roster.assign(sid, staff.id, Role.officer)
    store.roster.assign(sid, anyone.id, Role.chief)  # no roles listed: any
    with pytest.raises(InputError, match="王建国 may not be"):
        store.roster.replace(a.id, lead.id, reason="r", approver="主任")


def test_actor_for_names_an_officer_or_a_declared_integration(store, wang):
    zhao = store.officers.add(Officer(name="赵磊", title="值班长"))
    act = store.officers.actor_for(
        "赵磊", os_user="duty", seat="pts/3", integrations=["sms-gateway"]
    )
    assert act == Actor(
        name="赵磊", officer_id=zhao.id, kind=ActorKind.officer, os_user="duty", seat="pts/3"
    )
    gw = store.officers.actor_for(
        "sms-gateway", os_user="svc", seat=None, integrations=["sms-gateway"]
    )
    assert gw.kind == ActorKind.integration and gw.officer_id is None
    for name, match in (
        ("sms-gateway", "no such integration"),  # not declared on this desk
        ("李四", "no officer named '李四'"),
        ("王伟", "2 officers are named"),
        ("", "give the name"),
    ):
        with pytest.raises(InputError, match=match) as e:
            store.officers.actor_for(name, os_user="duty", seat=None, integrations=[])
        assert e.value.field == "as"
    store.officers.edit(zhao.id, active=False)
    with pytest.raises(InputError, match="deactivated") as e:
        store.officers.actor_for("赵磊", os_user=None, seat=None)
    assert e.value.field == "as"


def test_integrations_are_a_setting():
    assert Settings().integrations == []
    assert Settings(integrations=[" sms-gateway", "sms-gateway", "12350"]).integrations == [
        "sms-gateway",
        "12350",
    ]
    with pytest.raises(ValueError):
        Settings(integrations=[""])


def test_who_acts_is_recorded_in_the_records_and_the_audit_log(store, clock, db_path):
    zhao = store.officers.add(Officer(name="赵磊"))
    store.act_as(store.officers.actor_for("赵磊", os_user="duty", seat="pts/3", integrations=[]))
    assert store.actor == "赵磊"
    store.incidents.add(facts(clock, dead=3))
    row = store.db.execute(
        "SELECT actor, os_user, seat, officer_id FROM audit WHERE table_name = 'incidents'"
    ).fetchone()
    assert row == ("赵磊", "duty", "pts/3", zhao.id)
    store.act_as(Actor(name="sms-gateway", kind=ActorKind.integration, os_user="svc"))
    store.set_meta("note", "1")
    row = store.db.execute(
        "SELECT actor, os_user, seat, officer_id FROM audit ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row == ("sms-gateway", "svc", None, None)
    # A plain name, as every caller gave before: kind system, nothing more recorded.
    store.actor = "脚本"
    assert store.acting.kind == ActorKind.system
    store.set_meta("note", "2")
    row = store.db.execute(
        "SELECT actor, os_user, seat, officer_id FROM audit ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row == ("脚本", None, None, None)
    assert store.check().ok


def test_a_plain_actor_at_open_is_a_system_actor(db_path, clock):
    s = Store.open(db_path, clock=clock, actor="值班员", tz=TZ)
    try:
        assert s.acting == Actor(name="值班员", kind=ActorKind.system)
    finally:
        s.close()
    act = Actor(name="赵磊", kind=ActorKind.officer, officer_id=1, os_user="u", seat="s")
    s = Store.open(db_path, clock=clock, actor=act, tz=TZ)
    try:
        assert s.actor == "赵磊" and s.acting == act
    finally:
        s.close()


@pytest.mark.parametrize(
    "column, value",
    [("os_user", "'someone'"), ("seat", "'pts/9'"), ("os_user", "NULL"), ("officer_id", "99")],
)
def test_editing_who_acted_in_the_audit_log_is_caught(store, clock, db_path, column, value):
    zhao = store.officers.add(Officer(name="赵磊"))
    store.act_as(
        Actor(name="赵磊", officer_id=zhao.id, kind=ActorKind.officer, os_user="duty", seat="pts/3")
    )
    store.incidents.add(facts(clock))
    assert store.check().ok
    eid = store.db.execute("SELECT max(id) FROM audit").fetchone()[0]
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute(f"UPDATE audit SET {column} = {value} WHERE id = ?", [eid])
    raw.commit()
    raw.close()
    assert f"audit entry {eid} was altered (hash mismatch)" in store.check().problems


def test_who_cannot_be_added_to_an_entry_written_without_it(store, clock, db_path):
    store.incidents.add(facts(clock))  # by a plain actor: os_user and seat NULL
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit SET seat = 'pts/1' WHERE id = 1")
    raw.commit()
    raw.close()
    assert "audit entry 1 was altered (hash mismatch)" in store.check().problems


def test_may_act_on_the_shift_or_as_an_administrator(store, clock):
    zhao = store.officers.add(Officer(name="赵磊"))
    qian = store.officers.add(Officer(name="钱七"))
    boss = store.officers.add(Officer(name="欧阳明", admin=True))
    start = clock().replace(hour=8, minute=30)
    store.roster.add_shift(start, start + timedelta(days=1), people=[(zhao.id, Role.officer)])

    def actor(o: Officer) -> Actor:
        return Actor(name=o.name, officer_id=o.id, kind=ActorKind.officer)

    assert store.officers.may_act(actor(zhao))
    assert not store.officers.may_act(actor(qian))
    assert store.officers.may_act(actor(boss))
    assert store.officers.may_act(Actor(name="sms-gateway", kind=ActorKind.integration))
    assert not store.officers.may_act(actor(zhao), start + timedelta(days=2))

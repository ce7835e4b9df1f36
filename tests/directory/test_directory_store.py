"""Directory writes: validation refuses bad input and writes nothing; edits keep history."""

from __future__ import annotations

import pytest

from tests.directory.fixtures import seed
from tests.helpers import TZ
from watchdesk.errors import InputError
from watchdesk.models.directory import Contact, Unit, UnitRecord
from watchdesk.store import migrations as core
from watchdesk.store.db import connect
from watchdesk.store.desk import Store


def counts(store):
    return tuple(
        store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("units", "contacts", "audit")
    )


@pytest.mark.parametrize(
    "unit, field",
    [
        (UnitRecord(name="县气象局", level=1, duty_phone="0731-8452412l"), "duty_phone"),
        (UnitRecord(name="县气象局", level=1, fax="fax:84524129"), "fax"),
        (UnitRecord(name="县气象局", level=1, backup_phone="12"), "backup_phone"),
        (
            UnitRecord(
                name="县气象局", level=1, contacts=[Contact(name="罗佳", phone="138O7310006")]
            ),
            "contacts[1].phone",
        ),
        (
            UnitRecord(
                name="县气象局", level=1, contacts=[Contact(name="罗佳"), Contact(name="罗佳")]
            ),
            "contacts[2].name",
        ),
        (UnitRecord(name="  ", level=1), "name"),
        (UnitRecord(name="县气象局"), "level"),
        (UnitRecord(name="城关镇值班室", kind="duty_room", level=2), "level"),
        (UnitRecord(name="县气象局", level=1, room_type="township"), "room_type"),
        (UnitRecord(name="县公安局指挥中心", level=1), "name"),  # taken
    ],
)
def test_bad_units_are_refused_and_nothing_is_written(store, unit, field):
    seed(store)
    before = counts(store)
    with pytest.raises(InputError) as e:
        store.directory.add_unit(unit)
    assert e.value.field == field
    assert counts(store) == before


def test_a_plain_unit_model_is_accepted(store):
    u = store.directory.add_unit(Unit(name="县红十字会", level=3, duty_phone="0731-84520301"))
    assert isinstance(u, UnitRecord) and u.room_type == ""


def test_update_replaces_contacts_and_retires_dropped_ones(store):
    ids = seed(store)
    uid = ids["县公安局指挥中心"]
    u = store.directory.get(uid)
    kept = u.contacts[0].model_copy(update={"phone": "13807319999"})
    store.directory.update_unit(
        uid,
        u.model_copy(
            update={
                "notes": "110指挥中心",
                "contacts": [kept, Contact(name="王芳", role="副值班长", phone="13807318888")],
            }
        ),
    )
    u2 = store.directory.get(uid)
    assert [(c.name, c.phone) for c in u2.contacts] == [
        ("刘强", "13807319999"),
        ("王芳", "13807318888"),
    ]
    assert u2.notes == "110指挥中心"
    store.directory.update_unit(uid, u2.model_copy(update={"contacts": u2.contacts[1:]}))
    assert [c.name for c in store.directory.get(uid).contacts] == ["王芳"]
    # The retired contact is kept, inactive: the audit log has no delete.
    row = store.db.execute("SELECT active FROM contacts WHERE name = '刘强'").fetchone()
    assert row == (0,)
    assert store.check().ok


def test_units_are_never_deleted(store):
    ids = seed(store)
    import sqlite3

    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        store.db.execute("DELETE FROM units WHERE id = ?", [ids["县消防救援大队"]])


def test_units_filtering(store):
    seed(store)
    assert [u.name for u in store.directory.units(kind="duty_room", room_type="township")] == [
        "城关镇值班室",
        "东坡街道值班室",
        "青山铺镇值班室",
    ]
    assert len(store.directory.units(kind="linkage", level=1)) == 3


def test_migration_rebaselines_the_audit_of_existing_units(db_path, clock):
    """A desk made before this schema had units: adding columns must not break `check`."""
    from watchdesk.store.audit import Auditor
    from watchdesk.store.db import write_txn

    db = connect(db_path)
    core.migrations.apply(db.utils, stop_before="m03_lifecycle")  # units without room_type
    aud = Auditor(db, clock, lambda: "旧版本")
    with write_txn(db):
        uid = aud.insert("units", {"name": "县水利局", "kind": "linkage", "level": 1})
        aud.insert(
            "contacts",
            {"unit_id": uid, "name": "邓超", "role": "防汛办主任", "phone": "13807310005"},
        )
    db.close()
    s = Store.open(db_path, clock=clock, tz=TZ)
    try:
        res = s.check()
        assert res.ok, res.problems
        assert s.directory.get(uid).contacts[0].name == "邓超"
        actors = [r[0] for r in s.db.execute("SELECT actor FROM audit ORDER BY id")]
        assert actors == ["旧版本", "旧版本", "migration", "migration"]
    finally:
        s.close()

"""The desk's areas (issue 15): added, found by name, code or pinyin, taken from the directory's
duty rooms, named by incidents (audited, versioned), inferred from a place, proposed for the
incidents of before and applied in one transaction."""

from __future__ import annotations

import pytest

from tests.helpers import facts
from watchdesk.errors import InputError, NotFound, StaleVersion
from watchdesk.models.area import AreaInput, AreaKind
from watchdesk.models.directory import UnitRecord
from watchdesk.store.area import area_input
from watchdesk.text.area import area_name_from_unit, area_of_place


@pytest.fixture
def areas(store):
    store.areas.add(AreaInput(name="城关镇", code="430121100"))
    store.areas.add(AreaInput(name="青山铺镇", code="430121101"))
    store.areas.add(AreaInput(name="青山", kind=AreaKind.other))  # a prefix of 青山铺镇
    store.areas.add(AreaInput(name="湘江县", code="430121", kind=AreaKind.district))
    return store.areas


def test_an_area_is_found_by_name_code_pinyin_or_initials(areas):
    assert areas.resolve("青山铺镇").code == "430121101"
    assert areas.resolve("430121100").name == "城关镇"
    assert areas.resolve("qsp").name == "青山铺镇"
    assert areas.resolve("chengguan").name == "城关镇"
    assert [a.name for a in areas.search("qs")] == ["青山铺镇", "青山"]
    assert areas.get(1).pinyin.split()[0] == "chengguanzhen"


def test_an_area_that_is_not_one_is_refused_at_the_area(areas):
    with pytest.raises(InputError) as e:
        areas.resolve("南山镇")
    assert e.value.field == "area" and "南山镇" in str(e.value)
    with pytest.raises(InputError) as e:
        areas.resolve("q")  # 青山铺镇 and 青山
    assert "青山铺镇" in str(e.value) and "青山" in str(e.value)


def test_names_and_codes_are_checked(areas):
    with pytest.raises(InputError) as e:
        areas.add(AreaInput(name="城关镇"))
    assert e.value.field == "name"
    with pytest.raises(InputError) as e:
        areas.add(AreaInput(name="东坡街道", code="430121100"))
    assert e.value.field == "code" and "城关镇" in str(e.value)
    with pytest.raises(InputError) as e:
        area_input(name="白沙乡", code="43012x")
    assert e.value.field == "code"
    with pytest.raises(InputError) as e:
        area_input(name="  ")
    assert e.value.field == "name"


def test_an_area_is_never_deleted_and_a_deactivated_one_is_not_offered(store, areas):
    import sqlite3

    with pytest.raises(sqlite3.DatabaseError):
        with store.write():
            store.db.execute("DELETE FROM areas WHERE id = 1")
    areas.set_active(3, False)
    assert "青山" not in [a.name for a in areas.list()]
    assert "青山" in [a.name for a in areas.list(active_only=False)]
    assert store.check().ok


def test_the_place_names_its_area_by_its_start():
    names = ["青山", "青山铺镇", "城关镇"]
    assert area_of_place("青山铺镇水库下游", names) == "青山铺镇"  # the longest
    assert area_of_place("@青山村", names) == "青山"
    assert area_of_place("G107国道K1532处", names) is None
    assert area_of_place("县城关镇", names) is None  # the start only
    assert area_name_from_unit("青山铺镇值班室", "青山铺") == "青山铺镇"
    assert area_name_from_unit("东坡街道应急办") == "东坡街道"
    assert area_name_from_unit("城关镇", "城关镇") == "城关镇"


def test_areas_come_from_the_directorys_district_and_township_rooms(store):
    for name, room_type in (
        ("青山铺镇值班室", "township"),
        ("东坡街道值班室", "township"),
        ("湘江县值班室", "district"),
        ("县水利局防汛值班室", "department"),
    ):
        store.directory.add_unit(UnitRecord(name=name, kind="duty_room", room_type=room_type))
    store.directory.add_unit(UnitRecord(name="县公安局", level=1))
    audit = store.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    dry = store.areas.import_from_directory(dry_run=True)
    assert dry.created == ["湘江县", "青山铺镇", "东坡街道"]
    assert store.areas.list() == []  # a dry run writes nothing
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == audit
    res = store.areas.import_from_directory()
    assert res.created == dry.created
    got = {a.name: (a.kind, a.unit_id is not None) for a in store.areas.list()}
    assert got == {
        "湘江县": (AreaKind.district, True),
        "青山铺镇": (AreaKind.township, True),
        "东坡街道": (AreaKind.township, True),
    }
    again = store.areas.import_from_directory()
    assert again.created == [] and sorted(again.unchanged) == sorted(res.created)
    assert store.check().ok


def test_an_incident_names_its_area_audited_and_versioned(store, clock, areas):
    inc = store.incidents.add(facts(clock, place="石桥村", area="qsp"))
    assert (inc.area, inc.area_id, inc.version) == ("青山铺镇", 2, 1)
    assert store.incidents.get(inc.id).area == "青山铺镇"
    moved = store.incidents.update(
        inc.id, inc.model_copy(update={"area": "城关镇"}), expected_version=1
    )
    assert (moved.area, moved.area_id, moved.version) == ("城关镇", 1, 2)
    [after] = store.db.execute(
        "SELECT after FROM audit WHERE table_name = 'incidents' AND row_id = ?"
        " ORDER BY id DESC LIMIT 1",
        [inc.id],
    ).fetchone()
    assert '"area_id":1' in after
    # The same again changes nothing; an old copy is refused, nothing overwritten.
    assert store.incidents.update(inc.id, moved, expected_version=2).version == 2
    with pytest.raises(StaleVersion):
        store.incidents.update(inc.id, inc.model_copy(update={"area": ""}), expected_version=1)
    # Cleared: no area, the place stays.
    cleared = store.incidents.update(
        inc.id, moved.model_copy(update={"area": "", "area_id": None}), expected_version=2
    )
    assert (cleared.area, cleared.area_id, cleared.place) == ("", None, "石桥村")
    with pytest.raises(InputError) as e:
        store.incidents.add(facts(clock, area="南山镇"))
    assert e.value.field == "area"
    with pytest.raises(InputError) as e:
        store.incidents.add(facts(clock, area_id=99))
    assert e.value.field == "area"
    assert len(store.incidents.list()) == 1  # nothing half-written
    assert store.check().ok


def test_an_edit_keeps_a_deactivated_area(store, clock, areas):
    inc = store.incidents.add(facts(clock, area="城关镇"))
    areas.set_active(1, False)
    kept = store.incidents.update(
        inc.id, inc.model_copy(update={"title": "改标题"}), expected_version=1
    )
    assert (kept.area, kept.title) == ("城关镇", "改标题")
    with pytest.raises(InputError):
        store.incidents.add(facts(clock, area="城关镇"))  # a new incident: not offered


def test_areas_are_proposed_from_the_place_and_applied_in_one_transaction(store, clock, areas):
    a = store.incidents.add(facts(clock, place="城关镇东街"))
    b = store.incidents.add(facts(clock, place="青山铺镇水库下游"))
    store.incidents.add(facts(clock, place="G107国道K1532处"))
    named = store.incidents.add(facts(clock, place="城关镇老街", area="湘江县"))
    voided = store.incidents.add(facts(clock, place="城关镇南街"))
    store.incidents.void(voided.id, "误报")
    proposals = areas.propose()
    assert [(p.incident_id, p.area) for p in proposals] == [(a.id, "城关镇"), (b.id, "青山铺镇")]
    audit = store.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(NotFound):  # an area gone wrong: nothing of the batch is written
        areas.set_area({a.id: 1, b.id: 99})
    assert store.incidents.get(a.id).area_id is None
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == audit
    assert areas.apply(proposals) == 2
    assert store.incidents.get(a.id).area == "城关镇"
    assert store.incidents.get(b.id).version == 2  # an open edit form then merges
    assert store.incidents.get(named.id).area == "湘江县"  # left as it was
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == audit + 2
    assert areas.propose() == []
    assert store.check().ok

"""Pinyin search over the directory: full pinyin, initials, polyphonic characters, phone digits."""

from __future__ import annotations

import pytest

from tests.directory.fixtures import seed
from tests.helpers import TZ
from watchdesk.models.directory import UnitRecord
from watchdesk.store.desk import Store
from watchdesk.text import pinyin as search_text


@pytest.mark.parametrize(
    "name, query",
    [
        ("县公安局指挥中心", "gaj"),
        ("县公安局指挥中心", "gonganju"),
        ("县公安局指挥中心", "gongaj"),
        ("县公安局指挥中心", "gonga"),
        ("县公安局指挥中心", "xgajzhzx"),
        ("县公安局指挥中心", "GAJ"),
        ("县公安局指挥中心", "gong an ju"),
        ("重庆市应急管理局", "cq"),
        ("重庆市应急管理局", "chongqing"),
        ("重庆市应急管理局", "zhongqing"),
        ("重庆市长沙路", "changsha"),
        ("重庆市长沙路", "cs"),
        ("重庆市长沙路", "zhangsha"),
        ("中国工商银行县支行", "yh"),
        ("中国工商银行县支行", "yinhang"),
        ("中国工商银行县支行", "yinxing"),
        ("中国工商银行县支行", "gsyh"),
        ("曾凡", "zf"),
        ("曾凡", "cengfan"),
        ("G107国道", "g107"),
        ("城关镇值班室", "城关"),
    ],
)
def test_matches(name, query):
    key = search_text.Key.of(name)
    assert search_text.score(search_text.normalise_query(query), key) is not None


@pytest.mark.parametrize(
    "name, query",
    [
        ("县公安局指挥中心", "gaz"),
        ("县卫生健康局", "gaj"),
        ("县卫生健康局", "wjj"),
        ("重庆市应急管理局", "qc"),
        ("城关镇值班室", "东坡"),
        ("县公安局", "gonganjuu"),
    ],
)
def test_does_not_match(name, query):
    key = search_text.Key.of(name)
    assert search_text.score(search_text.normalise_query(query), key) is None


def test_every_reading_is_indexed_context_reading_first():
    """pypinyin reads 市长沙 as "shi zhang sha" (mayor); the directory must still find 长沙."""
    r = search_text.readings("重庆市长沙")
    assert r[0][0] == "chong" and "zhong" in r[0]
    assert {"chang", "zhang"} <= set(r[3])
    keys = search_text.pinyin_keys("重庆")
    assert {"chongqing", "zhongqing", "cq", "zq"} <= set(keys)


def test_phone_digits_score_below_names():
    key = search_text.Key.of("县消防救援大队", ("0731-84526119",))
    assert search_text.score("84526", key) == 3
    assert search_text.score("12", key) is None  # too short to mean a phone number


@pytest.fixture
def desk(store):
    seed(store)
    return store


def names(hits):
    return [(h.unit_name, h.contact_name) for h in hits]


def test_store_search_by_initials_pinyin_contact_and_phone(desk):
    assert names(desk.directory.search("gaj"))[0] == ("县公安局指挥中心", "")
    assert ("重庆市应急管理局", "") in names(desk.directory.search("zhongqing"))
    assert ("长沙路街道办事处", "") in names(desk.directory.search("zhangsha"))
    assert ("中国工商银行县支行", "") in names(desk.directory.search("yinxing"))
    # A contact by initials; the hit carries the contact's phone and role for the caller form.
    hit = desk.directory.search("lq")[0]
    assert (hit.unit_name, hit.contact_name, hit.role, hit.phone) == (
        "县公安局指挥中心",
        "刘强",
        "值班长",
        "13807310001",
    )
    assert hit.as_caller().model_dump(exclude={"unit_id", "contact_id"}) == {
        "unit": "县公安局指挥中心",
        "name": "刘强",
        "title": "值班长",
        "phone": "13807310001",
    }
    # Digits of a duty phone and of a contact's mobile.
    assert names(desk.directory.search("8452611")) == [("县消防救援大队", "")]
    assert names(desk.directory.search("1390831")) == [("重庆市应急管理局", "曾凡")]
    # A role.
    assert ("县消防救援大队", "彭勇") in names(desk.directory.search("大队长"))


def test_store_search_ranks_prefix_first_and_lists_all_on_empty(desk):
    hits = desk.directory.search("c")
    assert hits[0].unit_name in ("重庆市应急管理局", "城关镇值班室", "长沙路街道办事处")
    assert all(h.score <= hits[-1].score for h in hits)
    everything = desk.directory.search("")
    assert len(everything) == 9 and all(h.contact_id is None for h in everything)
    # Linkage units first, by level, then duty rooms.
    assert everything[0].level == 1 and everything[-1].kind == "duty_room"


def test_inactive_units_are_hidden_unless_asked(desk):
    uid = desk.directory.find("县消防救援大队").id
    desk.directory.set_active(uid, False)
    assert desk.directory.search("xfjy") == []
    assert names(desk.directory.search("xfjy", include_inactive=True))[0][0] == "县消防救援大队"


def test_index_follows_other_connections_and_own_writes(desk, db_path, clock):
    assert desk.directory.search("bsx") == []
    other = Store.open(db_path, clock=clock, tz=TZ)
    other.directory.add_unit(
        UnitRecord(
            name="白沙乡值班室", kind="duty_room", room_type="township", duty_phone="0731-84511004"
        )
    )
    other.close()
    assert names(desk.directory.search("bsx")) == [("白沙乡值班室", "")]
    uid = desk.directory.find("白沙乡值班室").id
    desk.directory.update_unit(
        uid,
        UnitRecord(
            name="白沙镇值班室", kind="duty_room", room_type="township", duty_phone="0731-84511004"
        ),
    )
    assert names(desk.directory.search("bsz")) == [("白沙镇值班室", "")]


def test_search_of_hundreds_of_units_is_fast(store):
    import time

    with store.write():
        for i in range(600):
            store.directory._insert(
                UnitRecord(
                    name=f"第{i}号乡镇人民政府值班室",
                    kind="duty_room",
                    room_type="township",
                    duty_phone=f"0731-845{i:05d}",
                )
            )
    store.directory._writes += 1
    store.directory.search("x")  # builds the index
    t0 = time.perf_counter()
    for q in ("xiangzhen", "xzrmzf", "zhiban", "84500123", "zzz"):
        store.directory.search(q)
    assert (time.perf_counter() - t0) / 5 < 0.25

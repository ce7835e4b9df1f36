"""A small directory with Chinese names, polyphonic characters included (重庆, 长沙, 银行)."""

from __future__ import annotations

from watchdesk.models.directory import Contact, UnitRecord
from watchdesk.store.desk import Store

LINKAGE = [
    ("县公安局指挥中心", 1, "0731-84521110", [("刘强", "值班长", "13807310001")]),
    ("县消防救援大队", 1, "0731-84526119", [("彭勇", "大队长", "13807310002")]),
    ("重庆市应急管理局", 1, "023-63855110", [("曾凡", "值班员", "13908310003")]),
    ("中国工商银行县支行", 2, "0731-84520095", [("朱琳", "保卫科长", "13807310011")]),
    ("长沙路街道办事处", 3, "0731-84510066", []),
]
ROOMS = [
    ("城关镇值班室", "township", "0731-84511001"),
    ("东坡街道值班室", "township", "0731-84511002"),
    ("青山铺镇值班室", "township", "0731-84511003"),
    ("县水利局值班室", "department", "0731-84523401"),
]


def seed(store: Store) -> dict[str, int]:
    """Add the units; returns name → id."""
    ids = {}
    for name, level, phone, contacts in LINKAGE:
        u = store.directory.add_unit(
            UnitRecord(
                name=name,
                level=level,
                duty_phone=phone,
                contacts=[Contact(name=c[0], role=c[1], phone=c[2]) for c in contacts],
            )
        )
        ids[name] = u.id
    for name, room, phone in ROOMS:
        u = store.directory.add_unit(
            UnitRecord(name=name, kind="duty_room", room_type=room, area=name[:3], duty_phone=phone)
        )
        ids[name] = u.id
    return ids

"""A small desk for the roster tests: named people and a generated fortnight around the clock."""

from __future__ import annotations

from datetime import date

from watchdesk.models.officer import Officer
from watchdesk.models.roster import Role, RotationSpec
from watchdesk.store.desk import Store

LEADERS = ["王建国", "李红梅", "张志强"]
CHIEFS = ["赵磊", "孙丽娜"]
OFFICERS = ["周文博", "吴晓燕", "郑浩然", "冯雪", "何俊杰"]
STANDBY = ["马晓东", "高婷婷"]


def people(store: Store) -> dict[str, int]:
    """Add everyone; name → id."""
    out = {}
    for names, title in (
        (LEADERS, "副局长"),
        (CHIEFS, "值班长"),
        (OFFICERS, "科员"),
        (STANDBY, "科员"),
    ):
        for n in names:
            out[n] = store.roster.add_officer(Officer(name=n, title=title, unit="县应急管理局")).id
    return out


def spec(ids: dict[str, int], start: date, end: date, **kw) -> RotationSpec:
    lists = {
        Role.leader: [ids[n] for n in LEADERS],
        Role.chief: [ids[n] for n in CHIEFS],
        Role.officer: [ids[n] for n in OFFICERS],
    }
    return RotationSpec(start=start, end=end, lists=kw.pop("lists", lists), **kw)


def fortnight(
    store: Store, start: date = date(2026, 11, 16), end: date = date(2026, 11, 29)
) -> dict[str, int]:
    ids = people(store)
    store.roster.generate(spec(ids, start, end))
    return ids

from __future__ import annotations

import pytest

from watchdesk.models.directory import Unit


@pytest.fixture
def units(store):
    """Three linkage units and a duty room: {name: id}."""
    out = {}
    for name, kind, area in (
        ("县公安局指挥中心", "linkage", ""),
        ("县消防救援大队", "linkage", ""),
        ("县卫生健康局", "linkage", ""),
        ("青山铺镇值班室", "duty_room", "青山铺镇"),
        ("城关镇值班室", "duty_room", "城关镇"),
    ):
        u = store.directory.add_unit(
            Unit(name=name, kind=kind, level=1 if kind == "linkage" else None, area=area)
        )
        out[name] = u.id
    return out

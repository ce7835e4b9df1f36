from __future__ import annotations

import pytest

from watchdesk.i18n import detect_language, set_language, t
from watchdesk.i18n.labels import cn_number, kind_label


@pytest.mark.parametrize(
    "env, lang",
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US"}, "zh"),
        ({}, "en"),
        ({"LC_MESSAGES": "C", "LANG": "zh_CN"}, "en"),
    ],
)
def test_language_from_locale(env, lang):
    assert detect_language(env) == lang


def test_catalogs_have_the_same_keys():
    from watchdesk.i18n import _catalog

    zh, en = _catalog("zh"), _catalog("en")
    assert sorted(set(zh) ^ set(en)) == []


def test_followup_numbering():
    set_language("zh")
    assert [kind_label("followup", n) for n in (1, 2, 10, 12, 21)] == [
        "续报一",
        "续报二",
        "续报十",
        "续报十二",
        "续报二十一",
    ]
    assert t("kind.phone") == "电话报告"
    set_language("en")
    assert kind_label("followup", 3) == "Follow-up #3"
    assert cn_number(99) == "九十九"


def test_unknown_language_refused():
    with pytest.raises(ValueError):
        set_language("fr")

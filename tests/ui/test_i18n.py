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


def test_catalog_cache_is_the_toml_and_follows_edits(tmp_path, monkeypatch):
    """The merged catalog is cached as JSON, named after the TOML files' sizes and times: a
    cached catalog equals the parsed TOML, and an edited TOML file is read afresh."""
    import shutil
    import tomllib
    from pathlib import Path

    from watchdesk import i18n

    pkg = tmp_path / "i18n"
    shutil.copytree(Path(i18n.__file__).parent, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setenv("WATCHDESK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(i18n.resources, "files", lambda package: pkg)
    parsed: dict = {}
    for p in sorted(pkg.glob("en*.toml")):
        parsed.update(tomllib.loads(p.read_text(encoding="utf-8")))
    try:
        i18n._catalog.cache_clear()
        first = i18n._catalog("en")  # parsed, then cached
        assert first == parsed
        assert len(list((tmp_path / "cache").glob("i18n-en-*.json"))) == 1
        i18n._catalog.cache_clear()
        assert i18n._catalog("en") == parsed  # from the cache
        (pkg / "en.toml").write_text(
            (pkg / "en.toml").read_text(encoding="utf-8") + '\n"zz.test" = "edited"\n',
            encoding="utf-8",
        )
        i18n._catalog.cache_clear()
        assert i18n._catalog("en")["zz.test"] == "edited"
    finally:
        i18n._catalog.cache_clear()

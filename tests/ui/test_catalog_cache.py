"""The message catalogs are parsed from their TOML files once and kept in the cache folder
(i18n._catalog; ~30 ms of every start-up otherwise): the cached catalog is the files' own, an
edited file is read again, and a cache folder that cannot be written changes nothing."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from watchdesk import i18n

FOLDER = Path(i18n.__file__).parent


def parsed(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in sorted(FOLDER.glob(f"{lang}*.toml"), key=lambda f: f.name):
        if f.name == f"{lang}.toml" or f.name.startswith(f"{lang}."):
            out.update(tomllib.loads(f.read_text(encoding="utf-8")))
    return out


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("WATCHDESK_CACHE", str(tmp_path / "cache"))
    i18n._catalog.cache_clear()
    yield tmp_path / "cache"
    i18n._catalog.cache_clear()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cached_catalog_is_the_files_own(fresh, monkeypatch, lang):
    first = i18n._catalog(lang)
    assert first == parsed(lang)
    assert len(list(fresh.glob(f"catalog-{lang}-*.marshal"))) == 1
    i18n._catalog.cache_clear()

    def no_parsing(text: str) -> dict:
        raise AssertionError("parsed again although the files did not change")

    monkeypatch.setattr(tomllib, "loads", no_parsing)
    assert i18n._catalog(lang) == first


def test_an_edited_catalog_file_is_read_again(tmp_path):
    a, b = tmp_path / "en.toml", tmp_path / "en.x.toml"
    a.write_text('"k" = "one"\n', encoding="utf-8")
    b.write_text('"j" = "two"\n', encoding="utf-8")
    before = i18n._cache_path("en", [a, b])
    b.write_text('"j" = "three"\n', encoding="utf-8")
    assert i18n._cache_path("en", [a, b]) != before
    st = b.stat()
    os.utime(b, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert i18n._cache_path("en", [a, b]) not in (before, None)


def test_older_catalogs_of_a_language_go(fresh):
    fresh.mkdir(parents=True)
    (fresh / "catalog-en-0000000000000000.marshal").write_bytes(b"old")
    (fresh / "catalog-zh-0000000000000000.marshal").write_bytes(b"other language")
    i18n._catalog("en")
    assert [p.name for p in fresh.glob("catalog-en-*")] != ["catalog-en-0000000000000000.marshal"]
    assert len(list(fresh.glob("catalog-en-*"))) == 1
    assert (fresh / "catalog-zh-0000000000000000.marshal").exists()


def test_a_cache_that_cannot_be_used_changes_nothing(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("WATCHDESK_CACHE", str(blocker))
    i18n._catalog.cache_clear()
    try:
        assert i18n._catalog("en") == parsed("en")
    finally:
        i18n._catalog.cache_clear()

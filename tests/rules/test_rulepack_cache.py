"""The validated rule pack kept in the cache folder (issue 19: every start-up loads the desk's
pack; parsing and validating it cost ~15-25 ms on the way to the first screen)."""

from __future__ import annotations

import os

import pytest

from watchdesk.rules import rulepack
from watchdesk.rules.rulepack import PackError, load_pack

PACK = """
[pack]
id = "mine"
name_zh = "本地"
name_en = "Local"
source = "local rules"
verification_default = "{minutes}m"

[[rule]]
id = "phone"
kind = "phone"
grades = ["I", "II"]
within = "30m"
source = "local rules"
"""


@pytest.fixture
def parses(monkeypatch, tmp_path):
    """The cache in a folder of the test's own; the test's packs parsed from their text."""
    monkeypatch.setenv("WATCHDESK_CACHE", str(tmp_path / "cache"))
    calls: list[str] = []
    real = rulepack.parse_pack

    def counting(text: str, where: str) -> rulepack.RulePack:
        if where.startswith(str(tmp_path)):  # not a shipped pack (national: once a process)
            calls.append(where)
        return real(text, where)

    monkeypatch.setattr(rulepack, "parse_pack", counting)
    return calls


def test_a_pack_is_parsed_once_then_read_from_the_cache_as_it_was(parses, tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text(PACK.format(minutes=60), encoding="utf-8")
    first = load_pack(str(f))
    again = load_pack(str(f))
    assert parses == [str(f)]
    assert again == first and again.path == str(f)
    assert again.verification_default.total_seconds() == 3600
    assert again.grading == load_pack("national").grading  # taken from national, kept too
    kept = list((tmp_path / "cache").glob("rulepack-*.pickle"))
    assert kept and all(p.stat().st_mode & 0o077 == 0 for p in kept)


def test_an_edited_pack_is_parsed_again(parses, tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text(PACK.format(minutes=60), encoding="utf-8")
    load_pack(str(f))
    f.write_text(PACK.format(minutes=90), encoding="utf-8")
    assert load_pack(str(f)).verification_default.total_seconds() == 5400
    assert parses == [str(f), str(f)]


def test_a_broken_pack_is_never_kept_and_says_so_each_time(parses, tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text(PACK.format(minutes=0), encoding="utf-8")  # "0m": not a duration
    for _ in range(2):
        with pytest.raises(PackError):
            load_pack(str(f))
    assert parses == [str(f), str(f)]
    assert not list((tmp_path / "cache").glob("rulepack-*.pickle"))


def test_a_cached_pack_others_could_write_is_not_read(parses, tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text(PACK.format(minutes=60), encoding="utf-8")
    load_pack(str(f))
    for p in (tmp_path / "cache").glob("rulepack-*.pickle"):
        os.chmod(p, 0o666)
    load_pack(str(f))
    assert parses == [str(f), str(f)]


def test_an_unreadable_cache_only_costs_the_parsing(parses, tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text(PACK.format(minutes=60), encoding="utf-8")
    load_pack(str(f))
    for p in (tmp_path / "cache").glob("rulepack-*.pickle"):
        p.write_bytes(b"not a pickle")
        os.chmod(p, 0o600)
    assert load_pack(str(f)).id == "mine"
    assert parses == [str(f), str(f)]

"""Pinyin search keys for names typed on a Latin keyboard (pure; pypinyin, no textual).

A name is indexed as one set of toneless readings per character (`heteronym=True`): the reading in
context first, then every other reading of that character. A query then matches where it can be
read off consecutive characters, taking from each character either its whole syllable, its first
letter, its zh/ch/sh initial, or (for the last character typed) a prefix of the syllable:

    gaj, gongan, gonganju, gongaj  → 公安局
    cq, chongqing, zhongqing       → 重庆      (重 is zhong or chong: both readings are indexed)
    cs, changsha, zhangsha         → 长沙      (pypinyin reads 市长沙 as "shi zhang sha" in context)
    yh, yinhang, yinxing           → 银行

This is the same as indexing the full pinyin and the initials of every combination of readings,
without the combinations multiplying for names with several polyphonic characters. Digits in a
query also match the digits of phone numbers (`84521` finds 0731-84521110).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SEP = re.compile(r"[\s'’\-_/.·,，、]+")


def is_han(ch: str) -> bool:
    return bool(_HAN.match(ch))


def normalise_query(q: str) -> str:
    """Lower case, full-width to half-width, separators dropped (`Gong An-Ju` → `gonganju`)."""
    q = unicodedata.normalize("NFKC", q or "").lower()
    return _SEP.sub("", q)


def digits(s: str) -> str:
    return "".join(c for c in s or "" if c.isdigit())


def _each_char(run: str) -> Any:
    """pypinyin's `errors` handler: a run of non-Han characters reads as one reading per
    character (a list, which pypinyin accepts though its annotation says str)."""
    return list(run)


@lru_cache(maxsize=16384)
def readings(text: str) -> tuple[tuple[str, ...], ...]:
    """One tuple of toneless readings per character of `text` (spaces and punctuation dropped).
    Non-Han characters read as themselves, lower-cased."""
    text = unicodedata.normalize("NFKC", text or "")
    from pypinyin import Style, pinyin  # a large dictionary: load it only when searching

    context = pinyin(text, style=Style.NORMAL, errors=_each_char)
    out: list[tuple[str, ...]] = []
    for ch, ctx in zip(text, context):
        if is_han(ch):
            alts = pinyin(ch, style=Style.NORMAL, heteronym=True)[0]
            seen: list[str] = []
            for r in [*ctx, *alts]:
                r = r.lower()
                if r and r.isascii() and r not in seen:
                    seen.append(r)
            out.append(tuple(seen) or (ch,))
        elif ch.isalnum():
            out.append((ch.lower(),))
    return tuple(out)


def pinyin_keys(text: str, limit: int = 64) -> list[str]:
    """Full pinyin and initials of every reading combination (at most `limit` of each), for
    showing or storing; matching uses `matches`, which needs no limit."""
    full, initials = [""], [""]
    for alts in readings(text):
        full = [f + a for f in full for a in alts][:limit]
        firsts = list(dict.fromkeys(a[0] for a in alts))
        initials = [i + a for i in initials for a in firsts][:limit]
    return list(dict.fromkeys(full + initials))


def _initials(r: str) -> tuple[str, ...]:
    if r[:2] in ("zh", "ch", "sh") and len(r) > 2:
        return (r[0], r[:2])
    return (r[0],)


def match_at(q: str, syl: tuple[tuple[str, ...], ...]) -> int | None:
    """Index of the first character from which `q` (normalised, Latin) can be read, or None."""
    n, m = len(syl), len(q)
    if not m:
        return 0
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if j == m:
            return True
        if i == n:
            return False
        key = (i, j)
        if key in memo:
            return memo[key]
        rest = q[j:]
        ok = False
        for r in syl[i]:
            if rest.startswith(r) and go(i + 1, j + len(r)):
                ok = True
            elif len(rest) < len(r) and r.startswith(rest):
                ok = True  # still typing this syllable
            else:
                for ini in _initials(r):
                    if rest.startswith(ini) and go(i + 1, j + len(ini)):
                        ok = True
                        break
            if ok:
                break
        memo[key] = ok
        return ok

    first = q[0]
    for start in range(n):
        if any(r[0] == first for r in syl[start]) and go(start, 0):
            return start
    return None


@dataclass(frozen=True)
class Key:
    """What a name is searched by: its text, its readings and its phone digits."""

    text: str
    syllables: tuple[tuple[str, ...], ...]
    phones: tuple[str, ...] = ()

    @classmethod
    def of(cls, text: str, phones: tuple[str, ...] = ()) -> Key:
        return cls(
            unicodedata.normalize("NFKC", text or "").lower(),
            readings(text),
            tuple(d for d in (digits(p) for p in phones) if d),
        )


def score(query: str, key: Key) -> int | None:
    """How well `query` matches: 0 exact, 1 the name starts with it, 2 it is inside the name,
    3 it matches a phone number's digits; None for no match. `query` is already normalised."""
    if not query:
        return None
    if any(is_han(c) for c in query):
        text = _SEP.sub("", key.text)
        if text == query:
            return 0
        if text.startswith(query):
            return 1
        return 2 if query in text else None
    at = match_at(query, key.syllables)
    if at is not None:
        return 1 if at == 0 else 2
    if query.isdigit() and len(query) >= 3 and any(query in p for p in key.phones):
        return 3
    return None

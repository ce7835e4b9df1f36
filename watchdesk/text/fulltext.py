"""Chinese full-text search without a word segmenter: index every character and every adjacent
pair of characters (bigrams), and turn a query into a phrase of bigrams.

SQLite's trigram tokenizer cannot match the two-character words Chinese is full of (火灾, 滑坡);
bigrams can, and a phrase of overlapping bigrams matches any longer run exactly (城关镇 →
"城关 关镇"). Latin letters and digits are indexed as words and matched by prefix (G107, 1397…).
Pure functions: the store writes `grams()` into an FTS5 table and queries with `match_query()`.
"""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"[0-9A-Za-z]+|[^\W\d_A-Za-z]+", re.UNICODE)


def _is_cjk_run(tok: str) -> bool:
    return not tok.isascii()


def _runs(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _TOKEN.findall(text)


def grams(text: str) -> tuple[str, str]:
    """(unigrams-and-words, bigrams) as space-separated token strings for the FTS5 columns."""
    uni: list[str] = []
    bi: list[str] = []
    for run in _runs(text):
        if _is_cjk_run(run):
            uni.extend(run)
            if len(run) >= 2:
                bi.extend(run[i : i + 2] for i in range(len(run) - 1))
            # A separator token ("zz", never a CJK bigram) keeps phrases from matching across runs ("东街 。西" ≠ "街西").
            bi.append("zz")
        else:
            uni.append(run)
    return " ".join(uni), " ".join(bi)


def match_query(query: str) -> str | None:
    """An FTS5 MATCH expression for what a person typed (all terms must match), or None when
    the query has nothing searchable."""
    parts: list[str] = []
    for run in _runs(query):
        if _is_cjk_run(run):
            if len(run) == 1:
                parts.append(f'uni:"{run}"')
            else:
                phrase = " ".join(run[i : i + 2] for i in range(len(run) - 1))
                parts.append(f'bi:"{phrase}"')
        else:
            parts.append(f'uni:"{run}"*')
    return " AND ".join(parts) if parts else None


INCIDENT_TEXT_COLUMNS = (
    "title",
    "place",
    "description",
    "source",
    "scope",
    "trend",
    "measures",
    "caller_unit",
    "caller_name",
    "caller_phone",
)


def incident_text(row: dict) -> str:
    return " ".join(str(row.get(c) or "") for c in INCIDENT_TEXT_COLUMNS)


def log_text(row: dict) -> str:
    return " ".join(str(row.get(c) or "") for c in ("counterpart", "content", "handling"))

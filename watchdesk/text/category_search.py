"""Finding an event type by Chinese text or pinyin (`hz` → 火灾, `huozai` → 火灾). Pure."""

from __future__ import annotations

from functools import cache

from watchdesk.rules.categories import CATEGORIES, Category, Subtype

Choice = tuple[Category, Subtype | None]


def pinyin_keys(text: str) -> list[str]:
    """Full pinyin and initials of a Chinese name: 火灾 → ['huozai', 'hz']."""
    from pypinyin import Style, lazy_pinyin  # a large dictionary: load it only when picking

    return [
        "".join(lazy_pinyin(text)).lower(),
        "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower(),
    ]


def _keys(item: Category | Subtype) -> list[tuple[str, int]]:
    main = [item.zh, item.en.lower(), item.code, *pinyin_keys(item.zh)]
    alias = [k for a in item.aliases for k in (a, *pinyin_keys(a))]
    return [(k, 0) for k in main] + [(k, 1) for k in alias]


@cache
def _index() -> list[tuple[Choice, list[tuple[str, int]]]]:
    out: list[tuple[Choice, list[tuple[str, int]]]] = []
    for cat in CATEGORIES:
        out.append(((cat, None), _keys(cat)))
        out.extend(((cat, sub), _keys(sub)) for sub in cat.subtypes)
    return out


def find_categories(query: str, limit: int = 40) -> list[Choice]:
    """Event types whose name, alias, full pinyin or pinyin initials match the query: exact
    matches first, then prefixes, then substrings; a main name before an alias; a subtype before
    a whole category. An empty query lists everything."""
    q = query.strip().lower().replace(" ", "")
    if not q:
        return [c for c, _ in _index()][:limit]
    scored = []
    for n, (choice, keys) in enumerate(_index()):
        best = None
        for key, weight in keys:
            if key == q:
                score = (0, weight)
            elif key.startswith(q):
                score = (1, weight)
            elif q in key:
                score = (2, weight)
            else:
                continue
            best = score if best is None or score < best else best
        if best is not None:
            scored.append((best, 0 if choice[1] is not None else 1, n, choice))
    scored.sort(key=lambda x: x[:3])
    return [c for *_, c in scored][:limit]

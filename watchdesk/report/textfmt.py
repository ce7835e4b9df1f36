"""Fixed-width text measured in terminal cells: a Chinese character takes two."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from typing import NamedTuple

from rich.cells import cell_len


class Span(NamedTuple):
    """One line of wrapped text: `text[start:end]`, and whether it continues a paragraph."""

    start: int
    end: int
    continued: bool


# Chinese line-breaking rules (禁则, GB/T 15834): no line ends with an opening bracket or quote,
# and none starts with a closing one or with punctuation that follows what it ends.
OPENING = frozenset("（【(《“‘「『〈〔［｛[{")
CLOSING = frozenset("）】)》”’」』〉〕］｝]}。，、；：！？．,.;:!?…")
_PARAGRAPH = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def wrap_cells(text: str, width: int, indent: int = 0) -> list[str]:
    """Wrap `text` so that no line is wider than `width` cells, by the rules of `break_spans`.
    Continuation lines are indented by `indent` cells."""
    if width <= indent + 1:
        raise ValueError("width too small")
    text = text or ""
    pad = " " * indent
    return [
        (pad if sp.continued else "") + text[sp.start : sp.end].rstrip()
        for sp in break_spans(text, width, indent=indent)
    ]


def break_spans(
    text: str, width: float, *, indent: float = 0, measure: Callable[[str], float] = cell_len
) -> list[Span]:
    """Where lines of `text` break so that none is wider than `width` (continuation lines
    `indent` narrower), as measured by `measure` (terminal cells, or a font's widths for the
    PDF). Each paragraph (a line break) starts a line. A line breaks at a space (which it
    swallows) or between two characters of which one is Chinese (where Chinese text breaks);
    never inside a Latin word or number (`G107`, `K1532+900`, `0731-84511003`, `18:45`), never
    after an opening bracket or before a closing one or a punctuation mark (`OPENING`,
    `CLOSING`). It keeps together, where they fit, a date and its time (`12-03 19:28`) and a
    short bracketed group (`【敏感】`, `[处置中]`: up to a third of the line). Only a piece
    wider than a whole line is cut where it must be."""
    spans: list[Span] = []
    for a, b in _paragraphs(text):
        units = _units(text, a, b)
        chunks = _chunks(units, _keeps(text, a, b, width / 3, measure))
        spans += _fill(text, a, chunks, width, width - indent, measure)
    return spans


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _PARAGRAPH.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text) or not out:  # as str.splitlines: no empty paragraph after a last newline
        out.append((pos, len(text)))
    return out


# A character's cells (as cell_len says) and whether it is `_wordish`, looked up once: breaking
# a line looks at every character, and a busy shift's handover sheet has hundreds of long lines.
_CHARS: dict[str, tuple[int, bool]] = {}


def _char(ch: str) -> tuple[int, bool]:
    c = _CHARS.get(ch)
    if c is None:
        w = cell_len(ch)
        c = _CHARS[ch] = (w, w == 1 or ("\uff10" <= ch <= "\uff5a" and ch.isalnum()))
    return c


def _wordish(ch: str) -> bool:
    """Part of a Latin word or a number: narrow, or a full-width letter or digit."""
    return _char(ch)[1]


def _can_break(before: str, after: str, spaced: bool) -> bool:
    if before in OPENING or after in CLOSING or _char(after)[0] == 0:
        return False
    return spaced or not (_wordish(before) and _wordish(after))


def _units(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The pieces of text[a:b] that no line breaks inside, with only spaces between them; the
    first keeps the paragraph's leading spaces. (`_can_break`, inlined.)"""
    units: list[tuple[int, int]] = []
    start, prev = a, -1  # prev: the last character that is not a space
    before, before_word = "", False  # that character, and whether it is `_wordish`
    for i in range(a, b):
        ch = text[i]
        if ch.isspace():
            continue
        cells, word = _char(ch)
        if (
            prev >= 0
            and not (before in OPENING or ch in CLOSING or cells == 0)
            and (prev + 1 < i or not (before_word and word))
        ):
            units.append((start, prev + 1))
            start = i
        prev, before, before_word = i, ch, word
    if prev >= 0:
        units.append((start, prev + 1))
    return units


_PAIRS = dict(zip("（【(《“‘「『〈〔［｛[{", "）】)》”’」』〉〕］｝]}", strict=True))
_OPENERS = re.compile("[" + re.escape("".join(_PAIRS)) + "]")
_DATE_TIME = re.compile(r"\d{1,4}-\d{1,2}(?:-\d{1,2})? \d{1,2}:\d{2}")


def _keeps(
    text: str, a: int, b: int, group: float, measure: Callable[[str], float]
) -> list[tuple[int, int]]:
    """The stretches of text[a:b] kept on one line when they fit: dates with their times, and
    bracketed groups no wider than `group`."""
    out = [m.span() for m in _DATE_TIME.finditer(text, a, b)]
    for m in _OPENERS.finditer(text, a, b):
        i, close = m.start(), _PAIRS[m[0]]
        j = text.find(close, i + 1, min(b, i + 80))
        if j > 0 and measure(text[i : j + 1]) <= group:
            out.append((i, j + 1))
    return out


def _chunks(
    units: list[tuple[int, int]], keeps: list[tuple[int, int]]
) -> list[list[tuple[int, int]]]:
    """Units grouped where a break between them would fall inside a kept stretch."""
    if not keeps:
        return [[u] for u in units]
    chunks: list[list[tuple[int, int]]] = []
    for u in units:
        if chunks:
            last, start = chunks[-1], u[0]
            end = last[-1][1]
            for ks, ke in keeps:
                if ks < end and start < ke:
                    last.append(u)
                    break
            else:
                chunks.append([u])
        else:
            chunks.append([u])
    return chunks


def _fill(
    text: str,
    a: int,
    chunks: list[list[tuple[int, int]]],
    first: float,
    later: float,
    measure: Callable[[str], float],
) -> list[Span]:
    """Greedy: as many chunks on a line as fit. A chunk wider than a line is placed unit by
    unit, and a unit wider than a line is cut."""
    out: list[Span] = []
    start = end = a
    used, limit = 0.0, first
    todo = deque(chunks)
    while todo:
        chunk = todo.popleft()
        us, ue = chunk[0][0], chunk[-1][1]
        w = measure(text[us:ue])
        if end > start:
            gap = measure(text[end:us])
            if used + gap + w <= limit:
                end, used = ue, used + gap + w
                continue
        if w > (later if end > start else limit) and len(chunk) > 1:
            todo.extendleft([u] for u in reversed(chunk))  # too wide for any line: unit by unit
            continue
        if end > start:
            out.append(Span(start, end, bool(out)))
            limit = later
        start, end, used = us, ue, w
        while used > limit:  # wider than a whole line: cut it
            cut, cut_w = start, 0.0
            while cut < end:
                cw = measure(text[cut])
                if cut > start and cut_w + cw > limit:
                    break
                cut, cut_w = cut + 1, cut_w + cw
            out.append(Span(start, cut, bool(out)))
            limit = later
            while cut < end and text[cut].isspace():
                cut += 1
            start, used = cut, measure(text[cut:end])
    out.append(Span(start, end, bool(out)))
    return out


def pad_cells(text: str, width: int) -> str:
    """Left-align in exactly `width` cells, cutting (with …) what does not fit."""
    w = cell_len(text)
    if w <= width:
        return text + " " * (width - w)
    out, used = "", 0
    for ch in text:
        cw = cell_len(ch)
        if used + cw > width - 1:
            break
        out += ch
        used += cw
    return out + "…" + " " * (width - used - 1)


def rule(width: int, ch: str = "-") -> str:
    return ch * width

"""Fixed-width text measured in terminal cells: a Chinese character takes two."""

from __future__ import annotations

from rich.cells import cell_len


def wrap_cells(text: str, width: int, indent: int = 0) -> list[str]:
    """Wrap `text` so that no line is wider than `width` cells. Breaks at spaces when it can,
    anywhere between CJK characters (where Chinese text breaks), and inside a word only when a
    single word is wider than the line. Continuation lines are indented by `indent` cells."""
    if width <= indent + 1:
        raise ValueError("width too small")
    lines: list[str] = []
    for para in (text or "").splitlines() or [""]:
        line, line_w = "", 0
        limit = width
        for token in _tokens(para):
            tw = cell_len(token)
            if line_w + tw <= limit:
                line += token
                line_w += tw
                continue
            if token == " ":
                lines.append(line.rstrip())
                line, line_w = " " * indent, indent
                limit = width
                continue
            if line.strip():
                lines.append(line.rstrip())
                line, line_w = " " * indent, indent
            for ch in token:  # a word longer than the line: split it
                cw = cell_len(ch)
                if line_w + cw > width:
                    lines.append(line.rstrip())
                    line, line_w = " " * indent, indent
                line += ch
                line_w += cw
        lines.append(line.rstrip())
    return lines


CLOSING = set("，。、；：！？）】》」』”’,.;:!?)]")


def _tokens(text: str) -> list[str]:
    """Spaces, runs of non-CJK characters (words), and single CJK characters. Closing
    punctuation sticks to what precedes it, so no line starts with 】 or ，(禁则)."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch in CLOSING and not word and out and out[-1] != " ":
            out[-1] += ch
            continue
        if ch == " ":
            if word:
                out.append(word)
                word = ""
            out.append(" ")
        elif cell_len(ch) == 2:
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
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

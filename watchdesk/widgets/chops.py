"""Partial screen updates that send the terminal only the changed part of a line.

Textual repaints a changed region of the screen line by line, each line cut at the edges of the
widgets on it ("chops"). When it writes such an update to the terminal
(`ChopsUpdate.render_segments`) it cuts a chop at the right end of the region but not at the
left: a countdown cell at the end of a board row sent the whole row, every second, for every
clock (what `watchdesk serve` and an SSH session carry). Its other renderer of the same update
(`ChopsUpdate.__rich_console__`) does cut at the left, at the first segment that reaches the
region. `render_segments` here does the same: it starts at that segment (a segment always
starts on a whole character, so a wide Chinese character is never split), and ends where
Textual's does. The screen the terminal shows is the same (tests/ui/test_idle.py replays both
into a terminal emulator).

Textual is pinned to an exact version in pyproject.toml; `install` replaces the method once for
the process.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.control import Control
from textual._compositor import ChopsUpdate
from textual.strip import Strip

_textual_render_segments = ChopsUpdate.render_segments


def render_segments(self: ChopsUpdate, console: Console) -> str:
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    chops = self.chops
    chop_ends = self.chop_ends
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        line = chops[y]
        ends = chop_ends[y]
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None or x > x2 or end <= x1:
                continue
            if x < x1:  # leave out the segments that end before the region starts
                segments = list(strip)
                first = 0
                for first, segment in enumerate(segments):  # noqa: B007
                    width = cell_len(segment.text)
                    if x + width > x1:
                        break
                    x += width
                strip = Strip(segments[first:])
            if end > x2:
                strip = strip.crop(0, x2 - x)
            append(move_to(x, y).segment.text)
            append(strip.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def install() -> None:
    ChopsUpdate.render_segments = render_segments  # type: ignore[method-assign]


def uninstall() -> None:
    """Textual's own (for comparing the two in tests)."""
    ChopsUpdate.render_segments = _textual_render_segments  # type: ignore[method-assign]

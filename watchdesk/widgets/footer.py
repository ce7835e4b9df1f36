"""The key footer: every key that acts now, whole, on as many lines as the width needs.

What it shows is what Textual's Footer shows: the screen's active bindings (the focused widget's,
the screen's and the app's, with the config's `[keymap]` applied by Textual's binding chain, so a
remapped key shows its new key; keys a focused input takes for typing left out; a key whose
action is unavailable dimmed or hidden by `check_action`), one entry per action, then the command
palette's key. `screen_keys` (widgets/keylegend.py) is the same reading without the focus and
`check_action` parts, for the legend, the help and the palette; the footer must follow focus, so
it reads the chain Textual dispatches keys through rather than a copy of it.

The entries are packed by terminal cells (`rich.cells.cell_len`: a Chinese character is two
cells) with the legend's `pack`: whole entries only, a line per `pack` line, so at 100 columns a
long footer (the handover screen's, an incident's) wraps instead of losing its last keys.

It is cheap. Textual's Footer rebuilds all its keys (one widget each) every time the screen says
its bindings changed, and a screen says so several times while it opens (mounted, focus given,
keymap applied): three full rebuilds of the first screen's keys before its first frame. This
footer coalesces them: the first change schedules one rebuild after the next refresh, and changes
arriving before it runs join it. The rebuild reads the bindings and recomposes only when what it
would show differs from what is shown (the keys, their state, the lines they pack into); a change
of width re-packs and recomposes only when the lines differ. Nothing else (the 1-second tick, a
table's rows) touches it.

A scheduled rebuild is handed to whichever screen is active when it comes due, and is dropped if
that screen goes away first (a modal that closes itself at once). That only happens across a
change of the screen stack, so pending rebuilds are coalesced per `screen.stack_updates`: after
the stack changes, the next change schedules a rebuild of its own.

Binding groups (`Binding.group`) are not drawn as Textual groups them: each key is an entry of its
own with its description (the console declares none).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from watchdesk.widgets.keylegend import pack


@dataclass(frozen=True)
class FooterEntry:
    key: str  # the key pressed ("ctrl+e")
    display: str  # as shown ("^e")
    description: str
    action: str
    enabled: bool
    tooltip: str
    palette: bool = False  # the command palette's key, drawn last at the right


def entry_cells(e: FooterEntry, compact: bool) -> int:
    """Cells one entry takes in the footer, margins included, as Textual's Footer CSS draws it:
    compact, `key description` and a one-cell margin; otherwise ` key description ` (key padded
    both sides, description on the right). The palette's key is always drawn compact, with a
    left border and, in a compact footer a margin, otherwise a padding on its right.
    tests/ui/test_footer.py measures the drawn keys against this."""
    text = cell_len(e.display) + cell_len(e.description)
    if e.palette:
        return text + 1 + 1 + 1
    return text + (1 + 1 if compact else 2 + 1)


class KeyFooter(Footer):
    DEFAULT_CSS = """
    KeyFooter {
        layout: vertical;
        overflow: hidden hidden;
        .footer-line {
            width: 1fr;
            height: 1;
            background: $footer-background;
        }
    }
    """

    _pending_for: int | None = None  # the stack_updates a rebuild is scheduled for
    _entries: tuple[FooterEntry, ...] | None = None  # what is shown (None: nothing yet)
    _lines: tuple[int, ...] = ()  # how many entries each line shows
    _compact: bool = False  # the style the shown entries were packed for

    # -- what to show ----------------------------------------------------------------------------
    def read_entries(self) -> tuple[FooterEntry, ...]:
        """The keys that act now, as Textual's Footer reads them: shown bindings, the first key
        of each action, the command palette's key last."""
        active = self.screen.active_bindings
        app = self.app
        out: list[FooterEntry] = []
        seen: set[str] = set()
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            display = app.get_key_display(binding)
            out.append(
                FooterEntry(
                    binding.key, display, binding.description, binding.action, enabled, tooltip
                )
            )
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, _tooltip = found
                out.append(
                    FooterEntry(
                        binding.key,
                        app.get_key_display(binding),
                        binding.description,
                        binding.action,
                        enabled,
                        binding.tooltip or binding.description,
                        palette=True,
                    )
                )
        return tuple(out)

    def _width(self) -> int:
        return self.size.width or self.screen.size.width or self.app.size.width

    def _pack(self, entries: tuple[FooterEntry, ...], width: int) -> tuple[int, ...]:
        compact = self.compact
        lines = pack(list(entries), width, lambda e: entry_cells(e, compact))
        return tuple(len(line) for line in lines if line)

    def lines(self) -> list[list[FooterEntry]]:
        """The entries as they are shown, line by line."""
        entries = list(self._entries or ())
        out, start = [], 0
        for n in self._lines:
            out.append(entries[start : start + n])
            start += n
        return out

    # -- drawing ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        if self._entries is None:
            return
        self.styles.height = max(1, len(self._lines))
        for line in self.lines():
            with HorizontalGroup(classes="footer-line"):
                for e in line:
                    if e.palette:
                        yield FooterKey(
                            e.key,
                            e.display,
                            e.description,
                            e.action,
                            disabled=not e.enabled,
                            tooltip=e.tooltip,
                            classes="-command-palette",
                        )
                    else:
                        yield FooterKey(
                            e.key,
                            e.display,
                            e.description,
                            e.action,
                            disabled=not e.enabled,
                            tooltip=e.tooltip,
                        ).data_bind(compact=Footer.compact)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            token = screen.stack_updates
            if self._pending_for != token:
                self._pending_for = token
                self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending_for = None
        if not self.is_attached:
            return
        entries = self.read_entries()
        lines = self._pack(entries, self._width())
        if (entries, lines, self.compact) == (self._entries, self._lines, self._compact):
            return  # nothing shown would change
        self._entries, self._lines, self._compact = entries, lines, self.compact
        await self.recompose()

    async def on_resize(self, event: events.Resize) -> None:
        if self._entries is None:
            return
        lines = self._pack(self._entries, event.size.width)
        if lines != self._lines:
            self._lines = lines
            await self.recompose()

"""The command palette's commands (ctrl+p): every action of the current screen by name.

`ActionsProvider` offers what the keys of the current screen do (`screen_keys`: the screen's own
and the app's, the keymap applied), each named in the UI language and namespaced by what it acts
on ("交接班：打印", "Handover: print"); a name comes from the catalog by binding id
(`palette.cmd.<id>`), else it is the key's description under "this screen". In Chinese the
English names match too ("handover" finds 交接班：打开), and so does the pinyin of the Chinese
name, full or by initials (`jiaojieban`, `jjb`, `jjbdy` find 交接班：打印; text/pinyin.py, as the
directory is searched). Choosing one runs the action where its key would: on the screen, or on
the app.

Textual's "No matches found" is left in English: in the pinned Textual (8.2) it is a literal in a
closure inside CommandPalette's private `_start_no_matches_countdown`, and no public argument,
message or method reaches it.

`IncidentProvider` reads a number typed as `13` or `#13` and offers to open that incident (read
on the DB thread through the app's client).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from watchdesk.errors import NotFound
from watchdesk.i18n import language, t, using
from watchdesk.i18n.labels import status_label
from watchdesk.text.pinyin import Key, is_han, normalise_query, score
from watchdesk.text.timefmt import fmt_hm
from watchdesk.widgets.keylegend import KeyEntry, screen_keys

if TYPE_CHECKING:
    from watchdesk.app import WatchdeskApp


@dataclass(frozen=True)
class Command:
    title: str  # in the UI language
    alias: str  # the English title, also matched in Chinese ("" when none)
    help: str
    entry: KeyEntry


def command_name(e: KeyEntry) -> str:
    """The catalog's name for what a key does ("交接班：打印"), or "" when it has none."""
    key = f"palette.cmd.{e.id}"
    name = t(key)
    return "" if name == key else name


def _title(e: KeyEntry, modal: bool) -> tuple[str, str]:
    title = command_name(e)
    if title:
        with using("en"):
            alias = command_name(e)
        return title, alias if language() != "en" else ""
    return t("palette.here_modal" if modal else "palette.here", what=e.description), ""


def screen_commands(screen) -> list[Command]:
    """The current screen's actions, one command each (a second key for the same action, such
    as F1 beside ?, adds none)."""
    seen: set[tuple[int, str]] = set()
    out = []
    for e in screen_keys(screen):
        b = e.binding
        if b.id is None or b.action in ("command_palette", "app.command_palette"):
            continue
        if (id(e.node), b.action) in seen:
            continue
        seen.add((id(e.node), b.action))
        title, alias = _title(e, screen.is_modal)
        help_text = t("palette.key", keys=e.key) + (f" · {e.tip}" if e.tip else "")
        out.append(Command(title, alias, escape(help_text), e))
    return out


def pinyin_score(query: str, title: str) -> float:
    """How well a query typed in Latin letters reads the Chinese title by its pinyin (whole
    syllables, initials, or a mix: `jjb`, `jiaojieban`, `jiaojb`), as a Textual hit score: about
    what the fuzzy matcher gives the same query in full, higher where the title starts with it;
    0 for no match (or a query with no Latin letter, or a title with no Chinese)."""
    q = normalise_query(query)
    if not q or not q.isascii() or not any(c.isalpha() for c in q):
        return 0.0
    if not any(is_han(c) for c in title):
        return 0.0
    found = score(q, Key.of(title))
    if found is None or found > 2:  # 3: a phone number's digits (titles have none)
        return 0.0
    return len(q) * (2.0 if found <= 1 else 1.5)


class ActionsProvider(Provider):
    """Every action of the screen the palette was opened on."""

    async def startup(self) -> None:
        self.commands = screen_commands(self.screen)

    def _run(self, cmd: Command):
        return partial(self.app.run_action, cmd.entry.binding.action, cmd.entry.node)

    async def discover(self) -> Hits:
        for cmd in self.commands:
            yield DiscoveryHit(Content(cmd.title), self._run(cmd), text=cmd.title, help=cmd.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for cmd in self.commands:
            fuzzy = matcher.match(cmd.title)
            alias = matcher.match(cmd.alias) if cmd.alias else 0
            reading = pinyin_score(query, cmd.title)
            if fuzzy <= 0 and alias <= 0 and reading <= 0:
                continue
            shown = matcher.highlight(cmd.title) if fuzzy > 0 else Content(cmd.title)
            best = max(fuzzy, alias, reading)
            yield Hit(best, shown, self._run(cmd), text=cmd.title, help=cmd.help)


NUMBER = re.compile(r"\s*[#＃]?\s*(\d{1,9})\s*")


class IncidentProvider(Provider):
    """`13` or `#13`: open incident #13."""

    async def search(self, query: str) -> Hits:
        m = NUMBER.fullmatch(query)
        if m is None or self.screen.is_modal:
            return
        app = cast("WatchdeskApp", self.app)
        number = int(m.group(1))
        try:
            inc = await app.client.call(lambda s: s.incidents.get(number))
        except NotFound:
            return
        if inc.id is None:
            return
        title = t("palette.jump", id=inc.id, headline=inc.headline)
        help_text = t(
            "palette.jump.help",
            received=fmt_hm(inc.received_at, app.settings.tz, app.clock()),
            place=inc.place,
            status=status_label(inc.status.value),
        )
        yield Hit(
            1.0,
            Content(title),
            partial(open_incident, app, inc.id),
            text=title,
            help=escape(help_text),
        )


def open_incident(app: WatchdeskApp, incident_id: int) -> None:
    from watchdesk.screens.incident import IncidentScreen

    screen = app.screen
    if isinstance(screen, IncidentScreen) and screen.incident_id == incident_id:
        return
    app.push_screen(IncidentScreen(incident_id))

"""The key footer (issue 13, "The screen"): at 100 columns a footer wraps whole entries onto more
lines instead of losing its last keys, in both languages; it follows the config's [keymap]; it is
rebuilt only when what it shows changes (never by the 1-second tick). And the command palette
finds a Chinese command by its pinyin."""

from __future__ import annotations

from datetime import datetime

import pytest
from rich.cells import cell_len
from textual.command import CommandList, CommandPalette
from textual.widgets._footer import FooterKey

from tests.helpers import TZ, FakeClock, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.demo import build_demo
from watchdesk.i18n import set_language, t
from watchdesk.screens.handover import HandoverScreen
from watchdesk.screens.main import MainScreen
from watchdesk.screens.palette import pinyin_score
from watchdesk.widgets.footer import KeyFooter, entry_cells

NOW = datetime(2026, 11, 22, 14, 29, 0, tzinfo=TZ)

# The handover screen's keys shown in its footer (its own, then the app's it does not hide).
HANDOVER_KEYS = [
    ("esc", "key.back"),
    ("t", "key.ho_notes"),
    ("a", "key.ho_pending"),
    ("e", "key.ho_equipment"),
    ("o", "key.ho_sign_out"),
    ("c", "key.ho_sign_in"),
    ("p", "key.ho_print"),
    ("s", "key.ho_save"),
    ("h", "key.ho_history"),
    ("n", "key.new"),
    (":", "key.quick"),
    ("/", "key.search"),
    ("l", "key.log"),
]


@pytest.fixture
def demo(tmp_path):
    """The demo desk with 赵磊 at the keyboard, in the language asked for."""

    def make(lang: str, **kw):
        set_language(lang)
        path = build_demo(tmp_path / f"demo-{lang}.db", now=NOW)
        kw.setdefault("actor", "赵磊")
        kw.setdefault("settings", Settings())
        return make_app(path, clock=FakeClock(NOW), poll=False, **kw)

    return make


async def handover(pilot) -> KeyFooter:
    """From the first screen to the handover screen (j), its footer drawn."""
    app = pilot.app
    await settle(pilot, lambda: app.loads, what="the dashboard", workers=True)
    await settle(pilot, lambda: isinstance(app.screen, MainScreen), what="the first screen")
    await pilot.press("j")
    await settle(pilot, lambda: isinstance(app.screen, HandoverScreen), what="the handover")
    footer = app.screen.query_one(KeyFooter)
    await settle(pilot, lambda: footer.lines() and footer.query(FooterKey), what="the footer")
    return footer


def footer_rows(footer: KeyFooter) -> list[str]:
    """The footer's rows of the screen as the terminal shows them."""
    strips = footer.screen._compositor.render_strips()
    region = footer.region
    return [strip.crop(region.x, region.right).text for strip in strips[region.y : region.bottom]]


def assert_whole(footer: KeyFooter) -> list[str]:
    """Every key of the footer is on screen whole: inside the footer, as wide as it is drawn,
    its text within one row. Returns the rows."""
    rows = footer_rows(footer)
    assert footer.region.height == len(footer.lines()) == len(rows)
    entries = [e for line in footer.lines() for e in line]
    keys = list(footer.query(FooterKey))
    assert len(keys) == len(entries)
    for key, entry in zip(keys, entries):
        assert key.description == entry.description
        assert footer.region.contains_region(key.region), (entry, key.region, footer.region)
        margin = key.styles.margin
        drawn = key.outer_size.width + margin.left + margin.right
        assert drawn == entry_cells(entry, footer.compact), entry  # packed as it is drawn
        assert any(f"{entry.display} {entry.description}" in row for row in rows), entry
    for row in rows:
        assert cell_len(row.rstrip()) <= footer.region.width
    return rows


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_handover_footer_shows_every_key_whole_at_100_columns(demo, lang):
    app = demo(lang)
    async with app.run_test(size=(100, 30)) as pilot:
        footer = await handover(pilot)
        rows = assert_whole(footer)
        assert len(rows) >= 2  # it does not fit one row of 100 cells: it wraps
        text = "\n".join(rows)
        for key, desc in HANDOVER_KEYS:
            assert f"{key} {t(desc)}" in text, (key, t(desc), rows)
        # the first row is filled before a key goes to the next
        first, second = footer.lines()[0], footer.lines()[1]
        used = sum(entry_cells(e, footer.compact) for e in first)
        assert used + entry_cells(second[0], footer.compact) > footer.region.width


async def test_a_footer_with_the_palette_key_wraps_whole_too(demo):
    """The roster screen's footer (not compact, the ^p key at the right) in Chinese."""
    app = demo("zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.loads, what="the dashboard", workers=True)
        await settle(pilot, lambda: isinstance(app.screen, MainScreen), what="the first screen")
        await pilot.press("z")
        await settle(pilot, lambda: not isinstance(app.screen, MainScreen), what="the roster")
        footer = app.screen.query_one(KeyFooter)
        await settle(pilot, lambda: footer.lines() and footer.query(FooterKey), what="the footer")
        rows = assert_whole(footer)
        assert len(rows) >= 2
        assert any(e.palette for e in footer.lines()[-1])
        assert "^p 命令" in rows[-1]


async def test_the_footer_rewraps_when_the_terminal_is_resized(demo):
    app = demo("en")
    async with app.run_test(size=(140, 45)) as pilot:
        footer = await handover(pilot)
        assert len(assert_whole(footer)) == 1
        await pilot.resize_terminal(100, 30)
        await settle(pilot, lambda: len(footer.lines()) == 2 and footer.size.height == 2)
        assert_whole(footer)
        await pilot.resize_terminal(140, 45)
        await settle(pilot, lambda: len(footer.lines()) == 1 and footer.size.height == 1)
        assert_whole(footer)


async def test_a_remapped_key_shows_in_the_footer(demo):
    keymap = {"handover-print": "f6", "search": "f7"}  # the screen's own key and an app key
    app = demo("zh", settings=Settings(keymap=keymap))
    async with app.run_test(size=(100, 30)) as pilot:
        footer = await handover(pilot)
        text = "\n".join(assert_whole(footer))
        assert "f6 打印" in text and "p 打印" not in text
        assert "f7 查找" in text and "/ 查找" not in text


async def test_the_tick_and_a_burst_that_changes_nothing_do_not_redraw_the_footer(
    demo, monkeypatch
):
    app = demo("zh")
    async with app.run_test(size=(100, 30)) as pilot:
        footer = await handover(pilot)
        await pilot.pause(0.1)
        rebuilds: list[int] = []
        renders: list[FooterKey] = []
        recompose, render = KeyFooter.recompose, FooterKey.render

        async def counted_recompose(self):
            rebuilds.append(1)
            return await recompose(self)

        def counted_render(self):
            renders.append(self)
            return render(self)

        monkeypatch.setattr(KeyFooter, "recompose", counted_recompose)
        monkeypatch.setattr(FooterKey, "render", counted_render)
        clock = app.clock
        assert isinstance(clock, FakeClock)
        for _ in range(3):
            clock.advance(seconds=1)
            app.tick()
            app.screen.refresh_bindings()  # bindings said changed, nothing shown changes
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        assert rebuilds == []
        assert [k for k in renders if k.parent is not None and k.parent.parent is footer] == []


# -- the command palette by pinyin ---------------------------------------------------------------
async def palette_hits(pilot, query: str, expect: str) -> list[str]:
    """Open the palette, type `query`, wait for `expect` among the hits; the hits' titles."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await settle(pilot, lambda: CommandPalette.is_open(app), what="the palette")
    for ch in query:
        await pilot.press(ch)

    def hits() -> list[str]:
        options = app.screen.query_one(CommandList).options
        return [str(o.prompt).split("\n")[0] for o in options if not o.disabled]

    await settle(pilot, lambda: expect in hits(), what=f"{expect!r} for {query!r}", delay=0.02)
    await pilot.pause(0.3)  # the palette adds hits in batches: let the last one in
    return hits()


@pytest.mark.parametrize("query", ["jjb", "jiaojieban", "jiaojb"])
async def test_the_palette_finds_a_chinese_command_by_its_pinyin(demo, query):
    app = demo("zh")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads, what="the dashboard", workers=True)
        await settle(pilot, lambda: isinstance(app.screen, MainScreen), what="the first screen")
        hits = await palette_hits(pilot, query, "交接班：打开")
        assert hits[0] == "交接班：打开"
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, HandoverScreen), what="the handover")
        # on the handover screen, initials of the whole name pick one command
        hits = await palette_hits(pilot, "jjbdy", "交接班：打印")
        assert hits[0] == "交接班：打印"
        await pilot.press("escape")


def test_pinyin_reads_chinese_titles_only():
    assert pinyin_score("jjb", "交接班：打印") > pinyin_score("dy", "交接班：打印") > 0
    assert pinyin_score("jjbdy", "交接班：打印") > 0
    assert pinyin_score("jjb", "Handover: print") == 0  # the English UI: the fuzzy matcher's
    assert pinyin_score("交接", "交接班：打印") == 0  # Chinese typed: the fuzzy matcher's
    assert pinyin_score("13", "交接班：打印") == 0
    assert pinyin_score("xyz", "交接班：打印") == 0

"""Keys the officer can find (issues 12 and 13): the first screen's key legend at 100 and 140
columns in both languages, the config's [keymap] in the legend, the help screen (? and F1), the
command palette (ctrl+p) in the UI language, and the small texts around them."""

from __future__ import annotations

from datetime import datetime

import pytest
from rich.cells import cell_len
from textual.command import CommandList, CommandPalette
from textual.widgets import Checkbox

from tests.helpers import TZ, FakeClock, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.demo import build_demo
from watchdesk.files.drafts import save_draft
from watchdesk.i18n import set_language, t
from watchdesk.screens.dialogs import ConfirmDialog, Field, FormDialog
from watchdesk.screens.handover import HandoverScreen
from watchdesk.screens.help import HelpScreen
from watchdesk.screens.incident import IncidentScreen
from watchdesk.screens.main import MainScreen
from watchdesk.widgets.keylegend import NAV_IDS, KeyLegend, entry_width, pack

NOW = datetime(2026, 11, 22, 14, 29, 0, tzinfo=TZ)


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


async def loaded(pilot) -> None:
    await settle(pilot, lambda: pilot.app.loads, what="the dashboard", workers=True)
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen), what="the first screen")


# -- the key legend ------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(100, 30), (140, 45)])
async def test_the_legend_shows_every_key_whole(demo, lang, size):
    app = demo(lang)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        legend = app.screen.query_one(KeyLegend)
        lines = legend.lines(legend.size.width)
        assert legend.size.height == len(lines)  # every line is on screen
        shown = legend.legend().plain
        for key, desc in legend.entries():
            assert f" {key}  {desc} " in shown  # the key beside its description, never cut
        assert len(legend.entries()) == len(NAV_IDS)
        for line in lines:
            assert cell_len(line.plain) <= size[0]
        quit_ = " q  退出 " if lang == "zh" else " q  Quit "
        assert quit_ in shown
        if size[0] == 140:
            assert len(lines) == 1


def test_the_legend_is_packed_by_cells_not_characters():
    """Why packing by `len()` worked in English and not in Chinese: a Chinese character is one
    character but two cells, so the Chinese legend looked 27 columns narrower than it is, was
    kept on one line, and the terminal cut its end (losing "q 退出")."""
    set_language("zh")
    entries = [("f4", "换人"), ("j", "交接班"), ("z", "值班表"), ("c", "领导在岗"), ("d", "通讯录")]
    entries += [("g", "查岗"), ("y", "预警"), ("o", "人员"), ("s", "设置"), ("?", "帮助")]
    entries += [("q", "退出")]
    by_len = sum(len(k) + len(d) + 4 for k, d in entries)
    by_cells = sum(entry_width(k, d) for k, d in entries)
    assert by_len <= 100 < by_cells
    lines = pack(entries, 100)
    assert len(lines) == 2 and [e for line in lines for e in line] == entries
    assert all(sum(entry_width(k, d) for k, d in line) <= 100 for line in lines)


async def test_a_remapped_key_shows_its_new_key(demo):
    app = demo("zh", settings=Settings(keymap={"handover": "h", "help": "f9"}))
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await settle(pilot, lambda: ("h", "交接班") in app.screen.query_one(KeyLegend).entries())
        entries = app.screen.query_one(KeyLegend).entries()
        assert ("j", "交接班") not in entries
        assert ("f9", "帮助") in entries
        await pilot.press("f9")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        assert ("h", "交接班") in app.screen.lines()
        await pilot.press("escape")
        await pilot.press("h")  # the new key works
        await settle(pilot, lambda: isinstance(app.screen, HandoverScreen), what="the handover")


# -- the help screen -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_question_mark_lists_every_key_of_the_screen(demo, lang):
    app = demo(lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        help_ = app.screen
        assert isinstance(help_, HelpScreen)
        keys = dict(help_.lines())
        # The first screen's own keys, the app's (shown in the footer or not), in the UI language.
        assert keys["p"] == t("key.phone")
        assert keys["x"] == t("key.void")  # not in the footer
        assert keys["j"] == t("key.handover")
        assert keys["? / f1"] == t("key.help")
        assert keys["q / ^q"] == t("key.quit")
        assert keys["tab"] == t("key.focus_next")
        if lang == "zh":
            assert keys["j"] == "交接班" and keys["tab"] == "下一项"
        await pilot.press("question_mark")  # ? closes it
        await settle(pilot, lambda: isinstance(app.screen, MainScreen), what="the first screen")
        await pilot.press("f1")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        await pilot.press("escape")  # and Esc
        await settle(pilot, lambda: isinstance(app.screen, MainScreen), what="the first screen")


async def test_help_shows_the_screens_meaning_of_a_key_it_takes_over(demo):
    """On the handover screen `d` drops a pending item: the app's `d` (directory) is not listed."""
    app = demo("en")
    async with app.run_test(size=(140, 45)) as pilot:
        await loaded(pilot)
        await pilot.press("j")
        await settle(pilot, lambda: isinstance(app.screen, HandoverScreen), what="the handover")
        await pilot.press("f1")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        lines = app.screen.lines()
        assert ("d", t("key.ho_drop")) in lines
        assert ("d", t("key.directory")) not in lines
        assert ("p", t("key.ho_print")) in lines


# -- the command palette -------------------------------------------------------------------------
async def palette_hits(pilot, query: str) -> list[str]:
    """Open the palette, type `query`, and return the hits' texts (first line of each)."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await settle(pilot, lambda: CommandPalette.is_open(app), what="the palette")
    for ch in query:
        await pilot.press(ch)

    def hits() -> list[str]:
        options = app.screen.query_one(CommandList).options
        return [str(o.prompt).split("\n")[0] for o in options if not o.disabled]

    await settle(pilot, hits, what=f"hits for {query!r}", delay=0.02)
    return hits()


@pytest.mark.parametrize(
    "lang, query, title",
    [
        ("zh", "交接", "交接班：打开"),
        ("en", "handover", "Handover: open"),
        ("zh", "handover", "交接班：打开"),  # the English names match in Chinese too
    ],
)
async def test_the_palette_finds_the_handover_by_name(demo, lang, query, title):
    app = demo(lang)
    async with app.run_test(size=(140, 45)) as pilot:
        await loaded(pilot)
        hits = await palette_hits(pilot, query)
        assert hits[0] == title
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, HandoverScreen), what="the handover")
        # On the handover screen, its own actions: 交接班：打印 / Handover: print.
        hits = await palette_hits(pilot, "打印" if lang == "zh" else "print")
        assert ("交接班：打印" if lang == "zh" else "Handover: print") in hits
        await pilot.press("escape")


@pytest.mark.parametrize("query", ["#13", "13"])
async def test_an_incident_number_in_the_palette_opens_it(demo, query):
    app = demo("zh")
    async with app.run_test(size=(140, 45)) as pilot:
        await loaded(pilot)
        headline = app.client.call_sync(lambda s: s.incidents.get(13)).headline
        hits = await palette_hits(pilot, query)
        assert hits[0] == f"事件：打开 #13 {headline}"
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, IncidentScreen), what="#13")
        assert app.screen.incident_id == 13


async def test_the_palette_speaks_the_ui_language(demo):
    app = demo("zh")
    async with app.run_test(size=(140, 45)) as pilot:
        await loaded(pilot)
        # The footer's palette key is the console's own binding, translated.
        assert app.screen.active_bindings["ctrl+p"].binding.description == "命令"
        await pilot.press("ctrl+p")
        await settle(pilot, lambda: CommandPalette.is_open(app), what="the palette")
        palette = app.screen
        options = palette.query_one(CommandList)
        await settle(pilot, lambda: options.option_count, what="the commands")
        texts = [str(o.prompt) for o in options.options]
        assert any(x.startswith("事件：新建") for x in texts)
        assert any(x.startswith("外观：切换主题") for x in texts)
        assert not any(x.startswith(("Theme", "Keys", "Quit")) for x in texts)
        assert palette.query_one("CommandInput").placeholder == t("palette.placeholder")


# -- forms and small texts -----------------------------------------------------------------------
async def test_a_form_checkbox_shows_its_whole_box(demo):
    app = demo("en")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)

        async def submit(values):
            return values

        app.push_screen(FormDialog("t", [Field("ok", "OK", True, kind="checkbox")], submit))
        await settle(pilot, lambda: isinstance(app.screen, FormDialog), what="the form")
        box = app.screen.query_one(Checkbox)
        await settle(pilot, lambda: box.size.width, what="the layout")
        assert box.outer_size.width == 5
        assert "▌" in "".join(s.text for s in box.render_line(0))


async def test_the_draft_prompt_shows_the_desks_local_time(demo):
    app = demo("en", actor="")
    save_draft(
        app.draft_path, {"values": {"place": "东街"}, "saved_at": "2026-11-22T06:20:00+00:00"}
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the offer")
        question = app.screen.question
        assert "14:20" in question and "06:20" not in question


def test_the_keys_screens_name_are_in_both_catalogs():
    """Every literal catalog key in the console's screens and widgets is in zh and en (a missing
    one shows raw, as `roster.form.sign_in` did in the sign-in dialog's title)."""
    import re
    from pathlib import Path

    import watchdesk
    from watchdesk.i18n import _catalog

    root = Path(watchdesk.__file__).parent
    files = [root / "app.py", *(root / "screens").rglob("*.py"), *(root / "widgets").rglob("*.py")]
    literal = re.compile(r"""\bt\(\s*["']([a-z_][\w.]*[\w])["']""")
    keys = {(f.name, k) for f in files for k in literal.findall(f.read_text(encoding="utf-8"))}
    keys |= {
        ("screens/roster/forms.py", k) for k in ("roster.form.sign_in", "roster.form.sign_out")
    }
    for lang in ("zh", "en"):
        catalog = _catalog(lang)
        assert sorted(k for k in keys if k[1] not in catalog) == [], lang

"""`watchdesk --help` and a command's --help in the UI language: argparse's own words (usage,
options, show this help message and exit) and the project's help texts, from the clihelp
catalogs; English as it was. The catalogs stay in step with the code: every help text of every
command has its key, with the code's English word for word."""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path

import pytest
from rich.cells import cell_len

import watchdesk.i18n as i18n_pkg
from watchdesk.cli import build_parser, main
from watchdesk.cli.base import _ARGPARSE_HELP, _part, help_keys

CATALOGS = Path(i18n_pkg.__file__).parent
ARGPARSE_ENGLISH = [
    "usage:",
    "positional arguments",
    "options:",
    "optional arguments",
    "show this help message",
    "show program's version",
    "commands:",
]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _help(capsys, monkeypatch, *argv: str) -> str:
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit) as e:
        main([*argv, "--help"])
    assert e.value.code == 0
    return capsys.readouterr().out


def _described(out: str) -> list[str]:
    """The help texts of the options and commands listed: what follows a name on its line."""
    texts = []
    for line in out.splitlines():
        m = re.match(r"^  +(-\S.*?|[a-z][\w-]*|[A-Z]+)(?: {2,}|$)(.*)$", line)
        if m and m.group(2):
            texts.append(m.group(2))
    return texts


def _parsers(p: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """`p` and every command under it, each once (an alias names the same parser)."""
    found = [p]
    for a in p._actions:
        if isinstance(a, argparse._SubParsersAction):
            for sub in dict.fromkeys(a.choices.values()):
                found += _parsers(sub)
    return found


PARSERS = {p.path: p for p in _parsers(build_parser())}
COMMANDS = [list(path) for path in PARSERS]


def _own_texts(p: argparse.ArgumentParser) -> list[str]:
    """The English help texts `p`'s help shows: its description and epilog, its arguments' and
    its commands' lines."""
    texts = [x for x in (p.description, p.epilog) if x]
    for a in p._actions:
        if isinstance(a, argparse._SubParsersAction):
            texts += [pseudo.help for pseudo in a._choices_actions if pseudo.help]
        elif a.help and a.help != argparse.SUPPRESS and a.help not in _ARGPARSE_HELP:
            texts.append(a.help)
    return texts


def _prose(out: str) -> list[str]:
    """Runs of English words in a help (after its usage): three words or more in a row, not
    counting what is typed as it is (`code`, --options, watchdesk command lines)."""
    body = out.partition("\n\n")[2]
    body = re.sub(r"`[^`]*`|(?<![\w-])--?[\w-]+|\bwatchdesk(?: [a-z][\w-]*)+", " ", body)
    return re.findall(r"\b[A-Za-z][a-z]+(?: +[A-Za-z][a-z]+){2,}\b", body)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "watchdesk")
def test_help_in_chinese_has_no_english_of_argparse_or_ours(capsys, monkeypatch, command):
    out = _help(capsys, monkeypatch, "--lang", "zh", *command)
    assert out.startswith("用法：watchdesk")
    assert "选项" in out
    assert not [w for w in ARGPARSE_ENGLISH if w in out], out
    texts = _described(out)
    assert texts
    assert all(CJK.search(x) for x in texts), [x for x in texts if not CJK.search(x)]
    # wrapped by cells; but a single word argparse cannot break (the choices of `rollcall start
    # --set`, in its usage) is as long in English
    wide = [x for x in out.splitlines() if cell_len(x) > 100 and " " in x.strip()]
    assert not wide, out
    if not command:
        assert "命令" in out and "交接班记录" in out and "面向 7×24 小时应急值守值班室" in out
    # none of the command's English help texts is shown as it is, nor English prose of any kind
    flat = " ".join(out.split())
    english = [x for x in _own_texts(PARSERS[tuple(command)]) if re.search(r"[a-z]{3}", x)]
    assert not [x for x in english if " ".join(x.split()) in flat], out
    assert not _prose(out), out
    description = out.partition("\n\n")[2].partition("\n\n")[0]
    assert CJK.search(description), out  # the command's own line, under its usage


def test_help_in_english_is_as_it_was(capsys, monkeypatch):
    out = _help(capsys, monkeypatch, "--lang", "en")
    assert out.startswith("usage: watchdesk [-h]")
    for words in [
        "options:",
        "show this help message and exit",
        "show program's version number and exit",
        "commands:",
        "Keyboard-first console for a 24/7 emergency-management watch desk.",
        "interface language (default: from the locale)",
    ]:
        assert words in out
    assert "用法" not in out and "选项" not in out and "显示本帮助" not in out
    assert "  init          create an empty desk database (or migrate an existing one)" in out
    sub = _help(capsys, monkeypatch, "--lang", "en", "handover")
    assert "handover commands:" in sub and "shift id" in sub


def test_chinese_help_follows_the_locale(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    out = _help(capsys, monkeypatch, "serve")
    assert out.startswith("用法：") and "显示本帮助并退出" in out


def _texts(p: argparse.ArgumentParser, out: dict[str, list[str]]) -> None:
    """Every help text of `p` and the commands under it, with the keys it may have."""
    if p.description:
        part = "help" if p.description == p.command_help else "description"
        out[p.description] = help_keys(p.path, part)
    if p.epilog:
        out[p.epilog] = help_keys(p.path, "epilog")
    for a in p._actions:
        if isinstance(a, argparse._SubParsersAction):
            for pseudo in a._choices_actions:
                out[pseudo.help] = help_keys((*p.path, pseudo.dest), "help")
            for sub in dict.fromkeys(a.choices.values()):
                _texts(sub, out)
        elif a.help and a.help != argparse.SUPPRESS and a.help not in _ARGPARSE_HELP:
            out.setdefault(a.help, []).extend(help_keys(p.path, _part(a)))


def test_every_help_text_has_its_key_with_the_code_s_english():
    en = tomllib.loads((CATALOGS / "en.clihelp.toml").read_text("utf-8"))
    zh = tomllib.loads((CATALOGS / "zh.clihelp.toml").read_text("utf-8"))
    texts: dict[str, list[str]] = {}
    _texts(build_parser(), texts)
    missing = {text[:60]: keys[0] for text, keys in texts.items() if not set(keys) & set(en)}
    assert not missing, missing  # a new help text: add its key (and its translation)
    stale = {
        text[:60]: [en[k][:60] for k in keys if k in en]
        for text, keys in texts.items()
        if not any(en.get(k) == text for k in keys)
    }
    assert not stale, stale  # the code's English changed: change the catalogs with it
    assert set(zh) <= set(en), set(zh) - set(en)
    # a translation keeps the placeholders of its English
    for key in zh:
        assert set(re.findall(r"\{\w+\}", zh[key])) == set(re.findall(r"\{\w+\}", en[key])), key


# what a translation keeps as the English has it: `code`, --options, $VARIABLES, METAVARS (but
# #ID, an officer's or a record's number, is #编号 in Chinese, as the console writes it)
TYPED = re.compile(
    r"`[^`]*`|(?<![\w-])--[a-z][\w-]*|\$\w+|(?<![\w#])[A-Z][A-Z0-9]+(?=s?(?![A-Za-z0-9_]))",
    re.ASCII,
)


def test_every_help_text_is_translated_keeping_what_is_typed():
    en = tomllib.loads((CATALOGS / "en.clihelp.toml").read_text("utf-8"))
    zh = tomllib.loads((CATALOGS / "zh.clihelp.toml").read_text("utf-8"))
    assert not sorted(set(en) - set(zh))  # a help text with no Chinese shows in English
    changed = {
        key: (sorted(set(TYPED.findall(en[key]))), sorted(set(TYPED.findall(zh[key]))))
        for key in en
        if key in zh and set(TYPED.findall(en[key])) != set(TYPED.findall(zh[key]))
    }
    assert not changed, changed

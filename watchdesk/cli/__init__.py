"""Command line: opens the console, or runs a scriptable command with JSON on stdout.

Exit status: 0 success, 1 a check failed or the desk is unavailable, 2 bad input (one line on
stderr naming the field and the problem; nothing written). No traceback reaches a user unless
WATCHDESK_DEBUG is set.

Here: `main()`, the parser assembled from each noun's module (`register(commands)`), and the last
line of defence. The shared pieces (errors, JSON output, the context) are in `cli/base.py`; the
commands of a noun in the module of that name (`cli/roster.py` has `watchdesk roster …`,
`signin`, `leader-check`, `now` and `next`; `cli/desk.py` the desk as a whole: init, demo,
export, check, backup, restore and the console itself). Who is acting (`--as NAME`, else
$WATCHDESK_ACTOR) is settled at a command's first write: `cli/acting.py`.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

from watchdesk import __version__
from watchdesk.cli.base import EXIT_FAIL, EXIT_INPUT, Commands, Ctx, Parser, UserError
from watchdesk.cli.desk import cmd_demo, cmd_ui
from watchdesk.i18n import set_language


def build_parser(*, commands: bool = True) -> Parser:
    """The whole command line. `commands=False`: only the options of the console itself (see
    `parse_args`)."""
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="desk database (default: $WATCHDESK_DB, else the user data dir)",
    )
    common.add_argument(
        "--lang",
        choices=["zh", "en"],
        default=argparse.SUPPRESS,
        help="interface language (default: from the locale)",
    )
    common.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="config file (default: $WATCHDESK_CONFIG, else the user config dir)",
    )
    common.add_argument(
        "--as",
        dest="as_",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="who is acting: an officer of the desk, or an integration the config declares "
        "(default: $WATCHDESK_ACTOR); writes need one once the desk has officers",
    )

    p = Parser(
        prog="watchdesk",
        parents=[common],
        add_help=commands,
        allow_abbrev=commands,
        description="Keyboard-first console for a 24/7 emergency-management watch desk. "
        "Without a command, opens the console.",
    )
    p.add_argument("--version", action="version", version=f"watchdesk {__version__}")
    p.set_defaults(func=cmd_ui)
    if not commands:
        return p
    from watchdesk.cli import (
        area,
        correct,
        desk,
        directory,
        dutylog,
        handover,
        incident,
        officer,
        report,
        rollcall,
        roster,
        serve,
        stats,
        task,
        warning,
    )

    top = Commands(
        p.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser), common
    )
    nouns = (
        desk,
        incident,
        correct,
        dutylog,
        officer,
        roster,
        directory,
        area,
        warning,
        rollcall,
        task,
        handover,
        report,
        stats,
        serve,
    )
    for noun in nouns:
        noun.register(top)
    return p


def main(argv: list[str] | None = None) -> int:
    # Start-up builds ~100,000 objects that live as long as the process (modules, classes,
    # styles); letting the garbage collector walk them again and again while they are made
    # slows opening the console. Measured (bench/startup_pty.py, one core busy, against an
    # unchanged copy in the same run; bench/README.md finding 12): 7-17% of start-up, the one
    # start-up trick kept (issue 11: >= 10%). The console turns the collector back on once its
    # first screen is drawn (WatchdeskApp.startup_done); every other command right after parsing.
    gc.disable()
    # pydantic looks for plugins in every installed package's metadata (importlib.metadata,
    # ~8 ms of every start-up); watchdesk uses none. PYDANTIC_DISABLE_PLUGINS="" brings them back.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        return _main(argv)
    finally:
        gc.enable()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Building the parsers of all ~60 commands costs ~20 ms (argparse looks up translations on
    disk for every parser), which opening the console does not need to pay: the console's own
    options are parsed first, and only when something is left over (a command, --help, a
    mistake) is the whole command line built and parsed, with its usual help and errors. The
    first parse takes no abbreviations: `backup --ver` is `backup --verify`, not `--version`."""
    args, rest = build_parser(commands=False).parse_known_args(argv)
    if not rest:
        return args
    return build_parser().parse_args(argv)


def _main(argv: list[str] | None) -> int:
    args = parse_args(argv)
    if args.func not in (cmd_ui, cmd_demo) or getattr(args, "no_ui", False):  # not the console
        gc.enable()
    ctx = Ctx(args)
    try:
        _set_language(ctx)
        return int(args.func(ctx) or 0)
    except UserError as e:
        print(f"watchdesk: {e}", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # the last line of defence: one line, no traceback
        if os.environ.get("WATCHDESK_DEBUG"):
            raise
        message, code = _explain(e, ctx)
        print(f"watchdesk: {message}", file=sys.stderr)
        return code


def _set_language(ctx: Ctx) -> None:
    try:
        set_language(getattr(ctx.args, "lang", None) or ctx.settings.language)
    except ValueError:  # the config file's (--lang has its choices)
        from watchdesk.i18n import t

        value = repr(ctx.settings.language)
        raise UserError(t("clitext.config.language", path=ctx.config_path, value=value)) from None


def _explain(e: Exception, ctx: Ctx) -> tuple[str, int]:
    """The one line and the exit status for an error the commands let through: bad input (the
    store's InputError, an unknown id) is 2, anything else 1."""
    from watchdesk.errors import InputError, NotFound, StoreError

    if isinstance(e, (InputError, NotFound)):  # (a store error words itself in the UI language)
        return str(e), EXIT_INPUT
    if isinstance(e, StoreError):  # the desk is unavailable, damaged, busy…
        return str(e), EXIT_FAIL
    import sqlite3

    from watchdesk.store.db import explain

    if isinstance(e, sqlite3.Error):
        known = explain(e, ctx.db_path)
        if known is not None:
            return str(known), EXIT_FAIL
    return (
        f"unexpected error: {type(e).__name__}: {e} (set WATCHDESK_DEBUG=1 for details)",
        EXIT_FAIL,
    )

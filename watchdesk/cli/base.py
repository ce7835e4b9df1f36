"""What every command shares: its errors and exit statuses, the JSON it prints, the helpers that
read its arguments, the context it runs in (`with ctx.store() as s:`), and the registrar through
which each noun's module adds its commands (`register(commands)`).

One error convention. Bad input raises `InputError(field, problem)` (or a `UserError` whose
message names the field): one line on stderr, exit 2, nothing written. A command that cannot do
its work raises `Failure`: one line, exit 1. `watchdesk.cli.main` prints them; nothing here
imports `watchdesk.__main__` (under `python -m watchdesk` that would be a second copy, with
error classes of its own).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast, overload

from watchdesk.errors import InputError

if TYPE_CHECKING:
    from pydantic import ValidationError

    from watchdesk.config import Settings
    from watchdesk.models.officer import Actor, Officer
    from watchdesk.models.roster import Shift
    from watchdesk.store.desk import Store

EXIT_OK, EXIT_FAIL, EXIT_INPUT = 0, 1, 2


class UserError(Exception):
    """Bad input the user can correct; the message (one line, naming the field) is for them."""

    code = EXIT_INPUT


class Failure(UserError):
    """The command could not do its work (no desk, a file that cannot be written, a printer)."""

    code = EXIT_FAIL


# -- help in the UI language ---------------------------------------------------------------------
# argparse's own words in a help text, by what argparse writes, and the catalog's key for each.
_ARGPARSE_HELP = {
    "positional arguments": "clihelp.argparse.positionals",
    "options": "clihelp.argparse.options",
    "optional arguments": "clihelp.argparse.options",
    "show this help message and exit": "clihelp.argparse.help",
    "show program's version number and exit": "clihelp.argparse.version",
}


def help_text(keys: list[str], english: str) -> str:
    """A help text of the command line in the UI language: the first of `keys` whose English in
    the catalog is `english` as the code writes it (a key whose English has since changed is
    not used: its translation would say the old thing), else `english` as it is."""
    from watchdesk.i18n import t, using

    for key in keys:
        with using("en"):
            if t(key) != english:
                continue
        return t(key)
    return english


def help_keys(path: tuple[str, ...], part: str) -> list[str]:
    """The catalog keys of a help text: the command's own (`clihelp.roster.show.--json`…),
    then the one shared by every command that says the same (`clihelp.any.--json`)."""
    own = "clihelp." + ".".join((*path, part)) if path else f"clihelp.{part}"
    return [own, f"clihelp.any.{part}"]


def _part(action: argparse.Action) -> str:
    """An argument's name in its help's key: its first option string (`--json`), else its dest."""
    return action.option_strings[-1] if action.option_strings else action.dest


class _Localized:
    """Mixed into a parser's formatter class: the help's words in the UI language."""

    parser: Parser

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        from watchdesk.i18n import t

        if prefix is None:
            prefix = t("clihelp.argparse.usage")
        super().add_usage(usage, actions, groups, prefix)  # type: ignore[misc]

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        # argparse measures the prefix in characters: set it as as many cells of x, then put the
        # words in their place, so that the lines wrap and align by what the terminal shows
        if prefix is None or prefix.isascii():
            return super()._format_usage(usage, actions, groups, prefix)  # type: ignore[misc]
        from rich.cells import cell_len

        stand_in = "x" * cell_len(prefix)
        text = super()._format_usage(usage, actions, groups, stand_in)  # type: ignore[misc]
        return prefix + text.removeprefix(stand_in)

    def start_section(self, heading: str | None) -> None:
        from watchdesk.i18n import t

        if heading in _ARGPARSE_HELP:
            heading = t(_ARGPARSE_HELP[heading])
        elif heading == "commands":
            heading = t("clihelp.argparse.commands")
        elif heading and heading.endswith(" commands"):
            heading = t("clihelp.argparse.actions", name=heading.removesuffix(" commands"))
        super().start_section(heading)  # type: ignore[misc]

    def add_text(self, text: str | None) -> None:
        if text and text is not argparse.SUPPRESS:
            parser = self.parser
            if text == parser.description:
                part = "help" if text == parser.command_help else "description"
                text = help_text(help_keys(parser.path, part), text)
            elif text == parser.epilog:
                text = help_text(help_keys(parser.path, "epilog"), text)
        super().add_text(text)  # type: ignore[misc]

    # argparse wraps by characters; a Chinese character takes two cells of the terminal
    def _split_lines(self, text: str, width: int) -> list[str]:
        if text.isascii():
            return super()._split_lines(text, width)  # type: ignore[misc]
        from watchdesk.report.textfmt import wrap_cells

        return wrap_cells(" ".join(text.split()), max(width, 12))

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.isascii() or "\n" in text:  # (Listing's lines stay as they are written)
            return super()._fill_text(text, width, indent)  # type: ignore[misc]
        from watchdesk.report.textfmt import wrap_cells

        lines = wrap_cells(" ".join(text.split()), max(width - len(indent), 12))
        return "\n".join(indent + line for line in lines)

    def _expand_help(self, action: argparse.Action) -> str:
        from watchdesk.i18n import t

        english = action.help or ""
        if english in _ARGPARSE_HELP:
            translated = t(_ARGPARSE_HELP[english])
        elif isinstance(action, argparse._SubParsersAction._ChoicesPseudoAction):
            path = (*self.parser.path, action.dest)
            translated = help_text(help_keys(path, "help"), english)
        else:
            translated = help_text(help_keys(self.parser.path, _part(action)), english)
        if translated is english:
            return super()._expand_help(action)  # type: ignore[misc]
        saved = action.help
        action.help = translated.replace("%", "%%")
        try:
            return super()._expand_help(action)  # type: ignore[misc]
        finally:
            action.help = saved


@cache
def _localized(formatter_class: type) -> type:
    return type("Localized" + formatter_class.__name__, (_Localized, formatter_class), {})


class Parser(argparse.ArgumentParser):
    path: tuple[str, ...] = ()  # the command's words after `watchdesk` (roster, show)
    command_help: str | None = None  # its line in the list of its parent's commands

    def _get_formatter(self) -> argparse.HelpFormatter:
        formatter = _localized(cast(type, self.formatter_class))(prog=self.prog)
        formatter.parser = self
        return cast(argparse.HelpFormatter, formatter)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        # The messages of bad arguments (an id too large …) are made while parsing, before the
        # config is read: in the language --lang names, else the locale's.
        _early_language(sys.argv[1:] if args is None else list(args), top=self.top)
        return super().parse_known_args(args, namespace)

    top = True  # the whole command line; a command's parser (SubParser) sees only its part

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs["parser_class"] = SubParser
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:  # one line, status 2
        from watchdesk.i18n import t

        line = t("clitext.args.error", prog=self.prog, message=args_message(message))
        self.exit(EXIT_INPUT, line + "\n")


# argparse's messages (its English, whatever the locale), each as the catalog's words for it; the
# option names and the values given stay as argparse shows them.
_ARGPARSE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"argument (?P<name>[^:]+): (?P<message>.*)", re.S), "clitext.args.argument"),
    (re.compile(r"invalid (?P<type>\S+) value: (?P<value>.*)", re.S), "clitext.args.invalid_value"),
    (
        re.compile(r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)", re.S),
        "clitext.args.invalid_choice",
    ),
    (
        re.compile(r"the following arguments are required: (?P<names>.*)", re.S),
        "clitext.args.required",
    ),
    (re.compile(r"unrecognized arguments: (?P<args>.*)", re.S), "clitext.args.unrecognized"),
    (re.compile(r"expected one argument"), "clitext.args.expected_one"),
    (re.compile(r"expected at least one argument"), "clitext.args.expected_at_least_one"),
    (re.compile(r"not allowed with argument (?P<other>.*)", re.S), "clitext.args.not_allowed_with"),
    (
        re.compile(r"one of the arguments (?P<names>.*) is required", re.S),
        "clitext.args.one_required",
    ),
    (
        re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)", re.S),
        "clitext.args.ambiguous",
    ),
]


def args_message(message: str) -> str:
    """An argparse error message in the UI language (one it does not know: as it is)."""
    from watchdesk.i18n import t

    for pattern, key in _ARGPARSE:
        if m := pattern.fullmatch(message):
            parts = m.groupdict()
            if "message" in parts:
                parts["message"] = args_message(parts["message"])
            return t(key, **parts)
    return message


class SubParser(Parser):
    """A command's parser: it keeps the language the whole command line chose (`watchdesk --lang
    zh serve …` hands it `serve`'s arguments only), unless its own part says --lang."""

    top = False


def _early_language(argv: list[str], *, top: bool = True) -> None:
    from watchdesk.i18n import LANGS, detect_language, set_language

    lang = None
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
    if lang in LANGS or top:
        set_language(lang if lang in LANGS else detect_language())


# -- output -----------------------------------------------------------------------------------
def json_default(o: Any) -> Any:
    if isinstance(o, datetime):
        return o.isoformat()
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if hasattr(o, "value"):
        return o.value
    raise TypeError(f"cannot serialise {type(o).__name__}")


def emit(obj: Any) -> None:
    """A command's result: JSON on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=json_default) + "\n")


# -- the context ------------------------------------------------------------------------------
def login() -> str:
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "cli")


class Ctx:
    """The parsed arguments, the settings (read once, when first needed) and the desk."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self._settings: Settings | None = None

    @property
    def config_path(self) -> Path:
        from watchdesk.paths import config_path

        cfg = getattr(self.args, "config", None)
        return Path(cfg) if cfg else config_path()

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from watchdesk.config import ConfigError, load_settings

            try:
                self._settings = load_settings(  # with the desk's own settings (config.py)
                    self.config_path, desk=self.db_path, language=getattr(self.args, "lang", None)
                )
            except ConfigError as e:
                raise UserError(str(e)) from None
        return self._settings

    @property
    def db_path(self) -> Path:
        from watchdesk.paths import default_db_path

        db = getattr(self.args, "db", None)
        return Path(db) if db else default_db_path()

    def open_store(self, *, create: bool = False) -> Store:
        """The desk, opened for this command's user; the caller closes it (see `store`). Who is
        acting is settled at its first write (`--as`, see `watchdesk.cli.acting`)."""
        from watchdesk.cli.acting import CliStore, seat, settle
        from watchdesk.config import ConfigError, check_pack
        from watchdesk.models.officer import Actor

        s = self.settings
        try:
            check_pack(s)  # a missing or broken rule pack is said before anything is written
        except ConfigError as e:
            raise UserError(str(e)) from None
        store = CliStore.open(
            self.db_path,
            create=create,
            tz=s.tz,
            rule_pack=s.rule_pack,
            dispatch_within=s.dispatch_within,
            dispatch_within_where=s.describe("dispatch_within"),
            actor=Actor(name=login(), os_user=login(), seat=seat(s)),
        )
        assert isinstance(store, CliStore)

        def settle_now() -> None:
            settle(store, self.args, s)

        store.settle = settle_now
        return store

    def acting(self, store: Store) -> Actor:
        """Who is acting, settled now (a command that needs to know before it writes)."""
        from watchdesk.cli.acting import CliStore, settle

        if isinstance(store, CliStore) and store.settle is None:
            return store.acting
        actor = settle(store, self.args, self.settings)
        if isinstance(store, CliStore):
            store.settle = None
        return actor

    def act_as_if_unnamed(self, store: Store, officer: Officer) -> None:
        """Record the writes under `officer` unless --as or WATCHDESK_ACTOR names someone (an
        officer setting or changing their own PIN acts for themselves)."""
        from watchdesk.cli.acting import CliStore, given_name, officer_actor

        if given_name(self.args) is None and isinstance(store, CliStore):
            store.act_as(officer_actor(officer, self.settings))
            store.settle = None

    def act_for_dry_run(self, store: Store) -> None:
        """A dry run writes nothing (its transaction is rolled back): with no one named, it runs
        as the system actor `dry-run` rather than asking who is acting."""
        from watchdesk.cli.acting import CliStore, given_name, seat
        from watchdesk.models.officer import Actor

        if given_name(self.args) is None and isinstance(store, CliStore):
            store.act_as(Actor(name="dry-run", os_user=login(), seat=seat(self.settings)))
            store.settle = None

    @contextmanager
    def store(self, *, create: bool = False) -> Iterator[Store]:
        """`with ctx.store() as s:` the desk, closed however the block ends."""
        store = self.open_store(create=create)
        try:
            yield store
        finally:
            store.close()
        if store.read_only:  # it worked, reading: say that nothing could have been saved
            from watchdesk.i18n import t

            print(
                f"watchdesk: {t('desk.read_only_note', message=store.read_only)}", file=sys.stderr
            )


def os_problem(e: OSError) -> str:
    """Why the system refused a file or a socket, in the UI language: the common reasons (no such
    file, permission denied, a folder, not a folder, exists, a full or read-only disk, a port in
    use) worded by the catalogs; any other in the system's own words."""
    import errno

    from watchdesk.errors import os_msg
    from watchdesk.i18n import t

    key = {
        errno.ENOTDIR: "clitext.os.not_dir",
        errno.EEXIST: "clitext.os.exists",
        errno.EADDRINUSE: "clitext.os.addr_in_use",
        errno.EADDRNOTAVAIL: "clitext.os.addr_not_avail",
    }.get(e.errno or 0)
    return t(key) if key else str(os_msg(e))


# -- reading arguments: every bad value is one line naming the option, exit 2 ------------------
def read_json(src: str, option: str = "--json") -> Any:
    """The JSON in file `src` (`-`: stdin), given with --json or --set. UTF-8, with or without a
    byte-order mark (Windows tools write one); nesting too deep for the parser is bad input, not
    a RecursionError."""
    from watchdesk.i18n import t

    where = f"{option} {src}"
    try:
        if src == "-":
            raw = getattr(sys.stdin, "buffer", None)
            text = raw.read().decode("utf-8-sig") if raw else sys.stdin.read().lstrip("\ufeff")
        else:
            text = Path(src).read_text(encoding="utf-8-sig")
    except OSError as e:
        raise UserError(f"{where}: {os_problem(e)}") from None
    except UnicodeDecodeError:
        raise UserError(f"{where}: {t('cli.json.not_utf8')}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UserError(
            f"{where}: " + t("cli.json.invalid", line=e.lineno, column=e.colno, problem=e.msg)
        ) from None
    except RecursionError:
        raise UserError(f"{where}: {t('cli.json.too_deep')}") from None


def one_line(option: str, value: str | None, limit: int) -> str | None:
    """A name or short text given with `option` (--to, --by …): stripped, one line of at most
    `limit` characters, not blank; None when not given."""
    import unicodedata

    from watchdesk.i18n import t

    if value is None:
        return None
    text = value.strip()
    if not text:
        raise InputError(option, t("cli.text.blank"))
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in text):  # newlines, controls
        raise InputError(option, t("cli.text.one_line"))
    if len(text) > limit:
        raise InputError(option, t("cli.text.too_long", limit=limit))
    return text


@contextmanager
def fields_as_options(names: dict[str, str]) -> Iterator[None]:
    """Bad input the store names by its field (`at`, `to_whom`) named by the command's option
    instead (`--at`, `--to`)."""
    try:
        yield
    except InputError as e:
        if e.field not in names:
            raise
        raise InputError(names[e.field], e.problem) from None


def when(
    ctx: Ctx, name: str, value: str | None, *, now: datetime | None = None, past: bool = False
) -> datetime | None:
    """Option --`name` as a time (naive: the desk's zone; a bare `HH:MM`: that day of `now`,
    default today); None when not given. With `past` (a time something happened: a report made,
    a call received) a bare `HH:MM` is the most recent such moment, `昨HH:MM` yesterday's."""
    if value is None:
        return None
    from watchdesk.text.timefmt import parse_past_time, parse_time

    tz = ctx.settings.tz
    try:
        if past:
            dt = parse_past_time(value, tz, now=now or datetime.now(tz))
        else:
            dt = parse_time(value, tz, now=now)
    except ValueError as e:
        raise InputError(f"--{name}", str(e)) from None
    _within_years(name, value, dt.date())
    return dt


@overload
def day(name: str, value: str, default: date | None = None) -> date: ...
@overload
def day(name: str, value: str | None, default: date) -> date: ...
@overload
def day(name: str, value: str | None, default: None = None) -> date | None: ...
def day(name: str, value: str | None, default: date | None = None) -> date | None:
    """Option --`name` as a calendar day (`2026-11-22`, `2026/11/22`, `2026年11月22日`…);
    `default` when not given."""
    if value is None:
        return default
    from watchdesk.text.timefmt import parse_date

    try:
        d = parse_date(value)
    except ValueError as e:
        raise InputError(f"--{name}", str(e)) from None
    _within_years(name, value, d)
    return d


FIRST_DAY, LAST_DAY = date(2, 1, 1), date(9998, 12, 31)  # a period's days either side still fit


def _within_years(name: str, value: str, d: date) -> None:
    if not FIRST_DAY <= d <= LAST_DAY:
        from watchdesk.i18n import t

        raise InputError(f"--{name}", t("input.out_of_range", value=repr(value.strip())))


def time_in_shift(ctx: Ctx, name: str, value: str | None, shift: Shift) -> datetime | None:
    """Option --`name` as a time during `shift`: a bare `HH:MM` is the one inside it (a night
    shift crosses midnight); None when not given."""
    if not value:
        return None
    from watchdesk.text.timefmt import parse_time_in_shift

    try:
        return parse_time_in_shift(value, ctx.settings.tz, shift.starts_at)
    except ValueError as e:
        raise InputError(f"--{name}", str(e)) from None


def invalid(e: ValidationError, *, prefix: str = "", default: str = "") -> InputError:
    """A model's first validation error as bad input: the field is the error's location (with
    `prefix`, e.g. `--`), or `default` for an error of the whole object."""
    err = e.errors()[0]
    return InputError(prefix + (".".join(str(p) for p in err["loc"]) or default), err["msg"])


def write_output(path: str | Path, data: bytes | str, option: str = "--output") -> None:
    """Write a command's file given with --output, mode 0600 (it carries names and phones), whole
    or not at all; a file that cannot be written fails (exit 1)."""
    from watchdesk.files.output import write_private

    try:
        write_private(path, data)
    except OSError as e:
        raise Failure(f"{option} {path}: {os_problem(e)}") from None


# -- PINs: never in JSON, never in a file ----------------------------------------------------------
class PinInput:
    """The PINs one command reads: an option's value (`-`: the next line of stdin), else a prompt
    without echo when stdin is a terminal, else the next line of stdin."""

    def __init__(self) -> None:
        self.tty = _isatty()

    def _line(self, option: str) -> str:
        try:
            line = sys.stdin.readline()
        except (OSError, ValueError):
            line = ""
        pin = line.rstrip("\r\n")
        if not pin:
            raise InputError(option, "clitext.pin.none_given", option=option)
        return pin

    def read(self, value: str | None, prompt: str, option: str, *, confirm: bool = False) -> str:
        if value is not None and value != "-":
            return value
        if value is None and self.tty:
            import getpass

            pin = getpass.getpass(prompt)
            from watchdesk.i18n import t

            if confirm and getpass.getpass(t("clitext.pin.prompt_again")) != pin:
                raise InputError(option, "clitext.pin.differ")
            return pin
        return self._line(option)


def _isatty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


SQLITE_MAX = 2**63 - 1


def sql_int(text: str) -> int:
    """`type=` of an argument that the desk looks up or stores (an id, a limit): a whole number
    SQLite can hold."""
    n = int(text)  # a ValueError is argparse's "invalid int value: 'x'"
    if abs(n) > SQLITE_MAX:
        from watchdesk.i18n import t

        raise argparse.ArgumentTypeError(t("input.too_large", value=text.strip(), max=SQLITE_MAX))
    return n


sql_int.__name__ = "int"  # argparse names the type in its message: "invalid int value"


def int_up_to(limit: int) -> Callable[[str], int]:
    """`type=` of a whole-number argument that sizes something (a width, a count): at most
    `limit`, so that a typo of twenty digits is bad input, not a crash or a giant allocation."""

    def parse(text: str) -> int:
        n = int(text)
        if abs(n) > limit:
            from watchdesk.i18n import t

            raise argparse.ArgumentTypeError(t("input.at_most", value=text.strip(), max=limit))
        return n

    parse.__name__ = "int"
    return parse


class Listing(argparse.HelpFormatter):
    """`formatter_class` of a command whose epilog lists fields or kinds, one a line: a text of
    several lines is shown as it is written; a one-line description is wrapped as usual."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" not in text:
            return super()._fill_text(text, width, indent)
        return "".join(indent + line for line in text.splitlines(keepends=True))


def json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="JSON output (the only format)")


# -- registering commands ---------------------------------------------------------------------
Command = Callable[[Ctx], int]


def help_only(parser: argparse.ArgumentParser) -> Command:
    """A noun given without its action: its help, exit 2."""

    def show(ctx: Ctx) -> int:
        parser.print_help()
        return EXIT_INPUT

    return show


class Commands:
    """One level of commands. Each noun's module adds its own in `register(commands)`; every
    command takes the common options (--db, --lang, --config)."""

    def __init__(self, action: Any, common: Parser, path: tuple[str, ...] = ()):
        self._action = action  # argparse's subparsers action
        self._common = common
        self._path = path  # the words of the command these are actions of

    def _parser(self, name: str, help: str, **kw: Any) -> Parser:
        p: Parser = self._action.add_parser(name, help=help, **kw)
        p.path, p.command_help = (*self._path, name), help  # its help's keys (`help_keys`)
        return p

    def add(self, name: str, func: Command | None, help: str) -> Parser:
        """A command: `help` is also its description (every command has --help). `func` None:
        only its actions run (see `under`); alone, it shows its help."""
        p = self._parser(name, help, parents=[self._common], description=help)
        p.set_defaults(func=func or help_only(p))
        return p

    def group(self, name: str, help: str, description: str | None = None) -> Commands:
        """A noun whose actions are commands (`watchdesk roster show`); alone, its help."""
        g = self._parser(name, help, description=description or help)
        g.set_defaults(func=help_only(g))
        return self.under(g, name)

    def under(self, parser: Parser, name: str) -> Commands:
        """Actions under `parser`, a command of its own (`watchdesk handover sign`)."""
        action = parser.add_subparsers(
            title=f"{name} commands", metavar="ACTION", parser_class=Parser
        )
        return Commands(action, self._common, parser.path)

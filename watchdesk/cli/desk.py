"""The desk as a whole: the console itself (`watchdesk` without a command), `init`, `demo`,
`export`, `check`, and the backups (`backup`, `restore`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchdesk.cli.base import (
    EXIT_FAIL,
    EXIT_OK,
    Commands,
    Ctx,
    Failure,
    UserError,
    emit,
    json_default,
    login,
    write_output,
)

if TYPE_CHECKING:
    from watchdesk.models.officer import Actor
    from watchdesk.store.audit import CheckResult


def cmd_ui(ctx: Ctx) -> int:
    """The console (`watchdesk` with no command). `--as NAME` names the officer at the keyboard
    (see `console_as`); without it the console asks. The desk's own settings apply (see
    `watchdesk.startup`); a rule pack that cannot be used stops it before the screen starts."""
    if not ctx.db_path.exists():
        raise Failure(
            f"no desk database at {ctx.db_path}; create one with `watchdesk init` "
            f"or try `watchdesk demo`"
        )
    actor, propose = console_as(ctx)
    _console(ctx, ctx.db_path, actor=actor, propose=propose)
    return EXIT_OK


def console_as(ctx: Ctx) -> tuple[str | Actor, int | None]:
    """Who the console opens as: with `--as NAME`, that officer, who must be active and on the
    shift on duty or an administrator (else exit 2, the console not opened); on a desk that
    requires PINs (`handover_pin`), the console asks for their PIN, with them proposed. Without
    `--as` (WATCHDESK_ACTOR is for the command line's writes), the login: the console asks."""
    from watchdesk.cli.acting import console_officer
    from watchdesk.startup import default_clock

    name = getattr(ctx.args, "as_", None)
    if name is None:
        return login(), None
    with ctx.store() as s:
        officer = console_officer(s, ctx.settings, name, default_clock())
    if ctx.settings.handover_pin:
        return login(), officer.officer_id
    return officer, None


def _console(ctx: Ctx, path: Path, **kwargs: Any) -> None:
    from watchdesk.config import ConfigError
    from watchdesk.startup import open_console

    try:
        app = open_console(path, settings=ctx.settings, **kwargs)
    except ConfigError as e:
        raise UserError(str(e)) from None
    app.run()


def cmd_init(ctx: Ctx) -> int:
    """A new desk, or an existing one migrated. An empty file (0 bytes, no write-ahead log: what
    `touch` or a mktemp leaves) becomes a new desk here, and only here, and says so; every other
    command refuses it (it may be a desk that was emptied: restore a backup). A file that is not
    a desk is refused (`Store.open`)."""
    from watchdesk.i18n import t
    from watchdesk.store.db import is_empty

    existed = ctx.db_path.exists()
    was_empty = existed and is_empty(ctx.db_path)
    with ctx.store(create=True):
        pass
    key = (
        "desk.init.empty_file"
        if was_empty
        else "desk.init.opened"
        if existed
        else "desk.init.created"
    )
    print(t(key, path=ctx.db_path), file=sys.stderr)
    return EXIT_OK


def cmd_demo(ctx: Ctx) -> int:
    from watchdesk.demo import build_demo, default_demo_path

    db = getattr(ctx.args, "db", None)  # --db is left out of args when not given
    path = Path(db) if db else default_demo_path()
    build_demo(path, settings=ctx.settings, force=ctx.args.force)
    if ctx.args.no_ui:
        from watchdesk.i18n import t

        print(t("clitext.desk.demo_written", path=path), file=sys.stderr)
        return EXIT_OK
    _console(ctx, path, actor=login())
    return EXIT_OK


def cmd_export(ctx: Ctx) -> int:
    with ctx.store() as s:
        data = s.export()
    text = json.dumps(data, ensure_ascii=False, indent=1, default=json_default) + "\n"
    if ctx.args.output:
        write_output(ctx.args.output, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def check_json(res: CheckResult) -> dict[str, Any]:
    return {
        "ok": res.ok,
        "integrity": res.integrity,
        "audit_entries": res.audit_entries,
        "problems": res.problems,
    }


def cmd_check(ctx: Ctx) -> int:
    from watchdesk.cli.backup import backup_warnings
    from watchdesk.cli.handover import font_warnings
    from watchdesk.cli.tamper import against_anchor, check_anchors, summary, typed_heads

    typed, against = typed_heads(ctx), against_anchor(ctx)  # bad input: exit 2 before reading
    with ctx.store() as s:
        res = s.check()
        # the chain against the anchors outside the file (sheets, backups, typed; issue 18)
        anchors = check_anchors(ctx, s, typed, against) if res.integrity == "ok" else None
    ok = res.ok and not (anchors and anchors.problems)
    warnings = font_warnings(ctx)  # said, but not a failure: the desk's records are intact
    warnings += backup_warnings(ctx)  # backups on the desk's own disk (cli/backup.py)
    if ctx.args.json:
        out = check_json(res) | {"warnings": warnings}
        if anchors is not None:
            out |= {"ok": ok, "problems": [*res.problems, *anchors.problems]}
            out["anchors"] = anchors.to_json()
        emit(out)
    else:
        from watchdesk.i18n import t

        print(t("clitext.desk.integrity", result=res.integrity))
        n, bad = res.audit_entries, len(res.problems)
        chain = "clitext.desk.chain_problems" if bad else "clitext.desk.chain_verified"
        print(t(chain, n=n, problems=bad))
        for p in res.problems:
            print(f"  - {p}")
        for line in summary(anchors) if anchors is not None else []:
            print(line)
        for p in anchors.problems if anchors is not None else []:
            print(f"  - {p}")
        for w in warnings:
            print(w)
    return EXIT_OK if ok else EXIT_FAIL


# -- backups: watchdesk backup / restore (cli/backup.py) --------------------------------------
def cmd_backup(ctx: Ctx) -> int:
    from watchdesk.cli.backup import cmd_backup as run

    return run(ctx)


def cmd_restore(ctx: Ctx) -> int:
    from watchdesk.cli.backup import cmd_restore as run

    return run(ctx)


def register(commands: Commands) -> None:
    commands.add("init", cmd_init, "create an empty desk database (or migrate an existing one)")
    p = commands.add("demo", cmd_demo, "write a demo desk with realistic Chinese data and open it")
    p.add_argument("--no-ui", action="store_true", help="only write the file")
    p.add_argument(
        "--force", action="store_true", help="overwrite the file even if it is not a demo desk"
    )
    p = commands.add("export", cmd_export, "export the whole desk")
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    p = commands.add(
        "check",
        cmd_check,
        "integrity check and audit-chain verification (exit 1 when either fails)",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--anchor",
        action="append",
        metavar="N:HASH",
        help="an audit chain head as printed on a handover sheet (entry number and 8+ hex "
        "digits of its hash): the chain must still hold it (repeatable)",
    )
    p.add_argument(
        "--against",
        metavar="BACKUP",
        help="compare the audit chain with a backup's (a file, or its name from "
        "`watchdesk backup --list`) and name the first entry where they differ",
    )

    p = commands.add(
        "backup",
        cmd_backup,
        "record a restore point now (the desk's Litestream replica brought up to date; safe "
        "while consoles are writing); --full writes a full copy instead; --list shows them",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="write a full, standalone copy of the desk (to move it elsewhere) instead of a "
        "restore point",
    )
    p.add_argument(
        "--reason",
        choices=["manual", "handover", "daily"],
        default="manual",
        help="recorded in the file name; each reason is rotated on its own (default: manual)",
    )
    p.add_argument(
        "--dir", metavar="DIR", help="backup folder (default: <desk folder>/backups/<desk name>/)"
    )
    p.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="keep the newest N backups (restore points, or full copies with --full) of this "
        "reason (default: handover 14, daily 14, manual 10)",
    )
    p.add_argument(
        "--verify",
        action="store_true",
        help="also run the integrity check and "
        "the audit-chain check on the new backup (exit 1 if it fails)",
    )
    p.add_argument("--list", action="store_true", help="list this desk's backups, newest first")
    p.add_argument("--json", action="store_true", help="JSON output")
    p = commands.add(
        "restore",
        cmd_restore,
        "replace the desk with a verified backup (the current desk is backed up first)",
    )
    p.description = (
        "Replace the desk with a restore point (rebuilt from the replica) or a full copy. The "
        "backup is verified first (integrity, audit chain and its anchors); the current desk is backed up (reason pre-restore) or, if damaged, set aside "
        "in the backup folder. Consoles may stay open unless the desk file is missing or "
        "unreadable. Asks for confirmation on a terminal; otherwise refuses without --yes."
    )
    p.add_argument(
        "backup",
        metavar="BACKUP",
        nargs="?",
        help="a restore point's name, a full copy's file, or its name in the backup folder "
        "(see `watchdesk backup --list`)",
    )
    p.add_argument(
        "--at",
        metavar="TIME",
        help="restore the newest restore point at or before TIME (e.g. '2026-12-03 08:00', in "
        "the desk's time zone)",
    )
    p.add_argument(
        "--yes", action="store_true", help="do not ask; required when stdin is not a terminal"
    )
    p.add_argument(
        "--dir", metavar="DIR", help="backup folder (default: <desk folder>/backups/<desk name>/)"
    )
    p.add_argument("--json", action="store_true", help="JSON output")

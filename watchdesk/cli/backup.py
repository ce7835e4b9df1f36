"""`watchdesk backup` and `watchdesk restore` (registered in cli/desk.py).

    watchdesk backup [--reason manual|handover|daily] [--verify] [--json]   a restore point
    watchdesk backup --full [--dir DIR] [--keep N]                            a full copy
    watchdesk backup --list [--json]
    watchdesk restore NAME|FILE [--yes]        a restore point by name, or a full copy
    watchdesk restore --at TIME [--yes]        the newest restore point at or before TIME

A restore point brings the desk's Litestream replica up to date (through the console's
replicator when one runs, else one replication) and records the time, the transaction and the
audit chain head (store/replica.py). A full copy is a standalone SQLite file, for moving a desk.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from watchdesk.cli.base import EXIT_FAIL, EXIT_OK, Ctx, Failure, UserError, emit
from watchdesk.i18n import t


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n < 1e9 else f"{n / 1e9:,.2f} GB"


def warn_same_device(ctx: Ctx, folder: str | None) -> str | None:
    """The same-disk warning, in the UI language, or None."""
    from watchdesk.store import replica

    if replica.same_device(ctx.db_path, folder):
        lay = replica.layout(ctx.db_path, folder)
        return t("backup.same_device", folder=lay.folder, desk=ctx.db_path)
    return None


def cmd_backup(ctx: Ctx) -> int:
    from watchdesk.cli.desk import check_json
    from watchdesk.store import backup as backups
    from watchdesk.store import replica

    a = ctx.args
    folder = a.dir or ctx.settings.backup_dir
    if a.list:
        return _list(ctx, folder)
    if a.keep is not None and a.keep < 1:
        raise UserError(t("clitext.backup.keep"))
    if not ctx.db_path.exists():
        raise Failure(t("err.backup.no_desk", path=ctx.db_path))
    backups.sweep(ctx.db_path, folder)
    keep = a.keep or ctx.settings.backup_keep
    if a.full:
        info = backups.take(ctx.db_path, reason=a.reason, directory=folder, keep=keep)
        out: dict[str, Any] = info.to_json()
        target = info.path
    else:
        point = replica.take_point(ctx.db_path, reason=a.reason, directory=folder, keep=keep)
        out = point.to_json()
    ok = True
    if a.verify:
        if a.full:
            res = backups.verify(target)
        else:
            lay = replica.layout(ctx.db_path, folder)
            cand, _ = replica.restore_candidate(lay, txid=point.txid)
            try:
                res = backups.verify(cand)
            finally:
                replica.remove_candidate(cand)
        out["check"], ok = check_json(res), res.ok
    if a.json:
        emit(out)
    else:
        if a.full:
            print(t("backup.full.taken", path=info.path, size=f"{info.size:,}"))
        else:
            print(
                t(
                    "backup.point.taken",
                    name=point.name,
                    head=point.head.short if point.head else "-",
                    added=_mb(point.added_bytes),
                    seconds=f"{point.seconds:.2f}",
                )
            )
        if a.verify:
            result = "ok" if ok else "; ".join(out["check"]["problems"][:3])
            print(t("backup.verified", result=result))
    # Said after the backup is taken: a failed one's only line is its error.
    warning = warn_same_device(ctx, folder)
    if warning:
        print(warning, file=sys.stderr)
    return EXIT_OK if ok else EXIT_FAIL


def _list(ctx: Ctx, folder: str | None) -> int:
    from watchdesk.store import backup as backups
    from watchdesk.store import replica

    items = backups.list_backups(ctx.db_path, folder)
    points = replica.list_points(ctx.db_path, folder)
    lay = replica.layout(ctx.db_path, folder)
    if ctx.args.json:
        emit([*[p.to_json() for p in points], *[b.to_json() for b in items]])
        return EXIT_OK
    if not items and not points:
        print(t("backup.list.none", desk=ctx.db_path, folder=lay.folder), file=sys.stderr)
        return EXIT_OK
    tz = ctx.settings.tz
    for p in points:
        print(
            t(
                "backup.list.point",
                name=p.name,
                reason=p.reason,
                at=f"{p.taken_at.astimezone(tz):%Y-%m-%d %H:%M:%S}",
                head=p.head.short if p.head else "-",
                added=_mb(p.added_bytes),
            )
        )
    for b in items:
        print(
            t(
                "backup.list.full",
                path=b.path,
                reason=b.reason,
                at=f"{b.taken_at.astimezone(tz):%Y-%m-%d %H:%M:%S}",
                size=f"{b.size:,}",
            )
        )
    if points:
        desk_size = ctx.db_path.stat().st_size if ctx.db_path.exists() else 0
        print(
            t(
                "backup.list.replica",
                size=_mb(replica.replica_bytes(lay)),
                folder=lay.folder,
                desk_size=_mb(desk_size),
                plan=_mb(replica.disk_plan(desk_size)),
            )
        )
    return EXIT_OK


def _parse_at(ctx: Ctx, text: str) -> datetime:
    raw = text.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=ctx.settings.tz).astimezone(UTC)
        except ValueError:
            pass
    try:
        got = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(t("backup.restore.bad_time", value=text)) from None
    return (got if got.tzinfo else got.replace(tzinfo=ctx.settings.tz)).astimezone(UTC)


def cmd_restore(ctx: Ctx) -> int:
    from watchdesk.store import backup as backups
    from watchdesk.store import replica

    a = ctx.args
    folder = a.dir or ctx.settings.backup_dir
    point: replica.RestorePoint | None = None
    src: Path | None = None
    if a.at:
        when = _parse_at(ctx, a.at)
        point = replica.point_at(when, ctx.db_path, folder)
        if point is None:
            raise UserError(t("backup.point.none_before", at=a.at))
    elif a.backup:
        point = replica.find_point(a.backup, ctx.db_path, folder)
        if point is None:
            try:
                src = backups.find(a.backup, ctx.db_path, folder)
            except backups.BackupError:
                raise UserError(t("backup.point.not_found", name=a.backup)) from None
    else:
        raise UserError(t("backup.restore.what"))
    source = point.name if point is not None else str(src)
    if not a.yes:
        if not sys.stdin.isatty():
            raise UserError(t("backup.restore.needs_yes"))
        print(
            t("backup.restore.confirm", desk=ctx.db_path, source=source),
            end="",
            file=sys.stderr,
            flush=True,
        )
        if sys.stdin.readline().strip().lower() not in ("yes", "y", "是"):
            raise Failure(t("backup.restore.cancelled"))
    if point is not None:
        res = backups.restore_point(point, ctx.db_path, directory=folder)
    else:
        assert src is not None
        res = backups.restore(src, ctx.db_path, directory=folder)
    if a.json:
        emit(res.to_json())
    else:
        print(t("backup.restore.done", desk=ctx.db_path, source=source))
        if res.pre_restore:
            print(t("backup.restore.pre", path=res.pre_restore.path))
        for p in res.set_aside:
            print(t("backup.restore.set_aside", path=p))
        result = "ok" if res.check.ok else "; ".join(res.check.problems[:3])
        print(t("backup.restore.check", result=result))
    return EXIT_OK if res.check.ok else EXIT_FAIL


def backup_warnings(ctx: Ctx) -> list[str]:
    """For `watchdesk check`: said, not a failure."""
    w = warn_same_device(ctx, ctx.settings.backup_dir)
    return [w] if w else []

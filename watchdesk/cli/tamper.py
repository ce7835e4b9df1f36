"""`watchdesk check`'s anchors (issue 18): the audit chain against the heads recorded outside the
desk file — the frozen handover sheets, the backups, `--anchor N:HASH` typed from a printed sheet
and `--against BACKUP` — and where history diverges. The schema's own check is part of
`Store.check` (store/schema.py). The command itself is `cmd_check` in cli/desk.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchdesk.cli.base import UserError

if TYPE_CHECKING:
    from watchdesk.cli.base import Ctx
    from watchdesk.models.audit import ChainHead
    from watchdesk.store.anchors import Anchor
    from watchdesk.store.desk import Store


@dataclass
class AnchorCheck:
    checked: int = 0
    sheets: int = 0
    backups: int = 0
    typed: int = 0
    problems: list[str] = field(default_factory=list)
    divergence: int | None = None
    newest: int | None = None  # the newest anchor that still matches
    lines: list[str] = field(default_factory=list)  # what is said beyond the problems

    def to_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "handover_sheets": self.sheets,
            "backups": self.backups,
            "typed": self.typed,
            "divergence": self.divergence,
            "newest_matching": self.newest,
            "problems": self.problems,
        }


def typed_heads(ctx: Ctx) -> list[ChainHead]:
    """`--anchor N:HASH` (repeatable), each as typed from a printed sheet; anything else is bad
    input (exit 2) before the desk is opened."""
    from watchdesk.i18n import t
    from watchdesk.models.audit import ChainHead

    heads = []
    for text in getattr(ctx.args, "anchor", None) or []:
        head = ChainHead.parse(text)
        if head is None:
            raise UserError(t("tamper.cli.bad_anchor", value=repr(text)))
        heads.append(head)
    return heads


def against_anchor(ctx: Ctx) -> Anchor | None:
    """`--against BACKUP`: a backup file, its name in the backup folder, or a restore point's
    name (`watchdesk backup --list`); checked readable before the desk is opened (exit 2
    otherwise). A file is compared entry by entry; a restore point by the head it recorded."""
    import sqlite3

    from watchdesk.errors import Msg
    from watchdesk.i18n import t
    from watchdesk.store import anchors as anc
    from watchdesk.store import backup as backups

    value = getattr(ctx.args, "against", None)
    if not value:
        return None
    folder = ctx.settings.backup_dir
    try:
        path = Path(backups.find(value, ctx.db_path, folder))
    except backups.BackupError:
        path = Path(value)
    if not path.is_file():
        for a in anc.backup_anchors(ctx.db_path, folder):
            if a.path is None and str(a.source) == str(Msg("tamper.source.backup", name=value)):
                return a
        raise UserError(t("tamper.cli.against_missing", value=value))
    try:
        anc.open_readonly(path).close()
    except sqlite3.Error as e:
        raise UserError(t("tamper.cli.against_unreadable", value=value, why=e)) from None
    return anc.Anchor(
        anc.ChainHead(seq=0, hash="0" * 8), Msg("tamper.source.backup", name=path.name), path
    )


def check_anchors(
    ctx: Ctx, s: Store, typed: list[ChainHead], against: Anchor | None
) -> AnchorCheck:
    """Every known anchor (frozen sheets, backups), the typed ones and the backup named by
    `--against`, against the desk's chain (which `Store.check` has walked already)."""
    from watchdesk.i18n import t
    from watchdesk.store import anchors as anc

    sheets = anc.sheet_anchors(s.db)
    backups = anc.backup_anchors(ctx.db_path, ctx.settings.backup_dir)
    if against is not None:  # counted once, as --against
        backups = [b for b in backups if not _same_anchor(b, against)]
    extra: list[Anchor] = anc.typed_anchors(typed)
    out = AnchorCheck(sheets=len(sheets), backups=len(backups), typed=len(typed))
    mine = None
    if against is not None:
        mine = anc.file_anchor(against.path) if against.path is not None else against
        name = against.path.name if against.path is not None else str(against.source)
        if mine is None:
            out.lines.append(t("tamper.cli.against_empty", name=name))
        else:
            extra.append(mine)
            out.backups += 1
    every = sheets + backups + extra
    rep = anc.check_anchors(s.db, every, chain_verified=True)
    out.checked = rep.checked
    out.problems = list(rep.problems)
    out.divergence = rep.divergence
    out.newest = rep.latest_good.seq if rep.latest_good else None
    if mine is not None and not out.problems:
        out.lines.append(t("tamper.cli.against_ok", name=name, n=mine.head.seq))
    return out


def _same_anchor(a: Anchor, b: Anchor) -> bool:
    if a.path is not None and b.path is not None:
        return _same(a.path, b.path)
    return a.path is None and b.path is None and str(a.source) == str(b.source)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def summary(res: AnchorCheck) -> list[str]:
    """The anchors' lines of `check`'s text output, in the UI language."""
    from watchdesk.i18n import t

    if not res.checked:
        return [*res.lines, t("tamper.cli.anchors_none")]
    detail = t("tamper.cli.anchors_detail", sheets=res.sheets, backups=res.backups, typed=res.typed)
    state = (
        t("tamper.cli.problems", n=len(res.problems))
        if res.problems
        else t("tamper.cli.anchors_ok", seq=res.newest)
    )
    return [t("tamper.cli.anchors", n=res.checked, detail=detail, state=state), *res.lines]

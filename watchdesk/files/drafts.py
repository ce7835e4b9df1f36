"""Crash-safe drafts of a half-typed intake form: one small JSON file per desk, seat and officer,
written atomically (temp file, fsync, rename: files.output) so a kill never leaves a torn draft.

A draft belongs to a seat (the terminal, or the browser tab of `watchdesk serve`) and to the
officer at it: two tabs, or two officers, never write or restore the same draft. A seat does not
outlive its console (a new terminal or tab is a new seat), so when this seat has no draft, a draft
of the same login and officer is offered too if the console that wrote it is no longer running on
this machine (it crashed, or its terminal or tab was closed): never one another console still
writes.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import re
import socket
from pathlib import Path
from typing import Any

from watchdesk.files.output import write_private

WRITER = "writer"  # the draft's key naming the process that wrote it


def _slug(text: str) -> str:
    """A file-name part without the separator `-` (`tty:/dev/pts/3` -> `tty__dev_pts_3`)."""
    return re.sub(r"\W", "_", text)[:80] or "_"


def _prefix(db_path: Path, user: str, officer: str) -> str:
    return f"{db_path.name}.draft-{_slug(user)}-{_slug(officer)}-"


def draft_path(db_path: Path, seat: str, officer: str, user: str | None = None) -> Path:
    """This seat's draft for this officer (`officer`: a key that tells officers apart, such as
    `o12` for officer #12) and this login (default: the current one)."""
    user = user or getpass.getuser()
    return db_path.parent / f"{_prefix(db_path, user, officer)}{_slug(seat)}.json"


def save_draft(path: Path, data: dict[str, Any]) -> None:
    data = data | {WRITER: {"pid": os.getpid(), "host": socket.gethostname()}}
    write_private(path, json.dumps(data, ensure_ascii=False))


def load_draft(path: Path) -> dict[str, Any] | None:
    """The draft, or None. A corrupt draft is moved aside (never silently deleted)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return None
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("values"), dict):
            raise ValueError("not a draft")
        return data
    except ValueError:
        os.replace(path, path.with_suffix(".corrupt"))
        return None


def clear_draft(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _writer_gone(data: dict[str, Any]) -> bool:
    """Whether the console that wrote the draft is known to have ended: it ran on this machine
    and its process is gone. This process, another machine, or no writer named: not known."""
    writer = data.get(WRITER)
    if not isinstance(writer, dict) or writer.get("host") != socket.gethostname():
        return False
    pid = writer.get("pid")
    if not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, owned by someone else
        return False
    return False


def restorable_draft(
    db_path: Path, seat: str, officer: str, user: str | None = None
) -> Path | None:
    """The draft to offer this seat's officer: this seat's own, else the newest draft of the same
    login and officer whose console is no longer running (see the module's description)."""
    mine = draft_path(db_path, seat, officer, user)
    if load_draft(mine) is not None:
        return mine
    prefix = _prefix(db_path, user or getpass.getuser(), officer)
    found: list[tuple[str, Path]] = []
    with contextlib.suppress(OSError):
        for p in db_path.parent.iterdir():
            if p == mine or not (p.name.startswith(prefix) and p.name.endswith(".json")):
                continue
            data = load_draft(p)
            if data is not None and _writer_gone(data):
                found.append((str(data.get("saved_at", "")), p))
    if found:
        return max(found)[1]
    # Written by a console from before drafts had seats: one per login.
    old_user = re.sub(r"[^\w.-]", "_", user or getpass.getuser())
    legacy = db_path.parent / f"{db_path.name}.draft-{old_user}.json"
    return legacy if load_draft(legacy) is not None else None

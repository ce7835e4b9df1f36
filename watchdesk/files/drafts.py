"""Crash-safe drafts of a half-typed intake form: one small JSON file per user and desk, written
atomically (temp file, fsync, rename: files.output) so a kill never leaves a torn draft."""

from __future__ import annotations

import getpass
import json
import os
import re
from pathlib import Path
from typing import Any

from watchdesk.files.output import write_private


def draft_path(db_path: Path, user: str | None = None) -> Path:
    user = user or getpass.getuser()
    safe = re.sub(r"[^\w.-]", "_", user)
    return db_path.parent / f"{db_path.name}.draft-{safe}.json"


def save_draft(path: Path, data: dict[str, Any]) -> None:
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

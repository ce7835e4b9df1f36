"""Sending a file to the system print queue through CUPS (`lp`). Never fails silently: every
failure is a PrintError whose message says what is wrong, and callers offer the file instead."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path


class PrintError(Exception):
    pass


def print_file(
    path: Path, printer: str | None, *, title: str = "watchdesk", timeout: float = 20.0
) -> str:
    """Queue `path` on `printer` (the CUPS default when None). Returns the job id."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError("no print system: CUPS's `lp` command is not installed")
    cmd = [lp, "-t", title]
    if printer:
        cmd += ["-d", printer]
    cmd.append(str(path))
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise PrintError(f"the print system did not answer within {timeout:.0f} s") from None
    except OSError as e:
        raise PrintError(f"cannot run lp: {e.strerror}") from None
    if p.returncode != 0:
        msg = (p.stderr or p.stdout).strip().splitlines()
        raise PrintError(f"printing failed: {msg[-1] if msg else 'lp exit ' + str(p.returncode)}")
    m = re.search(r"request id is (\S+)", p.stdout)
    return m.group(1) if m else p.stdout.strip()

"""Sending a file to the system print queue through CUPS (`lp`). Never fails silently: every
failure is a PrintError whose message says what is wrong, and callers offer the file instead."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from watchdesk.errors import StoreError


class PrintError(StoreError):
    """Printing failed: the message says why (callers say what happened to the file)."""


# What `lp` says when CUPS refuses a job, and the message for it.
_LP_SAYS = (
    ("no default destination", "err.print.no_default"),
    ("does not exist", "err.print.no_printer"),
    ("not accepting jobs", "err.print.not_accepting"),
)


def print_file(
    path: Path, printer: str | None, *, title: str = "watchdesk", timeout: float = 20.0
) -> str:
    """Queue `path` on `printer` (the CUPS default when None). Returns the job id."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError("err.print.no_lp")
    cmd = [lp, "-t", title]
    if printer:
        cmd += ["-d", printer]
    cmd.append(str(path))
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise PrintError("err.print.timeout", seconds=f"{timeout:.0f}") from None
    except OSError as e:
        raise PrintError("err.print.cannot_run", why=e.strerror or str(e)) from None
    if p.returncode != 0:
        msg = (p.stderr or p.stdout).strip().splitlines()
        why = msg[-1] if msg else f"lp exit {p.returncode}"
        known = next((key for words, key in _LP_SAYS if words in why.lower()), None)
        if known == "err.print.no_default" or (known and not printer):
            raise PrintError("err.print.no_default", error=why)
        if known:  # CUPS's usual refusals in the UI language (its own words kept in English)
            raise PrintError(known, printer=printer, error=why)
        raise PrintError("err.print.failed", why=why)
    m = re.search(r"request id is (\S+)", p.stdout)
    return m.group(1) if m else p.stdout.strip()

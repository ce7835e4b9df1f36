"""Sending a file to the system print queue through CUPS (`lp`). Never fails silently: every
failure is a PrintError whose message, wholly in the UI language and without closing punctuation
(callers add what happened to the file), says what is wrong; `lp`'s own words stay in `detail`
for the log. `print_data` prints bytes through a private temporary folder that is removed once
`lp` has queued the job (CUPS keeps its own copy), whether it succeeded or not."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from watchdesk.errors import StoreError


class PrintError(StoreError):
    """Printing failed: the message says why (callers say what happened to the file); `detail`
    keeps what `lp` said, untranslated."""

    detail: str = ""


# What `lp` says when CUPS refuses a job, and the message for it (the first match wins).
_LP_SAYS = (
    ("scheduler not responding", "print.no_scheduler"),
    ("unable to connect", "print.no_scheduler"),
    ("connection refused", "print.no_scheduler"),
    ("no default destination", "print.no_default"),
    ("does not exist", "print.no_printer"),
    ("not accepting jobs", "print.not_accepting"),
)

TEMP_PREFIX = "watchdesk-print-"


def scheduler_running(timeout: float = 10.0) -> bool | None:
    """Whether the CUPS scheduler answers (`lpstat -r`); None when that cannot be told."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return None
    try:
        p = subprocess.run([lpstat, "-r"], capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return None
    said = (p.stdout or p.stderr).strip().lower()
    if said.startswith("scheduler is running"):
        return True
    if "not running" in said or "not responding" in said or "unable to connect" in said:
        return False
    return None


def _refused(why: str, code: int, printer: str | None) -> PrintError:
    known = next((key for words, key in _LP_SAYS if words in why.lower()), None)
    # An unreachable scheduler makes `lp` say "does not exist" / "no default destination":
    # ask the scheduler itself before blaming the printer.
    if known in ("print.no_printer", "print.no_default", None) and scheduler_running() is False:
        known = "print.no_scheduler"
    if known == "print.no_printer" and not printer:
        known = "print.no_default"
    if known in ("print.no_printer", "print.not_accepting"):
        err = PrintError(known, printer=printer or "")
    elif known is not None:
        err = PrintError(known)
    else:
        err = PrintError("print.failed", code=code)
    err.detail = why
    return err


def print_file(
    path: Path, printer: str | None, *, title: str = "watchdesk", timeout: float = 20.0
) -> str:
    """Queue `path` on `printer` (the CUPS default when None). Returns the job id."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError("print.no_lp")
    cmd = [lp, "-t", title]
    if printer:
        cmd += ["-d", printer]
    cmd.append(str(path))
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise PrintError("print.timeout", seconds=f"{timeout:.0f}") from None
    except OSError as e:
        err = PrintError("print.cannot_run")
        err.detail = e.strerror or str(e)
        raise err from None
    if p.returncode != 0:
        msg = (p.stderr or p.stdout).strip().splitlines()
        why = msg[-1] if msg else f"lp exit {p.returncode}"
        raise _refused(why, p.returncode, printer)
    m = re.search(r"request id is (\S+)", p.stdout)
    return m.group(1) if m else p.stdout.strip()


def print_data(
    data: bytes, name: str, printer: str | None, *, title: str = "watchdesk", timeout: float = 20.0
) -> str:
    """Queue `data` (as a file called `name`, which CUPS uses to guess its type) and return the
    job id. The temporary folder it goes through is removed before returning or raising."""
    folder = tempfile.mkdtemp(prefix=TEMP_PREFIX)
    try:
        path = Path(folder) / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return print_file(path, printer, title=title, timeout=timeout)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)


def saved_dir(export_dir: str | Path | None) -> Path:
    """The folder where sheets and reports are saved (`export_dir` in the config, else the
    user's data folder), created when missing."""
    if export_dir:
        path = Path(export_dir).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("watchdesk")) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path

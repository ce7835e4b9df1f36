"""Writing the files the desk hands out (exports of the roster, the directory, the officers): readable
by their owner only (mode 0600, as the desk file itself), since they carry names and phone numbers.

A regular file is written whole or not at all: a temporary file beside it, flushed to disk, then
renamed over the target. Anything else that is not a regular file (a FIFO, /dev/stdout) is
written straight through.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

MODE = 0o600


def write_private(path: str | Path, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8) to `path` with mode 0600; returns the path. OSError as
    raised by the system (the caller names the file to the user)."""
    p = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        st = os.stat(p)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(p, "wb") as f:  # a device or a pipe: no mode to set, no rename possible
            f.write(raw)
        return p
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent or ".")
    try:
        os.fchmod(fd, MODE)  # mkstemp makes 0600 already; say so, whatever the umask
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return p

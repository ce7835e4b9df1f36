"""A console in a real terminal, driven from outside: the harness of `idle.py` and `keys.py`.

`Term` starts a command in a fresh pseudo-terminal of 140x45 (TERM=xterm-256color, as
`startup_pty.py` does) and feeds everything it writes into a terminal emulator (pyte), so a
benchmark can send keys and see the screen as a person would: a screen is *complete* when it
shows every marker asked for and then nothing more is written for QUIET seconds; the time it
became complete is the last byte before that quiet.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from wcwidth import wcwidth

COLS, ROWS = 140, 45
QUIET = 0.3
TIMEOUT = 30.0
HERE = Path(__file__).resolve().parent
TREE = HERE.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def env_for_console(tree: Path = TREE) -> dict[str, str]:
    """The environment of a console run from `tree` (a checkout: another one for a
    before/after comparison)."""
    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("WATCHDESK_ACTOR", None)
    env["PYTHONPATH"] = str(tree)
    return env


def watchdesk_cmd(db: Path, actor: str, lang: str = "en") -> list[str]:
    return [sys.executable, "-m", "watchdesk", "--lang", lang, "--db", str(db), "--as", actor]


class Term:
    def __init__(self, cmd: list[str], env: dict[str, str] | None = None) -> None:
        import pyte

        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.cmd = cmd
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env or env_for_console(),
            cwd=(env or {}).get("PYTHONPATH") or str(TREE),  # `-m` puts the folder first
            start_new_session=True,
        )
        os.close(slave)
        self.pending: list[tuple[float, bytes]] = []  # read, not yet fed to the emulator
        self.orphans = 0  # halves of wide characters left on their own (see text())
        self.bytes = 0  # everything the program wrote so far
        self.writes = 0  # reads that returned data (about one per frame)
        self.last = self.t0  # when the last byte came

    # -- reading --------------------------------------------------------------------------------
    def feed(self) -> list[tuple[float, str]]:
        """Feed what was read to the emulator, a read at a time: (when it was read, the screen's
        text after it) for each. Reading and emulating are apart so that the time of a read is
        not held back by emulating what came before it."""
        out = []
        while self.pending:
            when, data = self.pending.pop(0)
            self.stream.feed(data)
            out.append((when, self.text()))
        return out

    def text(self) -> str:
        """The screen's text. pyte's own `display` fails on the right half of a wide character
        whose left half was overwritten (a terminal blanks it): counted in `orphans`."""
        if self.pending:
            for _, data in self.pending:
                self.stream.feed(data)
            self.pending.clear()
        lines = []
        for y in range(ROWS):
            line, cells, wide = self.screen.buffer[y], [], False
            for x in range(COLS):
                data = line[x].data
                if wide:
                    wide = False
                    if data == "":
                        continue
                if data == "":
                    self.orphans += 1
                    data = " "
                wide = wcwidth(data[0]) == 2
                cells.append(data)
            lines.append("".join(cells))
        return "\n".join(lines)

    def pump(self, timeout: float) -> bool:
        """Read what is there within timeout; False when nothing came."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            data = b""
        if not data:
            raise SystemExit(f"{' '.join(self.cmd)} exited:\n{self.text()}")
        self.pending.append((time.perf_counter(), data))  # fed to the emulator when looked at
        self.bytes += len(data)
        self.writes += 1
        self.last = time.perf_counter()
        # answer the terminal queries Textual sends at start (device attributes)
        if b"\x1b[c" in data or b"\x1b[0c" in data:
            os.write(self.master, b"\x1b[?62;22c")
        return True

    def wait_complete(
        self, markers: list[str], *, since: float | None = None, quiet: float = QUIET
    ) -> float:
        """Read until the screen shows every marker and stays unchanged for `quiet` seconds;
        returns the time of the last byte before that quiet (perf_counter)."""
        start = time.perf_counter() if since is None else since
        while True:
            now = time.perf_counter()
            if now - start > TIMEOUT:
                raise SystemExit(
                    f"{' '.join(self.cmd)}: no screen with {markers} in {TIMEOUT:.0f} s:\n"
                    + self.text()
                )
            if self.pump(quiet / 3):
                continue
            if time.perf_counter() - self.last >= quiet and all(m in self.text() for m in markers):
                return self.last

    def drain(self, seconds: float) -> None:
        """Read everything written in the next `seconds`."""
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            self.pump(min(left, 0.05))

    # -- writing --------------------------------------------------------------------------------
    def send(self, keys: bytes) -> float:
        t = time.perf_counter()
        os.write(self.master, keys)
        return t

    # -- the process ----------------------------------------------------------------------------
    def cpu_seconds(self) -> float:
        """User + system time of the process (all its threads) so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        os.close(self.master)

    def __enter__(self) -> Term:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def busy_core() -> subprocess.Popen[bytes]:
    """One core kept busy, as `startup_pty.py --busy` does."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])

"""The print path against a real CUPS server started by the test, with a TCP listener as the
"printer" that captures the bytes; and the paths where printing is impossible."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.handover.test_sheet import night_roster
from tests.helpers import TZ, FakeClock
from watchdesk.cli import main
from watchdesk.store.desk import Store

CUPS_CONF = """Listen 127.0.0.1:{port}
LogLevel warn
WebInterface No
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""
FILES_CONF = """ServerRoot {root}
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
Sandboxing Relaxed
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Catcher:
    """A socket "printer" (AppSocket/JetDirect): stores every job's bytes."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(30)
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self.got = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            data = b""
            with conn:
                conn.settimeout(30)
                while chunk := conn.recv(65536):
                    data += chunk
            self.jobs.append(data)
            self.got.set()


@pytest.fixture
def cups(tmp_path, monkeypatch):
    if shutil.which("cupsd") is None or shutil.which("lpadmin") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install cups (see .ci/run)")
        pytest.skip("CUPS is not installed on this machine")
    if os.geteuid() != 0:
        pytest.skip("cupsd needs root here")
    # cupsd's backends run as the unprivileged `lp` user: the spool must be reachable by it,
    # which pytest's private tmp_path is not.
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="watchdesk-cups-"))
    root.chmod(0o755)
    for d in ("spool", "cache", "state", "log"):
        (root / d).mkdir(parents=True)
    port = free_port()
    (root / "cupsd.conf").write_text(CUPS_CONF.format(port=port))
    (root / "cups-files.conf").write_text(FILES_CONF.format(root=root))
    proc = subprocess.Popen(
        ["cupsd", "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {"CUPS_SERVER": f"127.0.0.1:{port}"}
    monkeypatch.setenv("CUPS_SERVER", env["CUPS_SERVER"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if subprocess.run(["lpstat", "-r"], capture_output=True, text=True).stdout.startswith(
            "scheduler is running"
        ):
            break
        time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("cupsd did not start")
    catcher = Catcher()
    subprocess.run(
        ["lpadmin", "-p", "desk", "-E", "-v", f"socket://127.0.0.1:{catcher.port}", "-m", "raw"],
        check=True,
        capture_output=True,
    )
    yield catcher
    proc.terminate()
    proc.wait(10)
    catcher.sock.close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def desk_file(tmp_path, monkeypatch):
    path = tmp_path / "desk.db"
    s = Store.open(path, clock=FakeClock(datetime(2026, 11, 22, 21, 0, tzinfo=TZ)), tz=TZ)
    night_roster(s)
    s.close()
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text(
        f'printer = "desk"\nhandover_width = 64\nexport_dir = "{tmp_path / "exports"}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("WATCHDESK_CONFIG", str(cfg))
    return path


def test_print_through_cups(cups, desk_file, tmp_path, capsys):
    code = main(
        [
            "handover",
            "--db",
            str(desk_file),
            "--at",
            "2026-11-22 21:00",
            "--format",
            "txt",
            "--print",
            "--lang",
            "zh",
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    assert cups.got.wait(30), "the printer received nothing"
    text = cups.jobs[0].decode("utf-8")
    assert "值班交接班记录" in text and "李红梅" in text
    # And a PDF, saved and printed.
    cups.got.clear()
    out = tmp_path / "h.pdf"
    assert (
        main(
            [
                "handover",
                "--db",
                str(desk_file),
                "--at",
                "2026-11-22 21:00",
                "--format",
                "pdf",
                "--output",
                str(out),
                "--print",
            ]
        )
        == 0
    )
    assert cups.got.wait(30)
    assert cups.jobs[-1].startswith(b"%PDF") and cups.jobs[-1] == out.read_bytes()


def test_unknown_printer_says_so_and_keeps_the_file(cups, desk_file, tmp_path, monkeypatch, capsys):
    cfg = tmp_path / "other.toml"
    cfg.write_text(
        f'printer = "no-such-printer"\nexport_dir = "{tmp_path / "exports"}"\n', encoding="utf-8"
    )
    monkeypatch.setenv("WATCHDESK_CONFIG", str(cfg))
    out = tmp_path / "h.txt"
    code = main(
        [
            "handover",
            "--db",
            str(desk_file),
            "--at",
            "2026-11-22 21:00",
            "--output",
            str(out),
            "--print",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "printing failed" in err and str(out) in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8").startswith(("值班交接班记录", "Duty handover"))


def test_no_cups_at_all_says_so(desk_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    code = main(["handover", "--db", str(desk_file), "--at", "2026-11-22 21:00", "--print"])
    err = capsys.readouterr().err
    assert code == 1 and "lp" in err and "saved at" in err
    saved = Path(err.split("saved at ")[1].strip())
    assert saved.exists()


def test_a_width_too_narrow_for_the_sheet_is_bad_input(desk_file, capsys):
    code = main(["handover", "--db", str(desk_file), "--at", "2026-11-22 21:00", "--width", "5"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert (
        err.count("\n") == 1 and err.startswith("watchdesk: --width: ") and "unexpected" not in err
    )


def _isolated_tmp(tmp_path, monkeypatch) -> Path:
    """tempfile's folder for this test only, to see what a print leaves behind."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    assert tempfile.gettempdir() == str(folder)
    return folder


def _handover(*extra: str, desk: Path) -> int:
    return main(["handover", "--db", str(desk), "--at", "2026-11-22 21:00", *extra])


def test_printing_leaves_no_temporary_folder(cups, desk_file, tmp_path, monkeypatch, capsys):
    tmp = _isolated_tmp(tmp_path, monkeypatch)
    assert _handover("--print", desk=desk_file) == 0, capsys.readouterr().err
    assert cups.got.wait(30), "the printer received nothing"
    assert list(tmp.iterdir()) == []
    # A refused print: no temporary folder either, the sheet is kept in export_dir.
    cfg = tmp_path / "other.toml"
    cfg.write_text(
        f'printer = "no-such-printer"\nexport_dir = "{tmp_path / "exports"}"\n', encoding="utf-8"
    )
    monkeypatch.setenv("WATCHDESK_CONFIG", str(cfg))
    capsys.readouterr()
    assert _handover("--print", "--lang", "en", desk=desk_file) == 1
    err = capsys.readouterr().err
    assert [p.name for p in tmp.iterdir() if p.name.startswith("watchdesk-")] == []
    saved = next((tmp_path / "exports").glob("handover-*.txt"))
    assert str(saved) in err and saved.stat().st_mode & 0o777 == 0o600


def test_unknown_printer_in_chinese_is_all_chinese(cups, desk_file, tmp_path, monkeypatch, capsys):
    import re

    cfg = tmp_path / "other.toml"
    cfg.write_text(
        f'printer = "no-such-printer"\nexport_dir = "{tmp_path / "exports"}"\n', encoding="utf-8"
    )
    monkeypatch.setenv("WATCHDESK_CONFIG", str(cfg))
    assert _handover("--print", "--lang", "zh", desk=desk_file) == 1
    err = capsys.readouterr().err.strip()
    saved = next((tmp_path / "exports").glob("handover-*.txt"))
    assert "没有名为“no-such-printer”的打印机" in err and str(saved) in err
    rest = err.replace(str(saved), "").replace("no-such-printer", "")
    assert re.findall(r"[A-Za-z]{2,}", rest) == ["watchdesk"], err  # the program's name only
    assert "。。" not in err and ".。" not in err and "Traceback" not in err


def test_a_stopped_scheduler_is_not_a_missing_printer(desk_file, tmp_path, monkeypatch, capsys):
    if shutil.which("lp") is None:
        pytest.skip("CUPS's lp is not installed on this machine")
    monkeypatch.setenv("CUPS_SERVER", f"127.0.0.1:{free_port()}")  # nothing listens there
    assert _handover("--print", "--lang", "zh", desk=desk_file) == 1
    err = capsys.readouterr().err
    assert "打印服务（CUPS）未运行" in err and "没有名为" not in err and "does not" not in err
    assert _handover("--print", "--lang", "en", desk=desk_file) == 1
    err = capsys.readouterr().err
    assert "scheduler) is not running" in err and "no printer named" not in err


WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


@pytest.mark.parametrize(
    ("lang", "ok", "fault"), [("zh", "[正常]", "[故障]"), ("en", "[OK]", "[FAULT]")]
)
def test_marks_the_font_lacks_print_as_words(tmp_path, lang, ok, fault):
    """WenQuanYi Zen Hei has no ✓ or ✗: working and broken equipment must not print the same
    empty box, and pdftotext reads what the paper shows."""
    from tests.handover.test_line_breaks import sheet_with_an_overdue_clock
    from watchdesk.models.handover import EquipmentItem
    from watchdesk.report.pdf import cjk_font, covered, missing_glyphs, render_pdf

    if not Path(WQY).is_file() or shutil.which("pdftotext") is None:
        pytest.skip("needs fonts-wqy-zenhei and poppler-utils")
    font, warning = cjk_font(WQY)
    assert warning is None and missing_glyphs("✓✗值班", font) == {"✓", "✗"}
    assert covered("字\u2603", font) in ("字〔缺字 U+2603〕", "字[no glyph U+2603]")
    sheet = sheet_with_an_overdue_clock()
    sheet.equipment = [
        EquipmentItem(key="phone", ok=True),
        EquipmentItem(key="fax", ok=False, note="卡纸"),
    ]
    pdf = tmp_path / "h.pdf"
    pdf.write_bytes(render_pdf(sheet, tz=TZ, lang=lang, font_path=WQY))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert text.count(ok) == 1 and text.count(fault) == 1, text
    assert "✓" not in text and "✗" not in text and "[]" not in text.replace(" ", "")

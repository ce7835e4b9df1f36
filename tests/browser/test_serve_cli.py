"""`watchdesk serve` without a browser: its refusals, the command each tab runs (a seat of its
own), and the origin check on the page and the websocket that drives a console."""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from watchdesk.cli import build_parser, main
from watchdesk.cli.base import Ctx
from watchdesk.cli.serve import console_command, is_loopback, make_server, tab_command


@pytest.fixture
def desk(tmp_path):
    db = tmp_path / "值班 desk.db"
    assert main(["init", "--db", str(db)]) == 0
    return db


@pytest.mark.parametrize("port", ["0", "65536", "abc", "-1"])
def test_bad_port_is_one_line_and_status_2(desk, port, capsys):
    with pytest.raises(SystemExit) as e:
        main(["serve", "--db", str(desk), "--port", port])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--port" in err


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_a_network_address_needs_public(desk, host, capsys):
    assert main(["serve", "--db", str(desk), "--host", host]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--public" in err and host in err


def test_a_missing_desk_is_refused(tmp_path, capsys):
    assert main(["serve", "--db", str(tmp_path / "none.db")]) == 1
    assert "watchdesk init" in capsys.readouterr().err


def test_a_port_in_use_is_refused(desk, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["serve", "--db", str(desk), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--port {port}" in err


def test_loopback():
    assert all(map(is_loopback, ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "example.invalid"]))


def test_every_tab_runs_this_python_on_the_same_desk(desk, tmp_path):
    cfg = tmp_path / "my config's.toml"
    args = build_parser().parse_args(
        ["--lang", "zh", "serve", "--db", str(desk), "--config", str(cfg)]
    )
    argv = shlex.split(console_command(Ctx(args)))
    assert argv == [
        sys.executable,
        "-m",
        "watchdesk",
        "--db",
        str(desk.resolve()),
        "--lang",
        "zh",
        "--config",
        str(cfg.resolve()),
    ]
    # and the parser takes it back as the console on that desk
    again = build_parser().parse_args(argv[3:])
    assert isinstance(again, argparse.Namespace) and again.db == str(desk.resolve())


def test_public_needs_a_desk_that_requires_pins(desk, tmp_path, capsys, monkeypatch):
    code = main(["serve", "--db", str(desk), "--host", "0.0.0.0", "--public"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--public" in err and "handover_pin = true" in err
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text("handover_pin = true\n", encoding="utf-8")
    monkeypatch.setenv("WATCHDESK_CONFIG", str(cfg))
    with socket.socket() as s:  # then it gets as far as the port (taken, so it stops there)
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["serve", "--db", str(desk), "--public", "--port", str(port)]) == 2
    assert f"--port {port}" in capsys.readouterr().err


def test_every_tab_is_a_seat_of_its_own():
    probe = shlex.join([sys.executable, "-c", "import os; print(os.environ['WATCHDESK_SEAT'])"])
    out = subprocess.run(
        ["sh", "-c", tab_command(probe, 3)], capture_output=True, text=True, check=True
    )
    assert out.stdout == "web:3\n"
    server = make_server("python -m watchdesk", "127.0.0.1", 8000)
    # textual-serve reads the command once per tab, as it starts the tab's console
    assert [server.command for _ in range(3)] == [
        tab_command("python -m watchdesk", n) for n in (1, 2, 3)
    ]


def test_other_origins_and_hosts_are_refused(desk, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with open(tmp_path / "serve.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "watchdesk", "serve", "--db", str(desk), "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"

    def status(path: str, **headers: str) -> int:
        req = urllib.request.Request(base + path, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    try:
        end = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < end, "serve did not start"
                time.sleep(0.1)
        assert status("/") == 200
        ws = {
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        }
        assert status("/ws", Origin="http://evil.example", **ws) == 403
        # No Origin at all: not a browser's page (a local program could write through it).
        assert status("/ws", **ws) == 403
        assert status("/", Host="evil.example") == 403  # DNS rebinding
        assert status("/ws", Host=f"evil.example:{port}", **ws) == 403
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

"""watchdesk → LibreOffice (headless re-save) → watchdesk keeps every character (issue 17): the
directory and roster files, .xlsx and CSV, with text that begins with =, -, +, @. Slow; skipped
only where LibreOffice is not installed (CI installs libreoffice-calc-nogui)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers import TZ
from watchdesk.files import directory as dir_io
from watchdesk.files import roster as roster_io
from watchdesk.models.directory import Contact, UnitRecord
from watchdesk.models.roster import Role, RosterRow

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]
CSV_FILTER = "Text - txt - csv (StarCalc)"
CSV_OPTIONS = "44,34,76"  # comma, double quote, UTF-8
NOTES = ["=1+1 备用线路", "=cmd|' /C calc'!A0", "-8021", "+86 转 8021", "@值班", "'=x", "'abc"]


def resave(path: Path, to: str, tmp: Path) -> Path:
    """LibreOffice opens `path` and saves it as `to` (xlsx or csv) in a folder of its own."""
    out = tmp / f"lo-{to}-{path.suffix.lstrip('.')}"
    out.mkdir(exist_ok=True)
    target = to if to == "xlsx" else f"csv:{CSV_FILTER}:{CSV_OPTIONS}"
    cmd = [SOFFICE, f"-env:UserInstallation=file://{tmp}/lo-profile", "--headless"]
    if path.suffix == ".csv":
        cmd.append(f"--infilter={CSV_FILTER}:{CSV_OPTIONS}")
    cmd += ["--convert-to", target, "--outdir", str(out), str(path)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    got = out / f"{path.stem}.{to}"
    assert got.exists(), f"LibreOffice wrote nothing for {path.name} -> {to}"
    return got


def units() -> list[UnitRecord]:
    return [
        UnitRecord(
            name=f"单位{i}",
            kind="linkage",
            level=1,
            duty_phone="139 0731 0000",
            notes=note,
            contacts=[Contact(name="张三", role=note, phone="-8021")],
        )
        for i, note in enumerate(NOTES)
    ]


@pytest.mark.parametrize(("ext", "to"), [("xlsx", "xlsx"), ("csv", "csv"), ("csv", "xlsx")])
def test_directory_through_libreoffice(tmp_path, ext, to):
    path = tmp_path / f"units.{ext}"
    dir_io.export_units(units(), path)
    back = dir_io.read_units(resave(path, to, tmp_path))
    assert [u.notes for u in back] == NOTES
    assert [u.contacts[0].role for u in back] == NOTES
    assert {u.contacts[0].phone for u in back} == {"-8021"}
    assert {u.duty_phone for u in back} == {"139 0731 0000"}


def roster_rows() -> list[RosterRow]:
    out = []
    for i, note in enumerate(NOTES):
        s = datetime(2026, 12, 1 + i, 8, 30, tzinfo=TZ)
        out.append(
            RosterRow(
                row=i + 2,
                starts_at=s,
                ends_at=s.replace(day=2 + i),
                label="24h",
                role=Role.officer,
                name="周文博",
                phone="-8021",
                note=note,
            )
        )
    return out


@pytest.mark.parametrize(("ext", "to"), [("xlsx", "xlsx"), ("csv", "csv"), ("xlsx", "csv")])
def test_roster_through_libreoffice(tmp_path, ext, to):
    rows = roster_rows()
    path = tmp_path / f"roster.{ext}"
    roster_io.write_file(path, rows, TZ, lang="zh")
    got, errors = roster_io.read_file(resave(path, to, tmp_path), TZ)
    assert errors == []
    keep = ("starts_at", "ends_at", "label", "role", "name", "phone", "note")
    assert [r.model_dump(include=set(keep)) for r in got] == [
        r.model_dump(include=set(keep)) for r in rows
    ]

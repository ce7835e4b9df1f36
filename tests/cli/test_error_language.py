"""Under `--lang zh` the store's errors reach the command line in Chinese: the field by its label,
the problem in Chinese words, one line, exit 2, nothing written."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from tests.helpers import TZ
from watchdesk.cli import main
from watchdesk.models.incident import IncidentFacts
from watchdesk.store.desk import Store

ENGLISH = re.compile(r"[A-Za-z]{2,}")


def desk_with_an_incident(tmp_path) -> tuple[str, int]:
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    now = datetime.now(UTC)
    s = Store.open(path, tz=TZ, actor="fixture")
    try:
        inc = s.incidents.add(
            IncidentFacts(
                received_at=now - timedelta(minutes=20),
                place="城关镇东街",
                category="accident",
                subtype="fire",
                description="商铺起火",
            )
        )
    finally:
        s.close()
    return str(path), inc.id


def test_a_store_error_prints_in_chinese(tmp_path, capsys):
    desk, inc = desk_with_an_incident(tmp_path)
    capsys.readouterr()
    code = main(["--lang", "zh", "incident", "void", str(inc), "--reason", " ", "--db", desk])
    err = capsys.readouterr().err
    assert code == 2 and err == "watchdesk: 原因：作废须注明原因\n"
    code = main(["--lang", "zh", "incident", "show", "999", "--db", desk])
    err = capsys.readouterr().err
    assert code == 2 and err == "watchdesk: 没有事件 #999\n"


def test_the_same_error_in_english(tmp_path, capsys):
    desk, inc = desk_with_an_incident(tmp_path)
    capsys.readouterr()
    code = main(["--lang", "en", "incident", "void", str(inc), "--reason", " ", "--db", desk])
    err = capsys.readouterr().err
    assert code == 2 and err == "watchdesk: reason: a voided incident needs a reason\n"


def test_bad_json_input_names_the_field_in_chinese(tmp_path, capsys, monkeypatch):
    desk, _ = desk_with_an_incident(tmp_path)
    later = (datetime.now(TZ) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    body = {"category": "火灾", "place": "东街", "description": "起火", "received_at": later}
    src = tmp_path / "inc.json"
    src.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    code = main(["--lang", "zh", "incident", "add", "--json", str(src), "--db", desk])
    err = capsys.readouterr().err
    assert code == 2 and err == "watchdesk: 接报时间：不能晚于当前时间\n"
    assert not ENGLISH.search(err.removeprefix("watchdesk: ")), err
    s = Store.open(desk, tz=TZ, actor="fixture")
    try:
        assert s.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 1
    finally:
        s.close()

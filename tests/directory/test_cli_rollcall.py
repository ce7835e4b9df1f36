"""The roll-call CLI, and the outward modules staying free of textual."""

from __future__ import annotations

import json
from pathlib import Path

from tests.directory.fixtures import seed
from watchdesk.cli import main
from watchdesk.store.desk import Store

ROOT = Path(__file__).resolve().parents[2]


def test_rollcall_commands(tmp_path, capsys):
    db = str(tmp_path / "desk.db")
    s = Store.open(db, actor="测试员")
    seed(s)
    s.close()

    def run(*argv):
        code = main([*argv, "--db", db])
        out, err = capsys.readouterr()
        return code, (json.loads(out) if out.strip() else None), err

    code, rep, _ = run("rollcall", "start", "--set", "townships", "--label", "脚本查岗")
    assert code == 0 and rep["summary"]["total"] == 3
    rid = str(rep["round"]["id"])
    code, rep, _ = run("rollcall", "record", rid, "1", "on_post", "--by", "张伟", "--seconds", "5")
    assert code == 0 and rep["round"]["position"] == 2
    assert run("rollcall", "pause", rid)[1]["round"]["status"] == "paused"
    code, out, err = run("rollcall", "record", rid, "2", "busy")
    assert code == 2 and out is None and "paused" in err and len(err.strip().splitlines()) == 1
    assert run("rollcall", "resume", rid)[1]["round"]["status"] == "running"
    code, _, err = run("rollcall", "record", rid, "2", "on_post")
    assert code == 2 and "answered_by" in err
    assert run("rollcall", "record", rid, "2", "no_answer")[0] == 0
    code, rep, _ = run("rollcall", "finish", rid)
    assert rep["summary"]["rate"] == 0.5 and rep["summary"]["not_checked"] == 1
    code, rounds, _ = run("rollcall", "list", "--json")
    assert [r["round"]["id"] for r in rounds] == [int(rid)]
    code, hc, _ = run(
        "rollcall",
        "higher",
        "add",
        "--checker",
        "市应急管理局总值班室",
        "--method",
        "video",
        "--answered-by",
        "赵磊",
    )
    assert code == 0 and hc["leader_present"] is True
    code, checks, _ = run("rollcall", "higher", "list", "--json")
    assert [c["checker"] for c in checks] == ["市应急管理局总值班室"]
    code, types, _ = run("warning", "types", "--json")
    hail = next(k for k in types if k["code"] == "hail")
    assert [x["colour"] for x in hail["levels"]] == ["red", "orange"] and hail["source"]

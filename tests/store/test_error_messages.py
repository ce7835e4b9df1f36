"""The store's errors say themselves in the UI language: an error carries a message key and its
parameters (watchdesk/errors.py), the words are in one place (watchdesk/i18n/*.errors.toml), and
every key the code names is in both catalogs with the placeholders the code fills."""

from __future__ import annotations

import ast
import re
import string
import tomllib
from pathlib import Path

import pytest

import watchdesk
from watchdesk.errors import InputError, Msg, NotFound, StaleVersion, validation_msg
from watchdesk.i18n import _catalog, set_language, t, using

SRC = Path(watchdesk.__file__).parent
CATALOGS = SRC / "i18n"
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# Rooms whose errors name a field by its key (the screens and the CLI name theirs themselves).
FIELD_ROOMS = ("store", "rules", "files", "report", "models", "text")
# Calls whose first argument is a message key (InputError: its second; the first is the field).
KEYED = {
    "Msg",
    "StoreError",
    "NotFound",
    "BadValue",
    "HandoverRefused",
    "BackupError",
    "DeskBusy",
    "DeskUnavailable",
    "DeskReadOnly",
    "DeskFull",
    "DeskDamaged",
    "NotADesk",
    "PrintError",
    "PackError",
    "RosterFileError",
    "OfficerFileError",
    "UnknownCategory",
    "UnknownSubtype",
}
# Placeholders one language's words may leave out: English grammar pydantic fills in, pydantic's
# own English detail, and the two words of a name the domain gives in both languages.
OPTIONAL = {"expected_plural", "error", "field_type", "class_name", "en", "zh"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def errors_catalog(lang: str) -> dict[str, str]:
    return tomllib.loads((CATALOGS / f"{lang}.errors.toml").read_text(encoding="utf-8"))


def _name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _literals(node: ast.expr | None) -> list[str]:
    """The string a key argument may be: a literal, or either literal of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def keyed_calls() -> list[tuple[str, str, set[str] | None]]:
    """(where, key, the parameters given or None when some are given as **kwargs) for every
    keyed error, Msg and `t("err.…")` in the package."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _name(call)
            if name == "InputError":
                arg = call.args[1] if len(call.args) > 1 else None
            elif name in KEYED or name == "t":
                arg = call.args[0] if call.args else None
            else:
                continue
            given = (
                None
                if any(kw.arg is None for kw in call.keywords)
                else {kw.arg for kw in call.keywords if kw.arg}
            )
            for key in _literals(arg):
                if KEY.match(key) and (name != "t" or key.startswith("err.")):
                    out.append((f"{path.relative_to(SRC.parent)}:{call.lineno}", key, given))
    return out


def test_the_catalogs_of_errors_have_the_same_keys_and_placeholders():
    zh, en = errors_catalog("zh"), errors_catalog("en")
    assert sorted(set(zh) ^ set(en)) == []
    for key in en:
        assert key.startswith("err."), key
        a, b = placeholders(en[key]), placeholders(zh[key])
        assert a - OPTIONAL == b - OPTIONAL, (key, a, b)


def test_every_key_the_code_names_is_in_both_catalogs_with_its_placeholders():
    zh, en = _catalog("zh"), _catalog("en")
    calls = keyed_calls()
    assert len(calls) > 250  # the scan finds the raise sites
    missing, wrong = [], []
    for where, key, given in calls:
        if key not in zh or key not in en:
            missing.append(f"{where}: {key}")
            continue
        if given is None:
            continue
        need = (placeholders(en[key]) | placeholders(zh[key])) - OPTIONAL
        unused = given - need - OPTIONAL if key.startswith("err.") else set()
        if not need <= given or unused:
            wrong.append(f"{where}: {key} takes {sorted(need)}, given {sorted(given)}")
    assert missing == [] and wrong == []


def test_every_err_key_written_in_the_code_is_in_both_catalogs():
    zh, en = _catalog("zh"), _catalog("en")
    written = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.startswith("err.") and KEY.match(node.value):
                    written.add(node.value)
    written -= {"err.field", "err.pydantic"}  # prefixes, completed in errors.py
    assert sorted(k for k in written if k not in zh or k not in en) == []


def test_every_field_an_error_names_has_a_label_in_both_catalogs():
    zh, en = errors_catalog("zh"), errors_catalog("en")
    fields = set()
    for room in FIELD_ROOMS:
        for path in (SRC / room).rglob("*.py"):
            for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(call, ast.Call) and _name(call) == "InputError" and call.args:
                    fields.update(_literals(call.args[0]))
    assert fields and sorted(f for f in fields if f"err.field.{f}" not in zh) == []
    # In English a field is named by its key, as the command line's options and JSON name it.
    assert all(en[f"err.field.{f}"] == f for f in fields)


def test_an_error_is_worded_when_shown_in_the_language_of_that_moment():
    e = InputError("reason", "err.roster.reason_required")
    assert str(e) == "reason: a reason is required" and e.problem == "a reason is required"
    with using("zh"):
        assert str(e) == "原因：须注明原因" and e.problem == "须注明原因"
    assert str(NotFound("err.incident.not_found", id=7)) == "no incident #7"
    set_language("zh")
    assert str(NotFound("err.incident.not_found", id=7)) == "没有事件 #7"
    assert (
        str(StaleVersion(3, 1, 2))
        == "事件 #3 已被他人修改（现为第 2 版，您打开的是第 1 版）；未保存"
    )


def test_a_parameter_that_is_a_message_is_worded_too():
    e = InputError("pin", "err.pin.wait", n=3, span=Msg("err.span.min_s", m=4, s=12))
    assert e.problem == "3 wrong PINs: wait 4 min 12 s before the next try"
    with using("zh"):
        assert e.problem == "已输错 3 次：请等 4 分钟 12 秒后再试"


def test_a_text_that_is_no_key_is_shown_as_it_is():
    assert str(InputError("path", "/x/y.csv: 没有这个文件")) == "path: /x/y.csv: 没有这个文件"
    assert str(Msg("50% {not a placeholder}")) == "50% {not a placeholder}"


@pytest.mark.parametrize(
    "why, shown",
    [("打印机不存在。", "打印机不存在。文件已保存在 /x，可另行打印。"), ("lp: 无此打印机", None)],
)
def test_a_sentence_put_into_a_sentence_keeps_one_full_stop(why, shown):
    with using("zh"):
        text = t("hos.print_failed", why=why, path="/x")
    assert "。。" not in text and text.count("。") == 2
    assert shown is None or text == shown


def test_pydantic_errors_by_type_not_by_their_english():
    from pydantic import BaseModel, Field, ValidationError

    class Form(BaseModel):
        name: str = Field(max_length=3)
        count: int = Field(ge=0)

    with pytest.raises(ValidationError) as e:
        Form(name="abcdef", count=-1)
    first, second = (validation_msg(err) for err in e.value.errors())
    assert str(first) == "String should have at most 3 characters"
    assert str(second) == "Input should be greater than or equal to 0"
    with using("zh"):
        assert (str(first), str(second)) == ("最多 3 个字", "应不小于 0")


def test_a_validators_keyed_error_keeps_its_key_through_pydantic():
    from pydantic import ValidationError

    from watchdesk.models.roster import RotationSpec

    with pytest.raises(ValidationError) as e:
        RotationSpec.model_validate({"start": "2026-12-02", "end": "2026-12-01"})
    msg = validation_msg(e.value.errors()[0])
    assert msg.key == "err.roster.end_before_start"
    with using("zh"):
        assert str(msg) == "结束日期早于开始日期"


def test_an_error_copied_or_pickled_keeps_its_message():
    import copy
    import pickle

    from watchdesk.errors import BadValue
    from watchdesk.store.roster.repo import RosterImportError

    errors = [
        InputError("reason", "err.roster.reason_required"),
        NotFound("err.incident.not_found", id=7),
        BadValue("err.time.empty"),
        RosterImportError([]),
    ]
    for e in errors:
        for again in (pickle.loads(pickle.dumps(e)), copy.deepcopy(e)):
            assert type(again) is type(e) and str(again) == str(e)
    assert pickle.loads(pickle.dumps(errors[0])).field == "reason"

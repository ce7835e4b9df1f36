"""The project's pydantic base model and the pieces every noun's models share."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel as _PydanticModel
from pydantic import ConfigDict, model_validator

from watchdesk.errors import BadValue, FieldName, Msg

# -- text: what never reaches the desk ---------------------------------------------------------
# Control characters (C0 but tab and newline, DEL, C1: NUL, ESC, BEL …) and the bidi embedding,
# override and isolate marks (U+202A–U+202E, U+2066–U+2069) are invisible, and some act on
# whatever shows the text: ESC drives the terminal the sheet is printed on, a NUL breaks every
# .xlsx written after it, a bidi override makes "张三" look like another name. They are stripped
# (never refused: a desk that already holds one still reads and exports), at every way in: the
# models (`BaseModel` below: every form, command and import builds one) and every audited write
# (`store.audit.Auditor`, which cleans each text column with `clean_field`).
# A carriage return becomes a newline (CRLF: one newline). In the one-line fields, names,
# phones, titles, places (`SINGLE_LINE`), tabs and line breaks become one space.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"\s*[\t\n\r\v\f\u2028\u2029]+\s*")
# A whole terminal escape sequence goes, not only its ESC: CSI (colours, cursor), OSC (titles,
# links), and two-character escapes.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]|\x1b[@-_]"
)
# What `clean_text` would change (a carriage return included): one search, most texts pass.
_DIRTY = _CONTROLS
_DIRTY_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
SINGLE_LINE = frozenset(
    {
        "name",
        "officer_name",
        "other_officer_name",
        "leader_name",
        "contact_name",
        "unit_name",
        "unit",
        "caller_name",
        "caller_unit",
        "caller_title",
        "caller_phone",
        "phone",
        "duty_phone",
        "backup_phone",
        "fax",
        "title",
        "label",
        "place",
        "area",
        "issuer",
        "recorder",
        "answered_by",
        "by_whom",
        "to_whom",
        "counterpart",
        "checker",
        "approver",
        "recorded_by",
        "started_by",
        "holder",
        "owner",
        "seat",
        "os_user",
        "actor",
    }
)


def clean_text(text: str, *, single_line: bool = False) -> str:
    """`text` without control characters and bidi overrides; `single_line`: tabs and line breaks
    as one space (and none at either end). Text that has none comes back as it is."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROLS.search(text):
        text = _CONTROLS.sub("", _ESCAPES.sub("", text))
    if single_line and _BREAKS.search(text):
        text = _BREAKS.sub(" ", text).strip()
    return text


def _dirty(field: str, value: Any) -> bool:
    if isinstance(value, str):
        return (_DIRTY_LINE if field in SINGLE_LINE else _DIRTY).search(value) is not None
    if isinstance(value, list):
        return any(_dirty(field, v) for v in value if isinstance(v, str))
    return False


def clean_field(field: str, value: Any) -> Any:
    """A value of field (or column) `field` cleaned as `clean_text` does (texts, and texts in a
    list); anything else as it is."""
    if isinstance(value, str):
        return clean_text(value, single_line=field in SINGLE_LINE)
    if isinstance(value, list) and any(isinstance(v, str) for v in value):
        return [clean_field(field, v) for v in value]
    return value


def clean_row(row: dict[str, Any]) -> dict[str, Any]:
    """`row` with every text cleaned by its field's name (see `clean_field`); `row` itself when
    nothing needs it (the common case costs one search per text)."""
    if not any(_dirty(k, v) for k, v in row.items()):
        return row
    return {k: clean_field(k, v) for k, v in row.items()}


class BaseModel(_PydanticModel):
    """The project's base model. Schemas are built on first use, not at import: the console
    defines about a hundred models and the first screen needs a dozen (start-up time).

    Every text given to a model is cleaned first (`clean_text`: control characters and bidi
    overrides stripped), so what is checked, saved and shown never holds them."""

    model_config = ConfigDict(defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _clean_texts(cls, data: Any) -> Any:
        return clean_row(data) if isinstance(data, dict) else data


def _aware(v: datetime | None) -> datetime | None:
    if v is not None and (v.tzinfo is None or v.utcoffset() is None):
        raise BadValue("err.time.naive")
    return v


def saved_id(id_: int | None) -> int:
    """The id of a record the store returned. Models that are also the input of a save (Officer,
    Unit, Contact, LogEntry, Assignment, ...) have `id: int | None`, None until saved; a record
    read back from the store always has one."""
    if id_ is None:
        raise ValueError("this record has not been saved: it has no id yet")
    return id_


class RowProblem(BaseModel):
    """A bad row in an imported file: the importers report every one, and write nothing."""

    row: int  # spreadsheet row number (the header is row 1)
    field: str
    problem: str

    def __str__(self) -> str:
        return str(
            Msg("err.row_problem", row=self.row, field=FieldName(self.field), problem=self.problem)
        )

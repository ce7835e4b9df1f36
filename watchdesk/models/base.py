"""The project's pydantic base model and the pieces every noun's models share."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel as _PydanticModel
from pydantic import ConfigDict


class BaseModel(_PydanticModel):
    """The project's base model. Schemas are built on first use, not at import: the console
    defines about a hundred models and the first screen needs a dozen (start-up time)."""

    model_config = ConfigDict(defer_build=True)


def _aware(v: datetime | None) -> datetime | None:
    if v is not None and (v.tzinfo is None or v.utcoffset() is None):
        raise ValueError("time must carry a timezone")
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
        return f"row {self.row}: {self.field}: {self.problem}"

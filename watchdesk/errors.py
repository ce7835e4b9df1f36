"""The errors a user can act on, raised by the store, the rules and the files; their messages
are meant for the user. Never imports textual, nor anything else of watchdesk.

An error carries a message key and its parameters, not a sentence: `StoreError("err.incident.
not_found", id=7)`, `InputError("reason", "err.incident.void_reason")`. The words live in the
catalogs (`watchdesk/i18n/{zh,en}.errors.toml`) and are looked up when the message is shown
(`str(e)`, `e.problem`), in the UI language of that moment: `watchdesk.i18n` installs its
renderer in `render` when it is imported (this module stays the bottom layer). A parameter that
needs translating itself is a `Msg`; an error or a `Msg` given as a parameter is shown in the
same language. A text that is not a key (a message from elsewhere, already worded) is shown as it
is.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Mapping
from typing import Any


def _format(key: str, params: Mapping[str, object]) -> str:
    """The renderer before `watchdesk.i18n` is imported: the key itself, filled in."""
    if not params:
        return key
    try:
        return key.format(**params)
    except (KeyError, IndexError, ValueError):
        return key


render: Callable[[str, Mapping[str, object]], str] = _format
"""`render(key, params)`: a message in the current UI language (installed by watchdesk.i18n)."""


class Msg:
    """A message by its catalog key and parameters, worded when it is shown."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: object):
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return render(self.key, self.params)

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Msg({self.key!r}{args})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Msg)
            and type(other) is type(self)
            and (self.key, self.params) == (other.key, other.params)
        )

    def __hash__(self) -> int:
        return hash(self.key)


class FieldName(Msg):
    """A field by its key (`received_at`), shown by its label in the UI language
    (`err.field.received_at`), or as the key itself where the catalogs have no label."""

    __slots__ = ()

    def __init__(self, field: str):
        super().__init__(f"err.field.{field}")

    @property
    def field(self) -> str:
        return self.key.removeprefix("err.field.")

    def __str__(self) -> str:
        text = render(self.key, {})
        return self.field if text == self.key else text


def bilingual(zh: object, en: object) -> Msg:
    """A name the domain gives in both languages itself (a warning kind: 暴雨 / Rainstorm),
    shown in the UI language (`err.pick`)."""
    return Msg("err.pick", zh=zh, en=en)


def as_msg(key: str | Msg, params: Mapping[str, object] | None = None) -> Msg:
    """`key` with `params` as a Msg (a Msg given keeps its own parameters, `params` added)."""
    if isinstance(key, Msg):
        return Msg(key.key, **{**key.params, **(params or {})}) if params else key
    return Msg(key, **(params or {}))


def msg_of(e: BaseException) -> Msg:
    """An exception's message as a Msg: a keyed error's own, else its text as it is."""
    msg = getattr(e, "msg", None)
    return msg if isinstance(msg, Msg) else Msg(str(e))


class ValidationMsg(Msg):
    """One of pydantic's validation errors by its type and context (`err.pydantic.
    string_too_long`, max_length=60), not by its English words; pydantic's own words where the
    catalogs have no such type."""

    __slots__ = ("raw",)

    def __init__(self, key: str, raw: str, /, **params: object):
        super().__init__(key, **params)
        self.raw = raw

    def __str__(self) -> str:
        text = render(self.key, self.params)
        return self.raw if text == self.key else text


def validation_msg(err: Mapping[str, Any]) -> Msg:
    """An item of pydantic's `ValidationError.errors()` as a message: by its type and context;
    a validator's own keyed error (`BadValue`) as its own message."""
    kind = str(err.get("type", ""))
    ctx = dict(err.get("ctx") or {})
    raw = str(err.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in ("value_error", "assertion_error"):
        error = ctx.get("error")
        return msg_of(error) if isinstance(error, BaseException) else Msg(raw)
    for bound in ("min_length", "max_length"):
        if bound in ctx:
            ctx["expected_plural"] = "" if ctx[bound] == 1 else "s"
    ctx.setdefault("error", "")
    shown = {k: v for k, v in ctx.items() if isinstance(v, (str, int, float))}
    return ValidationMsg(f"err.pydantic.{kind}", raw, **shown)


_OS = {
    errno.ENOENT: "err.os.missing",
    errno.EACCES: "err.os.denied",
    errno.EPERM: "err.os.denied",
    errno.EISDIR: "err.os.folder",
    errno.ENOSPC: "err.os.no_space",
    errno.EROFS: "err.os.read_only",
}


def os_msg(e: OSError) -> Msg:
    """Why the system refused a file, as a message: the usual reasons by key (no such file,
    permission denied, a folder, a full disk), any other in the system's words."""
    key = _OS.get(e.errno or 0)
    return Msg(key) if key else Msg(e.strerror or str(e))


def _restore(cls: type[BaseException], state: dict[str, Any]) -> BaseException:
    """An error copied or unpickled: its attributes as they were (not its __init__'s)."""
    e = cls.__new__(cls)
    BaseException.__init__(e, state["msg"].key)
    e.__dict__.update(state)
    return e


class StoreError(Exception):
    """A problem a user can act on: `StoreError(key, **params)`; `str(e)` words it in the UI
    language."""

    def __init__(self, key: str | Msg = "", /, **params: object):
        self.msg = as_msg(key, params)
        super().__init__(self.msg.key)

    def __str__(self) -> str:
        return str(self.msg)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), dict(self.__dict__)))


class InputError(StoreError):
    """Bad input from a user: names the field (by its key: `reason`, `received_at`) and the
    problem (`InputError("reason", "err.incident.void_reason")`); nothing was written."""

    def __init__(self, field: str, key: str | Msg = "", /, **params: object):
        super().__init__(key, **params)
        self.field = field

    @property
    def problem(self) -> str:
        """The problem alone, in the UI language."""
        return str(self.msg)

    def __str__(self) -> str:
        label = str(FieldName(self.field))
        # A field with no label of its own (a command-line option: `--at`) keeps an ASCII colon.
        key = "err.field_problem" if label != self.field else "err.field_problem_raw"
        return render(key, {"field": label, "problem": self.msg})


class NotFound(StoreError):
    pass


class StaleVersion(StoreError):
    """Someone else saved this record since it was read."""

    def __init__(self, incident_id: int, expected: int, actual: int):
        super().__init__("err.incident.stale", id=incident_id, expected=expected, actual=actual)
        self.incident_id = incident_id
        self.expected = expected
        self.actual = actual


class BadValue(ValueError):
    """A value a rule refuses, by key (`BadValue("err.warning.kind", text=…)`): a ValueError
    (pydantic validators and `except ValueError` take it), worded like a StoreError."""

    def __init__(self, key: str | Msg, /, **params: object):
        self.msg = as_msg(key, params)
        super().__init__(self.msg.key)

    def __str__(self) -> str:
        return str(self.msg)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), dict(self.__dict__)))

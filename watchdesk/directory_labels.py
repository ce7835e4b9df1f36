"""Display labels for the directory, roll-call and warnings, in the current language (pure)."""

from __future__ import annotations

from rich.text import Text

from .directory_models import EarlyWarning, Outcome, RoundSet
from .i18n import language, t
from .rules.warnings import COLOURS, Level, SignalType, title


def unit_class(kind: str, level: int | None, room_type: str = "") -> str:
    """一级联动单位 / 乡镇值班室 …"""
    if kind == "linkage":
        return t(f"dir.level.{level}") if level else t("dir.kind.linkage")
    return t(f"dir.room.{room_type}") if room_type else t("dir.kind.duty_room")


def outcome_label(outcome: Outcome | str | None) -> str:
    return t("rc.outcome.none") if outcome is None else t(f"rc.outcome.{Outcome(outcome).value}")


def set_label(set_kind: RoundSet | str) -> str:
    return t(f"rc.set.{RoundSet(set_kind).value}")


def method_label(method: str) -> str:
    return t(f"rc.method.{getattr(method, 'value', method)}")


def level_label(level: Level) -> str:
    """`橙色(Ⅱ级)` / `Orange (II)`."""
    c = COLOURS[level]
    if language() == "zh":
        return f"{c.zh}({c.roman}级)"
    return f"{c.en.capitalize()} ({level.value})"


def kind_label(kind: SignalType) -> str:
    return kind.name(language())


def warning_title(w: EarlyWarning) -> str:
    return title(w.signal, w.level, language())


def swatch(level: Level, text: str | None = None) -> Text:
    """The level's own colour as a cell: a coloured block with the colour's name on it."""
    c = COLOURS[level]
    label = text if text is not None else (c.zh if language() == "zh" else c.en)
    return Text(f" {label} ", style=f"bold {c.ink} on {c.hex}")

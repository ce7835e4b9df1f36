"""Reusable widgets, and the helper that puts binding labels into the current language."""

from __future__ import annotations

import dataclasses

from watchdesk.i18n import t


def localize_bindings(node) -> None:
    """Bindings are declared with catalog keys as descriptions ("key.quit"); translate this
    node's copy when it is created, so `--lang` and tests that switch language both work."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            dataclasses.replace(
                b,
                description=t(b.description) if b.description.startswith("key.") else b.description,
                tooltip=_tip(b.description) or b.tooltip,
            )
            for b in bindings
        ]


def _tip(description: str) -> str:
    """The catalog's longer text for a key (`key.x.tip`), or "" when it has none (never the
    raw catalog key, which `t` gives back for a missing one)."""
    if not description.startswith("key."):
        return ""
    tip = t(description + ".tip")
    return "" if tip == description + ".tip" else tip

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
                tooltip=t(b.description + ".tip")
                if b.description.startswith("key.")
                else b.tooltip,
            )
            for b in bindings
        ]

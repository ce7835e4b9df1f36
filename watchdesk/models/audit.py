"""The audit chain's head: an anchor that lives outside the desk file.

An anchor is one audit entry's number and hash. It is written where a rewriter of the desk file
cannot reach it (the frozen handover sheet on paper, a backup's record) and later checked against
the desk's chain: the entry must still be there with the same hash.
"""

from __future__ import annotations

import re

from watchdesk.models.base import BaseModel

SHORT_HASH = 12  # hex digits an officer reads back from a printed sheet

_ANCHOR = re.compile(r"^\s*#?(\d+)\s*[:：]\s*([0-9a-fA-F]{8,64})\s*$")


class ChainHead(BaseModel):
    """Audit entry `seq` (audit.id) and its `hash` (64 hex digits)."""

    seq: int
    hash: str

    @property
    def short(self) -> str:
        """How the anchor is printed: `12345:3f2a9c81d0b4` (entry number, hash prefix)."""
        return f"{self.seq}:{self.hash[:SHORT_HASH]}"

    @classmethod
    def parse(cls, text: str) -> ChainHead | None:
        """`N:HASH` as typed from a printed sheet (a hash prefix of 8+ hex digits is enough);
        None when it is not of that form."""
        m = _ANCHOR.match(text)
        if m is None:
            return None
        return cls(seq=int(m.group(1)), hash=m.group(2).lower())

    def matches(self, seq: int, full_hash: str) -> bool:
        """True when entry `seq` with `full_hash` is this anchor (a prefix anchor matches the
        full hash it starts)."""
        return seq == self.seq and full_hash.lower().startswith(self.hash.lower())

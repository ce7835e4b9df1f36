"""The errors a user can act on, raised by the store, the rules and the files; their messages
are meant for the user. Never imports textual."""

from __future__ import annotations


class StoreError(Exception):
    """A problem a user can act on; its message is meant for them."""


class InputError(StoreError):
    """Bad input from a user: names the field and the problem; nothing was written."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class NotFound(StoreError):
    pass


class StaleVersion(StoreError):
    """Someone else saved this record since it was read."""

    def __init__(self, incident_id: int, expected: int, actual: int):
        super().__init__(
            f"incident #{incident_id} was changed by someone else (version {actual}, you had "
            f"{expected}); nothing was saved"
        )
        self.incident_id = incident_id
        self.expected = expected
        self.actual = actual

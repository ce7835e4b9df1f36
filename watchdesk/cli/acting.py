"""Who is acting on the command line: `--as NAME`, else `$WATCHDESK_ACTOR`, names an active officer
of the desk (`#ID` tells two of one name apart: the message lists them) or a system integration the config declares
(`integrations`, e.g. `sms-gateway`); anything else is bad input (exit 2, nothing written).

The name matters only when something is written: the desk the commands open (`CliStore`) settles
who is acting at its first write, so reading commands need no name at all. With no name given:

- on a desk without officers yet, writes are recorded under the system actor `setup`, so a new
  desk is set up from the command line (`init`, `officer add`, `roster import --add-officers`);
- on a desk with officers, a write is refused: "who is acting? pass --as NAME or set
  WATCHDESK_ACTOR".

Every write also records the login (`os_user`) and the seat: `$WATCHDESK_SEAT` when set, else
`cli:` and the terminal's name (`cli:/dev/pts/3`), or `cli:pipe` without one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from watchdesk.cli.base import UserError, login
from watchdesk.errors import InputError
from watchdesk.models.officer import Actor, ActorKind, Officer
from watchdesk.store.db import DeskDb
from watchdesk.store.desk import Store

if TYPE_CHECKING:
    from watchdesk.config import Settings

ACTOR_ENV = "WATCHDESK_ACTOR"
SETUP = "setup"  # the system actor of a desk's first writes, before it has officers
WHO_IS_ACTING = (
    f"who is acting? pass --as NAME or set {ACTOR_ENV} (an officer of the desk, or an "
    f"integration declared in the config); nothing was written"
)


def seat(settings: Settings) -> str:
    """This command's seat: `$WATCHDESK_SEAT` (the settings' `seat`), else the terminal."""
    if settings.seat:
        return settings.seat
    for fd in (0, 1, 2):
        try:
            return f"cli:{os.ttyname(fd)}"
        except OSError:
            continue
    return "cli:pipe"


def given_name(args: object) -> tuple[str, str] | None:
    """(the name, where it came from: `--as` or WATCHDESK_ACTOR), or None when neither is given."""
    name = getattr(args, "as_", None)
    if name is not None:
        return name, "--as"
    env = os.environ.get(ACTOR_ENV, "")
    return (env, ACTOR_ENV) if env.strip() else None


class CliStore(Store):
    """The desk as the command line opens it: before its first write, `settle` (set by
    `Ctx.open_store`) decides who is acting, or refuses the write."""

    settle: Callable[[], None] | None = None

    def write(self) -> AbstractContextManager[DeskDb]:
        if self.settle is not None:
            self.settle()  # raises UserError when no one may write; then it stays pending
            self.settle = None
        return super().write()


def actor_named(store: Store, settings: Settings, name: str, source: str) -> Actor:
    """The actor for a name given with --as or WATCHDESK_ACTOR (or `#ID`, for one of two
    officers of one name); UserError naming the option."""
    name = name.strip()
    if m := re.fullmatch(r"#(\d+)", name):
        try:
            o = store.officers.get(int(m[1]))
        except InputError as e:
            raise UserError(f"{source} {name!r}: {e.problem}") from None
        if not o.active:
            raise UserError(f"{source} {name!r}: {o.label()} is deactivated")
        return officer_actor(o, settings)
    try:
        return store.officers.actor_for(
            name, os_user=login(), seat=seat(settings), integrations=settings.integrations
        )
    except InputError as e:
        same = [o for o in store.officers.find(name) if o.active]
        if len(same) > 1:  # --as takes no title or phone: the ids tell them apart
            listed = "; ".join(f"#{o.id} {o.label()}" for o in same)
            raise UserError(
                f"{source} {name!r}: {len(same)} officers are named {name!r}: {listed}; "
                f"say which with {source}=#ID"
            ) from None
        raise UserError(f"{source} {name!r}: {e.problem}") from None


def officer_actor(officer: Officer, settings: Settings) -> Actor:
    return Actor(
        name=officer.name,
        officer_id=officer.id,
        kind=ActorKind.officer,
        os_user=login(),
        seat=seat(settings),
    )


def has_officers(store: Store) -> bool:
    return bool(store.db.execute("SELECT EXISTS (SELECT 1 FROM officers)").fetchone()[0])


def settle(store: Store, args: object, settings: Settings) -> Actor:
    """Who is acting, as the module's description says; sets it on `store` and returns it."""
    given = given_name(args)
    if given is not None:
        actor = actor_named(store, settings, *given)
    elif not has_officers(store):
        actor = Actor(name=SETUP, kind=ActorKind.system, os_user=login(), seat=seat(settings))
    else:
        raise UserError(WHO_IS_ACTING)
    store.act_as(actor)
    return actor

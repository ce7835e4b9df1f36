"""Who is acting on the command line: `--as NAME`, else `$WATCHDESK_ACTOR`, names an active officer
of the desk (`#ID` tells two of one name apart: the message lists them) or a system integration the config declares
(`integrations`, e.g. `sms-gateway`); anything else — an unknown name, a deactivated officer — is
bad input (exit 2, nothing written, the message in the UI language).

The console takes `--as NAME` too (`console_officer`): an active officer who may act now (on the
shift on duty, or an administrator); it does not read WATCHDESK_ACTOR (a console asks who is at
the keyboard).

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
from datetime import datetime
from typing import TYPE_CHECKING

from watchdesk.cli.base import UserError, login
from watchdesk.errors import InputError
from watchdesk.i18n import t
from watchdesk.models.officer import Actor, ActorKind, Officer
from watchdesk.store.db import DeskDb
from watchdesk.store.desk import Store

if TYPE_CHECKING:
    from watchdesk.config import Settings

ACTOR_ENV = "WATCHDESK_ACTOR"
SETUP = "setup"  # the system actor of a desk's first writes, before it has officers


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
    officers of one name): an active officer of the desk, else a declared integration;
    UserError naming the option, in the UI language (exit 2)."""
    name = name.strip()
    said = f"{source} {name!r}"
    if m := re.fullmatch(r"#(\d+)", name):
        try:
            o = store.officers.get(int(m[1]))
        except InputError as e:
            raise UserError(t("clitext.acting.problem", said=said, problem=e.problem)) from None
        if not o.active:
            raise UserError(t("acting.deactivated", said=said, who=o.label()))
        return officer_actor(o, settings)
    if not name:
        raise UserError(t("acting.blank", said=said))
    found = store.officers.find(name)
    active = [o for o in found if o.active]
    if len(active) == 1:
        return officer_actor(active[0], settings)
    if len(active) > 1:  # --as takes no title or phone: the ids tell them apart
        listed = "; ".join(f"#{o.id} {o.label()}" for o in active)
        raise UserError(
            t(
                "acting.several",
                said=said,
                n=len(active),
                name=repr(name),
                listed=listed,
                source=source,
            )
        )
    if found:
        raise UserError(
            t("acting.deactivated", said=said, who=found[0].label()) + t("acting.deactivated_hint")
        )
    if name in settings.integrations:
        return Actor(name=name, kind=ActorKind.integration, os_user=login(), seat=seat(settings))
    known = (
        t("acting.integrations", names=", ".join(settings.integrations))
        if settings.integrations
        else ""
    )
    raise UserError(t("acting.unknown", said=said, name=repr(name), known=known))


def console_officer(store: Store, settings: Settings, name: str, at: datetime) -> Actor:
    """Who `watchdesk --as NAME` opens the console as: an active officer of the desk (not an
    integration: those write from the command line) who may act now, on the shift on duty or an
    administrator; UserError in the UI language otherwise (the console is not opened)."""
    actor = actor_named(store, settings, name, "--as")
    said = f"--as {name.strip()!r}"
    if actor.kind != ActorKind.officer:
        raise UserError(t("acting.console.integration", said=said))
    if not store.officers.may_act(actor, at):
        raise UserError(t("acting.console.not_now", said=said, name=actor.name))
    return actor


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
        raise UserError(t("acting.who", env=ACTOR_ENV))
    store.act_as(actor)
    return actor

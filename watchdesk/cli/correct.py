"""`watchdesk correct RECORD --reason …`, `watchdesk corrections` and `watchdesk duplicate ID`:
corrections (更正) and duplicate calls (重复来电) from the command line, as the console's `s` and `m`
on an incident make them.

A record is named `kind:id`: `report:17` (a report made), `figures:5` (a figure version),
`log:88` (a duty-log entry), `rollcall:3` (a roll-call entry's outcome), `check:9` (a leader check
recorded), `signin:4` (a sign-in or sign-out). The ids are those the other commands print
(`incident show`, `log list`, `rollcall show`, `roster checks` …). Each write is one transaction
under whoever is acting (`--as`); bad input is one line naming what is wrong, exit 2, nothing
written.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from watchdesk.cli.base import (
    EXIT_OK,
    Commands,
    Ctx,
    Listing,
    emit,
    fields_as_options,
    json_flag,
    sql_int,
)
from watchdesk.errors import InputError
from watchdesk.i18n import t

if TYPE_CHECKING:
    from watchdesk.models.correction import Correction
    from watchdesk.store.desk import Store

WINDOW_MAX = 7 * 24 * 60


def correction_json(store: Store, c: Correction) -> dict[str, Any]:
    """A correction with its reference, what the record said and the note, in words."""
    from watchdesk.store.correction import describe, note

    return c.model_dump(mode="json") | {
        "ref": c.ref,
        "text": describe(c, store.tz),
        "note": note(c, store.tz),
    }


def cmd_correct(ctx: Ctx) -> int:
    from watchdesk.cli.incident import incident_json
    from watchdesk.store.correction import correct, parse_ref

    a = ctx.args
    with fields_as_options({"record": "RECORD", "reason": "--reason"}):
        ref = parse_ref(a.record)
        if not (a.reason or "").strip():
            raise InputError("reason", t("corr.err.reason"))
    with ctx.store() as s:
        with fields_as_options({"record": "RECORD", "reason": "--reason"}):
            res = correct(s, ref, a.reason)
        c = res.correction
        clocks = {d.id: d for d in s.incidents.deadlines(c.incident_id)} if c.incident_id else {}
        emit(
            {
                "correction": correction_json(s, c),
                "reopened": [clocks[i] for i in res.reopened if i in clocks],
                "dropped": [clocks[i] for i in res.dropped if i in clocks],
                "incident_reopened": res.incident_reopened,
                "figures_now": res.figures_now,
                "incident": incident_json(s, s.incidents.get(c.incident_id))
                if c.incident_id
                else None,
            }
        )
    return EXIT_OK


def cmd_corrections(ctx: Ctx) -> int:
    from watchdesk.models.correction import RecordKind
    from watchdesk.store.correction import listing

    a = ctx.args
    kind = RecordKind(a.kind) if a.kind else None
    with ctx.store() as s:
        emit(
            [
                correction_json(s, c)
                for c in listing(s, incident_id=a.incident, kind=kind, limit=a.limit)
            ]
        )
    return EXIT_OK


def _window(text: str) -> int:
    """`type=` of --window: minutes, 0 to a week."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.correct.bad_window")) from None
    if not 0 <= n <= WINDOW_MAX:
        raise argparse.ArgumentTypeError(t("cli.correct.bad_window"))
    return n


def cmd_duplicate(ctx: Ctx) -> int:
    from watchdesk.cli.incident import incident_json

    a = ctx.args
    if a.of is None and a.reason is not None:
        raise InputError("--reason", t("cli.correct.reason_needs_of"))
    if a.of is not None and not (a.reason or "").strip():
        raise InputError("--reason", t("cli.correct.of_needs_reason"))
    minutes = a.window if a.window is not None else ctx.settings.duplicate_window_minutes
    with ctx.store() as s:
        names = {"id": "ID", "of": "--of", "reason": "--reason"}
        if a.of is None:
            inc = s.incidents.get(a.id)
            emit(
                {
                    "incident": inc.id,
                    "merged_into": inc.merged_into,
                    "window_minutes": minutes,
                    "possible": s.incidents.possible_duplicates(inc.id, timedelta(minutes=minutes)),
                    "duplicates": s.incidents.duplicates_of(inc.id),
                }
            )
            return EXIT_OK
        with fields_as_options(names):
            inc = s.incidents.mark_duplicate(a.id, a.of, a.reason)
        emit(
            {
                "duplicate": s.incidents.duplicate_mark(inc.id),
                "incident": incident_json(s, inc),
                "of": incident_json(s, s.incidents.get(a.of)),
            }
        )
    return EXIT_OK


RECORDS_HELP = """\
records (kind:id; the ids are those the other commands print):
  report:ID    a report made (incident show: "reports") — its clock runs again with its
               original due time; a final report's incident is open again
  figures:ID   a figure version (incident figures: "figures") — the previous valid version is
               current again
  log:ID       a duty-log entry (log list) — a verification request's clock ends
  rollcall:ID  a roll-call entry's outcome (rollcall show: "entries") — the unit is not checked
               again; record its outcome anew with `rollcall record`
  check:ID     a leader-on-duty check recorded — the check is due again
  signin:ID    a sign-in or sign-out — the officer is not signed in (out) again

The record stays, struck through, with who corrected it, when and why: in the incident's
timeline, on the handover sheet and in the audit log; every list and total leaves it out.
Refused with exit 2, nothing written: an unknown record, one already corrected, an empty
reason, a record of a voided or merged incident, a report of an incident closed by its final
report (correct the final report first), an incident's only figures.

prints: {"correction": {"ref", "text" (what the record said), "note" (who, when, why), …},
"reopened": the clocks running again, "dropped": the clocks it ended, "incident_reopened",
"figures_now": the figure version current now, "incident": the incident as it now stands}"""

DUPLICATE_HELP = """\
Without --of: the incidents that may be the same event (received within the window: the same
category and place, or the same caller), as {"incident", "possible": [{"incident_id",
"received_at", "headline", "place", "why": ["place", "caller"]}], "duplicates": those merged
into it}.
With --of N --reason TEXT: marks ID a duplicate of N. Its running clocks end ("merged into #N")
and it counts once, in N, in every list and total. Refused with exit 2: an unknown incident,
itself, one already merged or voided, N merged into another (mark it a duplicate of that one),
an incident others were merged into, an empty reason."""


def register(commands: Commands) -> None:
    p = commands.add(
        "correct",
        cmd_correct,
        "strike a record made by mistake through (更正), with a reason: it stays visible, struck, "
        "and every list and total leaves it out",
    )
    p.formatter_class = Listing
    p.epilog = RECORDS_HELP
    p.add_argument("record", metavar="RECORD", help="kind:id, e.g. report:17 (see below)")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why (required)")
    json_flag(p)

    p = commands.add("corrections", cmd_corrections, "the corrections made, newest first, as JSON")
    p.add_argument("--incident", type=sql_int, metavar="ID", help="of one incident")
    p.add_argument("--kind", choices=["report", "figures", "log", "rollcall", "check", "signin"])
    p.add_argument("--limit", type=sql_int, default=200)
    json_flag(p)

    p = commands.add(
        "duplicate",
        cmd_duplicate,
        "possible duplicates of an incident (重复来电), or mark it a duplicate of another",
    )
    p.formatter_class = Listing
    p.epilog = DUPLICATE_HELP
    p.add_argument("id", type=sql_int, metavar="ID", help="the incident")
    p.add_argument("--of", type=sql_int, metavar="N", help="the incident it duplicates")
    p.add_argument("--reason", metavar="TEXT", help="why (required with --of)")
    p.add_argument(
        "--window",
        type=_window,
        metavar="MINUTES",
        help="how close in time (default: duplicate_window_minutes of the config, 120)",
    )
    json_flag(p)

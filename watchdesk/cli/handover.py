"""`watchdesk handover`: compile, sign, print and reprint handover sheets from the command line.

    watchdesk handover [--shift ID | --at TIME] --format txt|pdf|md [--output FILE] [--print]

Without --output the text or Markdown goes to stdout (a PDF needs --output or --print). A frozen
sheet is always given exactly as it was signed; an unsigned one is compiled from the records now.
`--print` sends it to the CUPS queue named in the config (`printer`), else the default one; when
that is impossible the command says why, saves the file and exits 1 — it never fails silently.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAIL, EXIT_INPUT = 0, 1, 2


def _shift_id(ctx, store) -> int:
    from watchdesk.errors import InputError
    from watchdesk.text.timefmt import parse_time

    a = ctx.args
    if a.shift is not None:
        if store.roster.view(a.shift) is None:
            raise InputError("--shift", f"no shift #{a.shift}")
        return a.shift
    at = store.now()
    if a.at:
        try:
            at = parse_time(a.at, store.tz, now=store.now())
        except ValueError as e:
            raise InputError("--at", str(e)) from None
    view = store.roster.on_duty(at)
    if view is None:
        raise InputError("--at", "no shift on the roster at that time")
    return view.shift.id


def _content(ctx, store, shift_id: int, fmt: str) -> tuple[bytes, bool]:
    """The sheet's bytes in `fmt`, and whether they are the frozen original."""
    from watchdesk.i18n import language
    from watchdesk.report.handover import render_markdown, render_text
    from watchdesk.report.pdf import render_pdf

    rec = store.handover.record(shift_id)
    if rec.frozen:
        fz = store.handover.frozen(shift_id)
        if fmt == "txt":
            return fz.text.encode("utf-8"), True
        if fmt == "md":
            return fz.markdown.encode("utf-8"), True
        return fz.pdf, True
    sheet = store.handover.compile(shift_id)
    s = ctx.settings
    if fmt == "txt":
        return render_text(
            sheet, tz=store.tz, width=ctx.args.width or s.handover_width, lang=language()
        ).encode("utf-8"), False
    if fmt == "md":
        return render_markdown(sheet, tz=store.tz, lang=language()).encode("utf-8"), False
    return render_pdf(sheet, tz=store.tz, lang=language(), font_path=s.pdf_font), False


def cmd_handover(ctx) -> int:
    from watchdesk.cli import UserError
    from watchdesk.report.printing import PrintError, print_file

    a = ctx.args
    if a.format == "pdf" and not a.output and not a.print:
        raise UserError("--format pdf: give --output FILE or --print")
    store = ctx.open_store()
    try:
        shift_id = _shift_id(ctx, store)
        data, frozen = _content(ctx, store, shift_id, a.format)
    finally:
        store.close()
    out: Path | None = Path(a.output) if a.output else None
    if out is not None:
        try:
            out.write_bytes(data)
        except OSError as e:
            raise UserError(f"--output {out}: {e.strerror}", EXIT_FAIL) from None
        print(
            f"handover of shift #{shift_id} ({'frozen' if frozen else 'draft'}) written to {out}",
            file=sys.stderr,
        )
    elif not a.print:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    if a.print:
        target = out
        if target is None:
            target = Path(tempfile.mkdtemp(prefix="watchdesk-")) / f"handover-{shift_id}.{a.format}"
            target.write_bytes(data)
        try:
            job = print_file(target, ctx.settings.printer, title=f"handover {shift_id}")
        except PrintError as e:
            print(f"watchdesk: {e}; the sheet is saved at {target}", file=sys.stderr)
            return EXIT_FAIL
        print(f"sent to {ctx.settings.printer or 'the default printer'}: {job}", file=sys.stderr)
    return EXIT_OK


def cmd_handover_sign(ctx) -> int:
    from watchdesk.cli import emit
    from watchdesk.i18n import language

    a = ctx.args
    store = ctx.open_store()
    try:
        shift_id = _shift_id(ctx, store)
        s = ctx.settings
        rec = store.handover.sign(
            shift_id,
            a.side,
            a.name,
            pin=a.pin,
            pin_required=s.handover_pin,
            lang=language(),
            width=s.handover_width,
            font_path=s.pdf_font,
        )
        emit(rec.model_dump(mode="json"))
    finally:
        store.close()
    if rec.frozen:
        _backup_after_freeze(ctx)
    return EXIT_OK


def _backup_after_freeze(ctx) -> None:
    try:
        from watchdesk.store import backup as backups
    except ImportError:  # pragma: no cover
        return
    store = ctx.open_store()
    try:
        backups.take(store, reason="handover")
    except Exception as e:  # the sheet is frozen already; say the backup failed, loudly
        print(f"watchdesk: the handover is frozen, but the backup failed: {e}", file=sys.stderr)
    finally:
        store.close()


def cmd_handover_history(ctx) -> int:
    from watchdesk.cli import emit

    store = ctx.open_store()
    try:
        emit([r.model_dump(mode="json") for r in store.handover.history(ctx.args.limit)])
    finally:
        store.close()
    return EXIT_OK


def register(sub, add: Callable[..., Any]) -> None:
    h = add(
        "handover",
        cmd_handover,
        "the handover sheet of a shift (the current one by "
        "default): text, Markdown or PDF; --print sends it to the CUPS printer",
    )
    h.add_argument("--shift", type=int, metavar="ID", help="shift id")
    h.add_argument("--at", metavar="TIME", help="the shift on duty at TIME")
    h.add_argument("--format", choices=["txt", "pdf", "md"], default="txt")
    h.add_argument("--output", metavar="FILE", help="write to FILE (else stdout; PDF needs it)")
    h.add_argument("--print", action="store_true", help="send to the printer in the config")
    h.add_argument("--width", type=int, help="text width in terminal cells (default: config)")
    h_sub = h.add_subparsers(title="handover commands", metavar="ACTION", parser_class=type(h))
    sg = add(
        "sign",
        cmd_handover_sign,
        "sign the handover as the outgoing or incoming officer; the second signature freezes it",
        h_sub,
    )
    sg.add_argument("side", choices=["outgoing", "incoming"])
    sg.add_argument("name")
    sg.add_argument("--pin")
    sg.add_argument("--shift", type=int, metavar="ID")
    sg.add_argument("--at", metavar="TIME")
    hist = add("history", cmd_handover_history, "frozen handovers, newest first", h_sub)
    hist.add_argument("--limit", type=int, default=50)

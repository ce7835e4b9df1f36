"""`watchdesk handover`: compile, sign, print and reprint handover sheets from the command line.

    watchdesk handover [--shift ID | --at TIME] --format txt|pdf|md [--output FILE] [--print]

Without --output the text or Markdown goes to stdout (a PDF needs --output or --print). A frozen
sheet's text and Markdown are given exactly as they were signed, and its PDF is rendered from its
frozen content in the font installed now (each rendering is recorded); an unsigned one is compiled
from the records now (its PDF marked 草稿). Without an embeddable Chinese font every PDF says so on
stderr, with what to install.
`--print` sends it to the CUPS queue named in the config (`printer`), else the default one; when
that is impossible the command says why, saves the file and exits 1 — it never fails silently.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from watchdesk.cli.base import (
    EXIT_OK,
    Commands,
    Ctx,
    Failure,
    PinInput,
    UserError,
    emit,
    int_up_to,
    sql_int,
    when,
    write_output,
)
from watchdesk.errors import InputError
from watchdesk.i18n import t

if TYPE_CHECKING:
    from watchdesk.store.desk import Store


def _shift_id(ctx: Ctx, store: Store) -> int:
    """--shift, else the shift on duty at --at (default: now)."""
    a = ctx.args
    if a.shift is not None:
        if store.roster.view(a.shift) is None:
            raise InputError("--shift", "clitext.handover.no_shift", id=a.shift)
        return int(a.shift)
    now = store.now()
    at = when(ctx, "at", a.at, now=now) or now
    view = store.roster.on_duty(at)
    if view is None:
        raise InputError("--at", "clitext.handover.no_shift_at")
    return view.shift.id


def _content(ctx: Ctx, store: Store, shift_id: int, fmt: str) -> tuple[bytes, bool]:
    """The sheet's bytes in `fmt`, and whether they are the frozen sheet's (a PDF: rendered now
    from the frozen content, and recorded)."""
    from watchdesk.i18n import language
    from watchdesk.report.handover import render_markdown, render_text

    s = ctx.settings
    if fmt == "pdf":
        got = store.handover.render_pdf(
            shift_id, font_path=s.pdf_font, purpose="print" if ctx.args.print else "file"
        )
        if got.warning:  # on every PDF: the Chinese would print as boxes
            print(t("frozen.font.pdf", warning=got.warning), file=sys.stderr)
        return got.pdf, got.frozen
    rec = store.handover.record(shift_id)
    if rec.frozen:
        fz = store.handover.frozen(shift_id)
        if fmt == "txt":
            return fz.text.encode("utf-8"), True
        return fz.markdown.encode("utf-8"), True
    sheet = store.handover.compile(shift_id)
    if fmt == "txt":
        try:
            text = render_text(
                sheet, tz=store.tz, width=ctx.args.width or s.handover_width, lang=language()
            )
        except ValueError as e:  # "width too small" (the config's width is at least 40)
            if not ctx.args.width:
                raise
            raise InputError("--width", f"{e}: {ctx.args.width}") from None
        return text.encode("utf-8"), False
    return render_markdown(sheet, tz=store.tz, lang=language()).encode("utf-8"), False


def font_warnings(ctx: Ctx) -> list[str]:
    """For `watchdesk check`: a warning, in the UI language, when no embeddable Chinese font is
    installed (the PDFs printed now would show boxes); empty when one is."""
    from watchdesk.report.pdf import cjk_font

    _, warning = cjk_font(ctx.settings.pdf_font)
    return [t("frozen.font.check", warning=warning)] if warning else []


def cmd_handover(ctx: Ctx) -> int:
    from watchdesk.files.output import write_private
    from watchdesk.report.printing import PrintError, print_data, print_file, saved_dir

    a = ctx.args
    if a.format == "pdf" and not a.output and not a.print:
        raise UserError(t("clitext.handover.pdf_needs_output"))
    with ctx.store() as s:
        shift_id = _shift_id(ctx, s)
        data, frozen = _content(ctx, s, shift_id, a.format)
    out: Path | None = Path(a.output) if a.output else None
    if out is not None:
        write_output(out, data)
        state = t("clitext.handover.frozen" if frozen else "clitext.handover.draft")
        print(t("clitext.handover.written", id=shift_id, state=state, path=out), file=sys.stderr)
    elif not a.print:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    if a.print:
        name = f"handover-{shift_id}.{a.format}"
        try:
            if out is not None:
                job = print_file(out, ctx.settings.printer, title=f"handover {shift_id}")
            else:  # through a temporary folder that print_data removes
                job = print_data(data, name, ctx.settings.printer, title=f"handover {shift_id}")
        except PrintError as e:
            target = out
            if target is None:  # kept where saved files go, to print elsewhere
                target = write_private(saved_dir(ctx.settings.export_dir) / name, data)
            raise Failure(t("print.saved_at", problem=str(e), path=str(target))) from None
        printer = ctx.settings.printer or t("print.default_printer")
        print(t("print.sent", printer=printer, job=job), file=sys.stderr)
    return EXIT_OK


def cmd_handover_sign(ctx: Ctx) -> int:
    from watchdesk.i18n import language

    a = ctx.args
    settings = ctx.settings
    pins = PinInput()
    pin = a.pin
    if pin == "-" or (pin is None and settings.handover_pin and pins.tty):
        pin = pins.read(pin, f"PIN of {a.name}: ", "--pin")
    with ctx.store() as s:
        shift_id = _shift_id(ctx, s)
        rec = s.handover.sign(
            shift_id,
            a.side,
            a.name,
            pin=pin,
            pin_required=settings.handover_pin,
            lang=language(),
            width=settings.handover_width,
            font_path=settings.pdf_font,
        )
        emit(rec.model_dump(mode="json"))
    if rec.frozen:
        _backup_after_freeze(ctx)
    return EXIT_OK


def _backup_after_freeze(ctx: Ctx) -> None:
    """A restore point of the desk as the sheet was frozen (store/replica.py); its failure is
    said, loudly, but the command has done its work."""
    from watchdesk.store import replica

    s = ctx.settings
    try:
        replica.take_point(
            ctx.db_path, reason="handover", directory=s.backup_dir, keep=s.backup_keep
        )
    except Exception as e:
        print(t("backup.handover_failed", why=e), file=sys.stderr)


def cmd_handover_history(ctx: Ctx) -> int:
    with ctx.store() as s:
        emit([r.model_dump(mode="json") for r in s.handover.history(ctx.args.limit)])
    return EXIT_OK


def register(commands: Commands) -> None:
    h = commands.add(
        "handover",
        cmd_handover,
        "the handover sheet of a shift (the current one by "
        "default): text, Markdown or PDF; --print sends it to the CUPS printer",
    )
    h.add_argument("--shift", type=sql_int, metavar="ID", help="shift id")
    h.add_argument("--at", metavar="TIME", help="the shift on duty at TIME")
    h.add_argument("--format", choices=["txt", "pdf", "md"], default="txt")
    h.add_argument("--output", metavar="FILE", help="write to FILE (else stdout; PDF needs it)")
    h.add_argument("--print", action="store_true", help="send to the printer in the config")
    h.add_argument(
        "--width", type=int_up_to(10_000), help="text width in terminal cells (default: config)"
    )
    actions = commands.under(h, "handover")
    p = actions.add(
        "sign",
        cmd_handover_sign,
        "sign the handover as the outgoing or incoming officer; the second signature freezes it",
    )
    p.add_argument("side", choices=["outgoing", "incoming"])
    p.add_argument(
        "name",
        help="the signer: someone of the shift (outgoing), or of the next shift who has "
        "signed in (incoming)",
    )
    p.add_argument(
        "--pin",
        help="the signer's PIN (the desk's handover_pin); asked at a terminal when not given; "
        "-: a line of stdin",
    )
    p.add_argument("--shift", type=sql_int, metavar="ID")
    p.add_argument("--at", metavar="TIME")
    p = actions.add("history", cmd_handover_history, "frozen handovers, newest first")
    p.add_argument("--limit", type=sql_int, default=50)

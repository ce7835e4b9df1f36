"""`watchdesk report …`: written reports from the command line, as the desk keeps them
(store/signoff.py): drafted from the incident, signed off step by step, sent.

    watchdesk report draft ID --kind KIND [--seq N] [--corrects REPORT] [--format txt|pdf|docx] [-o FILE] [--json]
    watchdesk report sign REPORT --step STEP [--pin PIN]
    watchdesk report back REPORT --reason TEXT
    watchdesk report send REPORT --via fax|gov|email|other [--at TIME] [--note TEXT] [--without-chain]
    watchdesk report list [--incident ID]
    watchdesk report show REPORT [--format txt|pdf|docx] [-o FILE]

Steps are named by code or in Chinese (drafted 拟稿, checked 审核, signed 签发 …); who signs is
whoever acts (`--as NAME`). The chain, who may sign and whether PINs are needed come from the
config (`report_chain`, `report_chain_by_kind`, `report_signers`, `report_pin`,
`report_signoff_required`). A signed report is always given exactly as it was frozen. Files are
written 0600. Bad input (a signer without the role, a wrong PIN, an unsigned report where the desk
requires sign-off, an unknown report) is one line, exit 2, nothing written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchdesk.cli.base import (
    EXIT_OK,
    Commands,
    Ctx,
    Failure,
    PinInput,
    UserError,
    emit,
    fields_as_options,
    json_flag,
    sql_int,
    when,
    write_output,
)
from watchdesk.errors import InputError
from watchdesk.i18n import t

if TYPE_CHECKING:
    from watchdesk.store.desk import Store
    from watchdesk.store.signoff import SignoffPolicy, WrittenReport

FORMATS = ("txt", "pdf", "docx")


def policy(ctx: Ctx) -> SignoffPolicy:
    """The desk's sign-off policy from the settings; a bad one is the config's problem."""
    from pydantic import ValidationError

    from watchdesk.store.signoff import SignoffPolicy

    try:
        return SignoffPolicy.from_settings(ctx.settings)
    except ValidationError as e:
        from watchdesk.i18n import validation_msg

        problem = "; ".join(str(validation_msg(x)) for x in e.errors())
        raise UserError(t("signoff.bad_config", path=ctx.config_path, problem=problem)) from None


def report_json(r: WrittenReport) -> dict[str, Any]:
    return r.model_dump(mode="json") | {"frozen": r.frozen, "correction": r.correction}


def _content(store: Store, r: WrittenReport, fmt: str, font_path: str | None) -> bytes:
    """The report in `fmt`: the frozen copy once signed, else the draft's paper (【草稿】)."""
    if r.frozen:
        fz = store.written.frozen(r.id)
        return {"txt": fz.text.encode("utf-8"), "pdf": fz.pdf, "docx": fz.docx}[fmt]
    pp = store.written.paper_of(r)
    if fmt == "txt":
        from watchdesk.report.written_text import render_text

        return render_text(pp).encode("utf-8")
    if fmt == "pdf":
        from watchdesk.report.written_pdf import render_pdf

        return render_pdf(pp, font_path=font_path)
    from watchdesk.report.written_docx import render_docx

    return render_docx(pp)


def _out(ctx: Ctx, r: WrittenReport, data: bytes, fmt: str, *, quiet: bool) -> None:
    a = ctx.args
    if a.output:
        write_output(Path(a.output), data, "-o")
        print(t("signoff.written", id=r.id, path=a.output), file=sys.stderr)
    elif not quiet:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _check_format(ctx: Ctx) -> str:
    a = ctx.args
    fmt = a.format or "txt"
    if fmt != "txt" and not a.output:
        raise InputError("--format", t("signoff.needs_output", format=fmt))
    return fmt


def cmd_report_draft(ctx: Ctx) -> int:
    from watchdesk.cli.incident import report_kind

    a = ctx.args
    fmt = _check_format(ctx)
    kind = report_kind(a.kind)
    pol = policy(ctx)
    with ctx.store() as s:
        ctx.acting(s)
        with fields_as_options({"kind": "--kind", "corrects": "--corrects", "seq": "--seq"}):
            r = s.written.create(
                a.id,
                kind,
                policy=pol,
                seq=a.seq,
                corrects=a.corrects,
                desk_name=ctx.settings.desk_name,
                report_to=ctx.settings.report_to,
            )
        data = _content(s, r, fmt, ctx.settings.pdf_font)
    print(t("signoff.drafted", id=r.id, title=r.title), file=sys.stderr)
    if r.missing:
        print(t("signoff.missing", labels="、".join(r.missing)), file=sys.stderr)
    _out(ctx, r, data, fmt, quiet=a.json)
    if a.json:
        emit(report_json(r))
    return EXIT_OK


def cmd_report_sign(ctx: Ctx) -> int:
    a = ctx.args
    pol = policy(ctx)
    pin = a.pin
    pins = PinInput()
    with ctx.store() as s:
        actor = ctx.acting(s)
        if pin == "-" or (pin is None and pol.pin and pins.tty):
            pin = pins.read(pin, t("signoff.pin_prompt", who=actor.name), "--pin")
        with fields_as_options({"step": "--step", "pin": "--pin", "report": "REPORT"}):
            r = s.written.sign(
                a.report, a.step, policy=pol, pin=pin, font_path=ctx.settings.pdf_font
            )
        emit(report_json(r))
    return EXIT_OK


def cmd_report_back(ctx: Ctx) -> int:
    a = ctx.args
    with ctx.store() as s:
        ctx.acting(s)
        with fields_as_options({"reason": "--reason", "report": "REPORT"}):
            r = s.written.back(a.report, a.reason or "")
        emit(report_json(r))
    return EXIT_OK


def cmd_report_send(ctx: Ctx) -> int:
    a = ctx.args
    pol = policy(ctx)
    with ctx.store() as s:
        ctx.acting(s)
        at = when(ctx, "at", a.at, now=s.now(), past=True)
        with fields_as_options({"via": "--via", "at": "--at", "report": "REPORT"}):
            r = s.written.send(
                a.report,
                via=a.via,
                at=at,
                note=a.note or "",
                without_chain=a.without_chain,
                policy=pol,
            )
        emit(report_json(r))
    return EXIT_OK


def cmd_report_list(ctx: Ctx) -> int:
    with ctx.store() as s:
        emit([report_json(r) for r in s.written.list(ctx.args.incident, limit=ctx.args.limit)])
    return EXIT_OK


def cmd_report_to(ctx: Ctx) -> int:
    """报 / 送 / 抄送 of a report not yet signed: each list given replaces that list."""
    from watchdesk.report.written_paper import names
    from watchdesk.store.signoff import Distribution

    a = ctx.args
    with ctx.store() as s:
        ctx.acting(s)
        r = s.written.get(a.report)
        lists = {"report_to": r.report_to, "send_to": r.send_to, "copy_to": r.copy_to}
        for key in lists:
            given = getattr(a, key)
            if given is not None:
                lists[key] = names(given)
        with fields_as_options(
            {"report_to": "--report-to", "send_to": "--send-to", "copy_to": "--copy-to"}
        ):
            r = s.written.set_distribution(a.report, Distribution.of(**lists), version=r.version)
    if a.json:
        emit(report_json(r))
    return EXIT_OK


def _print(ctx: Ctx, r: WrittenReport, data: bytes) -> None:
    """The report's PDF to the CUPS queue in the config (else the default one)."""
    from watchdesk.files.output import write_private
    from watchdesk.report.printing import PrintError, print_data, print_file, saved_dir

    a = ctx.args
    target = Path(a.output) if a.output else None
    name = f"report-{r.id}.pdf"
    try:
        if target is not None:
            job = print_file(target, ctx.settings.printer, title=f"report {r.id}")
        else:  # through a temporary folder that print_data removes
            job = print_data(data, name, ctx.settings.printer, title=f"report {r.id}")
    except PrintError as e:
        if target is None:  # kept where saved files go, to print elsewhere
            target = write_private(saved_dir(ctx.settings.export_dir) / name, data)
        raise Failure(t("signoff.print_failed", error=str(e), path=str(target))) from None
    print(t("signoff.printed", printer=ctx.settings.printer or "-", job=job), file=sys.stderr)


def cmd_report_show(ctx: Ctx) -> int:
    a = ctx.args
    if a.print:
        if a.format not in (None, "pdf"):
            raise InputError("--print", t("signoff.print_pdf"))
        with ctx.store() as s:
            r = s.written.get(a.report)
            data = _content(s, r, "pdf", ctx.settings.pdf_font)
        if a.output:
            write_output(Path(a.output), data, "-o")
        _print(ctx, r, data)
        return EXIT_OK
    if a.format is None and not a.output:
        with ctx.store() as s:
            r = s.written.get(a.report)
            text = _content(s, r, "txt", None).decode("utf-8")
            emit(report_json(r) | {"text": text})
        return EXIT_OK
    fmt = _check_format(ctx)
    with ctx.store() as s:
        r = s.written.get(a.report)
        data = _content(s, r, fmt, ctx.settings.pdf_font)
    _out(ctx, r, data, fmt, quiet=False)
    return EXIT_OK


def register(commands: Commands) -> None:
    g = commands.group(
        "report",
        "written reports: draft from an incident, sign off (拟稿 → 审核 → 签发), send; the "
        "sending closes the report's clock",
    )
    p = g.add("draft", cmd_report_draft, "draft a report of KIND on incident ID and keep it")
    p.add_argument("id", type=sql_int, metavar="ID", help="the incident")
    p.add_argument(
        "--kind",
        required=True,
        help="phone|written|followup|verification|final (or 电话/书面/续报/核报/终报)",
    )
    p.add_argument("--seq", type=sql_int, help="which follow-up, or which verification request")
    p.add_argument("--corrects", type=sql_int, metavar="REPORT", help="a sent report to correct")
    p.add_argument(
        "--format", choices=FORMATS, help="txt (default) to stdout; pdf and docx need -o"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (mode 0600)")
    json_flag(p)

    p = g.add("sign", cmd_report_sign, "sign the step the report waits for, as whoever acts")
    p.add_argument("report", type=sql_int, metavar="REPORT")
    p.add_argument("--step", required=True, help="drafted|checked|signed … (or 拟稿/审核/签发 …)")
    p.add_argument(
        "--pin", help="your PIN (the desk's report_pin); asked at a terminal; -: a line of stdin"
    )
    json_flag(p)

    p = g.add("back", cmd_report_back, "send the report back to its first step, with a reason")
    p.add_argument("report", type=sql_int, metavar="REPORT")
    p.add_argument("--reason", required=True)
    json_flag(p)

    p = g.add("send", cmd_report_send, "record that the report went: closes its clock")
    p.add_argument("report", type=sql_int, metavar="REPORT")
    p.add_argument(
        "--via", required=True, help="fax|gov|email|other (or 传真/政务网/电子邮件/其他)"
    )
    p.add_argument("--at", metavar="TIME", help="when it went (default: now)")
    p.add_argument("--note", help="how, in words (the fax number, the system …)")
    p.add_argument(
        "--without-chain",
        action="store_true",
        help="send a report not yet signed off (an emergency); it is marked as such",
    )
    json_flag(p)

    p = g.add("list", cmd_report_list, "reports, newest first (of one incident: in order)")
    p.add_argument("--incident", type=sql_int, metavar="ID")
    p.add_argument("--limit", type=sql_int, default=200)
    json_flag(p)

    p = g.add("show", cmd_report_show, "one report as JSON, or its paper with --format/-o")
    p.add_argument("report", type=sql_int, metavar="REPORT")
    p.add_argument("--format", choices=FORMATS)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (mode 0600)")
    p.add_argument(
        "--print", action="store_true", help="print its PDF through CUPS (the config's printer)"
    )
    json_flag(p)

    p = g.add("to", cmd_report_to, "set where a report not yet signed goes: 报 / 送 / 抄送")
    p.add_argument("report", type=sql_int, metavar="REPORT")
    p.add_argument("--report-to", dest="report_to", metavar="NAMES", help="报 (split at 、，;)")
    p.add_argument("--send-to", dest="send_to", metavar="NAMES", help="送")
    p.add_argument("--copy-to", dest="copy_to", metavar="NAMES", help="抄送")
    json_flag(p)

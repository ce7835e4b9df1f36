"""The end-of-shift handover (交接班): review, add notes and pending matters, check equipment,
sign twice, then print. A frozen sheet is shown exactly as it was signed; its PDF is rendered from
the frozen content at each print or save (and recorded), in the font installed then. Without an
embeddable Chinese font the console says so at start-up (`warn_if_no_font`) and at every print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Label

from watchdesk.errors import InputError
from watchdesk.files.output import write_private
from watchdesk.i18n import language, t
from watchdesk.models.handover import EquipmentItem
from watchdesk.report.handover import render_text_markdown
from watchdesk.report.printing import PrintError, print_file
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.dialogs import Field, FormDialog
from watchdesk.store.handover import DEFAULT_EQUIPMENT, HandoverRecord
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader


async def warn_if_no_font(app) -> None:
    """A moment after start-up: when no embeddable Chinese font is installed, a bar on the
    screen in front (and on the handover screen) says the PDFs would print as boxes and what to
    install."""
    import asyncio

    from watchdesk.report.pdf import cjk_font

    _, warning = await asyncio.to_thread(cjk_font, app.settings.pdf_font)
    if warning is None:
        return
    app.font_warning = t("frozen.font.missing")  # a bar, not a notice over the first dialog
    screen = next((s for s in reversed(app.screen_stack) if isinstance(s, WatchdeskScreen)), None)
    if screen is not None:
        font_bar(screen)


def font_bar(screen: WatchdeskScreen) -> None:
    """The missing-font bar at the top of `screen` (once), when the app found no font."""
    from watchdesk.screens.base import DeskNotice

    warning = getattr(screen.app, "font_warning", None)
    if not warning or screen.query("#font-missing"):
        return
    bar = DeskNotice(warning, id="font-missing", classes="read-only", markup=False)
    first = next((w for w in screen.children if w.styles.dock == "none"), None)
    screen.mount(bar, before=first) if first is not None else screen.mount(bar)


def export_dir(app) -> Path:
    import platformdirs

    base = app.settings.export_dir or Path(platformdirs.user_data_dir("watchdesk")) / "exports"
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


class SheetView(ScrollView, can_focus=True):
    """The sheet's text, laid out already (`handover_width` cells a line), drawn a screenful at
    a time: a day's sheet is over a thousand lines, which a Static would lay out and paint whole
    on the UI thread (~150-300 ms) before the screen could show."""

    DEFAULT_CSS = "SheetView { height: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[str] = []

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def show(self, text: str) -> None:
        self.lines = text.split("\n")
        width = max((cell_len(line) for line in self.lines), default=0)
        self.virtual_size = Size(width, len(self.lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        x0, y0 = self.scroll_offset
        width = self.scrollable_content_region.width
        style = self.rich_style
        if not 0 <= y0 + y < len(self.lines):
            return Strip.blank(width, style)
        return Strip([Segment(self.lines[y0 + y], style)]).crop_extend(x0, x0 + width, style)


class HandoverScreen(WatchdeskScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="handover-back"),
        Binding("t", "notes", "key.ho_notes", id="handover-notes"),
        Binding("a", "add_pending", "key.ho_pending", id="handover-pending"),
        Binding("d", "drop_pending", "key.ho_drop", show=False, id="handover-drop"),
        Binding("e", "equipment", "key.ho_equipment", id="handover-equipment"),
        Binding("o", "sign('outgoing')", "key.ho_sign_out", id="handover-sign-out"),
        Binding("c", "sign('incoming')", "key.ho_sign_in", id="handover-sign-in"),
        Binding("p", "print", "key.ho_print", id="handover-print"),
        Binding("s", "save", "key.ho_save", id="handover-save"),
        Binding("h", "history", "key.ho_history", id="handover-history"),
    ]

    def __init__(self, shift_id: int | None = None) -> None:
        super().__init__()
        localize_bindings(self)
        self.shift_id = shift_id
        self.record: HandoverRecord | None = None
        self.text = ""
        self.markdown = ""
        self.shift_people: set[int] = set()  # the officers on this (the outgoing) shift

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Label("", id="ho-status", classes="section-title")
        yield SheetView(id="ho-text")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        font_bar(self)
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.run_read(self._load, group="ho-load")

    async def _load(self) -> None:
        app = self.app
        shift_id = self.shift_id
        width = app.settings.handover_width
        lang = language()

        def read(s):
            sid = shift_id
            if sid is None:
                view = s.roster.on_duty()
                if view is None:
                    raise InputError("shift", "no shift is on the roster now")
                sid = view.shift.id
            rec = s.handover.record(sid)
            view = s.roster.view(sid)
            people = {a.officer_id for a in view.assignments} if view else set()
            if rec.frozen:
                fz = s.handover.frozen(sid)
                return sid, rec, fz.text, fz.markdown, people
            sheet = s.handover.compile(sid)
            text, markdown = render_text_markdown(sheet, tz=s.tz, width=width, lang=lang)
            return sid, rec, text, markdown, people

        try:
            (
                self.shift_id,
                self.record,
                self.text,
                self.markdown,
                self.shift_people,
            ) = await app.client.call(read)
        except InputError as e:
            self.query_one("#ho-status", Label).update(e.problem)
            return
        rec = self.record
        status = Text()
        if rec.frozen:
            status.append(
                t(
                    "hos.frozen",
                    at=rec.frozen_at.astimezone(app.settings.tz).strftime("%Y-%m-%d %H:%M")
                    if rec.frozen_at
                    else "",
                ),
                style="bold green",
            )
        else:
            status.append(t("hos.draft"), style="bold yellow")
            status.append(
                "  "
                + t("hos.outgoing", who=rec.outgoing.name if rec.outgoing else t("hos.unsigned"))
            )
            status.append(
                "  "
                + t("hos.incoming", who=rec.incoming.name if rec.incoming else t("hos.unsigned"))
            )
        self.query_one("#ho-status", Label).update(status)
        self.query_one("#ho-text", SheetView).show(self.text)

    # -- editing the draft -----------------------------------------------------------------------
    def _editable(self) -> HandoverRecord | None:
        """The draft being edited; None (and why) when there is none or it is frozen."""
        if self.record is None or self.shift_id is None:
            return None
        if self.record.frozen:
            self.notify(t("hos.is_frozen"), severity="warning")
            return None
        return self.record

    def _form(self, title: str, fields: list[Field], call, done_msg: str) -> None:
        app = self.app
        sid = self.shift_id

        async def submit(v: dict[str, Any]):
            rec = await app.client.call(lambda s: call(s, sid, v))
            app.after_write(done_msg)
            return rec

        app.push_screen(FormDialog(title, fields, submit))

    def action_notes(self) -> None:
        if (rec := self._editable()) is not None:
            self._form(
                t("hos.notes_title"),
                [Field("notes", t("hos.notes"), rec.notes, wide=True)],
                lambda s, sid, v: s.handover.set_notes(sid, v["notes"]),
                t("hos.saved"),
            )

    def action_add_pending(self) -> None:
        if self._editable() is not None:
            self._form(
                t("hos.pending_title"),
                [
                    Field("matter", t("hos.matter"), "", wide=True),
                    Field("owner", t("hos.owner"), ""),
                ],
                lambda s, sid, v: s.handover.add_pending(sid, v["matter"], v["owner"]),
                t("hos.saved"),
            )

    def action_drop_pending(self) -> None:
        if self._editable() is not None:

            def call(s, sid, v):
                n = v["number"].strip()
                if not n.isdigit():
                    raise InputError("number", "must be a number")
                return s.handover.remove_pending(sid, int(n) - 1)

            self._form(
                t("hos.drop_title"), [Field("number", t("hos.number"), "")], call, t("hos.saved")
            )

    def action_equipment(self) -> None:
        rec = self._editable()
        if rec is None:
            return
        current = {e.key: e for e in rec.equipment}
        keys = list(dict.fromkeys([*current, *DEFAULT_EQUIPMENT]))
        fields = []
        for k in keys:
            e = current.get(k, EquipmentItem(key=k))
            fields.append(Field(f"ok_{k}", t(f"ho.eq.{k}"), e.ok, kind="checkbox"))
            fields.append(Field(f"note_{k}", t("hos.eq_note"), e.note))

        def call(s, sid, v):
            return s.handover.set_equipment(
                sid,
                [
                    EquipmentItem(key=k, ok=bool(v[f"ok_{k}"]), note=v[f"note_{k}"].strip())
                    for k in keys
                ],
            )

        self._form(t("hos.eq_title"), fields, call, t("hos.saved"))

    def action_sign(self, side: str) -> None:
        if self._editable() is None:
            return
        app = self.app
        sid = self.shift_id
        # The outgoing signature is the active officer's when they are on this shift; the store
        # refuses anyone who is not (and the incoming one from anyone not signed in for the next).
        mine = side == "outgoing" and app.officer.officer_id in self.shift_people
        fields = [Field("name", t("hos.name"), app.actor if mine else "")]
        if app.settings.handover_pin:
            fields.append(Field("pin", t("hos.pin"), "", password=True))
        settings, lang = app.settings, language()
        if sid is None:  # _editable() said there is a shift
            return

        async def submit(v: dict[str, Any]):
            rec = await app.client.call(
                lambda s: s.handover.sign(
                    sid,
                    side,
                    v["name"],
                    pin=v.get("pin") or None,
                    pin_required=settings.handover_pin,
                    lang=lang,
                    width=settings.handover_width,
                    font_path=settings.pdf_font,
                )
            )
            if rec.frozen:
                app.after_write(t("hos.frozen_now"))
                app.handover_frozen()
            else:
                app.after_write(t("hos.signed", who=v["name"]))
            return rec

        title = t("hos.sign_out_title") if side == "outgoing" else t("hos.sign_in_title")
        app.push_screen(FormDialog(title, fields, submit, note=t(f"hos.sign_note.{side}")))

    def action_history(self) -> None:
        self.app.push_screen(HandoverHistoryScreen())

    # -- output ----------------------------------------------------------------------------------
    async def _write_files(self, purpose: str) -> Path:
        """The text, Markdown and PDF in the export folder; the PDF rendered now (a frozen
        sheet's from its frozen content, recorded; a draft's marked 草稿), in the font installed
        now: without an embeddable one, said at once. Returns the PDF's path."""
        app, sid, font = self.app, self.shift_id, self.app.settings.pdf_font
        if sid is None:
            raise InputError("shift", "err.shift.not_found", id="")
        got = await app.client.call(
            lambda s: s.handover.render_pdf(sid, font_path=font, purpose=purpose)
        )
        if got.warning:  # on every print and save
            self.notify(t("frozen.font.pdf", warning=got.warning), severity="error", timeout=30)
        folder = export_dir(app)
        stem = f"handover-shift{sid}" + ("" if got.frozen else "-draft")
        write_private(folder / f"{stem}.txt", self.text)  # mode 0600, whole or not at all
        write_private(folder / f"{stem}.md", self.markdown)
        return write_private(folder / f"{stem}.pdf", got.pdf)

    def action_save(self) -> None:
        if not self.text:
            return

        async def run() -> None:
            pdf = await self._write_files("save")
            self.notify(t("hos.saved_files", path=str(pdf)), timeout=12)

        self.run_read(run, group="ho-save")

    def action_print(self) -> None:
        if not self.text:
            return
        printer = self.app.settings.printer

        async def run() -> None:
            import asyncio

            target = await self._write_files("print")

            def work() -> str:
                return print_file(target, printer, title=t("ho.title"))

            try:
                job = await asyncio.to_thread(work)
            except PrintError as e:
                self.notify(
                    t("hos.print_failed", why=str(e), path=str(target)),
                    severity="error",
                    timeout=20,
                )
            else:
                self.notify(
                    t("hos.printed", job=job, printer=printer or t("hos.default_printer")),
                    timeout=10,
                )

        self.run_read(run, group="ho-print")


class HandoverHistoryScreen(WatchdeskScreen):
    """Every frozen handover, newest first; Enter shows one exactly as it was signed (and `p`
    prints it, rendered from its frozen content)."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="ho-history-back"),
        Binding("enter", "open", "key.open", id="ho-history-open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)
        self.records: list[HandoverRecord] = []

    def compose(self) -> ComposeResult:
        from textual.widgets import DataTable

        yield DeskHeader()
        yield Label(t("hos.history"), classes="section-title")
        yield DataTable(id="ho-history", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        from textual.widgets import DataTable

        table = self.query_one(DataTable)
        table.add_columns(
            t("hos.h.shift"),
            t("hos.h.frozen"),
            t("hos.outgoing", who=""),
            t("hos.incoming", who=""),
            "SHA-256",
        )
        self.run_read(self._load, group="ho-history")

    async def _load(self) -> None:
        from textual.widgets import DataTable

        app = self.app
        tz = app.settings.tz

        def read(s):
            return [(r, s.roster.view(r.shift_id)) for r in s.handover.history(500)]

        rows = await app.client.call(read)
        self.records = [r for r, _ in rows]
        table = self.query_one(DataTable)
        table.clear()
        for rec, view in rows:
            shift = (
                f"#{rec.shift_id} {view.shift.starts_at.astimezone(tz):%m-%d %H:%M}–"
                f"{view.shift.ends_at.astimezone(tz):%m-%d %H:%M}"
                if view
                else f"#{rec.shift_id}"
            )
            table.add_row(
                shift,
                f"{rec.frozen_at.astimezone(tz):%Y-%m-%d %H:%M}" if rec.frozen_at else "",
                rec.outgoing.name if rec.outgoing else "",
                rec.incoming.name if rec.incoming else "",
                (rec.sheet_sha256 or "")[:16],
            )

    def action_open(self) -> None:
        from textual.widgets import DataTable

        table = self.query_one(DataTable)
        if self.records and table.cursor_row < len(self.records):
            self.app.push_screen(HandoverScreen(self.records[table.cursor_row].shift_id))

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open()

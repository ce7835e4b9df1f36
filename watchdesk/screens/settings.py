"""The settings screen (设置): what the desk keeps in its database and could be changed only from
the command line before — the desk's name, the office reports go to, its time zone and rule pack
(`store.settings`); the shift pattern and the minimum people per role, the sensitive-period
floors, the leader-on-duty check schedule (`roster config`); sensitive periods and leave.

Every change goes through the store, which checks it and audits it; a refused change shows the
store's reason in the form and writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option

from watchdesk.config import DESK_KEYS, FILE, OVERRIDES
from watchdesk.errors import InputError, msg_of, validation_msg
from watchdesk.i18n import language, t
from watchdesk.i18n.labels import role_label
from watchdesk.models.officer import Officer
from watchdesk.models.roster import (
    CheckConfig,
    Leave,
    Role,
    RosterConfig,
    SensitivePeriod,
    ShiftSlot,
)
from watchdesk.screens.base import WatchdeskScreen
from watchdesk.screens.dialogs import ConfirmDialog, Field
from watchdesk.screens.officer import DeskForm, field_error, who
from watchdesk.text.timefmt import parse_date, parse_time
from watchdesk.widgets import localize_bindings
from watchdesk.widgets.fixed_table import FixedTable, cell_text
from watchdesk.widgets.footer import KeyFooter
from watchdesk.widgets.header import DeskHeader

if TYPE_CHECKING:
    from watchdesk.app import WatchdeskApp
    from watchdesk.store.desk import Store
    from watchdesk.store.settings import DeskSettings, PackChoice

SECTIONS = ("desk", "roster", "checks", "sensitive", "leave")
DESK_PATTERN = "desk"  # the name of the desk's own shift pattern, typed as slots
LEAVE_BACK, LEAVE_AHEAD = timedelta(days=31), timedelta(days=366)  # the leave listed


# -- shared with the first-run setup --------------------------------------------------------------
def overridden_here(
    app: WatchdeskApp, keys: tuple[str, ...] = DESK_KEYS, saved: DeskSettings | None = None
) -> list[str]:
    """One line for each of the desk's settings among `keys` that a flag or the environment sets
    in this console (a value saved on the desk, `saved`, does not apply here while it does)."""
    conf = app.settings
    out = []
    for k in keys:
        if k not in conf.overridden():
            continue
        by, value = conf.origin(k)[1], str(getattr(conf, k))
        item = t(f"settings.desk.{k}")
        own = str(getattr(saved, k, "") or "")
        if own:
            out.append(t("settings.origin.note_saved", item=item, by=by, value=value, saved=own))
        else:
            out.append(t("settings.origin.note", item=item, by=by, value=value))
    return out


def desk_value(app: WatchdeskApp, key: str, saved: str, show: Any = str) -> str:
    """A desk setting as the settings screen lists it: the value in use and, when it is not the
    desk's own, where it comes from (a flag or variable overriding the desk's, the config file,
    the default)."""
    conf = app.settings
    kind, where = conf.origin(key)
    value = show(str(getattr(conf, key)))
    if kind in OVERRIDES:
        if saved:
            return t("settings.origin.overridden", value=value, by=where, saved=show(saved))
        return t("settings.origin.by", value=value, by=where)
    if saved:
        return show(saved)
    if not str(getattr(conf, key)):
        return t("settings.unset")
    if kind == FILE:
        return t("settings.origin.file", value=value)
    return t("settings.origin.default", value=value)


def pack_options(ds: DeskSettings, packs: list[PackChoice]) -> list[tuple[str, str]]:
    lang = language()
    opts: list[tuple[str, str]] = [
        (f"{p.name_zh if lang == 'zh' else p.name_en} ({p.id})", p.id) for p in packs
    ]
    if ds.rule_pack and ds.rule_pack not in {p.id for p in packs}:
        opts.append((ds.rule_pack, ds.rule_pack))
    return opts


def pack_name(rule_pack: str, packs: list[PackChoice]) -> str:
    for p in packs:
        if p.id == rule_pack:
            return f"{p.name_zh if language() == 'zh' else p.name_en} ({p.id})"
    return rule_pack


def slots_text(slots: list[ShiftSlot]) -> str:
    """`08:00+12h 白班, 20:00+12h 夜班`."""
    return ", ".join(f"{s.start}+{s.hours:g}h {s.label}".rstrip() for s in slots)


_SLOT = re.compile(r"^(\d{1,2}:\d{2})\s*[+/＋]\s*(\d+(?:\.\d+)?)\s*(?:h|H|小时)?\s*(.*)$")


def parse_slots(text: str, field_name: str) -> list[ShiftSlot]:
    out = []
    for part in [p.strip() for p in re.split(r"[,，;；、]+", text) if p.strip()]:
        m = _SLOT.match(part)
        if not m:
            raise InputError(field_name, t("settings.bad_slot", text=part))
        try:
            out.append(ShiftSlot(start=m[1], hours=float(m[2]), label=m[3].strip()))
        except ValidationError:
            raise InputError(field_name, t("settings.bad_slot", text=part)) from None
    if not out:
        raise InputError(field_name, t("settings.no_slots"))
    return out


def whole(values: dict[str, Any], name: str, lo: int, hi: int) -> int:
    text = str(values[name]).strip()
    try:
        n = int(text)
    except ValueError:
        raise InputError(name, t("settings.range", lo=lo, hi=hi)) from None
    if not lo <= n <= hi:
        raise InputError(name, t("settings.range", lo=lo, hi=hi))
    return n


def pattern_label(name: str, cfg: RosterConfig) -> str:
    if name == DESK_PATTERN:
        own = cfg.patterns.get(DESK_PATTERN)
        return t("settings.pattern.desk") + (f": {slots_text(own)}" if own else "")
    return t("settings.pattern.named", name=name, slots=slots_text(cfg.patterns[name]))


def roster_fields(cfg: RosterConfig, *, full: bool = True) -> list[Field]:
    """The shift pattern and the minimum people per role (`full`: and the rest of the rules)."""
    names = [n for n in cfg.patterns if n != DESK_PATTERN] + [DESK_PATTERN]
    own = cfg.patterns.get(DESK_PATTERN)
    fields = [
        Field(
            "pattern",
            t("settings.roster.pattern"),
            cfg.pattern,
            "select",
            [(pattern_label(n, cfg), n) for n in names],
        ),
        Field(
            "slots",
            t("settings.roster.slots"),
            slots_text(own) if own else "",
            placeholder=t("settings.roster.slots_ph"),
        ),
        *(
            Field(
                f"min_{r.value}",
                t("settings.roster.min", role=role_label(r)),
                cfg.minimums.get(r, 0),
            )
            for r in Role
        ),
    ]
    if full:
        fields += [
            Field("max_consecutive", t("settings.roster.max_consecutive"), cfg.max_consecutive),
            Field("signin_early", t("settings.roster.signin_early"), cfg.signin_early_minutes),
        ]
    return fields


def roster_apply(cfg: RosterConfig, v: dict[str, Any]) -> RosterConfig:
    """The configuration with the form's values; InputError at the field otherwise."""
    patterns = dict(cfg.patterns)
    pattern = v["pattern"]
    if str(v.get("slots", "")).strip():
        own = parse_slots(str(v["slots"]), "slots")
        if patterns.get(DESK_PATTERN) != own:  # newly typed: that is the pattern meant
            pattern = DESK_PATTERN
        patterns[DESK_PATTERN] = own
    elif pattern == DESK_PATTERN:
        raise InputError("slots", t("settings.no_slots"))
    data = cfg.model_dump()
    data["patterns"] = {k: [s.model_dump() for s in p] for k, p in patterns.items()}
    data["pattern"] = pattern
    data["minimums"] = {r.value: whole(v, f"min_{r.value}", 0, 20) for r in Role}
    if "max_consecutive" in v:
        data["max_consecutive"] = whole(v, "max_consecutive", 1, 31)
    if "signin_early" in v:
        data["signin_early_minutes"] = whole(v, "signin_early", 0, 24 * 60)
    return _validated(data)


def _validated(data: dict[str, Any]) -> RosterConfig:
    try:
        return RosterConfig.model_validate(data)
    except ValidationError as e:
        raise InputError("pattern", validation_msg(e.errors()[0])) from None


def _times(text: str, name: str) -> list[str]:
    out = []
    for part in [p for p in re.split(r"[,，;；、\s]+", text) if p]:
        try:
            CheckConfig(fixed=[part])
        except ValidationError:
            raise InputError(name, t("settings.bad_time", text=part)) from None
        out.append(part)
    return out


def _windows(text: str, name: str) -> list[tuple[str, str]]:
    out = []
    for part in [p.strip() for p in re.split(r"[,，;；、]+", text) if p.strip()]:
        bits = [b.strip() for b in re.split(r"[-–—~～至到]", part) if b.strip()]
        try:
            if len(bits) != 2:
                raise ValueError(part)
            CheckConfig(random_windows=[(bits[0], bits[1])])
        except (ValidationError, ValueError):
            raise InputError(name, t("settings.bad_window", text=part)) from None
        out.append((bits[0], bits[1]))
    return out


def checks_apply(cfg: RosterConfig, v: dict[str, Any]) -> RosterConfig:
    data = cfg.model_dump()
    data["checks"] = {
        "at_start": bool(v["at_start"]),
        "fixed": _times(str(v["fixed"]), "fixed"),
        "random_windows": _windows(str(v["windows"]), "windows"),
        "escalate_after_minutes": whole(v, "escalate", 1, 24 * 60),
    }
    return _validated(data)


def _day(text: str, name: str) -> date:
    try:
        return parse_date(text)
    except ValueError as e:
        raise InputError(name, msg_of(e)) from None


# -- the screen -----------------------------------------------------------------------------------
@dataclass
class SettingsData:
    desk: DeskSettings
    packs: list[PackChoice]
    cfg: RosterConfig
    periods: list[SensitivePeriod] = field(default_factory=list)
    leave: list[Leave] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)


class SettingsScreen(WatchdeskScreen):
    DEFAULT_CSS = """
    SettingsScreen #settings-body { height: 1fr; }
    SettingsScreen #settings-sections { width: 24; height: 1fr; border-right: solid $primary; }
    SettingsScreen #settings-main { width: 1fr; height: 1fr; }
    SettingsScreen #settings-table { height: 1fr; }
    SettingsScreen #settings-hint { height: auto; padding: 0 1; background: $boost; }
    """
    BINDINGS = [
        Binding("escape", "back", "key.settings.back", id="settings-back"),
        Binding("e", "edit", "key.settings.edit", id="settings-edit"),
        Binding("a", "add", "key.settings.add", id="settings-add"),
        Binding("x", "remove", "key.settings.remove", id="settings-remove"),
        Binding("w", "wizard", "key.settings.wizard", id="settings-wizard"),
    ]

    def __init__(self, section: str = "desk") -> None:
        super().__init__()
        localize_bindings(self)
        self.section = section
        self.data: SettingsData | None = None
        self.loads = 0  # completed loads (tests wait on it)

    def compose(self) -> ComposeResult:
        yield DeskHeader(show_clock=False)
        with Horizontal(id="settings-body"):
            yield OptionList(
                *[Option(t(f"settings.section.{s}"), id=s) for s in SECTIONS],
                id="settings-sections",
            )
            with Vertical(id="settings-main"):
                yield Label("", id="settings-title", classes="section-title")
                yield FixedTable(id="settings-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="settings-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = SECTIONS.index(self.section)
        ol.focus()
        self.refresh_data()

    def refresh_data(self) -> None:
        self.run_read(self._load, group="settings-load")

    async def _load(self) -> None:
        now = self.app.clock()

        def read(s: Store) -> SettingsData:
            return SettingsData(
                desk=s.settings.get(),
                packs=s.settings.packs(),
                cfg=s.roster.config(),
                periods=s.roster.sensitive_periods(),
                leave=s.roster.leave_between(now - LEAVE_BACK, now + LEAVE_AHEAD),
                officers=s.officers.list(),
            )

        self.data = await self.app.client.call(read)
        self._show()
        self.loads += 1

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id and event.option.id != self.section:
            self.section = event.option.id
            self._show()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one(FixedTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    # -- showing --------------------------------------------------------------------------------
    def _rows(self) -> tuple[list[tuple[str, int]], list[tuple[str, list[str]]]]:
        """The section's columns (key, width) and rows (key, cells)."""
        d = self.data
        assert d is not None
        kv = [("item", 28), ("value", self._value_width())]
        yes, no = t("people.yes"), t("settings.no")
        if self.section == "desk":
            ds = d.desk
            return kv, [
                (k, [t(f"settings.desk.{k}"), desk_value(self.app, k, getattr(ds, k), show)])
                for k, show in (
                    ("desk_name", str),
                    ("report_to", str),
                    ("timezone", str),
                    ("rule_pack", lambda p: pack_name(p, d.packs)),
                )
            ]
        cfg = d.cfg
        if self.section == "roster":
            mins = " · ".join(f"{role_label(r)} {cfg.minimums.get(r, 0)}" for r in Role)
            floor = cfg.floor(True)
            smins = " · ".join(f"{role_label(r)} {floor[r]}" for r in Role)
            return kv, [
                ("pattern", [t("settings.roster.pattern"), pattern_label(cfg.pattern, cfg)]),
                (
                    "patterns",
                    [
                        t("settings.roster.patterns"),
                        "; ".join(f"{n}: {slots_text(p)}" for n, p in cfg.patterns.items()),
                    ],
                ),
                ("minimums", [t("settings.roster.minimums"), mins]),
                (
                    "max_consecutive",
                    [t("settings.roster.max_consecutive"), str(cfg.max_consecutive)],
                ),
                (
                    "signin_early",
                    [t("settings.roster.signin_early"), str(cfg.signin_early_minutes)],
                ),
                ("sensitive", [t("settings.roster.sensitive_minimums"), smins]),
                (
                    "holidays",
                    [t("settings.roster.holidays"), yes if cfg.holidays_sensitive else no],
                ),
            ]
        if self.section == "checks":
            c = cfg.checks
            return kv, [
                ("at_start", [t("settings.checks.at_start"), yes if c.at_start else no]),
                ("fixed", [t("settings.checks.fixed"), ", ".join(c.fixed) or "—"]),
                (
                    "windows",
                    [
                        t("settings.checks.windows"),
                        ", ".join(f"{a}–{b}" for a, b in c.random_windows) or "—",
                    ],
                ),
                ("escalate", [t("settings.checks.escalate"), str(c.escalate_after_minutes)]),
            ]
        if self.section == "sensitive":
            cols = [("name", 18), ("from", 12), ("to", 12), ("note", 40)]
            return cols, [
                (str(p.id), [p.name, p.starts_on.isoformat(), p.ends_on.isoformat(), p.note])
                for p in d.periods
            ]
        tz = self.app.settings.tz
        cols = [("officer", 14), ("from", 17), ("until", 17), ("reason", 36)]
        return cols, [
            (
                str(lv.id),
                [
                    lv.officer_name,
                    f"{lv.starts_at.astimezone(tz):%Y-%m-%d %H:%M}",
                    f"{lv.ends_at.astimezone(tz):%Y-%m-%d %H:%M}",
                    lv.reason,
                ],
            )
            for lv in d.leave
        ]

    def _value_width(self) -> int:
        """The value column fills what the terminal leaves (the sections list, the item column,
        the cells' padding)."""
        return max(30, min(90, self.app.size.width - 24 - 28 - 6))

    def on_resize(self) -> None:
        self._show()

    def _show(self) -> None:
        if self.data is None:
            return
        cols, rows = self._rows()
        table = self.query_one(FixedTable)
        table.clear(columns=True)
        for key, width in cols:
            table.add_column(Text(t(f"settings.col.{key}")), key=key, width=width)
        for key, cells in rows:
            table.add_row(*[cell_text(c) for c in cells], key=key)
        table.size_now()
        self.query_one("#settings-title", Label).update(t(f"settings.section.{self.section}"))
        hint = t(f"settings.hint.{self.section}")
        if self.section in ("sensitive", "leave") and not rows:
            hint = t(f"settings.empty.{self.section}") + "  " + hint
        if self.section == "desk":
            lines = overridden_here(self.app, saved=self.data.desk)
            hint = "\n".join([hint, *lines, *self._from_file()])
        self.query_one("#settings-hint", Static).update(hint)

    def _from_file(self) -> list[str]:
        """Where the values marked "config file" come from, and that the desk's take their place."""
        conf = self.app.settings
        files = {conf.origin(k)[1] for k in DESK_KEYS if conf.origin(k)[0] == FILE}
        return [t("settings.origin.file_note", path=p) for p in sorted(files)]

    def _row_key(self) -> str | None:
        table = self.query_one(FixedTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value

    def _after(self, result: Any) -> None:
        if result:
            self.notify(t("settings.saved"))
            self.refresh_data()
            self.app.reload()

    # -- actions --------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_wizard(self) -> None:
        from watchdesk.screens.setup import SetupWizard

        self.app.push_screen(SetupWizard(), self._after)

    def action_edit(self) -> None:
        if self.data is None:
            return
        if self.section == "desk":
            self._edit_desk()
        elif self.section == "roster":
            if self._row_key() in ("sensitive", "holidays"):
                self._edit_floors()
            else:
                self._edit_roster()
        elif self.section == "checks":
            self._edit_checks()
        else:
            self.action_add()

    def action_add(self) -> None:
        if self.section == "sensitive":
            self._add_period()
        elif self.section == "leave":
            self._add_leave()
        else:
            self.action_edit()

    def _config_form(self, title: str, fields: list[Field], apply: Any, note: str = "") -> None:
        async def submit(v: dict[str, Any]) -> bool:
            def save(s: Store) -> RosterConfig:
                return s.roster.set_config(apply(s.roster.config(), v))

            try:
                await self.app.client.call(save)
            except InputError as e:
                raise field_error(e) from None
            return True

        self.app.push_screen(DeskForm(title, fields, submit, note=note), self._after)

    def _edit_desk(self) -> None:
        assert self.data is not None
        ds, packs = self.data.desk, self.data.packs
        conf = self.app.settings
        fields = [
            Field("desk_name", t("settings.desk.desk_name"), ds.desk_name),
            Field("report_to", t("settings.desk.report_to"), ds.report_to),
            Field(
                "timezone",
                t("settings.desk.timezone"),
                ds.timezone,
                placeholder=conf.without_desk("timezone"),
            ),
            Field(
                "rule_pack",
                t("settings.desk.rule_pack"),
                ds.rule_pack,
                "select",
                [(t("settings.from_config", value=conf.without_desk("rule_pack")), "")]
                + pack_options(ds, packs),
            ),
        ]

        async def submit(v: dict[str, Any]) -> bool:
            changes = {k: str(v[k]) for k in ("desk_name", "report_to", "timezone", "rule_pack")}
            try:
                saved = await self.app.client.call(lambda s: s.settings.update(**changes))
            except InputError as e:
                raise field_error(e) from None
            self.app.apply_desk(saved.model_dump())
            changed = tuple(k for k in DESK_KEYS if getattr(saved, k) != getattr(ds, k))
            if lines := overridden_here(self.app, changed, saved):  # saved, not in use here
                self.notify(
                    "\n".join([t("settings.origin.saved_not_here"), *lines]),
                    severity="warning",
                    timeout=15,
                )
            return True

        note = "\n".join([t("settings.desk.note"), *overridden_here(self.app, saved=ds)])
        self.app.push_screen(
            DeskForm(t("settings.desk.title"), fields, submit, note=note), self._after
        )

    def _edit_roster(self) -> None:
        assert self.data is not None
        self._config_form(
            t("settings.roster.title"),
            roster_fields(self.data.cfg),
            roster_apply,
            t("settings.roster.note"),
        )

    def _edit_floors(self) -> None:
        assert self.data is not None
        cfg = self.data.cfg
        floor = cfg.floor(True)
        fields = [
            *(
                Field(f"smin_{r.value}", t("settings.roster.min", role=role_label(r)), floor[r])
                for r in Role
            ),
            Field(
                "holidays_sensitive",
                t("settings.roster.holidays"),
                cfg.holidays_sensitive,
                "checkbox",
            ),
        ]

        def apply(cfg: RosterConfig, v: dict[str, Any]) -> RosterConfig:
            data = cfg.model_dump()
            data["sensitive_minimums"] = {r.value: whole(v, f"smin_{r.value}", 0, 20) for r in Role}
            data["holidays_sensitive"] = bool(v["holidays_sensitive"])
            return _validated(data)

        self._config_form(t("settings.floors.title"), fields, apply, t("settings.floors.note"))

    def _edit_checks(self) -> None:
        assert self.data is not None
        c = self.data.cfg.checks
        fields = [
            Field("at_start", t("settings.checks.at_start"), c.at_start, "checkbox"),
            Field("fixed", t("settings.checks.fixed"), ", ".join(c.fixed), placeholder="22:00"),
            Field(
                "windows",
                t("settings.checks.windows"),
                ", ".join(f"{a}-{b}" for a, b in c.random_windows),
                placeholder="00:00-06:00",
            ),
            Field("escalate", t("settings.checks.escalate"), c.escalate_after_minutes),
        ]
        self._config_form(
            t("settings.checks.title"), fields, checks_apply, t("settings.checks.note")
        )

    def _add_period(self) -> None:
        today = self.app.clock().astimezone(self.app.settings.tz).date()
        fields = [
            Field("name", t("settings.col.name"), placeholder=t("settings.sensitive.name_ph")),
            Field("starts_on", t("settings.col.from"), today.isoformat()),
            Field("ends_on", t("settings.col.to"), today.isoformat()),
            Field("note", t("settings.col.note")),
        ]

        async def submit(v: dict[str, Any]) -> bool:
            first, last = _day(v["starts_on"], "starts_on"), _day(v["ends_on"], "ends_on")
            try:
                await self.app.client.call(
                    lambda s: s.roster.add_sensitive_period(v["name"], first, last, v["note"])
                )
            except InputError as e:
                raise field_error(e, {"ends_on": "ends_on"}) from None
            return True

        self.app.push_screen(
            DeskForm(
                t("settings.sensitive.add"), fields, submit, note=t("settings.sensitive.note")
            ),
            self._after,
        )

    def _add_leave(self) -> None:
        assert self.data is not None
        people = self.data.officers
        if not people:
            self.notify(t("settings.leave.nobody"), severity="warning")
            return
        tz = self.app.settings.tz
        now = self.app.clock()
        today = now.astimezone(tz).date()
        fields = [
            Field(
                "officer",
                t("settings.col.officer"),
                kind="select",
                options=[(who(o), str(o.id)) for o in people],
            ),
            Field("starts_at", t("settings.col.from"), f"{today.isoformat()} 00:00"),
            Field(
                "ends_at",
                t("settings.col.until"),
                f"{(today + timedelta(days=1)).isoformat()} 00:00",
            ),
            Field("reason", t("settings.col.reason"), placeholder=t("settings.leave.reason_ph")),
        ]

        def when(text: str, name: str) -> Any:
            try:
                return parse_time(text, tz, now=now)
            except ValueError as e:
                raise InputError(name, msg_of(e)) from None

        async def submit(v: dict[str, Any]) -> bool:
            oid = int(v["officer"])
            start, end = when(v["starts_at"], "starts_at"), when(v["ends_at"], "ends_at")
            try:
                await self.app.client.call(
                    lambda s: s.roster.add_leave(oid, start, end, v["reason"])
                )
            except InputError as e:
                raise field_error(e, {"officer": "officer"}) from None
            return True

        self.app.push_screen(DeskForm(t("settings.leave.add"), fields, submit), self._after)

    def action_remove(self) -> None:
        if self.data is None or self.section not in ("sensitive", "leave"):
            self.notify(t("settings.remove_where"), severity="warning")
            return
        key = self._row_key()
        if key is None:
            return
        rid = int(key)
        if self.section == "sensitive":
            p = next(x for x in self.data.periods if x.id == rid)
            question = t(
                "settings.sensitive.ask_end", name=p.name, first=p.starts_on, last=p.ends_on
            )

            async def go() -> None:
                await self.app.client.call(lambda s: s.roster.end_sensitive_period(rid))
        else:
            lv = next(x for x in self.data.leave if x.id == rid)
            tz = self.app.settings.tz
            question = t(
                "settings.leave.ask_cancel",
                name=lv.officer_name,
                first=f"{lv.starts_at.astimezone(tz):%m-%d %H:%M}",
                last=f"{lv.ends_at.astimezone(tz):%m-%d %H:%M}",
            )

            async def go() -> None:
                await self.app.client.call(lambda s: s.roster.cancel_leave(rid))

        async def write() -> None:
            await go()
            self._after(True)

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_write(write, group="settings-remove")

        self.app.push_screen(ConfirmDialog(question, danger=True), answered)

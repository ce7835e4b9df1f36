"""A demo desk: a county emergency-management bureau's duty room (应急管理局总值班室), with a month of
roster, a dozen linkage units and incidents of several grades and categories.

Everything is placed relative to the clock, so whenever the demo opens: a major incident's phone
clock is running, one clock is overdue, and one incident has been fully reported.

The people: five leaders (带班领导 only), two duty chiefs (值班长 or 值班员), ten staff (值班员 or
备勤), each with a title and a phone, and the office director 欧阳明 (办公室主任), the desk's
administrator (may reset PINs, act outside a shift; not on the roster). Two officers have PINs, to
try signing a handover with `handover_pin = true`: 孙丽娜 2468 and 赵磊 1357.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from pathlib import Path

import platformdirs

from watchdesk.config import Settings
from watchdesk.errors import StoreError
from watchdesk.models.base import saved_id
from watchdesk.models.directory import Contact, Unit
from watchdesk.models.dutylog import LogEntry, LogKind
from watchdesk.models.incident import IncidentFacts, ReportKind
from watchdesk.models.officer import Officer
from watchdesk.models.roster import Role
from watchdesk.paths import APP_NAME
from watchdesk.store.desk import Store, system_clock

LEADERS = [
    ("王建国", "局长"),
    ("李红梅", "副局长"),
    ("张志强", "副局长"),
    ("刘海涛", "党组成员"),
    ("陈立新", "总工程师"),
]
OFFICERS = [
    ("赵磊", "值班长"),
    ("孙丽娜", "值班长"),
    ("周文博", "科员"),
    ("吴晓燕", "科员"),
    ("郑浩然", "科员"),
    ("冯雪", "科员"),
    ("何俊杰", "科员"),
    ("马晓东", "科员"),
    ("高婷婷", "科员"),
    ("林志远", "科员"),
    ("黄思琪", "科员"),
    ("徐明亮", "科员"),
]
DIRECTOR = ("欧阳明", "办公室主任")  # the desk's administrator
PINS = {"孙丽娜": "2468", "赵磊": "1357"}

UNITS = [
    (
        "县公安局指挥中心",
        1,
        "0731-84521110",
        "0731-84521111",
        "0731-84521119",
        [("刘强", "值班长", "13807310001")],
    ),
    (
        "县消防救援大队",
        1,
        "0731-84526119",
        "0731-84526120",
        "0731-84526121",
        [("彭勇", "大队长", "13807310002")],
    ),
    (
        "县卫生健康局",
        1,
        "0731-84527120",
        "0731-84527121",
        "",
        [("唐敏", "办公室主任", "13807310003")],
    ),
    (
        "县自然资源局",
        1,
        "0731-84522301",
        "",
        "0731-84522309",
        [("曾凡", "地灾股长", "13807310004")],
    ),
    ("县水利局", 1, "0731-84523401", "0731-84523402", "", [("邓超", "防汛办主任", "13807310005")]),
    ("县气象局", 1, "0731-84524121", "", "0731-84524129", [("罗佳", "首席预报员", "13807310006")]),
    ("县交通运输局", 2, "0731-84525501", "", "", [("谢军", "安全股长", "13807310007")]),
    ("国网县供电公司", 2, "0731-84528595", "95598", "", [("蒋涛", "调度主任", "13807310008")]),
    ("县城市管理和综合执法局", 2, "0731-84529301", "", "", [("韩冰", "值班员", "13807310009")]),
    ("中国移动县分公司", 3, "0731-84520086", "", "", [("杨帆", "网络部经理", "13807310010")]),
    ("县红十字会", 3, "0731-84520301", "", "", [("朱琳", "秘书长", "13807310011")]),
    (
        "县燃气有限公司",
        2,
        "0731-84526601",
        "0731-84526602",
        "",
        [("秦刚", "抢修队长", "13807310012")],
    ),
]
DUTY_ROOMS = [
    ("城关镇值班室", "0731-84511001"),
    ("东坡街道值班室", "0731-84511002"),
    ("青山铺镇值班室", "0731-84511003"),
    ("白沙乡值班室", "0731-84511004"),
]

# The county's areas (辖区): its townships and subdistricts (their duty rooms above) and the
# industrial park; every incident whose place starts with one's name is in it.
AREAS = [
    ("城关镇", "township"),
    ("东坡街道", "township"),
    ("青山铺镇", "township"),
    ("白沙乡", "township"),
    ("县工业园区", "other"),
]

PLACES = [
    "城关镇东街",
    "东坡街道建设路",
    "青山铺镇石桥村",
    "白沙乡白沙村",
    "G107国道K1532处",
    "县工业园区",
    "湘江大道与人民路交叉口",
    "城关镇老街",
    "东坡街道幸福小区",
    "青山铺镇水库",
]


def default_demo_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "demo.db"


class _Clock:
    """The demo writes history: its store clock is moved to each event's time."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def build_demo(
    path: Path,
    *,
    settings: Settings | None = None,
    force: bool = False,
    now: datetime | None = None,
    seed: int = 20261122,
) -> Path:
    settings = settings or Settings()
    now = now or system_clock()
    path = Path(path)
    if path.exists():
        if not force:
            try:
                probe = Store.open(path, migrate=False)
                is_demo = probe.get_meta("demo") == "1"
                probe.close()
            except Exception:
                is_demo = False
            if not is_demo:
                raise StoreError(
                    f"{path} exists and is not a demo desk; "
                    f"use another --db or pass --force to overwrite it"
                )
        for side in ("", "-wal", "-shm"):
            Path(str(path) + side).unlink(missing_ok=True)
    rnd = random.Random(seed)
    tz = settings.tz
    clock = _Clock(now - timedelta(days=21))
    store = Store.open(path, clock=clock, actor="演示数据", tz=tz, rule_pack=settings.rule_pack)
    try:
        store.set_meta("demo", "1")
        store.set_meta("desk_name", "湘江县应急管理局总值班室")
        store.set_meta("report_to", "市应急管理局总值班室")
        _roster(store, now, tz)
        _directory(store)
        _areas(store)
        _incidents(store, clock, now, tz, rnd)
        _outward(store, clock, now)
        _takeover(store, clock, now)
        _dispatch(store, clock, now)
        _filings(store, clock, now, tz)
    finally:
        store.close()
    return path


def _roster(store: Store, now: datetime, tz) -> None:
    leaders = [
        saved_id(
            store.officers.add(
                Officer(
                    name=n,
                    title=t,
                    unit="县应急管理局",
                    phone=f"139{7310100 + i:08d}",
                    roles=[Role.leader],
                )
            ).id
        )
        for i, (n, t) in enumerate(LEADERS)
    ]
    staff = [
        saved_id(
            store.officers.add(
                Officer(
                    name=n,
                    title=t,
                    unit="县应急管理局",
                    phone=f"139{7310200 + i:08d}",
                    roles=[Role.chief, Role.officer] if i < 2 else [Role.officer, Role.standby],
                )
            ).id
        )
        for i, (n, t) in enumerate(OFFICERS)
    ]
    store.officers.add(
        Officer(
            name=DIRECTOR[0],
            title=DIRECTOR[1],
            unit="县应急管理局",
            phone="13973100001",
            roles=[Role.leader, Role.chief],
            admin=True,
        )
    )
    for name, pin in PINS.items():
        store.officers.set_pin(saved_id(store.officers.resolve(name).id), pin)
    chiefs, officers = staff[:2], staff[2:]
    # 24-hour shifts from 08:30, from 20 days back to 10 days ahead: a month of roster.
    local_now = now.astimezone(tz)
    today_start = datetime.combine(local_now.date(), time(8, 30), tzinfo=tz)
    if local_now < today_start:
        today_start -= timedelta(days=1)
    for k in range(-20, 11):
        start = today_start + timedelta(days=k)
        n = k + 20
        people = [
            (leaders[n % len(leaders)], Role.leader),
            (chiefs[n % 2], Role.chief),
            (officers[(2 * n) % len(officers)], Role.officer),
            (officers[(2 * n + 1) % len(officers)], Role.officer),
            (officers[(2 * n + 5) % len(officers)], Role.standby),
        ]
        store.roster.add_shift(
            start, start + timedelta(days=1), label="24h", people=people
        )  # the standard 24-hour slot


def _areas(store: Store) -> None:
    from watchdesk.models.area import AreaInput, AreaKind

    for name, kind in AREAS:
        store.areas.add(AreaInput(name=name, kind=AreaKind(kind)))


def _area(place: str) -> str:
    from watchdesk.text.area import area_of_place

    return area_of_place(place, [name for name, _ in AREAS]) or ""


def _directory(store: Store) -> None:
    for name, level, duty, backup, fax, contacts in UNITS:
        store.directory.add_unit(
            Unit(
                name=name,
                level=level,
                duty_phone=duty,
                backup_phone=backup,
                fax=fax,
                contacts=[Contact(name=c[0], role=c[1], phone=c[2]) for c in contacts],
            )
        )
    for name, phone in DUTY_ROOMS:
        store.directory.add_unit(Unit(name=name, kind="duty_room", area=name[:3], duty_phone=phone))


# Filings (备案) of duty phone and duty staff, days ago (seed 004: first-level units file them
# regularly): most current, 县自然资源局 stale, 县水利局 long overdue, 县气象局 never filed;
# 县燃气有限公司 (level 2) files of its own accord.
FILINGS = [
    ("县公安局指挥中心", 5, ["刘强", "陈伟", "李娜", "王涛"]),
    ("县消防救援大队", 12, ["彭勇", "胡斌", "张磊"]),
    ("县卫生健康局", 20, ["唐敏", "周洁"]),
    ("县自然资源局", 76, ["曾凡", "许亮"]),
    ("县自然资源局", 45, ["曾凡", "许亮", "宋雨"]),
    ("县水利局", 70, ["邓超", "蔡明"]),
    ("县燃气有限公司", 8, ["秦刚", "杜鹏"]),
]


def _filings(store: Store, clock: _Clock, now: datetime, tz) -> None:
    """Each filing recorded on the day it was filed, by the demo's recorder."""
    from watchdesk.models.directory import FilingInput

    was = clock.at
    today = now.astimezone(tz).date()
    try:
        for name, days_ago, staff in FILINGS:
            unit = store.directory.find(name)
            assert unit is not None and unit.id is not None
            day = today - timedelta(days=days_ago)
            clock.at = datetime.combine(day, time(9, 30), tz)
            store.directory.filings.record(
                unit.id,
                FilingInput(filed_on=day, duty_phones=[unit.duty_phone], staff="、".join(staff)),
            )
    finally:
        clock.at = was


# (category, subtype, title, description, dead, injured, seriously_injured, trapped, missing,
#  loss in yuan, source, caller unit)
HISTORY = [
    (
        "accident",
        "road_traffic",
        "G107国道两车追尾事故",
        "一辆货车与一辆小轿车追尾，小轿车驾驶员受伤送医。",
        0,
        2,
        0,
        0,
        0,
        80_000,
        "县公安局指挥中心",
        "县公安局指挥中心",
    ),
    (
        "accident",
        "fire",
        "东坡街道居民楼厨房起火",
        "幸福小区3栋一楼住户厨房油锅起火，已扑灭，无人员伤亡。",
        0,
        0,
        0,
        0,
        0,
        20_000,
        "群众来电",
        "",
    ),
    (
        "natural",
        "geological",
        "石桥村小型山体滑坡",
        "持续降雨引发小型山体滑坡，掩埋村道约20米，无人员伤亡。",
        0,
        0,
        0,
        0,
        0,
        150_000,
        "青山铺镇值班室",
        "青山铺镇值班室",
    ),
    (
        "accident",
        "work_safety",
        "工业园区机械伤害事故",
        "园区一机械厂工人操作冲床时受伤，送县人民医院救治。",
        0,
        1,
        1,
        0,
        0,
        0,
        "县工业园区管委会",
        "县工业园区管委会",
    ),
    (
        "public_health",
        "food_safety",
        "白沙乡宴席疑似食物中毒",
        "白沙村一村民家办宴席后，18人出现呕吐腹泻症状，已送医。",
        0,
        18,
        0,
        0,
        0,
        0,
        "县卫生健康局",
        "县卫生健康局",
    ),
    (
        "natural",
        "meteorological",
        "城区短时强降水致道路积水",
        "短时强降水造成湘江大道等3处路段积水，已组织排涝。",
        0,
        0,
        0,
        0,
        0,
        0,
        "县气象局",
        "县气象局",
    ),
    (
        "accident",
        "gas",
        "城关镇老街燃气泄漏",
        "一餐馆燃气管道泄漏，已疏散周边群众60人，关阀处置完毕。",
        0,
        0,
        0,
        0,
        0,
        10_000,
        "县燃气有限公司",
        "县燃气有限公司",
    ),
    (
        "accident",
        "road_traffic",
        "湘江大道三车相撞事故",
        "三车相撞，造成3人死亡、4人受伤。",
        3,
        4,
        2,
        0,
        0,
        600_000,
        "县公安局指挥中心",
        "县公安局指挥中心",
    ),
    (
        "social_security",
        "mass_incident",
        "县政府门前群众聚集",
        "约30名群众因工程款纠纷聚集，已劝离。",
        0,
        0,
        0,
        0,
        0,
        0,
        "县公安局指挥中心",
        "县公安局指挥中心",
    ),
    (
        "accident",
        "construction",
        "在建工地脚手架坍塌",
        "东坡街道一在建工地脚手架局部坍塌，2人轻伤。",
        0,
        2,
        0,
        0,
        0,
        300_000,
        "县住建局",
        "县住建局",
    ),
]


def _report_all(
    store: Store,
    clock: _Clock,
    inc_id: int,
    start: datetime,
    leader: str,
    by: str,
    *,
    late_minutes: int = 0,
) -> None:
    """Make every report the incident's clocks ask for, then the final report."""
    for d in store.incidents.deadlines(inc_id):
        if d.status.value != "running":
            continue
    steps = [(ReportKind.phone, 20 + late_minutes), (ReportKind.written, 50 + late_minutes)]
    for kind, minutes in steps:
        if any(
            d.kind == kind and d.status.value == "running"
            for d in store.incidents.deadlines(inc_id)
        ):
            clock.at = start + timedelta(minutes=minutes)
            store.incidents.record_report(
                inc_id,
                kind,
                at=clock.at,
                to_whom="市应急管理局总值班室",
                by_whom=by,
                content="按要求报告事件基本情况",
            )
    clock.at = start + timedelta(hours=10)
    store.incidents.record_report(
        inc_id,
        ReportKind.followup,
        at=clock.at,
        to_whom="市应急管理局总值班室",
        by_whom=by,
        content=f"续报：现场处置进展，{leader}已到场指挥",
    )
    clock.at = start + timedelta(hours=20)
    store.incidents.record_report(
        inc_id,
        ReportKind.final,
        at=clock.at,
        to_whom="市应急管理局总值班室",
        by_whom=by,
        content="终报：事件处置完毕，善后工作有序开展",
    )


def _incidents(store: Store, clock: _Clock, now: datetime, tz, rnd: random.Random) -> None:
    officers = [o.name for o in store.roster.officers()]
    recorder = officers[7]
    # History over the past three weeks: all handled and fully reported.
    for k, (cat, sub, title, desc, dead, inj, sinj, trap, miss, loss, source, caller) in enumerate(
        HISTORY
    ):
        received = now - timedelta(
            days=20 - 2 * k, hours=rnd.randint(0, 10), minutes=rnd.randint(0, 59)
        )
        occurred = received - timedelta(minutes=rnd.randint(5, 40))
        clock.at = received + timedelta(minutes=3)
        inc = store.incidents.add(
            IncidentFacts(
                received_at=received,
                occurred_at=occurred,
                place=PLACES[k % len(PLACES)],
                area=_area(PLACES[k % len(PLACES)]),
                source=source,
                category=cat,
                subtype=sub,
                title=title,
                description=desc,
                dead=dead,
                injured=inj,
                seriously_injured=sinj,
                trapped=trap,
                missing=miss,
                direct_loss=loss,
                caller_unit=caller,
                caller_name="值班员" if caller else "群众",
                caller_phone=f"1380731{rnd.randint(1000, 9999)}",
                recorder=recorder,
                measures="已通知相关部门赶赴现场处置",
            )
        )
        _report_all(
            store, clock, inc.id, occurred, "王建国", recorder, late_minutes=15 if k == 7 else 0
        )

    # Yesterday: a major event (重大), fully reported on time, closed.
    occurred = now - timedelta(hours=30)
    clock.at = occurred + timedelta(minutes=8)
    major = store.incidents.add(
        IncidentFacts(
            received_at=occurred + timedelta(minutes=6),
            occurred_at=occurred,
            place="县工业园区湘化化工有限公司",
            area="县工业园区",
            source="县公安局指挥中心",
            category="accident",
            subtype="hazchem",
            title="湘化化工储罐区爆炸事故",
            description="园区一化工企业储罐区发生爆炸并引发火灾，造成10人死亡、26人受伤。",
            dead=10,
            injured=26,
            seriously_injured=8,
            direct_loss=32_000_000,
            scope="厂区及周边500米",
            trend="火势已控制，无次生灾害风险",
            measures="消防、公安、卫健等部门已到场，周边群众已疏散",
            caller_unit="县公安局指挥中心",
            caller_name="刘强",
            caller_title="值班长",
            caller_phone="0731-84521110",
            recorder=recorder,
            sensitive=True,
        )
    )
    _report_all(store, clock, major.id, occurred, "王建国", recorder)

    # Today: the clocks the demo must show running.
    clock.at = now - timedelta(minutes=55)
    overdue = store.incidents.add(
        IncidentFacts(
            received_at=now - timedelta(minutes=57),
            occurred_at=now - timedelta(minutes=62),
            place="青山铺镇水库下游河段",
            area="青山铺镇",
            source="青山铺镇值班室",
            category="natural",
            subtype="flood_drought",
            title="青山铺镇河段群众被困",
            description="上游泄洪致河水暴涨，河心洲有12名群众被困，另有1人落水失联。",
            trapped=12,
            missing=1,
            measures="镇政府已组织转移沿河群众，消防救援大队正赶往现场",
            trend="水位仍在上涨",
            caller_unit="青山铺镇值班室",
            caller_name="李明",
            caller_title="值班员",
            caller_phone="0731-84511003",
            recorder=recorder,
            sensitive=True,
        )
    )
    clock.at = now - timedelta(minutes=40)
    store.incidents.record_report(
        overdue.id,
        ReportKind.phone,
        at=clock.at,
        to_whom="市应急管理局总值班室",
        by_whom=recorder,
        content="电话报告：12人被困、1人失联",
    )
    # Phone reported late; the written report (due 60 min after occurrence) is now overdue.

    clock.at = now - timedelta(minutes=12)
    bus = store.incidents.add(
        IncidentFacts(
            received_at=now - timedelta(minutes=13),
            occurred_at=now - timedelta(minutes=18),
            place="G107国道K1532处",
            source="县公安局指挥中心",
            category="accident",
            subtype="road_traffic",
            title="G107国道客车侧翻事故",
            description="一辆载有45人的客车侧翻，已造成11人死亡，多人受伤，伤员正转送医院。",
            dead=11,
            injured=20,
            seriously_injured=6,
            trapped=3,
            measures="公安、消防、120已赶赴现场",
            trend="伤亡人数可能上升",
            caller_unit="县公安局指挥中心",
            caller_name="刘强",
            caller_title="值班长",
            caller_phone="0731-84521110",
            recorder=recorder,
        )
    )

    clock.at = now - timedelta(minutes=30)
    store.incidents.add(
        IncidentFacts(
            received_at=now - timedelta(minutes=31),
            occurred_at=now - timedelta(minutes=45),
            place="东坡街道建设路",
            area="东坡街道",
            source="群众来电",
            category="accident",
            subtype="fire",
            title="建设路商铺火灾",
            description="一家五金店起火，消防已到场扑救，暂无人员伤亡。",
            measures="消防救援大队已出动2车10人",
            caller_name="王女士",
            caller_phone="13975100000",
            recorder=recorder,
        )
    )
    _today_log(store, clock, now, overdue.id, bus.id)
    clock.at = now


def _today_log(store: Store, clock: _Clock, now: datetime, flood_id: int, bus_id: int) -> None:
    """Today's duty log, new figures and a verification request, so the timelines are full."""
    entries = [
        (
            150,
            LogKind.call_in,
            None,
            "县气象局",
            "发布暴雨黄色预警信号，未来6小时县城及东部乡镇有强降水",
            "已转发各乡镇及防汛成员单位",
        ),
        (
            95,
            LogKind.doc_in,
            None,
            "市应急管理局",
            "《关于做好近期强降雨防范应对工作的通知》",
            "已呈王建国局长阅示",
        ),
        (
            48,
            LogKind.instruction,
            flood_id,
            "王建国",
            "立即组织救援力量转移被困群众，确保人员安全，及时续报",
            "已传达县消防救援大队、青山铺镇",
        ),
        (
            8,
            LogKind.instruction,
            bus_id,
            "王建国",
            "全力救治伤员，核实伤亡人数，30分钟内电话报告市局",
            "",
        ),
    ]
    for minutes, kind, inc_id, who, content, handling in entries:
        clock.at = now - timedelta(minutes=minutes)
        store.dutylog.add(
            LogEntry(
                at=clock.at,
                kind=kind,
                incident_id=inc_id,
                counterpart=who,
                content=content,
                handling=handling,
            )
        )
    clock.at = now - timedelta(minutes=25)
    store.figures.update(
        flood_id,
        {"trapped": 9, "missing": 2},
        source="县消防救援大队现场报告",
        at=clock.at,
        note="已救出3人，新增1人失联",
    )
    clock.at = now - timedelta(minutes=10)
    store.incidents.request_verification(
        flood_id,
        from_whom="市应急管理局总值班室",
        content="核实失联人员身份及人数",
        due_at=now + timedelta(minutes=20),
    )


def _takeover(store: Store, clock: _Clock, now: datetime) -> None:
    """The current shift was taken over (接班签到) and its leader confirmed on post at the start,
    like a desk that is being run properly; yesterday's shift signed out at handover."""
    cur = store.roster.on_duty(now)
    if cur is None:
        return
    start = cur.shift.starts_at
    prev = store.roster.on_duty(start - timedelta(minutes=1))
    for view, minutes in ((prev, -25), (cur, -15)):
        if view is None:
            continue
        for a in view.assignments:
            if a.role != Role.standby:
                clock.at = min(now, view.shift.starts_at + timedelta(minutes=minutes))
                store.roster.sign_in(view.shift.id, a.officer_id, at=clock.at)
    if prev is not None:
        for a in prev.assignments:
            if a.role != Role.standby:
                clock.at = min(now, start + timedelta(minutes=5))
                store.roster.sign_out(prev.shift.id, a.officer_id, at=clock.at)
    clock.at = min(now, start + timedelta(minutes=6))
    if clock.at > start:
        store.roster.record_check(
            cur.shift.id, method="in_person", result="present", at=clock.at, note="带班领导在值班室"
        )
    clock.at = now


def _outward(store: Store, clock: _Clock, now: datetime) -> None:
    """Duty-room types, warnings in force (one re-issued at a higher level, one lifted), a finished
    township roll-call round yesterday, a level-1 video roll-call paused today, and a check made
    on this desk by the city's duty office."""
    from watchdesk.models.directory import UnitRecord
    from watchdesk.models.rollcall import CheckMethod, HigherCheckInput
    from watchdesk.models.warning import WarningInput
    from watchdesk.rules.warning import Level

    for u in store.directory.units(kind="duty_room"):
        town = UnitRecord(**(u.model_dump() | {"room_type": "township"}))
        store.directory.update_unit(saved_id(u.id), town)
    store.directory.add_unit(
        UnitRecord(
            name="县水利局防汛值班室",
            kind="duty_room",
            room_type="department",
            duty_phone="0731-84523409",
        )
    )

    clock.at = now - timedelta(days=3, hours=2)
    gale = store.warnings.issue(
        WarningInput(
            kind="gale",
            level=Level.IV,
            area="全县",
            issuer="县气象台",
            issued_at=clock.at,
            measures="加固户外广告牌和临时搭建物，停止高空作业",
        )
    )
    clock.at = now - timedelta(days=2, hours=8)
    store.warnings.lift(gale.id, at=clock.at, note="大风过程结束")
    clock.at = now - timedelta(hours=5)
    rain = store.warnings.issue(
        WarningInput(
            kind="rainstorm",
            level=Level.III,
            area="全县",
            issuer="县气象台",
            issued_at=clock.at,
            measures="防汛值班人员上岗，巡查山塘水库和地质灾害隐患点",
        )
    )
    clock.at = now - timedelta(hours=4)
    store.warnings.issue(
        WarningInput(
            kind="geological",
            level=Level.III,
            area="青山铺镇、白沙乡",
            issuer="县自然资源局、县气象局",
            issued_at=clock.at,
            measures="转移隐患点受威胁群众，落实群测群防",
        )
    )
    clock.at = now - timedelta(hours=2)
    store.warnings.change(
        rain.id,
        Level.II,
        at=clock.at,
        note="未来6小时降雨将加强",
        measures="启动防汛Ⅲ级应急响应，转移低洼地带群众",
    )

    clock.at = now - timedelta(hours=20)
    rep = store.rollcall.start("townships", method="phone", label="夜间电话查岗")
    answers = [
        ("on_post", "张伟", 5),
        ("on_post", "李娜", 8),
        ("busy", "", None),
        ("not_on_duty", "门卫", 15),
    ]
    for seq, (outcome, who, secs) in enumerate(answers, start=1):
        clock.at += timedelta(minutes=2)
        store.rollcall.record(rep.round.id, seq, outcome, answered_by=who, answer_seconds=secs)
    clock.at += timedelta(minutes=5)
    store.rollcall.move(rep.round.id, 3)
    store.rollcall.record(rep.round.id, 3, "on_post", answered_by="王强", answer_seconds=22)
    store.rollcall.finish(rep.round.id)

    clock.at = now - timedelta(hours=3)
    store.rollcall.log_higher_check(
        HigherCheckInput(
            at=clock.at,
            checker="市应急管理局总值班室",
            method=CheckMethod.video,
            answered_by="赵磊",
            leader_present=True,
            note="带班领导和值班人员均在岗在位",
        )
    )

    clock.at = now - timedelta(minutes=25)
    rep = store.rollcall.start("level1", method="video", label="汛期视频点名")
    for seq, (outcome, who, secs) in enumerate(
        [("on_post", "刘强", 4), ("no_answer", "", None), ("on_post", "唐敏", 9)], start=1
    ):
        clock.at += timedelta(minutes=1)
        store.rollcall.record(rep.round.id, seq, outcome, answered_by=who, answer_seconds=secs)
    store.rollcall.pause(rep.round.id)
    clock.at = now


def _dispatch(store: Store, clock: _Clock, now: datetime) -> None:
    """Passing on and following up (传、跟, store/dispatch.py): the leader's instruction on the
    flood passed on to three units — the fire brigade on scene in time, the police late, the
    health bureau not there yet and chased twice — its first receiver and handover, and a notice
    from above told to the leader and still to pass on."""
    from watchdesk.models.dispatch import TaskInput

    # By the last day's incidents, not "today's": just after local midnight the flood, received
    # an hour before, is yesterday's (the demo then had no tasks and the manual's commands failed).
    recent = store.incidents.list(since=now - timedelta(days=1))
    flood = next((i for i in recent if i.title == "青山铺镇河段群众被困"), None)
    if flood is None:
        return
    was = clock.at
    clock.at = now
    try:
        ids = {}
        for name in ("县消防救援大队", "县公安局指挥中心", "县卫生健康局", "青山铺镇值班室"):
            unit = store.directory.find(name)
            assert unit is not None and unit.id is not None
            ids[name] = unit.id
        store.dispatch.set_first_receiver(
            flood.id, unit_id=ids["青山铺镇值班室"], at=now - timedelta(minutes=58)
        )
        store.dispatch.hand_over_first(
            flood.id,
            to_unit_id=ids["县消防救援大队"],
            at=now - timedelta(minutes=20),
            note="先期转移沿河群众完毕，移交县消防救援大队",
        )
        fire, police, health = store.dispatch.add(
            TaskInput(
                incident_id=flood.id,
                unit_ids=[ids["县消防救援大队"], ids["县公安局指挥中心"], ids["县卫生健康局"]],
                instruction=store.dispatch.latest_instruction(flood.id) or "立即赶赴现场处置",
                passed_by="孙丽娜",
                issued_at=now - timedelta(minutes=45),
            )
        )
        store.dispatch.record(fire.id, "arrive", now - timedelta(minutes=22))  # on time
        store.dispatch.record(police.id, "arrive", now - timedelta(minutes=8))  # 7 minutes late
        store.dispatch.record(health.id, "ack", now - timedelta(minutes=43), "值班员已接收")
        store.dispatch.chase(health.id, "县卫健局称救护车已出发", now - timedelta(minutes=12))
        store.dispatch.chase(
            health.id, "再次督办：救护车途中受阻，预计10分钟到场", now - timedelta(minutes=3)
        )
        notice = store.dispatch.add_notice(
            "市防指：预计今夜至明日我县有大到暴雨，请立即通知各乡镇做好防范",
            "市防汛抗旱指挥部办公室",
            now - timedelta(minutes=16),
            received_by="孙丽娜",
        )
        store.dispatch.record(notice.id, "leader", now - timedelta(minutes=9), "已电话报告带班领导")
    finally:
        clock.at = was

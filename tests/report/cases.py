"""Fixture incidents for the drafting tests, built through the store's public API as a desk would
build them: intake, reports recorded, new figures, duty-log entries, a verification request.
Each case returns the incident id and the moments its drafts are drawn at."""

from __future__ import annotations

from datetime import datetime

from tests.helpers import TZ, FakeClock
from watchdesk.models.dutylog import LogEntry, LogKind
from watchdesk.models.incident import FigureStatus, IncidentFacts, ReportKind
from watchdesk.store.desk import Store

CITY = "市应急管理局总值班室"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def desk(store: Store) -> None:
    store.settings.update(desk_name="湘江县应急管理局总值班室", report_to=CITY)


def log(
    store: Store,
    clock: FakeClock,
    when: datetime,
    kind: LogKind,
    inc: int,
    who: str,
    content: str,
    handling: str = "",
) -> None:
    clock.set(when)
    store.dutylog.add(
        LogEntry(
            at=when, kind=kind, incident_id=inc, counterpart=who, content=content, handling=handling
        )
    )


def report(store: Store, clock: FakeClock, when: datetime, inc: int, kind: ReportKind) -> None:
    clock.set(when)
    store.incidents.record_report(inc, kind, at=when, to_whom=CITY, by_whom="孙丽娜")


def major_road(store: Store, clock: FakeClock) -> tuple[int, dict[str, datetime]]:
    """重大: a coach overturned on a national road, 11 dead; phone card at 14:30, the first written
    report at 15:00 after a leader's instruction, the county head on scene and a hospital's call."""
    desk(store)
    clock.set(at(22, 14, 26))
    inc = store.incidents.add(
        IncidentFacts(
            received_at=at(22, 14, 25),
            occurred_at=at(22, 14, 10),
            place="G107国道K1532处",
            source="县公安局指挥中心",
            category="accident",
            subtype="road_traffic",
            title="G107国道客车侧翻事故",
            description="一辆载有45人的大型客车在下坡路段侧翻，已造成11人死亡，多人受伤，"
            "伤员正转送县人民医院救治。",
            dead=11,
            injured=20,
            seriously_injured=6,
            trapped=3,
            measures="公安、消防、120已赶赴现场开展救援",
            trend="伤亡人数可能上升",
            caller_unit="县公安局指挥中心",
            caller_name="刘强",
            caller_title="值班长",
            caller_phone="0731-84521110",
            recorder="孙丽娜",
        )
    ).id
    phone_at = at(22, 14, 30)
    log(
        store,
        clock,
        at(22, 14, 32),
        LogKind.instruction,
        inc,
        "王建国",
        "全力救治伤员，核实伤亡人数，30分钟内电话报告市局",
        "已电话报告市应急管理局总值班室",
    )
    report(store, clock, at(22, 14, 35), inc, ReportKind.phone)
    log(
        store,
        clock,
        at(22, 14, 45),
        LogKind.action,
        inc,
        "",
        "县委副书记、县长李志强率公安、卫健、应急、交通运输等部门负责人赶赴现场指挥救援",
    )
    log(
        store,
        clock,
        at(22, 14, 50),
        LogKind.call_in,
        inc,
        "县人民医院",
        "已收治伤员20人，其中重伤6人，正全力救治",
    )
    clock.set(at(22, 15, 0))
    return inc, {"phone": phone_at, "written": at(22, 15, 0)}


def fire_followups(store: Store, clock: FakeClock) -> tuple[int, dict[str, datetime]]:
    """较大: a residential fire, 3 dead; written report at 10:00, then new figures from the health
    bureau, the fire out, the county head's instruction: 续报一 at 11:30. 续报二 the next morning
    with nothing new."""
    desk(store)
    clock.set(at(22, 9, 13))
    inc = store.incidents.add(
        IncidentFacts(
            received_at=at(22, 9, 12),
            occurred_at=at(22, 9, 5),
            place="城关镇人民路88号居民楼",
            source="县消防救援大队",
            category="accident",
            subtype="fire",
            title="人民路居民楼火灾",
            description="一栋六层居民楼三楼住户起火，火势蔓延至四楼，有人员被困。",
            dead=3,
            injured=5,
            seriously_injured=2,
            trapped=2,
            measures="县消防救援大队出动6车30人赶赴现场扑救，疏散楼内居民40余人",
            caller_unit="县消防救援大队指挥中心",
            caller_name="陈杰",
            caller_title="值班员",
            caller_phone="0731-84520119",
            recorder="赵磊",
        )
    ).id
    report(store, clock, at(22, 9, 40), inc, ReportKind.phone)
    report(store, clock, at(22, 10, 0), inc, ReportKind.written)
    clock.set(at(22, 10, 40))
    store.figures.update(
        inc,
        {"dead": 4, "injured": 7, "trapped": 0},
        source="县卫生健康局",
        at=at(22, 10, 40),
        note="1名重伤员经抢救无效死亡，2名被困人员已救出并送医",
    )
    log(
        store,
        clock,
        at(22, 10, 50),
        LogKind.action,
        inc,
        "",
        "明火已于10时45分扑灭，现场清理和过火房屋排查工作正在进行",
    )
    log(
        store,
        clock,
        at(22, 11, 5),
        LogKind.instruction,
        inc,
        "李志强",
        "妥善做好伤员救治和遇难者家属安抚工作，全面排查城区高层住宅消防隐患",
        "已传达县卫健局、县消防救援大队和城关镇",
    )
    first = at(22, 11, 30)
    report(store, clock, at(22, 11, 40), inc, ReportKind.followup)
    clock.set(at(23, 8, 0))
    return inc, {"followup1": first, "followup2": at(23, 8, 0)}


def flood_verification(store: Store, clock: FakeClock) -> tuple[int, dict[str, datetime]]:
    """Villagers trapped by a flood; phone and written reports made; the city asks at 08:20 to
    verify the trapped and missing; verified figures at 08:50; the answer drafted at 09:00."""
    desk(store)
    clock.set(at(22, 6, 53))
    inc = store.incidents.add(
        IncidentFacts(
            received_at=at(22, 6, 52),
            occurred_at=at(22, 6, 40),
            place="青山铺镇水库下游河段",
            source="青山铺镇值班室",
            category="natural",
            subtype="flood_drought",
            title="青山铺镇河段群众被困",
            description="上游水库泄洪致河水暴涨，河心洲有12名群众被困，另有1人落水失联。",
            trapped=12,
            missing=1,
            measures="镇政府已组织转移沿河群众，县消防救援大队正赶往现场",
            trend="水位仍在上涨",
            caller_unit="青山铺镇值班室",
            caller_name="李明",
            caller_title="值班员",
            caller_phone="0731-84511003",
            recorder="孙丽娜",
            sensitive=True,
        )
    ).id
    report(store, clock, at(22, 7, 10), inc, ReportKind.phone)
    report(store, clock, at(22, 7, 45), inc, ReportKind.written)
    clock.set(at(22, 8, 20))
    store.incidents.request_verification(
        inc,
        from_whom=CITY,
        content="核实被困和失联人员人数及身份",
        at=at(22, 8, 20),
        due_at=at(22, 9, 20),
    )
    clock.set(at(22, 8, 50))
    store.figures.update(
        inc,
        {"trapped": 0, "missing": 2},
        source="县消防救援大队、青山铺镇政府联合核实",
        status=FigureStatus.verified,
        at=at(22, 8, 50),
        note="被困12人已全部转移至安全地带；经逐户核对，失联人员为2人（1人为此前报告的落水人员，"
        "另1人为当日下河捕鱼的村民），身份均已核实",
    )
    log(
        store,
        clock,
        at(22, 8, 55),
        LogKind.action,
        inc,
        "",
        "县应急管理局调派2支专业救援队伍、4艘冲锋舟沿河搜寻失联人员",
    )
    clock.set(at(22, 9, 0))
    return inc, {"verification": at(22, 9, 0)}


def chem_final(store: Store, clock: FakeClock) -> tuple[int, dict[str, datetime]]:
    """重大 (re-graded from 较大): an explosion at a chemical plant; figures rise twice, the loss is
    assessed, four reports made; the final report drafted the next morning."""
    desk(store)
    clock.set(at(21, 2, 22))
    inc = store.incidents.add(
        IncidentFacts(
            received_at=at(21, 2, 21),
            occurred_at=at(21, 2, 15),
            place="县工业园区纬三路",
            source="县公安局指挥中心",
            category="accident",
            subtype="hazchem",
            title="湘化化工储罐区爆炸事故",
            description="湘化化工有限公司储罐区发生爆炸并引发火灾。",
            dead=6,
            injured=20,
            seriously_injured=5,
            missing=2,
            measures="消防、公安、卫健、应急等部门已到场处置，周边500米范围内群众已疏散",
            scope="厂区及周边500米",
            trend="火势已控制，无次生灾害风险",
            caller_unit="县公安局指挥中心",
            caller_name="刘强",
            caller_title="值班长",
            caller_phone="0731-84521110",
            recorder="赵磊",
        )
    ).id
    report(store, clock, at(21, 2, 40), inc, ReportKind.phone)
    log(
        store,
        clock,
        at(21, 2, 50),
        LogKind.instruction,
        inc,
        "王建国",
        "立即启动应急响应，全力搜救失联人员，严防次生事故",
        "已传达县消防救援大队、园区管委会",
    )
    log(
        store,
        clock,
        at(21, 3, 0),
        LogKind.action,
        inc,
        "",
        "县政府启动危险化学品事故Ⅱ级应急响应，成立现场指挥部，副县长张伟任指挥长",
    )
    report(store, clock, at(21, 3, 10), inc, ReportKind.written)
    clock.set(at(21, 5, 30))
    store.figures.update(
        inc,
        {"dead": 9, "missing": 1},
        source="县消防救援大队",
        at=at(21, 5, 30),
        note="搜救出3名遇难者",
    )
    report(store, clock, at(21, 6, 0), inc, ReportKind.followup)
    log(
        store,
        clock,
        at(21, 8, 30),
        LogKind.action,
        inc,
        "",
        "明火全部扑灭，现场危险化学品储罐已完成倒罐处置",
    )
    clock.set(at(21, 10, 0))
    store.figures.update(
        inc,
        {
            "dead": 10,
            "injured": 26,
            "seriously_injured": 8,
            "missing": 0,
            "direct_loss": 32_000_000,
        },
        source="县应急管理局",
        status=FigureStatus.verified,
        at=at(21, 10, 0),
        note="最后1名失联人员已确认遇难；直接经济损失初步核算为3200万元",
    )
    report(store, clock, at(21, 11, 0), inc, ReportKind.followup)
    log(
        store,
        clock,
        at(22, 9, 0),
        LogKind.action,
        inc,
        "",
        "遇难者身份已全部确认，善后工作组正在开展家属安抚和理赔工作，事故调查组已成立",
    )
    clock.set(at(22, 10, 0))
    return inc, {"final": at(22, 10, 0)}


def gas_unknown(store: Store, clock: FakeClock) -> tuple[int, dict[str, datetime]]:
    """A suspected gas leak phoned in with almost nothing known, on a desk not yet named: the
    drafts mark what must still be found out."""
    clock.set(at(22, 14, 29))
    inc = store.incidents.add(
        IncidentFacts(
            received_at=at(22, 14, 28),
            place="东坡街道建设路一居民小区",
            category="accident",
            subtype="gas",
            description="群众反映小区内有浓烈燃气味，疑似燃气管道泄漏",
        )
    ).id
    return inc, {"phone": at(22, 14, 30), "written": at(22, 14, 40)}

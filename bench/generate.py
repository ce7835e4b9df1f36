"""Build a realistic, busy desk database fast: years of roster, incidents, reports, clocks,
figure versions, duty log, roll-call rounds and leader-on-duty checks.

    python bench/generate.py --years 10 --out bench/out/desk-10y.db [--seed N]

The rows are what the application itself would have written, had the desk been in use for that
long: the same values, the same ids in the same order, and an audit entry for every write with a
valid hash chain, whose last after-image equals the stored row (`watchdesk check` passes).
Instead of the per-row Store API (one transaction, several SELECTs and an fsync per write) it
replays the desk's history in memory, mirroring `IncidentRepo`/`FigureRepo`/`DutyLogRepo`/
`RosterRepo`/`DirectoryRepo`/`RollCallRepo`/`DutyChecks` and `Auditor`, and bulk-inserts the
final rows, the full-text rows (`incidents_fts`, `log_fts`) and the log with `executemany` in one
transaction. An incident's full-text row is written after its final row, its `tag` column (m21)
read from that row with the store's own `TAGS_SQL`, as `IncidentRepo._index` writes it.
The deadline maths are the application's own (`watchdesk.rules.deadlines`).

The desk's paperwork, at a county desk's rates (one 24-hour shift a day):

- sign-in (接班签到) and sign-out (交班) of the chief and the two duty officers of every shift,
  15-45 minutes before it starts and 1-20 minutes after it ends (the leader's presence is the
  leader check; the standby is not on post): six rows a shift, about 2,200 a year;
- every past shift handed over: the draft made and signed by the outgoing chief, signed by the
  incoming chief (signed in by then), frozen, with notes on some and a pending matter on one in
  five: 365 frozen sheets a year, each holding the shift's incidents, clocks, about 270 duty-log
  lines, checks and roll-calls, so a sheet is 100-250 KB of JSON plus its text and Markdown;
- WARNINGS_PER_YEAR (45) early warnings relayed (rainstorm, gale, lightning, heat, geological
  hazard...: a county in the south sees 30-60 a year), 30 % re-issued at another level, each
  lifted within three days;
- a written report (书面报告) kept for every grade I and II incident and 5 % of grade III ones (the
  generator's mix gives about 730 a year; a desk writes them for what the higher level asks in
  writing): drafted by the officer, 审核 by the chief, 签发 by the leader (5 % sent back once),
  numbered, frozen with its PDF and .docx (about 70 KB), sent; 3 % corrected (更正) by a new one;
- struck records (更正, with a reason): 0.5 % of duty-log entries, and a tenth of the follow-ups
  of incidents with a written report (struck, then made again).

Sign-ins, warnings and struck log entries are replayed in memory like the rest. Handovers and
written reports are made afterwards by `Paperwork`, through the Store itself (a settable clock,
`act_as` the officer on duty), shift by shift in time order: a frozen sheet's content, its chain
head and its text, and a report's serial, PDF and .docx are exactly what the application writes
(an in-memory mirror of `HandoverRepo.compile` and the report renderers would be most of the
application; rendering is most of the cost either way). Their audit entries come after the bulk
ones (later ids, historic times), and a sheet compiled then sees the records as they ended up
(an incident closed since shows closed; the running clocks listed are the ~130 of the desk's
last day, about as many as run at any time on this desk, but not the ones that ran then). An
incident with a written report is `Paperwork`'s from the start (sending a written report records
the report and closes its clock, which only an open incident allows, and a sheet compiled before
it came in must not see it): it is recorded then, so its id follows the bulk incidents' ids.
"""

from __future__ import annotations

import argparse
import heapq
import json
import multiprocessing
import queue
import random
import sqlite3
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

from watchdesk import models
from watchdesk.models.incident import Grade, ReportKind
from watchdesk.models.roster import CheckConfig
from watchdesk.rules.categories import CATEGORIES, validate
from watchdesk.rules.deadlines import initial_clocks, lateness, next_followup
from watchdesk.rules.grading import suggest_grade
from watchdesk.rules.roster import check_schedule
from watchdesk.rules.rulepack import load_pack
from watchdesk.rules.warning import signal_type
from watchdesk.store.audit import GENESIS, _entry_hash, canonical
from watchdesk.store.db import to_db
from watchdesk.store.desk import Store
from watchdesk.store.search import TAGS_SQL

try:  # the incident lifecycle (versioned figures, full-text search), when the package has it
    from watchdesk.text.fulltext import grams, incident_text, log_text
except ImportError:  # pragma: no cover - older package
    grams = incident_text = log_text = None  # type: ignore[assignment]
FIGURE_FIELDS = getattr(
    models,
    "FIGURE_FIELDS",
    ("dead", "injured", "seriously_injured", "trapped", "missing", "direct_loss"),
)

TZ = ZoneInfo("Asia/Shanghai")
DAY = 86400
HOUR = 3600
MIN = 60

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

COUNTY = "湘江县"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "华",
    "辉",
    "鹏",
    "宇",
    "浩",
    "凯",
    "健",
    "斌",
    "婷",
    "颖",
    "琳",
    "欣",
    "博",
    "文",
    "彬",
    "晨",
    "阳",
    "雪",
    "龙",
    "峰",
    "林",
    "莉",
    "亮",
    "成",
    "帆",
    "然",
    "建国",
    "红梅",
    "志强",
    "海涛",
    "立新",
    "丽娜",
    "文博",
    "晓燕",
    "浩然",
    "俊杰",
    "晓东",
    "婷婷",
    "志远",
    "思琪",
    "明亮",
    "建华",
    "国庆",
    "春生",
    "秋菊",
    "德明",
    "永刚",
    "玉兰",
    "子涵",
    "一鸣",
    "佳怡",
    "梓轩",
    "雨桐",
    "振华",
    "卫东",
    "爱民",
    "小红",
    "海燕",
    "金凤",
    "长青",
    "新民",
)
LEADER_TITLES = [
    "局长",
    "副局长",
    "副局长",
    "副局长",
    "党组成员",
    "总工程师",
    "纪检组长",
    "副局长",
    "党组成员",
    "四级调研员",
]
TOWNS = [
    "城关镇",
    "东坡街道",
    "青山铺镇",
    "白沙乡",
    "石门镇",
    "金桥街道",
    "龙潭镇",
    "柳溪乡",
    "河西街道",
    "梅岭镇",
    "高桥镇",
    "双江口镇",
    "花明楼镇",
    "大屯营镇",
    "枫林乡",
    "黄材镇",
    "沙田乡",
    "横市镇",
    "回龙铺镇",
    "坝塘镇",
    "道林镇",
    "菁华铺乡",
    "老粮仓镇",
    "流沙河镇",
    "巷子口镇",
    "龙田镇",
    "偕乐桥镇",
    "夏铎铺镇",
    "玉潭街道",
    "历经铺街道",
]
VILLAGES = [
    "石桥村",
    "白沙村",
    "新塘村",
    "枫树村",
    "杨林村",
    "长冲村",
    "大塘村",
    "双桥村",
    "黄泥村",
    "桃花村",
    "金盆村",
    "荷叶村",
    "马安村",
    "竹山村",
    "田心村",
    "龙泉村",
    "观音村",
    "沙坪村",
    "青龙村",
    "梅花村",
    "新华社区",
    "幸福社区",
    "建设社区",
    "人民路社区",
    "河街社区",
]
ROADS = [
    "建设路",
    "人民路",
    "解放路",
    "湘江大道",
    "金洲大道",
    "玉潭路",
    "花明路",
    "滨江路",
    "迎宾路",
    "新康路",
    "团结路",
    "工业大道",
    "沩水路",
    "楚沩路",
    "东风路",
]
SPOTS = [
    "县工业园区",
    "经开区",
    "高铁站片区",
    "农贸市场",
    "汽车站",
    "县人民医院",
    "第一中学",
    "实验小学",
    "幸福小区",
    "锦绣华城小区",
    "步步高广场",
    "沩水河大桥",
    "黄材水库",
    "青山铺水库",
    "老街",
    "物流园",
    "建材市场",
    "加油站",
    "污水处理厂",
    "垃圾填埋场",
]
HIGHWAYS = ["G107国道", "G319国道", "S208省道", "S308省道", "长韶娄高速", "京港澳高速", "X032县道"]
VEHICLES = [
    "小轿车",
    "货车",
    "重型半挂车",
    "面包车",
    "电动自行车",
    "摩托车",
    "客车",
    "渣土车",
    "三轮车",
    "公交车",
    "校车",
    "危化品运输车",
    "农用车",
    "SUV",
]
SOURCES = [
    ("县公安局指挥中心", "值班长", 30),
    ("群众来电", "", 25),
    ("县消防救援大队", "值班员", 12),
    ("乡镇值班室", "值班员", 12),
    ("县卫生健康局", "值班员", 4),
    ("县气象局", "预报员", 3),
    ("县交通运输局", "安全股长", 3),
    ("12345热线", "话务员", 5),
    ("企业报告", "安全员", 4),
    ("网络舆情", "", 2),
]
MEASURES = [
    "已通知相关部门赶赴现场处置",
    "公安、消防、120已赶赴现场",
    "已启动应急预案，现场正在处置",
    "镇政府已组织人员到场，正在疏散周边群众",
    "交警已到场实施交通管制",
    "已通知供电、燃气部门到场关阀断电",
    "带班领导已赶赴现场指挥处置",
    "已调派救援力量，伤员已送医救治",
    "已组织排查周边隐患",
    "已安排专人跟踪处置进展",
]
TRENDS = [
    "",
    "",
    "事态已得到控制",
    "无次生灾害风险",
    "伤亡人数可能上升",
    "火势已得到控制",
    "水位仍在上涨",
    "现场仍在处置中",
    "已基本处置完毕",
    "舆情平稳",
]
SCOPES = [
    "",
    "",
    "现场周边100米",
    "厂区及周边500米",
    "涉及2个村",
    "影响约200户居民",
    "单车道",
    "约3000平方米",
    "下游5公里河段",
]
TO_WHOM = ["市应急管理局总值班室", "市应急管理局总值班室", "县委总值班室", "县政府总值班室"]
VOID_REASONS = ["重复报送，与已登记事件为同一事件", "经核实为误报", "信息有误，已重新登记"]

# The duty log (值班日志): what comes in by phone and on paper, what the leaders say, what was
# done, and the desk's own notes. {t} town, {p} place, {u} unit, {d} department, {n} number,
# {y} year, {l} leader, {i} a linked incident's headline.
LOG_KINDS = (("call_in", 38), ("doc_in", 20), ("instruction", 9), ("action", 21), ("note", 12))
HIGHER = [
    "市应急管理局",
    "市应急管理局总值班室",
    "市委总值班室",
    "市政府总值班室",
    "县委办公室",
    "县政府办公室",
    "市防汛抗旱指挥部办公室",
    "市安委会办公室",
    "市森林防火指挥部办公室",
]
SEASONS = [
    "汛期",
    "元旦春节期间",
    "国庆假期",
    "清明节期间",
    "冬季",
    "高温天气",
    "森林防火期",
    "全国两会期间",
    "五一假期",
    "中秋国庆期间",
    "寒潮天气",
    "强对流天气",
]
TOPICS = [
    "安全防范",
    "值班值守",
    "防汛救灾",
    "森林防灭火",
    "安全生产大检查",
    "燃气安全排查整治",
    "道路交通安全",
    "地质灾害防御",
    "自建房安全专项整治",
    "危化品安全",
    "应急物资储备",
    "突发事件信息报送",
]
LOG_TEXT: dict[str, list[tuple[str, str, str]]] = {
    # kind -> [(counterpart, content, handling done at once or later)]
    "call_in": [
        ("{u}", "{u}来电：{p}发现道路积水约30厘米，已安排人员设置警示标志", "已告知县城管执法局"),
        ("{u}", "{u}来电报告：辖区内{n}处地质灾害隐患点已安排专人巡查，暂无异常", ""),
        ("{u}", "{u}来电询问{s}值班安排及信息报送要求", "已答复，按要求报送"),
        ("{u}", "{u}来电：{t}一企业发生小范围停电，供电公司正在抢修，未造成人员伤亡", ""),
        ("群众", "群众来电反映{p}附近有浓烟，经核实为农户焚烧秸秆", "已通知{t}值班室到场劝导"),
        ("{u}", "{u}来电：{t}今日组织开展{s}{o}工作，共检查企业{n}家", ""),
        ("{u}", "{u}来电核实{i}有关情况", "已按登记情况答复"),
        ("{u}", "{u}来电续报{i}：现场处置有序，伤员情况稳定", "已向带班领导报告"),
    ],
    "doc_in": [
        (
            "{h}",
            "收到{h}《关于做好{s}{o}工作的通知》（明电〔{y}〕{n}号）",
            "已呈{l}阅示，已转发各乡镇（街道）及成员单位",
        ),
        ("{h}", "收到{h}《关于进一步加强{s}值班值守工作的紧急通知》", "已按要求报送值班表并转发"),
        (
            "县气象局",
            "收到县气象局《重要天气报告》（第{n}期）：预计未来24小时有{w}",
            "已转发各乡镇（街道）值班室和相关成员单位",
        ),
        ("县自然资源局", "收到县自然资源局地质灾害气象风险预警（{w}）", "已通知相关乡镇做好防范"),
        ("{h}", "收到{h}传真：要求于今日17时前报送{s}{o}工作开展情况", "已按时报送"),
    ],
    "instruction": [
        ("{l}", "{l}批示：请{d}立即核实{i}情况，做好处置工作，及时续报", "已电话传达至{d}"),
        (
            "{l}",
            "{l}批示：请各乡镇（街道）、各有关单位严格落实{s}{o}各项措施，确保安全",
            "已转发各乡镇（街道）及成员单位",
        ),
        ("{l}", "{l}指示：{i}现场要加强警戒，防止次生灾害，伤员全力救治", "已传达现场指挥部"),
        ("{l}", "{l}阅示：请值班室密切关注天气变化，做好信息报送", ""),
    ],
    "action": [
        ("{u}", "已将{h}通知转发至{t}等{n}个乡镇（街道）值班室及相关成员单位", ""),
        ("{u}", "已电话通知{u}值班长到场处置{i}", ""),
        ("{h}", "已向{h}续报{i}最新情况", ""),
        ("{u}", "已通过短信平台向{n}名防汛责任人发送预警信息", ""),
        ("{u}", "对{t}等{n}个乡镇值班室进行视频抽查，均在岗在位", ""),
    ],
    "note": [
        ("", "设备检查：值班电话、传真机、视频会议系统、网络运行正常", ""),
        ("", "{l}到岗带班", ""),
        ("", "值班室卫生、值班记录整理完毕", ""),
        ("", "夜间巡查：值班人员在岗，通讯畅通", ""),
        ("", "交班前已将未办结事项登记入交接班记录", ""),
    ],
}
WEATHER = [
    "大到暴雨，局部大暴雨",
    "雷暴大风和短时强降水",
    "寒潮，气温下降8至10℃",
    "大雾，能见度低于200米",
    "持续高温，最高气温38℃以上",
    "冰冻雨雪天气",
    "中到大雨",
]
LOG_KIND_NAMES = [k for k, _ in LOG_KINDS]
LOG_KIND_WEIGHTS = [w for _, w in LOG_KINDS]
LOG_DEPTS = [
    "县公安局",
    "县消防救援大队",
    "县交通运输局",
    "县住房和城乡建设局",
    "县卫生健康局",
    "县自然资源局",
    "县水利局",
    "县城市管理和综合执法局",
    "属地乡镇",
]

# subtype -> (weight per mille, [(title, description), ...]); {p} place, {r} road/highway,
# {v}/{v2} vehicles, {n}/{m} counts, {c} casualty sentence.
TEXT: dict[str, tuple[float, list[tuple[str, str]]]] = {
    # accidents: road traffic and fire dominate
    "road_traffic": (
        330,
        [
            (
                "{r}两车相撞事故",
                "{r}一辆{v}与一辆{v2}相撞，{c}。交警已到场处置，现场实行交通管制。",
            ),
            ("{p}{v}侧翻事故", "{p}一辆{v}因避让不及侧翻路边，{c}，车辆已拖离现场。"),
            ("{r}多车追尾事故", "{r}发生{n}车追尾，{c}，部分路段出现拥堵。"),
            ("{p}{v}与行人碰撞", "{p}一辆{v}与过街行人发生碰撞，{c}，肇事驾驶员已被控制。"),
        ],
    ),
    "fire": (
        210,
        [
            ("{p}民房火灾", "{p}一栋民房起火，{c}，消防救援大队出动{n}车{m}人扑救，明火已扑灭。"),
            ("{p}商铺起火", "{p}一家商铺起火，{c}，过火面积约{m}平方米。"),
            ("{p}厂房火灾", "{p}一企业厂房起火，{c}，消防已到场扑救，周边人员已疏散。"),
            ("{r}车辆自燃", "{r}一辆{v}行驶中自燃，{c}，火已扑灭。"),
            ("{p}电动车充电起火", "{p}楼道内电动车充电时起火，{c}，已组织住户疏散。"),
        ],
    ),
    "work_safety": (
        40,
        [
            ("{p}机械伤害事故", "{p}一企业工人操作设备时受伤，{c}，已送县人民医院救治。"),
            ("{p}高处坠落事故", "{p}一名工人在作业时从约{n}米高处坠落，{c}。"),
            ("{p}有限空间中毒事故", "{p}工人进入污水池作业时疑似中毒，{c}，救援人员已到场。"),
        ],
    ),
    "gas": (
        22,
        [
            (
                "{p}燃气泄漏",
                "{p}一餐馆燃气管道泄漏，已疏散周边群众{m}人，燃气公司已关阀处置，{c}。",
            ),
            ("{p}液化气罐爆燃", "{p}一居民家中液化气罐发生爆燃，{c}。"),
        ],
    ),
    "construction": (
        25,
        [
            ("{p}在建工地脚手架坍塌", "{p}一在建工地脚手架局部坍塌，{c}，住建部门已到场。"),
            ("{p}基坑边坡垮塌", "{p}一工地基坑边坡垮塌，{c}，现场已停工。"),
        ],
    ),
    "public_facility": (
        30,
        [
            ("{p}电梯困人", "{p}一部电梯故障停运，{n}人被困，{c}，维保人员已到场救援。"),
            ("{p}大面积停电", "{p}因线路故障停电，影响约{m}户，供电公司正在抢修，{c}。"),
            ("{p}供水管道爆裂", "{p}一供水主管道爆裂，周边停水，{c}。"),
        ],
    ),
    "waterway": (
        10,
        [
            ("{p}渔船翻沉", "{p}水域一艘渔船翻沉，{c}，海事、消防正在搜救。"),
            ("沩水河游船搁浅", "沩水河一游船搁浅，船上{n}名游客已全部转移，{c}。"),
        ],
    ),
    "hazchem": (
        8,
        [
            ("{r}危化品运输车泄漏", "{r}一辆危化品运输车发生泄漏，{c}，已疏散周边群众。"),
            ("{p}化工企业爆炸", "{p}一化工企业车间发生爆炸，{c}，应急、消防、环保已到场。"),
        ],
    ),
    "railway": (3, [("{p}铁路道口事故", "{p}铁路道口一辆{v}与列车碰撞，{c}。")]),
    "aviation": (0.5, [("{p}无人机坠落", "{p}一架作业无人机坠落，{c}。")]),
    "nuclear_radiation": (
        0.5,
        [("{p}放射源丢失", "{p}一企业报告放射源丢失，{c}，生态环境部门已介入。")],
    ),
    "pollution": (
        10,
        [
            ("{p}河道死鱼", "{p}河段出现大面积死鱼，疑似水体污染，{c}，生态环境部门已取样监测。"),
            ("{p}企业废气异味", "{p}周边群众反映企业排放刺激性气味，{c}。"),
        ],
    ),
    # natural disasters
    "meteorological": (
        60,
        [
            ("{p}短时强降水致道路积水", "短时强降水造成{p}等{n}处路段积水，{c}，已组织排涝。"),
            ("{p}大风致树木倒伏", "大风致{p}多处树木倒伏，压坏车辆{n}台，{c}。"),
            ("{p}冰雹灾害", "{p}遭受冰雹袭击，农作物受损约{m}亩，{c}。"),
        ],
    ),
    "flood_drought": (
        40,
        [
            (
                "{p}群众被困",
                "上游来水致河水暴涨，{p}有{n}名群众被困，{c}，消防救援大队正赶往现场。",
            ),
            ("{p}内涝", "持续降雨造成{p}内涝，转移群众{m}人，{c}。"),
        ],
    ),
    "geological": (
        30,
        [
            ("{p}小型山体滑坡", "持续降雨引发{p}小型山体滑坡，掩埋道路约{m}米，{c}。"),
            ("{p}地面塌陷", "{p}出现地面塌陷，面积约{m}平方米，{c}，已设置警戒。"),
        ],
    ),
    "forest_fire": (20, [("{p}山火", "{p}山林发生火情，过火面积约{m}亩，{c}，扑火队已到场。")]),
    "earthquake": (3, [("{p}有感地震", "{p}附近发生有感地震，{c}，暂未接到房屋损毁报告。")]),
    "biological": (5, [("{p}松材线虫病疫情", "{p}林区发现松材线虫病疫情，{c}，林业部门已处置。")]),
    "marine": (0.5, [("{p}风暴潮预警", "{p}接上级风暴潮预警通报，{c}。")]),
    # public health
    "food_safety": (
        30,
        [
            ("{p}宴席疑似食物中毒", "{p}一村民家办宴席后，{n}人出现呕吐腹泻症状，{c}，已送医。"),
            (
                "{p}学校食堂疑似食物中毒",
                "{p}学校{n}名学生出现腹痛症状，{c}，卫健、市场监管已介入。",
            ),
        ],
    ),
    "infectious_disease": (
        20,
        [("{p}聚集性疫情", "{p}报告{n}例聚集性病例，{c}，疾控中心已开展流调。")],
    ),
    "animal_epidemic": (
        10,
        [("{p}非洲猪瘟疫情", "{p}一养殖场报告疑似非洲猪瘟疫情，{c}，已封锁扑杀。")],
    ),
    "occupational": (
        5,
        [("{p}职业中毒事件", "{p}一企业{n}名工人出现头晕症状，疑似职业中毒，{c}。")],
    ),
    "unexplained_illness": (5, [("{p}不明原因发热", "{p}出现{n}例不明原因发热病例，{c}。")]),
    # social security
    "mass_incident": (
        40,
        [
            ("{p}群众聚集", "约{m}名群众因工程款纠纷在{p}聚集，{c}，已劝离。"),
            ("{p}业主维权聚集", "{p}约{m}名业主聚集维权，{c}，街道已派员协调。"),
        ],
    ),
    "criminal_case": (20, [("{p}刑事案件", "{p}发生一起刑事案件，{c}，嫌疑人已被控制。")]),
    "economic_security": (8, [("{p}非法集资聚集", "{p}约{m}名投资人聚集，涉嫌非法集资，{c}。")]),
    "cyber_security": (
        8,
        [("县政务网站遭网络攻击", "县政务网站遭受网络攻击，页面被篡改，{c}，已断网处置。")],
    ),
    "foreign_related": (2, [("{p}涉外交通事故", "{p}发生一起涉及外籍人员的交通事故，{c}。")]),
    "terrorism": (0.5, [("{p}可疑爆炸物", "{p}发现可疑爆炸物，{c}，公安已设置警戒。")]),
    "ethnic_religious": (1, [("{p}宗教活动场所纠纷", "{p}宗教活动场所发生纠纷，{c}，已调解。")]),
}
_SUB_CAT = {s.code: c.code for c in CATEGORIES for s in c.subtypes}
UNGRADED = {c.code for c in CATEGORIES if not c.graded}
GRADES = (("IV", 900), ("III", 80), ("II", 18), ("I", 2))
# The desk's routine, at a county desk's rates (bench/README.md, "The desks").
ROLLCALL_DAYS = {  # weekday -> (set, method, label): three rounds a week
    0: ("custom", "video", "乡镇值班室视频点名"),
    2: ("level1", "phone", "一级联动单位电话查岗"),
    4: ("custom", "phone", "乡镇值班室电话查岗"),
}
RC_OUTCOMES = ("on_post", "no_answer", "busy", "not_on_duty", "leader_absent")
RC_WEIGHTS = (900, 40, 20, 25, 15)  # about 90 % on post
CHECK_RATES = {"missed": 0.02, "late": 0.04}  # leader-on-duty checks; the rest on time
FORGOTTEN = 0.01  # phone and written reports, and a chain's last follow-up, never made
# The desk's paperwork (see `Paperwork` and the module docstring for the rates and why).
SIGNIN_ROLES = ("chief", "officer")  # who signs in (接班签到) and out (交班) on every shift
WARNINGS_PER_YEAR = 45  # early warnings relayed a year; 30 % re-issued at another level
WARNING_CHANGE = 0.3
WARNING_KINDS = (  # (signal type, weight, issuer)
    ("rainstorm", 30, "县气象台"),
    ("gale", 10, "县气象台"),
    ("lightning", 10, "县气象台"),
    ("heat", 10, "县气象台"),
    ("cold_wave", 6, "县气象台"),
    ("fog", 6, "县气象台"),
    ("road_icing", 4, "县气象台"),
    ("hail", 3, "县气象台"),
    ("geological", 10, "县自然资源局"),
    ("flood", 6, "县防汛抗旱指挥部办公室"),
    ("forest_fire", 5, "县森林防灭火指挥部办公室"),
)
WARNING_MEASURES = (
    "各乡镇（街道）加强值班值守，做好人员转移准备",
    "相关单位加强巡查，及时报告险情",
    "暂停户外高空作业，加强交通疏导",
    "做好防范应对工作，落实24小时值班和领导带班制度",
    "",
)
LOG_STRUCK = 0.005  # duty-log entries struck through (更正) with a reason
STRIKE_REASONS = ("登记有误，已重新登记", "重复登记", "来电单位记录错误", "内容记录有误")
WRITTEN_SHARE = {"I": 1.0, "II": 1.0, "III": 0.05}  # incidents with a written report kept
REPORT_STRUCK = 0.1  # of those, a follow-up struck and made again
WRITTEN_BACK = 0.05  # a draft sent back once by the chief (审核退回)
WRITTEN_CORRECTED = 0.03  # a sent written report corrected (更正) by a new one
HANDOVER_NOTES = ("夜间无异常", "值班设备运行正常", "", "", "")

# ---------------------------------------------------------------------------------------------
# Time: everything is integer UTC seconds here and becomes text exactly like `store.db.to_db`.
# ---------------------------------------------------------------------------------------------


def iso(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))


def dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def local_at(day: date, hour: int, minute: int) -> int:
    return int(datetime.combine(day, dtime(hour, minute), tzinfo=TZ).timestamp())


# ---------------------------------------------------------------------------------------------
# The sink: final rows plus the audit log, handed to a writer thread in batches
# ---------------------------------------------------------------------------------------------


AUDIT_SQL = (
    "INSERT INTO audit (id, at, actor, table_name, row_id, action, before, after,"
    " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)"
)
# An incident's full-text row has a `tag` (m21), read from its final row with the store's
# TAGS_SQL, a batch of rows in one query (the incidents' rows are written first:
# `Sink.raw_insert`); a SELECT per row, as `IncidentRepo._index` does, would cost the writer four
# times as much as the rest of the row.
FTS_SQL = "INSERT INTO incidents_fts (rowid, uni, bi, tag) VALUES (?,?,?,?)"
TAGS_OF_SQL = (
    f"SELECT i.id, {TAGS_SQL.format(r='i')} FROM incidents i"
    " WHERE i.id IN (SELECT value FROM json_each(?))"
)
LOG_FTS_SQL = "INSERT INTO log_fts (rowid, uni, bi) VALUES (?,?,?)"
FTS_SQLS = (FTS_SQL, LOG_FTS_SQL)


def _writer_process(path: str, batches, done) -> None:
    """The second core: chains the audit entries (sha256 over each entry and the previous
    hash) and writes every batch, all in one transaction, then puts the file back in WAL mode."""
    try:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = OFF")  # one bulk transaction, rebuilt if it fails
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("BEGIN")
        prev, n = GENESIS, 0
        while (batch := batches.get()) is not None:
            rows, audit = batch
            for sql, values in rows:
                if sql in FTS_SQLS:  # (rowid, text): the grams are made here, off the main core
                    values = [(rowid, *grams(text)) for rowid, text in sorted(values)]
                if sql == FTS_SQL:
                    ids = json.dumps([v[0] for v in values])
                    tags = dict(conn.execute(TAGS_OF_SQL, [ids]).fetchall())
                    values = [(*v, tags[v[0]]) for v in values]
                conn.executemany(sql, values)
            chained = []
            for entry in audit:
                n += 1
                h = _entry_hash(prev, *entry)
                chained.append((n, *entry, prev, h))
                prev = h
            conn.executemany(AUDIT_SQL, chained)
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.close()
        done.put(("ok", n))
    except BaseException as e:  # noqa: BLE001 - reported to the parent
        done.put(("error", f"{type(e).__name__}: {e}"))


class Sink:
    """Mirrors `Auditor`: every insert/update appends an audit entry whose after-image is the
    full row as `SELECT *` returns it. Rows that may still change stay in memory (`live`) and
    are written once, in their last state, when they can no longer change. Batches go to
    `_writer_process`, which chains the hashes and writes while this process goes on."""

    BATCH = 20000

    def __init__(self, path: Path, tables: list[str]):
        self.columns: dict[str, list[str]] = {}
        # Column defaults, for columns the application leaves to the schema (newer migrations
        # may add some): the stored row and its after-image both carry the default.
        self.defaults: dict[str, dict] = {}
        conn = sqlite3.connect(str(path))  # closed before the writer forks
        for t in tables:
            info = conn.execute(f"PRAGMA table_info([{t}])").fetchall()
            self.columns[t] = [r[1] for r in info]
            self.defaults[t] = {
                r[1]: None if r[4] is None else conn.execute(f"SELECT {r[4]}").fetchone()[0]
                for r in info
                if r[4] is not None or not (r[3] or r[5])
            }
        conn.close()
        self.sql = {
            t: f"INSERT INTO [{t}] ({', '.join(f'[{c}]' for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})"
            for t, cols in self.columns.items()
        }
        self.next_id = {t: 1 for t in tables}
        self.rows: dict[str, list[tuple]] = {t: [] for t in tables}
        self.raw: dict[str, list[tuple]] = {}  # sql -> rows outside the audit (search index)
        self.waiting: dict[int, tuple] = {}  # incident id -> its full-text row, until it is final
        self.audit: list[tuple] = []
        self.live: dict[tuple[str, int], list] = {}  # (table, id) -> [row dict, last after-json]
        ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        self._batches = ctx.Queue(maxsize=4)
        self._done = ctx.Queue()
        self._proc = ctx.Process(
            target=_writer_process,
            name="bench-writer",
            args=(str(path), self._batches, self._done),
            daemon=True,
        )
        self._proc.start()

    def _entry(
        self, at: str, actor: str, table: str, rid: int, action: str, b: str | None, a: str
    ) -> None:
        self.audit.append((at, actor, table, rid, action, b, a))
        if len(self.audit) >= self.BATCH:
            self.flush()

    def insert(self, table: str, row: dict, at: str, actor: str, *, live: bool = False) -> int:
        rid = self.next_id[table]
        self.next_id[table] = rid + 1
        row["id"] = rid
        if len(row) != len(self.columns[table]):
            for c, v in self.defaults[table].items():
                row.setdefault(c, v)
        a = canonical(row)
        if live:
            self.live[(table, rid)] = [row, a]
        else:
            self._emit(table, row)
        self._entry(at, actor, table, rid, "insert", None, a)
        return rid

    def update(self, table: str, rid: int, changes: dict, at: str, actor: str) -> dict:
        slot = self.live[(table, rid)]
        row, before = slot
        row.update(changes)
        a = canonical(row)
        slot[1] = a
        self._entry(at, actor, table, rid, "update", before, a)
        return row

    def finish(self, table: str, rid: int) -> None:
        """The row will not change again: write it."""
        row, _ = self.live.pop((table, rid))
        self._emit(table, row)

    def raw_insert(self, sql: str, values: tuple) -> None:
        """A row outside the audit. An incident's full-text row (FTS_SQL) reads its `tag` from
        the incident's final row: while the incident may still change it waits, and goes out
        with that row (in the same batch, after the tables' rows)."""
        if sql == FTS_SQL and ("incidents", values[0]) in self.live:
            self.waiting[values[0]] = values
            return
        self.raw.setdefault(sql, []).append(values)

    def _emit(self, table: str, row: dict) -> None:
        cols = self.columns[table]
        if len(row) != len(cols):
            raise AssertionError(
                f"{table}: the generator is behind the schema: it writes "
                f"{sorted(row)}, the table has {sorted(cols)}"
            )
        self.rows[table].append(tuple([row[c] for c in cols]))
        if table == "incidents" and (fts := self.waiting.pop(row["id"], None)) is not None:
            self.raw.setdefault(FTS_SQL, []).append(fts)

    def flush(self) -> None:
        rows = [(self.sql[t], sorted(r)) for t, r in self.rows.items() if r]
        rows += list(self.raw.items())
        if rows or self.audit:
            self._put((rows, self.audit))
        self.rows = {t: [] for t in self.columns}
        self.raw = {}
        self.audit = []

    def _put(self, item) -> None:
        while True:
            try:
                self._batches.put(item, timeout=1)
                return
            except queue.Full:
                if not self._proc.is_alive():
                    self._fail()

    def _fail(self) -> None:
        try:
            _status, detail = self._done.get(timeout=1)
        except queue.Empty:
            _status, detail = "error", f"exit code {self._proc.exitcode}"
        raise RuntimeError(f"the writer process failed: {detail}")

    def close(self) -> int:
        """Write what is left (rows still live in their current state); returns the number of
        audit entries written."""
        for table, rid in sorted(self.live):
            self._emit(table, self.live[(table, rid)][0])
        self.live.clear()
        self.flush()
        self._put(None)
        self._proc.join()
        try:
            status, detail = self._done.get(timeout=5)
        except queue.Empty:
            status, detail = "error", f"exit code {self._proc.exitcode}"
        if status != "ok":
            raise RuntimeError(f"the writer process failed: {detail}")
        return int(detail)

    def abort(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()


# ---------------------------------------------------------------------------------------------
# The desk's history
# ---------------------------------------------------------------------------------------------


class Desk:
    def __init__(
        self,
        sink: Sink,
        rnd: random.Random,
        now: int,
        start_day: date,
        extra: random.Random | None = None,
    ):
        self.s = sink
        self.r = rnd
        # The duty log and figure versions draw from their own stream, so adding them leaves the
        # incidents, reports and clocks exactly as they were.
        self.rx = extra or random.Random(0)
        self.figure_updates = 0.0  # share of closed incidents with a revised figure version
        self.log_later: dict[int, None] = {}  # log entries whose handling is still to come
        self.now = now
        self.start_day = start_day
        self.pack = load_pack("national")
        self.heap: list = []
        self.seq = 0
        self.inc: dict[int, dict] = {}  # open incidents: state for the replay
        self.stats = {
            "voided": 0,
            "late_reports": 0,
            "figure_versions": 0,
            "log_entries": 0,
            "log_handled_later": 0,
            "forgotten_reports": 0,
            "rollcall_rounds": 0,
            "leader_checks": 0,
        }
        self.names: set[str] = set()
        # The desk's routine (roll-call rounds, leader-on-duty checks) and the reports an
        # officer forgot draw from a third stream: incidents and the duty log stay as they were.
        self.ry = random.Random(0)
        self.routine = False  # the desk has roll-call and leader-check tables
        self.forgotten = 0.0  # share of phone/written reports never made (their clock missed)
        # The paperwork (sign-ins, warnings, struck log entries, and the plan `Paperwork`
        # carries out through the Store) draws from a fourth stream.
        self.rz = random.Random(0)
        self.paper = False  # the desk has the sign-in, warning, correction and report tables
        self.shift_people: dict[int, tuple[int, int, list[tuple[int, str]]]] = {}
        self.deferred: list[tuple] = []  # (kind, at, ...) for `Paperwork`, in any order
        self.stats.update(signins=0, warnings=0, warning_changes=0, log_struck=0)

    # -- helpers --------------------------------------------------------------------------------
    def name(self) -> str:
        r = self.r
        while True:
            n = r.choice(SURNAMES) + r.choice(GIVEN)
            if n not in self.names or len(self.names) > 5000:
                self.names.add(n)
                return n

    def phone(self, mobile: bool = True) -> str:
        r = self.r
        if mobile:
            return f"1{r.choice('35789')}{r.randint(0, 9)}{r.randint(10_000_000, 99_999_999)}"
        return f"0731-8{r.randint(4_000_000, 4_999_999)}"

    def push(self, ts: int, fn, *args) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (ts, self.seq, fn, args))

    def run_until(self, ts: int) -> None:
        heap = self.heap
        while heap and heap[0][0] <= ts:
            t, _, fn, args = heapq.heappop(heap)
            fn(t, *args)

    # -- setup: meta, officers, directory -------------------------------------------------------
    def setup(self, at_ts: int, n_units: int) -> None:
        at, actor = iso(at_ts), "系统管理员"
        for key, value in (("desk_name", f"{COUNTY}应急管理局总值班室"), ("bench", "1")):
            self.s.insert("meta", {"key": key, "value": value}, at, actor)
        self.officer_name: dict[int, str] = {}

        def officer(title: str) -> int:
            name = self.name()
            row = {
                "name": name,
                "phone": self.phone(),
                "title": title,
                "unit": f"{COUNTY}应急管理局",
                "active": 1,
            }
            if self.paper and title in LEADER_TITLES:  # 签发 is the leaders' (SignoffPolicy)
                row["roles"] = '["leader"]'
            oid = self.s.insert("officers", row, at, actor)
            self.officer_name[oid] = name
            return oid

        self.leaders = [officer(LEADER_TITLES[i]) for i in range(10)]
        self.staff = [
            officer("值班长" if i < 10 else ("副科长" if i < 16 else "科员")) for i in range(50)
        ]
        self.chiefs, self.duty = self.staff[:10], self.staff[10:]
        self._directory(at, actor, n_units)

    def _directory(self, at: str, actor: str, n: int) -> None:
        r = self.r
        depts = [
            ("公安局指挥中心", 1),
            ("消防救援大队", 1),
            ("卫生健康局", 1),
            ("自然资源局", 1),
            ("水利局", 1),
            ("气象局", 1),
            ("交通运输局", 2),
            ("住房和城乡建设局", 2),
            ("生态环境分局", 2),
            ("市场监督管理局", 2),
            ("城市管理和综合执法局", 2),
            ("教育局", 2),
            ("农业农村局", 2),
            ("林业局", 2),
            ("民政局", 3),
            ("商务局", 3),
            ("文化旅游广电体育局", 3),
            ("工业和信息化局", 3),
            ("人民武装部", 1),
            ("武警中队", 1),
            ("人民医院", 1),
            ("中医医院", 2),
            ("疾病预防控制中心", 1),
            ("急救中心", 1),
            ("红十字会", 3),
            ("融媒体中心", 3),
            ("信访局", 2),
            ("公路建设养护中心", 2),
            ("水文站", 2),
            ("地震局", 2),
        ]
        firms = [
            "国网县供电公司",
            "县燃气有限公司",
            "县自来水公司",
            "中国移动县分公司",
            "中国电信县分公司",
            "中国联通县分公司",
            "县公交公司",
            "湘化化工有限公司",
            "县石油分公司",
            "高速公路管理处",
            "铁路车务段",
            "县人民广播电台",
        ]
        units: list[tuple[str, str, int | None, str]] = []
        for d, level in depts:
            units.append((f"县{d}", "linkage", level, ""))
        for f in firms:
            units.append((f, "linkage", r.choice((2, 3)), ""))
        for town in TOWNS:
            units.append((f"{town}值班室", "duty_room", None, town))
            units.append((f"{town}派出所", "linkage", 2, town))
            units.append((f"{town}卫生院", "linkage", 3, town))
        for town in TOWNS:
            for v in VILLAGES:
                units.append((f"{town}{v}值班室", "duty_room", None, town))
        for spot in SPOTS:
            units.append((f"{spot}管理处", "linkage", 3, ""))
        units = units[:n]
        while len(units) < n:  # more than the vocabulary holds: number the rest
            units.append((f"联动单位{len(units) + 1:04d}", "linkage", 3, ""))
        self.unit_names = [u[0] for u in units]
        self.units: list[dict] = []  # as inserted (the roll-call rounds read them)
        for name, kind, level, area in units:
            unit = {
                "name": name,
                "kind": kind,
                "level": level,
                "area": area,
                "duty_phone": self.phone(False),
                "backup_phone": self.phone(False) if r.random() < 0.5 else "",
                "fax": self.phone(False) if r.random() < 0.3 else "",
                "notes": "",
                "active": 1,
            }
            uid = self.s.insert("units", unit, at, actor)
            self.units.append(unit)
            for _ in range(r.choice((1, 1, 2, 2, 3))):
                self.s.insert(
                    "contacts",
                    {
                        "unit_id": uid,
                        "name": self.name(),
                        "role": r.choice(("值班长", "值班员", "办公室主任", "分管领导", "联络员")),
                        "phone": self.phone(),
                    },
                    at,
                    actor,
                )

    # -- roster ---------------------------------------------------------------------------------
    def plan_roster(self, until_ts: int) -> None:
        """24-hour shifts from 08:30 local every day; each week's roster is entered a week ahead
        (never later than now)."""
        k = 0
        day = self.start_day
        self.shift_starts: list[int] = []
        while True:
            start = local_at(day, 8, 30)
            if start > until_ts:
                break
            end = local_at(day + timedelta(days=1), 8, 30)
            entered = min(start - 7 * DAY + 5400, self.now - 2 * HOUR) + k % 7 * 60
            self.push(entered, self._add_shift, k, start, end, day)
            self.shift_starts.append(start)
            k += 1
            day += timedelta(days=1)

    def _add_shift(self, ts: int, k: int, start: int, end: int, day: date) -> None:
        at, actor = iso(ts), "排班管理员"
        sid = self.s.insert(
            "shifts",
            {"starts_at": iso(start), "ends_at": iso(end), "label": f"{day:%m月%d日}值班"},
            at,
            actor,
        )
        d = self.duty
        people = [
            (self.leaders[k % 10], "leader"),
            (self.chiefs[k % 10], "chief"),
            (d[(2 * k) % 40], "officer"),
            (d[(2 * k + 1) % 40], "officer"),
            (d[(2 * k + 7) % 40], "standby"),
        ]
        for oid, role in people:
            self.s.insert(
                "assignments",
                {"shift_id": sid, "officer_id": oid, "role": role, "note": ""},
                at,
                actor,
            )
        if self.routine:
            self._plan_checks(sid, start, end, people[0][0])
        if self.paper:
            self._plan_signins(sid, start, end, people)

    # -- sign-in (接班签到) and sign-out (交班) ---------------------------------------------------
    def _plan_signins(self, sid: int, start: int, end: int, people: list) -> None:
        """The chief and the two officers sign in 15-45 minutes before the shift starts and out
        1-20 minutes after it ends (after the handover is signed)."""
        self.shift_people[sid] = (start, end, people)
        x = self.rz
        for oid, role in people:
            if role not in SIGNIN_ROLES:
                continue
            for kind, ts in (
                ("in", start - x.randint(15, 45) * MIN),
                ("out", end + x.randint(1, 20) * MIN),
            ):
                if ts <= self.now - MIN:
                    self.push(ts, self._signin, sid, oid, kind)

    def _signin(self, ts: int, sid: int, oid: int, kind: str) -> None:
        """`DutyChecks.sign_in` / `sign_out` by the officer themself."""
        actor, at = self.officer_name[oid], iso(ts)
        self.s.insert(
            "duty_signins",
            {
                "shift_id": sid,
                "officer_id": oid,
                "kind": kind,
                "at": at,
                "note": "",
                "recorded_by": actor,
            },
            at,
            actor,
        )
        self.stats["signins"] += 1

    # -- early warnings (预警) relayed by the desk ------------------------------------------------
    def plan_warnings(self, lo: int, hi: int, years: float) -> None:
        """WARNINGS_PER_YEAR warnings issued in [lo, hi), by day more than by night; some changed
        to another level hours later; each lifted within three days (unless that is after now)."""
        x = self.rz
        n = round(WARNINGS_PER_YEAR * years)
        for ts in _received_times(x, n, lo, hi):
            code, _, issuer = x.choices(WARNING_KINDS, weights=[w for _, w, _ in WARNING_KINDS])[0]
            levels = signal_type(code).levels  # most severe first: the milder ones are likelier
            level = x.choices(levels, weights=[2**i for i in range(len(levels))])[0]
            area = "全县" if x.random() < 0.6 else "、".join(x.sample(TOWNS, x.randint(1, 4)))
            self.push(ts, self._warn_issue, code, level.value, issuer, area)

    def _warn_event(self, ts: int, wid: int, action: str, at: str, actor: str, **kw) -> None:
        now = iso(ts)
        self.s.insert(
            "warning_events",
            {
                "warning_id": wid,
                "action": action,
                "at": at,
                "level": kw.get("level"),
                "from_level": kw.get("from_level"),
                "issuer": kw.get("issuer", ""),
                "area": kw.get("area", ""),
                "measures": kw.get("measures", ""),
                "note": "",
                "by_whom": actor,
                "created_at": now,
            },
            now,
            actor,
        )

    def _warn_issue(self, ts: int, code: str, level: str, issuer: str, area: str) -> None:
        """`WarningRepo.issue`, recorded 5-30 minutes after the warning was issued."""
        x = self.rz
        actor = self.officer_name[self.on_shift(ts)[1]]
        at, now = iso(ts - x.randint(5, 30) * MIN), iso(ts)
        measures = x.choice(WARNING_MEASURES)
        row = {
            "kind": code,
            "level": level,
            "area": area,
            "issuer": issuer,
            "issued_at": at,
            "level_since": at,
            "measures": measures,
            "status": "in_force",
            "lifted_at": None,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        wid = self.s.insert("warnings", row, now, actor, live=True)
        self._warn_event(
            ts, wid, "issue", at, actor, level=level, issuer=issuer, area=area, measures=measures
        )
        self.stats["warnings"] += 1
        t = ts
        levels = [lv.value for lv in signal_type(code).levels]
        if x.random() < WARNING_CHANGE and len(levels) > 1:
            t += x.randint(2 * HOUR, 24 * HOUR)
            other = x.choice([lv for lv in levels if lv != level])
            if t <= self.now - MIN:
                self.push(t, self._warn_change, wid, other)
        t += x.randint(3 * HOUR, 48 * HOUR)
        if t <= self.now - MIN:  # else still in force: written at close
            self.push(t, self._warn_lift, wid)

    def _warn_change(self, ts: int, wid: int, level: str) -> None:
        """`WarningRepo.change` to `level` (at = when recorded)."""
        actor = self.officer_name[self.on_shift(ts)[1]]
        row = self.s.live[("warnings", wid)][0]
        now = iso(ts)
        cur = row["level"]
        self.s.update(
            "warnings",
            wid,
            {
                "level": level,
                "level_since": now,
                "issuer": row["issuer"],
                "area": row["area"],
                "measures": row["measures"],
                "version": row["version"] + 1,
                "updated_at": now,
            },
            now,
            actor,
        )
        self._warn_event(
            ts,
            wid,
            "change",
            now,
            actor,
            level=level,
            from_level=cur,
            issuer=row["issuer"],
            area=row["area"],
            measures=row["measures"],
        )
        self.stats["warning_changes"] += 1

    def _warn_lift(self, ts: int, wid: int) -> None:
        """`WarningRepo.lift` (at = when recorded)."""
        actor = self.officer_name[self.on_shift(ts)[1]]
        row = self.s.live[("warnings", wid)][0]
        now = iso(ts)
        self.s.update(
            "warnings",
            wid,
            {
                "status": "lifted",
                "lifted_at": now,
                "version": row["version"] + 1,
                "updated_at": now,
            },
            now,
            actor,
        )
        self._warn_event(
            ts,
            wid,
            "lift",
            now,
            actor,
            from_level=row["level"],
            issuer=row["issuer"],
            area=row["area"],
        )
        self.s.finish("warnings", wid)

    def on_shift(self, ts: int) -> tuple[int, int]:
        """(chief, officer) staff ids of the shift at `ts`: who records and who reports."""
        k = max(0, (ts - self.shift_starts[0]) // DAY)
        return self.chiefs[k % 10], self.duty[(2 * k + k % 2) % 40]

    def leader_on_shift(self, ts: int) -> int:
        k = max(0, (ts - self.shift_starts[0]) // DAY)
        return self.leaders[k % 10]

    # -- the desk's routine: leader-on-duty checks and roll-call rounds ---------------------------
    def _plan_checks(self, sid: int, start: int, end: int, leader: int) -> None:
        """Each scheduled check of the shift (`rules.roster.check_schedule`, the default
        configuration: at the start, 22:00, one random time 00:00-06:00), recorded by the chief
        (`DutyChecks.record_check` with its due time): CHECK_RATES decide on time (within the
        15 minutes before it escalates), late, or never recorded; the leader is rarely absent."""
        x = self.ry
        for sc in check_schedule(sid, dt(start), dt(end), CheckConfig(), TZ):
            due = int(sc.due_at.timestamp())
            u = x.random()
            if u < CHECK_RATES["missed"]:
                continue
            if u < CHECK_RATES["missed"] + CHECK_RATES["late"]:
                at_ts = due + x.randint(16 * MIN, 90 * MIN)
            else:
                at_ts = due + x.randint(0, 12 * MIN)
            result = x.choices(("present", "absent", "unreachable"), weights=(975, 15, 10))[0]
            method = "phone" if x.random() < 0.7 else "video"
            if at_ts <= self.now - MIN:
                self.push(at_ts, self._leader_check, sid, sc, method, result, leader)

    def _leader_check(self, ts: int, sid: int, sc, method: str, result: str, leader: int) -> None:
        """`DutyChecks.record_check(shift, method=, result=, due_at=, at=ts, leader_id=)`."""
        actor = self.officer_name[self.on_shift(ts)[0]]
        at = iso(ts)
        self.s.insert(
            "leader_checks",
            {
                "shift_id": sid,
                "due_at": to_db(sc.due_at),
                "kind": sc.kind.value,
                "method": method,
                "result": result,
                "at": at,
                "note": "",
                "leader_id": leader,
                "recorded_by": actor,
            },
            at,
            actor,
        )
        self.stats["leader_checks"] += 1

    def plan_rollcalls(self, until_ts: int) -> None:
        """ROLLCALL_DAYS: a round on those weekdays, started between 09:00 and 10:30 local."""
        towns = {f"{t}值班室" for t in TOWNS}
        self.rc_sets = {
            "custom": [u for u in self.units if u["kind"] == "duty_room" and u["name"] in towns],
            "level1": [u for u in self.units if u["kind"] == "linkage" and u["level"] == 1],
        }
        x = self.ry
        day = self.start_day
        while True:
            ts = local_at(day, 9, 0) + x.randint(0, 90) * MIN
            if ts > until_ts:
                break
            plan = ROLLCALL_DAYS.get(day.weekday())
            if plan and self.rc_sets[plan[0]]:
                self.push(ts, self._rollcall_start, *plan)
            day += timedelta(days=1)

    def _rollcall_start(self, ts: int, set_kind: str, method: str, label: str) -> None:
        """`RollCallRepo.start`, then each unit called in turn (`record`), then `finish`."""
        x = self.ry
        actor = self.officer_name[self.on_shift(ts)[1]]
        at = iso(ts)
        rid = self.s.insert(
            "rollcall_rounds",
            {
                "label": label,
                "set_kind": set_kind,
                "method": method,
                "status": "running",
                "started_at": at,
                "finished_at": None,
                "position": 1,
                "started_by": actor,
                "note": "",
                "updated_at": at,
            },
            at,
            actor,
            live=True,
        )
        members = self.rc_sets[set_kind]
        eids = []
        for seq, u in enumerate(members, start=1):
            eid = self.s.insert(
                "rollcall_entries",
                {
                    "round_id": rid,
                    "seq": seq,
                    "unit_id": u["id"],
                    "unit_name": u["name"],
                    "phone": u["duty_phone"] or u["backup_phone"],
                    "outcome": None,
                    "answered_by": "",
                    "answer_seconds": None,
                    "called_at": None,
                    "attempts": 0,
                    "note": "",
                },
                at,
                actor,
                live=True,
            )
            eids.append(eid)
        t = ts
        for seq, eid in enumerate(eids, start=1):
            t += x.randint(40, 150)
            self.push(t, self._rollcall_record, rid, eid, seq, len(eids))
        self.push(t + x.randint(60, 300), self._rollcall_finish, rid, eids)
        self.stats["rollcall_rounds"] += 1

    def _rollcall_record(self, ts: int, rid: int, eid: int, seq: int, n: int) -> None:
        """`RollCallRepo.record(round, seq, outcome, answered_by=, answer_seconds=, at=ts)`,
        units called in order (the runner moves to the next)."""
        x = self.ry
        actor = self.officer_name[self.on_shift(ts)[1]]
        now = iso(ts)
        outcome = x.choices(RC_OUTCOMES, weights=RC_WEIGHTS)[0]
        answered = outcome in ("on_post", "not_on_duty", "leader_absent")
        who = x.choice(SURNAMES) + x.choice(GIVEN) if answered else ""
        self.s.update(
            "rollcall_entries",
            eid,
            {
                "outcome": outcome,
                "answered_by": who,
                "answer_seconds": x.randint(3, 45) if answered else None,
                "called_at": now,
                "attempts": 1,
                "note": "",
            },
            now,
            actor,
        )
        nxt = seq + 1 if seq < n else seq
        self.s.update("rollcall_rounds", rid, {"position": nxt, "updated_at": now}, now, actor)

    def _rollcall_finish(self, ts: int, rid: int, eids: list[int]) -> None:
        """`RollCallRepo.finish`."""
        actor = self.officer_name[self.on_shift(ts)[1]]
        now = iso(ts)
        self.s.update(
            "rollcall_rounds",
            rid,
            {"status": "finished", "finished_at": now, "updated_at": now},
            now,
            actor,
        )
        for eid in eids:
            self.s.finish("rollcall_entries", eid)
        self.s.finish("rollcall_rounds", rid)

    # -- the duty log ---------------------------------------------------------------------------
    def add_log(self, ts: int) -> None:
        """`DutyLogRepo.add` at `ts`; sometimes `set_handling` follows hours later."""
        r = self.rx
        kind = r.choices(LOG_KIND_NAMES, weights=LOG_KIND_WEIGHTS)[0]
        link = None
        options = LOG_TEXT[kind]
        counterpart, content, handling = r.choice(options)
        if "{i}" in content + handling:
            if self.inc and r.random() < 0.9:
                link = r.choice(list(self.inc))
            else:
                counterpart, content, handling = r.choice(
                    [o for o in options if "{i}" not in o[1] + o[2]]
                )
        actor = self.officer_name[self.on_shift(ts)[1]]
        leader = self.leader_on_shift(ts)
        town = r.choice(TOWNS)
        incident = ""
        if link is not None:
            row = self.inc[link]["row"]
            incident = f"“{row['title'] or row['description'][:30]}”"
        values = {
            "u": r.choice(self.unit_names),
            "p": f"{town}{r.choice(VILLAGES)}",
            "t": town,
            "n": r.randint(2, 40),
            "s": r.choice(SEASONS),
            "o": r.choice(TOPICS),
            "h": r.choice(HIGHER),
            "l": f"{self.officer_name[leader]}",
            "d": r.choice(LOG_DEPTS),
            "w": r.choice(WEATHER),
            "y": dt(ts).astimezone(TZ).year,
            "i": incident,
        }
        counterpart = counterpart.format(**values)[:100]
        content = content.format(**values)
        handling = handling.format(**values)
        later = bool(handling) and r.random() < 0.6  # handled later, not at once
        at_ts = ts - r.randint(0, 10 * MIN)
        now = iso(ts)
        entry = {
            "at": iso(at_ts),
            "kind": kind,
            "incident_id": link,
            "counterpart": counterpart,
            "content": content,
            "handling": "" if later else handling,
            "by_whom": actor,
            "created_at": now,
        }
        lid = self.s.insert("log_entries", entry, now, actor, live=later)
        self.stats["log_entries"] += 1
        if not later and self.paper and self.rz.random() < LOG_STRUCK:
            struck = ts + self.rz.randint(10 * MIN, 6 * HOUR)
            if struck <= self.now - MIN:
                self.push(struck, self._strike_log, dict(entry))
        if later:
            self.log_later[lid] = None
            self.push(ts + r.randint(10 * MIN, 8 * HOUR), self._log_handling, lid, handling)
        elif self.fts:
            self.s.raw_insert(
                LOG_FTS_SQL,
                (
                    lid,
                    log_text(
                        {"counterpart": counterpart, "content": content, "handling": handling}
                    ),
                ),
            )

    def _strike_log(self, ts: int, row: dict) -> None:
        """`correction.correct(store, "log:N", reason)` by the chief: the entry stays, struck."""
        actor = self.officer_name[self.on_shift(ts)[0]]
        now = iso(ts)
        self.s.insert(
            "corrections",
            {
                "record_kind": "log",
                "record_id": row["id"],
                "incident_id": row["incident_id"],
                "shift_id": None,
                "record_at": row["at"],
                "record": json.dumps(row, ensure_ascii=False, sort_keys=True),
                "reason": self.rz.choice(STRIKE_REASONS),
                "at": now,
                "by_whom": actor,
            },
            now,
            actor,
        )
        self.stats["log_struck"] += 1

    def _log_handling(self, ts: int, lid: int, handling: str) -> None:
        """`DutyLogRepo.set_handling` at `ts`."""
        actor = self.officer_name[self.on_shift(ts)[1]]
        now = iso(ts)
        row = self.s.update("log_entries", lid, {"handling": handling}, now, actor)
        self.s.finish("log_entries", lid)
        del self.log_later[lid]
        self.stats["log_handled_later"] += 1
        if self.fts:
            self.s.raw_insert(LOG_FTS_SQL, (lid, log_text(row)))

    def finish_log(self) -> None:
        """Entries whose handling would come after now: index them as they stand."""
        for lid in self.log_later:
            if self.fts:
                row = self.s.live[("log_entries", lid)][0]
                self.s.raw_insert(LOG_FTS_SQL, (lid, log_text(row)))
        self.log_later.clear()

    # -- figure versions --------------------------------------------------------------------------
    def _figures(self, ts: int, iid: int, status: str, more_injured: int, source: str) -> None:
        """`FigureRepo.update` at `ts` that leaves the grade as it is (more injured, or the same
        figures verified): a new figures row, the incident's figures and version."""
        state = self.inc.get(iid)
        if state is None:
            return
        row = state["row"]
        merged = {f: row[f] for f in FIGURE_FIELDS}
        merged["injured"] += more_injured
        suggested = suggest_grade(
            merged["dead"], merged["seriously_injured"], merged["direct_loss"]
        )
        if suggested.rank < state["grade"].rank:  # would raise the grade: not modelled here
            return
        actor = self.officer_name[self.on_shift(ts)[1]]
        now = iso(ts)
        at_ts = max(
            int(datetime.fromisoformat(row["received_at"]).timestamp()),
            ts - self.rx.randint(0, 10 * MIN),
        )
        self.s.insert(
            "figures",
            {
                "incident_id": iid,
                "at": iso(at_ts),
                **merged,
                "source": source,
                "status": status,
                "by_whom": actor,
                "note": "",
            },
            now,
            actor,
        )
        self.s.update(
            "incidents",
            iid,
            {
                **merged,
                "grade": state["grade"].value,
                "grade_suggested": suggested.value,
                "version": row["version"] + 1,
                "updated_at": now,
            },
            now,
            actor,
        )
        self.stats["figure_versions"] += 1

    # -- incidents ------------------------------------------------------------------------------
    def facts(self, received: int, sub: str, grade: str) -> dict:
        r = self.r
        cat = _SUB_CAT[sub]
        dead = seriously = injured = trapped = missing = 0
        loss = 0
        if grade == "IV":
            if r.random() < 0.25:
                injured = r.randint(1, 6)
            if r.random() < 0.12:
                dead = r.randint(1, 2)
            if r.random() < 0.05:
                seriously = r.randint(1, 5)
            loss = r.choice((0, 0, 0, r.randint(1, 50) * 1000, r.randint(1, 500) * 10_000))
        else:
            lo_dead, lo_si, lo_loss = {
                "III": (3, 10, 10_000_000),
                "II": (10, 50, 50_000_000),
                "I": (30, 100, 100_000_000),
            }[grade]
            which = r.random()
            if which < 0.6:
                dead = r.randint(lo_dead, lo_dead * 3 - 1 if grade != "I" else 60)
            elif which < 0.75:
                seriously = r.randint(lo_si, lo_si * 2 - 1)
            else:
                loss = r.randint(lo_loss // 10_000, lo_loss // 10_000 * 2 - 1) * 10_000
            injured = r.randint(dead, dead * 3 + 5)
            trapped = r.randint(0, 5) if r.random() < 0.3 else 0
            missing = r.randint(1, 5) if r.random() < 0.2 else 0
        if cat != "accident" and grade == "IV" and r.random() < 0.7:
            dead = injured = seriously = 0  # most non-accident reports are about no casualties
        suggested = suggest_grade(dead, seriously, loss)
        # Accidents are graded by S1 Art.3 (the suggestion); other classes by their own plans.
        if cat == "accident" and r.random() < 0.97:
            grade = suggested.value
        town = r.choice(TOWNS)
        pick = r.random()
        if pick < 0.35:
            place = f"{town}{r.choice(VILLAGES)}"
        elif pick < 0.6:
            place = f"{town}{r.choice(ROADS)}{r.randint(1, 399)}号"
        elif pick < 0.8:
            place = f"{r.choice(HIGHWAYS)}K{r.randint(1, 1800)}+{r.randint(0, 9)}00处"
        elif pick < 0.9:
            place = f"{r.choice(ROADS)}与{r.choice(ROADS)}交叉口"
        else:
            place = f"{town}{r.choice(SPOTS)}"
        road = (
            place if pick >= 0.6 and pick < 0.9 else f"{r.choice(HIGHWAYS)}K{r.randint(1, 1800)}处"
        )
        if dead or injured:
            parts = []
            if dead:
                parts.append(f"{dead}人死亡")
            if injured:
                parts.append(f"{injured}人受伤")
            cas = "造成" + "、".join(parts)
        else:
            cas = "暂无人员伤亡"
        title_t, desc_t = r.choice(TEXT[sub][1])
        if "{r}" in title_t + desc_t:  # it happened on that road
            place = road
        v, v2 = r.sample(VEHICLES, 2)
        n, m = r.randint(2, 12), r.randint(10, 500)
        title = title_t.format(p=place, r=road, v=v, v2=v2, n=n, m=m, c=cas)[:120]
        desc = desc_t.format(p=place, r=road, v=v, v2=v2, n=n, m=m, c=cas)
        src, ctitle, _ = r.choices(SOURCES, weights=[w for *_, w in SOURCES])[0]
        if src == "乡镇值班室":
            src = f"{town}值班室"
        crowd = src in ("群众来电", "网络舆情")
        sensitive = r.random() < (0.02 if grade == "IV" else 0.3)
        # Major news travels fast; an ordinary report may come in well after the event.
        lag = 20 * MIN if sensitive or grade in ("I", "II") else 45 * MIN
        occurred = None if r.random() < 0.05 else received - r.randint(3 * MIN, lag)
        return {
            "received_at": iso(received),
            "occurred_at": iso(occurred) if occurred else None,
            "place": place,
            "source": src,
            "category": cat,
            "subtype": sub,
            "title": title,
            "description": desc,
            "dead": dead,
            "injured": injured,
            "seriously_injured": seriously,
            "trapped": trapped,
            "missing": missing,
            "direct_loss": loss,
            "scope": r.choice(SCOPES),
            "trend": r.choice(TRENDS),
            "measures": r.choice(MEASURES),
            "caller_unit": "" if crowd else src,
            "caller_name": self.name() if r.random() < 0.8 else ("群众" if crowd else "值班员"),
            "caller_title": ctitle,
            "caller_phone": self.phone(crowd or r.random() < 0.5),
            "recorder": "",
            "sensitive": int(sensitive),
            "grade": grade,
            "grade_suggested": suggested.value,
            "status": "open",
            "void_reason": "",
            "version": 1,
        }, occurred

    def add_incident(self, ts: int, received: int, sub: str, grade: str, mode: str) -> None:
        """`IncidentRepo.add` at `ts`, then the reports the desk makes afterwards. `mode`:
        "history" (closed long ago), "recent" (last day, open) or "stale" (open, a follow-up
        forgotten, so its clock is overdue)."""
        r = self.r
        facts, occurred = self.facts(received, sub, grade)
        _, officer = self.on_shift(ts)
        actor = self.officer_name[officer]
        facts["recorder"] = actor
        facts["created_at"] = facts["updated_at"] = at = iso(ts)
        g, sens = Grade(facts["grade"]), bool(facts["sensitive"])
        specs = initial_clocks(
            self.pack,
            grade=g,
            sensitive=sens,
            occurred_at=dt(occurred) if occurred else None,
            received_at=dt(received),
            tz=TZ,
        )
        # A written report kept (拟稿/审核/签发, sent): the whole incident is `Paperwork`'s, made
        # through the Store after the bulk history (see the docstring).
        kept = (
            self.paper
            and mode == "history"
            and any(c.kind == ReportKind.written for c in specs)
            and self.rz.random() < WRITTEN_SHARE.get(g.value, 0.0)
        )
        if kept:
            self._kept(ts, received, facts, occurred, specs, g)
            return
        iid = self.s.insert("incidents", facts, at, actor, live=True)
        state = {
            "id": iid,
            "row": facts,
            "grade": g,
            "sensitive": sens,
            "clocks": [],
            "followups": 0,
        }
        self.inc[iid] = state
        self._insert_clocks(state, specs, at, actor)
        if "figures" in self.s.columns:  # versioned figures: the initial version
            self.s.insert(
                "figures",
                {
                    "incident_id": iid,
                    "at": facts["received_at"],
                    **{f: facts[f] for f in FIGURE_FIELDS},
                    "source": facts["source"] or facts["caller_unit"],
                    "status": "initial",
                    "by_whom": facts["recorder"] or actor,
                    "note": "",
                },
                at,
                actor,
            )
        if self.fts:
            self.s.raw_insert(FTS_SQL, (iid, incident_text(facts)))

        # The plan: phone and written when a clock asks for them, follow-ups, then the final
        # report (or, rarely, a void). Recent incidents are still open: nothing after now runs,
        # and some reports are simply not made yet (their clocks show overdue).
        recent = mode == "recent"
        behind = 0.25 if recent else 0.0
        late_p = 0.04
        due = {c.kind: int(c.due_at.timestamp()) for c in specs}
        anchor = occurred or received
        last = ts
        events: list[tuple[int, str, int]] = []  # (recorded at, kind, made at)

        def made(at_ts: int) -> int:
            nonlocal last
            at_ts = max(at_ts, last + 60)
            rec = at_ts + r.randint(0, 240)
            last = rec
            return at_ts

        def forgot() -> bool:
            """A report of a closed incident never made (its clock ends missed)."""
            if mode != "history" or not self.forgotten or self.ry.random() >= self.forgotten:
                return False
            self.stats["forgotten_reports"] += 1
            return True

        if mode == "history" and r.random() < 0.003:
            at_ts = made(ts + r.randint(10 * MIN, 6 * HOUR))
            self.push(last, self._void, iid, r.choice(VOID_REASONS))
            return
        for kind, lo, hi in ((ReportKind.phone, 8, 28), (ReportKind.written, 35, 58)):
            if kind in due:
                if r.random() < late_p:
                    at_ts = due[kind] + r.randint(MIN, 40 * MIN)
                else:
                    at_ts = anchor + r.randint(lo * MIN, hi * MIN)
                at_ts = made(at_ts)
                if not (recent and r.random() < behind) and not forgot():
                    events.append((last, kind.value, at_ts))
        if ReportKind.followup in due and mode != "stale":
            every = 12 * HOUR if (g in (Grade.I, Grade.II) or sens) else 24 * HOUR
            n = r.choice((1, 1, 1, 1, 1, 1, 2, 2, 2, 3)) if every == 24 * HOUR else r.randint(2, 6)
            ref = received
            refs = []
            for _ in range(n):
                refs.append(ref)
                if r.random() < late_p:
                    at_ts = ref + every + r.randint(MIN, 2 * HOUR)
                else:
                    at_ts = ref + int(every * r.uniform(0.15, 0.95))
                at_ts = made(at_ts)
                if recent and r.random() < behind:
                    break
                events.append((last, "followup", at_ts))
                ref = at_ts
        cap = self.now - 5 * MIN
        if mode != "history":
            events = [e for e in events if e[0] <= self.now]
        else:
            final_at = last + r.randint(HOUR, 20 * HOUR)
            if ReportKind.followup in due and mode != "stale" and forgot():
                # the chain's last follow-up never made: the final report comes after it was due
                events = [e for e in events if e[1] != "followup" or e[0] < events[-1][0]]
                final_at = max(final_at, refs[-1] + every + self.ry.randint(10 * MIN, 4 * HOUR))
            if final_at + 240 > cap:  # history must be over by now
                final_at = cap - 240 - r.randint(0, HOUR)
                events = [e for e in events if e[0] < final_at - 60]
            events.append((final_at + r.randint(0, 240), "final", final_at))
        for rec, kind, at_ts in events:
            self.push(rec, self._report, iid, kind, at_ts)
        x = self.rx
        if mode == "history" and events and x.random() < self.figure_updates:
            lo, hi = ts + 20 * MIN, events[-1][0] - 2 * MIN
            if hi > lo:
                verified = x.random() < 0.3
                self.push(
                    x.randint(lo, hi),
                    self._figures,
                    iid,
                    "verified" if verified else "updated",
                    0 if verified else x.randint(1, 4),
                    x.choice(
                        (
                            "现场指挥部",
                            "县卫生健康局",
                            "县消防救援大队",
                            facts["source"] or "现场核实",
                        )
                    ),
                )

    def _kept(self, ts: int, received: int, facts: dict, occurred, specs, g: Grade) -> None:
        """An incident with a written report: `Paperwork` records it (`IncidentRepo.add`) at `ts`,
        then its reports as the desk makes them: phone, the written report (drafted 20 minutes
        before it goes), follow-ups, final; rarely a void instead. Its id is given then."""
        x = self.rz
        handle: dict = {"facts": facts, "id": None}
        self.deferred.append(("incident", ts, handle))
        due = {c.kind: int(c.due_at.timestamp()) for c in specs}
        anchor = occurred or received
        last = ts

        def made(at_ts: int) -> int:
            nonlocal last
            at_ts = max(at_ts, last + 60)
            last = at_ts + x.randint(0, 240)
            return at_ts

        if x.random() < 0.003:
            self.deferred.append(("void", made(ts + x.randint(10 * MIN, 6 * HOUR)), handle))
            return
        events = []
        for kind, lo, hi in ((ReportKind.phone, 8, 28), (ReportKind.written, 35, 58)):
            if kind in due:
                if x.random() < 0.04:
                    at_ts = due[kind] + x.randint(MIN, 40 * MIN)
                else:
                    at_ts = anchor + x.randint(lo * MIN, hi * MIN)
                if kind == ReportKind.written:  # drafted 20 minutes before, after it came in
                    at_ts = max(at_ts, ts + 22 * MIN)
                at_ts = made(at_ts)
                events.append((kind.value, at_ts, last))
        if ReportKind.followup in due:
            every = 12 * HOUR if (g in (Grade.I, Grade.II) or facts["sensitive"]) else 24 * HOUR
            ref = received
            for _ in range(x.randint(2, 6) if every == 12 * HOUR else x.choice((1, 1, 2, 3))):
                at_ts = made(ref + int(every * x.uniform(0.15, 0.95)))
                events.append(("followup", at_ts, last))
                ref = at_ts
        final_at = last + x.randint(HOUR, 20 * HOUR)
        cap = self.now - 5 * MIN
        if final_at + 240 > cap:  # history must be over by now
            final_at = cap - 240 - x.randint(0, HOUR)
            events = [e for e in events if e[2] < final_at - 60]
        events.append(("final", final_at, final_at + x.randint(0, 240)))
        for kind, at_ts, rec in events:
            item = "written" if kind == "written" else "report"
            self.deferred.append((item, at_ts, rec, handle, kind))

    def _insert_clocks(self, state: dict, specs, at: str, actor: str) -> None:
        for c in specs:
            did = self.s.insert(
                "deadlines",
                {
                    "incident_id": state["id"],
                    "kind": c.kind.value,
                    "seq": c.seq,
                    "due_at": to_db(c.due_at),
                    "status": "running",
                    "rule_id": c.rule_id,
                    "pack_id": c.pack_id,
                    "source": c.source,
                    "done_at": None,
                    "report_id": None,
                },
                at,
                actor,
                live=True,
            )
            state["clocks"].append((c.due_at, did, c.kind.value))

    def _running(self, state: dict, kind: str | None) -> list[tuple]:
        """Running clocks in the order `IncidentRepo.deadlines` reads them (due_at, id)."""
        return sorted(c for c in state["clocks"] if kind is None or c[2] == kind)

    def _report(self, ts: int, iid: int, kind: str, at_ts: int) -> None:
        """`IncidentRepo.record_report` at `ts` for a report made at `at_ts`."""
        state = self.inc[iid]
        chief, officer = self.on_shift(ts)
        actor = self.officer_name[officer]
        at, now = iso(at_ts), iso(ts)
        running = self._running(state, kind)
        clock = running[0] if running else None
        seq = 0
        if kind == "followup":
            seq = state["followups"] + 1
            state["followups"] = seq
        late = lateness(clock[0], dt(at_ts)) if clock else None
        if late is not None and late > 0:
            self.stats["late_reports"] += 1
        content = {
            "phone": "电话报告：事件基本情况、伤亡及处置情况",
            "written": "书面报告：事件发生时间、地点、伤亡、已采取的措施",
            "followup": f"续报（第{seq}次）：现场处置进展，{self.officer_name[chief]}跟踪落实",
            "final": "终报：事件处置完毕，善后工作有序开展",
        }[kind]
        rid = self.s.insert(
            "reports",
            {
                "incident_id": iid,
                "kind": kind,
                "seq": seq,
                "at": at,
                "to_whom": self.r.choice(TO_WHOM),
                "by_whom": actor,
                "content": content,
                "deadline_id": clock[1] if clock else None,
                "late_seconds": late,
                "created_at": now,
            },
            now,
            actor,
        )
        if clock:
            self.s.update(
                "deadlines",
                clock[1],
                {"status": "done", "done_at": at, "report_id": rid},
                now,
                actor,
            )
            state["clocks"].remove(clock)
            self.s.finish("deadlines", clock[1])
        if kind == "followup":
            nxt = next_followup(
                self.pack,
                grade=state["grade"],
                sensitive=state["sensitive"],
                after=dt(at_ts),
                seq=seq + 1,
                tz=TZ,
            )
            if nxt:
                self._insert_clocks(state, [nxt], now, actor)
        if kind == "final":
            self._drop_running(state, now, actor)
            row = state["row"]
            self.s.update(
                "incidents",
                iid,
                {"status": "closed", "version": row["version"] + 1, "updated_at": now},
                now,
                actor,
            )
            self._close(iid)

    def _void(self, ts: int, iid: int, reason: str) -> None:
        """`IncidentRepo.void`."""
        state = self.inc[iid]
        actor = self.officer_name[self.on_shift(ts)[0]]
        now = iso(ts)
        self.s.update(
            "incidents",
            iid,
            {
                "status": "voided",
                "void_reason": reason,
                "version": state["row"]["version"] + 1,
                "updated_at": now,
            },
            now,
            actor,
        )
        self._drop_running(state, now, actor)
        self.stats["voided"] += 1
        self._close(iid)

    def _drop_running(self, state: dict, now: str, actor: str) -> None:
        for clock in self._running(state, None):
            self.s.update("deadlines", clock[1], {"status": "dropped"}, now, actor)
            self.s.finish("deadlines", clock[1])
        state["clocks"].clear()

    def _close(self, iid: int) -> None:
        self.inc.pop(iid)
        self.s.finish("incidents", iid)


# ---------------------------------------------------------------------------------------------
# The paperwork, through the Store
# ---------------------------------------------------------------------------------------------


class _Clock:
    def __init__(self, ts: int) -> None:
        self.at = dt(ts)

    def __call__(self) -> datetime:
        return self.at


class Paperwork:
    """The second pass: on the desk the bulk history wrote, through the application's own Store
    (a settable clock, `act_as` the officer on duty), in time order: each shift's handover
    (drafted and signed by the outgoing chief, signed by the incoming one: frozen), and the
    incidents with a written report kept: the report drafted by the officer on duty, 审核 by
    the chief, 签发 by the leader (now and then sent back once first), sent (closing its clock),
    then their follow-ups and final report, a follow-up now and then struck and made again, a
    sent report now and then corrected (更正) by a new one."""

    def __init__(self, desk: Desk, path: Path) -> None:
        self.d = desk
        self.x = random.Random(desk.rz.random())
        self.clock = _Clock(desk.now)
        self.st = Store.open(path, clock=self.clock, tz=TZ)
        self.st.db.conn.execute("PRAGMA synchronous = OFF")  # a bench desk: no fsync per write
        self.stats = {
            "incidents_with_written_report": 0,
            "handovers": 0,
            "written_reports": 0,
            "written_sent_back": 0,
            "written_corrections": 0,
            "reports_struck": 0,
        }

    def _as(self, ts: int, oid: int) -> None:
        from watchdesk.models.officer import Actor, ActorKind

        self.clock.at = dt(ts)
        self.st.act_as(Actor(name=self.d.officer_name[oid], officer_id=oid, kind=ActorKind.officer))

    def plan(self) -> list[tuple]:
        d, x = self.d, self.x
        items = list(d.deferred)
        ids = sorted(d.shift_people)
        for sid in ids:
            start, end, people = d.shift_people[sid]
            nxt = d.shift_people.get(sid + 1)
            if nxt is None or end + 25 * MIN > d.now or nxt[0] != end:
                continue
            out_ts = end - x.randint(5, 14) * MIN
            items.append(("handover", out_ts, sid, end - x.randint(0, 4) * MIN))
        items.sort(key=lambda it: (it[1], it[0]))
        return items

    def run(self) -> dict:
        self.queue = [(it[1], n, it) for n, it in enumerate(self.plan())]
        heapq.heapify(self.queue)
        self.n = len(self.queue)
        spent: dict[str, float] = {}
        t0 = time.perf_counter()
        while self.queue:
            item = heapq.heappop(self.queue)[2]
            t = time.perf_counter()
            getattr(self, f"_{item[0]}")(*item[1:])
            spent[item[0]] = spent.get(item[0], 0.0) + time.perf_counter() - t
        self.st.close()
        self.stats["paperwork_seconds"] = round(time.perf_counter() - t0, 1)
        self.stats["paperwork_seconds_by_kind"] = {k: round(v, 1) for k, v in spent.items()}
        return self.stats

    def later(self, *item) -> None:
        self.n += 1
        heapq.heappush(self.queue, (item[1], self.n, item))

    def _handover(self, out_ts: int, sid: int, in_ts: int) -> None:
        """`HandoverRepo.record`/`set_notes`/`add_pending`/`sign` twice (the second freezes)."""
        d, x, h = self.d, self.x, self.st.handover
        _, end, people = d.shift_people[sid]
        chief = next(oid for oid, role in people if role == "chief")
        incoming = next(oid for oid, role in d.shift_people[sid + 1][2] if role == "chief")
        self._as(out_ts - x.randint(10, 30) * MIN, chief)
        h.record(sid)
        notes = x.choice(HANDOVER_NOTES)
        if notes:
            h.set_notes(sid, notes)
        if x.random() < 0.2:
            h.add_pending(sid, x.choice(MEASURES[-2:]), d.officer_name[incoming])
        self._as(out_ts, chief)
        h.sign(sid, "outgoing", d.officer_name[chief])
        self._as(in_ts, incoming)
        h.sign(sid, "incoming", d.officer_name[incoming])
        self.stats["handovers"] += 1

    def _incident(self, ts: int, handle: dict) -> None:
        """`IncidentRepo.add` by the officer on duty (its id is the next one then)."""
        from watchdesk.models.incident import IncidentFacts

        facts = handle["facts"]
        fields = {k: facts[k] for k in IncidentFacts.model_fields if k in facts}
        fields["received_at"] = datetime.fromisoformat(fields["received_at"])
        if fields["occurred_at"]:
            fields["occurred_at"] = datetime.fromisoformat(fields["occurred_at"])
        self._as(ts, self.d.on_shift(ts)[1])
        handle["id"] = self.st.incidents.add(IncidentFacts(**fields)).id
        self.stats["incidents_with_written_report"] += 1

    def _void(self, ts: int, handle: dict) -> None:
        self._as(ts, self.d.on_shift(ts)[0])
        self.st.incidents.void(handle["id"], self.x.choice(VOID_REASONS))

    def _report(self, at_ts: int, rec: int, handle: dict, kind: str) -> None:
        d, x = self.d, self.x
        chief, officer = d.on_shift(rec)
        inc = self.st.incidents
        iid = handle["id"]
        self._as(rec, officer)
        content = {
            "phone": "电话报告：事件基本情况、伤亡及处置情况",
            "followup": f"续报：现场处置进展，{d.officer_name[chief]}跟踪落实",
            "final": "终报：事件处置完毕，善后工作有序开展",
        }[kind]
        made = inc.record_report(
            iid,
            ReportKind(kind),
            at=dt(at_ts),
            to_whom=x.choice(TO_WHOM),
            by_whom=d.officer_name[officer],
            content=content,
        )
        if kind == "followup" and x.random() < REPORT_STRUCK:
            from watchdesk.store.correction import correct

            t = rec + x.randint(10, 30) * MIN
            self._as(t, chief)
            correct(self.st, f"report:{made.id}", "续报内容有误，重新报送")
            t += x.randint(5, 15) * MIN
            self._as(t, officer)
            inc.record_report(
                iid,
                ReportKind.followup,
                at=dt(t),
                to_whom=x.choice(TO_WHOM),
                by_whom=d.officer_name[officer],
                content=content + "（更正后重报）",
            )
            self.stats["reports_struck"] += 1

    def _written(
        self, at_ts: int, rec: int, handle: dict, kind: str, corrects: int | None = None
    ) -> None:
        """`ReportRepo.create` 20 minutes before the report goes, the chain signed, `send`."""
        d, x, w = self.d, self.x, self.st.written
        iid = handle["id"]
        t = at_ts - 20 * MIN
        chief, officer = d.on_shift(t)
        leader = d.leader_on_shift(t)
        self._as(t, officer)
        rep = w.create(iid, "written", corrects=corrects)
        self._as(t + 4 * MIN, officer)
        w.sign(rep.id, "drafted")
        if x.random() < WRITTEN_BACK:
            self._as(t + 7 * MIN, chief)
            w.back(rep.id, "请补充事件伤亡及处置情况")
            self._as(t + 10 * MIN, officer)
            w.sign(rep.id, "drafted")
            self.stats["written_sent_back"] += 1
        self._as(t + 13 * MIN, chief)
        w.sign(rep.id, "checked")
        self._as(t + 16 * MIN, leader)
        w.sign(rep.id, "signed")
        self._as(max(rec, at_ts), officer)
        w.send(rep.id, via=x.choice(("fax", "fax", "gov", "email")), at=dt(at_ts))
        self.stats["written_reports" if corrects is None else "written_corrections"] += 1
        if corrects is None and x.random() < WRITTEN_CORRECTED:
            t = rec + x.randint(40, 90) * MIN
            if t + 30 * MIN < d.now:
                self.later("written", t + 20 * MIN, t + 22 * MIN, handle, kind, rep.id)


def _received_times(rnd: random.Random, n: int, lo: int, hi: int) -> list[int]:
    """`n` instants in [lo, hi), more by day than by night (local hours)."""
    hour_w = [2, 1.5, 1, 1, 1, 1.5, 3, 5, 7, 7, 7, 7, 6, 6, 7, 7, 7, 7, 6, 5, 4, 4, 3, 2.5]
    acc, cum = 0.0, []
    for w in hour_w:
        acc += w
        cum.append(acc)
    out = []
    span_days = (hi - lo) / DAY
    offset = int(TZ.utcoffset(datetime(2020, 1, 1)).total_seconds())  # +8h, no DST since 1991
    while len(out) < n:
        # day uniformly, hour by weight, rejection outside [lo, hi)
        d = int(rnd.random() * (span_days + 2)) - 1
        u = rnd.random() * acc
        h = next(i for i, c in enumerate(cum) if c >= u)
        local_midnight = (lo + offset) // DAY * DAY - offset + d * DAY
        ts = local_midnight + h * HOUR + rnd.randrange(HOUR)
        if lo <= ts < hi:
            out.append(ts)
    out.sort()
    return out


def generate(
    out: str | Path,
    *,
    years: float,
    incidents_per_year: int = 30000,
    seed: int = 1,
    now: datetime | None = None,
    open_incidents: int = 100,
    units: int = 500,
    stale: float = 0.05,
    log_per_year: int = 100_000,
    figure_updates: float = 0.15,
    quiet: bool = False,
) -> dict:
    """Write the desk to `out` (replacing it) and return its figures. `stale`: share of the
    incidents of the three days before the last one left open with a follow-up overdue.
    `log_per_year`: duty-log entries a year (a million in ten years); `figure_updates`: share of
    closed incidents whose figures were revised or verified once (a second figure version)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove(out)
    try:
        return _generate(
            out,
            years=years,
            incidents_per_year=incidents_per_year,
            seed=seed,
            now=now,
            open_incidents=open_incidents,
            units=units,
            stale=stale,
            log_per_year=log_per_year,
            figure_updates=figure_updates,
            quiet=quiet,
        )
    except BaseException:
        _remove(out)  # half a desk is worse than none
        raise


def _remove(out: Path) -> None:
    for side in ("", "-wal", "-shm", "-journal"):
        Path(str(out) + side).unlink(missing_ok=True)


def _generate(
    out: Path,
    *,
    years: float,
    incidents_per_year: int,
    seed: int,
    now: datetime | None,
    open_incidents: int,
    units: int,
    stale: float,
    log_per_year: int,
    figure_updates: float,
    quiet: bool,
) -> dict:
    t0 = time.perf_counter()
    now_ts = int((now or datetime.now(UTC)).timestamp())
    assert iso(now_ts) == to_db(dt(now_ts)), "time text differs from store.db.to_db"

    Store.open(out).close()  # schema through the application's migrations
    conn = sqlite3.connect(str(out))
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    written = [
        "meta",
        "officers",
        "shifts",
        "assignments",
        "incidents",
        "reports",
        "deadlines",
        "units",
        "contacts",
    ]
    # the incident lifecycle's tables, when present
    written += [t for t in ("figures", "log_entries") if t in tables]
    # the desk's routine (roll-call rounds, leader-on-duty checks), when present
    routine = ("rollcall_rounds", "rollcall_entries", "leader_checks")
    if all(t in tables for t in routine):
        written += routine
    if "log_entries" not in tables:
        log_per_year = 0
    # the desk's paperwork (sign-ins, warnings, corrections, handovers, written reports)
    paper = ("duty_signins", "warnings", "warning_events", "corrections")
    if (
        all(t in tables for t in (*paper, "handovers", "written_reports"))
        and "leader_checks" in written
    ):
        written += paper
    conn.close()
    sink = Sink(out, written)
    try:
        stats, desk = _history(
            sink,
            tables,
            years=years,
            incidents_per_year=incidents_per_year,
            seed=seed,
            now_ts=now_ts,
            open_incidents=open_incidents,
            units=units,
            stale=stale,
            log_per_year=log_per_year,
            figure_updates=figure_updates,
        )
        sink.close()
    except BaseException:
        sink.abort()
        raise
    if desk.paper:
        stats.update(Paperwork(desk, out).run())
        written += ["handovers", "written_reports", "report_steps"]
    return _report_figures(
        out, written, stats, years=years, seed=seed, now_ts=now_ts, t0=t0, quiet=quiet
    )


def _history(
    sink: Sink,
    tables: set[str],
    *,
    years: float,
    incidents_per_year: int,
    seed: int,
    now_ts: int,
    open_incidents: int,
    units: int,
    stale: float,
    log_per_year: int = 0,
    figure_updates: float = 0.0,
) -> tuple[dict, Desk]:
    rnd = random.Random(seed)
    extra = random.Random(seed * 7919 + 17)  # duty log and figure versions

    start_ts = now_ts - int(years * 365.2425 * DAY)
    start_day = dt(start_ts).astimezone(TZ).date()
    desk = Desk(sink, rnd, now_ts, start_day, extra)
    desk.fts = "incidents_fts" in tables and grams is not None
    desk.figure_updates = figure_updates if "figures" in sink.columns else 0.0
    desk.ry = random.Random(seed * 104729 + 31)  # the routine and forgotten reports
    desk.routine = "leader_checks" in sink.columns
    desk.forgotten = FORGOTTEN
    desk.rz = random.Random(seed * 15485863 + 47)  # the paperwork
    desk.paper = "corrections" in sink.columns
    desk.setup(local_at(start_day, 9, 0) - 30 * DAY, units)
    desk.plan_roster(now_ts + 30 * DAY)
    if desk.routine:
        desk.plan_rollcalls(now_ts - 2 * HOUR)
    if desk.paper:
        desk.plan_warnings(local_at(start_day, 9, 0), now_ts - HOUR, years)

    total = max(1, round(incidents_per_year * years))
    n_open = min(open_incidents, total // 3)
    recent_from = now_ts - DAY
    hist = _received_times(rnd, total - n_open, local_at(start_day, 9, 0), recent_from)
    recent = _received_times(rnd, n_open, recent_from, now_ts - 5 * MIN)
    subs = list(TEXT)
    sub_w = [TEXT[s][0] for s in subs]
    grades = [g for g, _ in GRADES]
    grade_w = [w for _, w in GRADES]
    for s in subs:
        validate(_SUB_CAT[s], s)
    # A few incidents of the days before are still open, a follow-up forgotten.
    plan = [
        (
            rec + rnd.randint(MIN, 6 * MIN),
            rec,
            "stale" if rec > recent_from - 3 * DAY and rnd.random() < stale else "history",
        )
        for rec in hist
    ]
    plan += [(rec + rnd.randint(MIN, 4 * MIN), rec, "recent") for rec in recent]
    plan = [p for p in plan if p[0] <= now_ts]
    plan.sort()
    chosen_subs = rnd.choices(subs, weights=sub_w, k=len(plan))
    chosen_grades = rnd.choices(grades, weights=grade_w, k=len(plan))
    # Duty-log entries, written when they come in (more by day than by night).
    n_log = round(log_per_year * years)
    log_times = _received_times(extra, n_log, local_at(start_day, 9, 0), now_ts - MIN)
    li, n_log = 0, len(log_times)
    for i, (add_ts, rec, mode) in enumerate(plan):
        while li < n_log and log_times[li] < add_ts:
            desk.run_until(log_times[li])
            desk.add_log(log_times[li])
            li += 1
        desk.run_until(add_ts)
        desk.add_incident(add_ts, rec, chosen_subs[i], chosen_grades[i], mode)
    for ts in log_times[li:]:
        desk.run_until(ts)
        desk.add_log(ts)
    desk.run_until(now_ts)  # what lies beyond now has not happened
    desk.finish_log()
    return {"open_incidents": len(desk.inc), **desk.stats}, desk


def _report_figures(
    out: Path,
    written: list[str],
    stats: dict,
    *,
    years: float,
    seed: int,
    now_ts: int,
    t0: float,
    quiet: bool,
) -> dict:
    """Counts from the file itself."""
    c = sqlite3.connect(str(out))
    counts = {
        t: c.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in (*written, "audit")
    }
    running = c.execute(
        "SELECT count(*), sum(due_at < ?) FROM deadlines WHERE status = 'running'", [iso(now_ts)]
    ).fetchone()
    grade_counts = dict(c.execute("SELECT grade, count(*) FROM incidents GROUP BY grade"))
    c.close()
    stats.update(running_clocks=running[0], overdue_clocks=running[1] or 0, grades=grade_counts)
    elapsed = time.perf_counter() - t0
    result = {
        "path": str(out),
        "years": years,
        "seed": seed,
        "now": iso(now_ts),
        "counts": counts,
        "stats": stats,
        "seconds": round(elapsed, 1),
        "bytes": out.stat().st_size,
    }
    if not quiet:
        print(f"{out}: {years:g} years up to {iso(now_ts)}, seed {seed}")
        for t, n in counts.items():
            print(f"  {t:<12} {n:>10,}")
        print(f"  grades       {grade_counts}")
        print(
            f"  open incidents {stats['open_incidents']}, voided {stats['voided']}, "
            f"running clocks {running[0]} ({stats['overdue_clocks']} overdue), "
            f"late reports {stats['late_reports']:,}"
        )
        if "paperwork_seconds" in stats:
            print(
                f"  paperwork through the Store {stats['paperwork_seconds']:.1f} s "
                f"{stats['paperwork_seconds_by_kind']}"
            )
        print(f"  size {result['bytes'] / 2**20:,.0f} MiB, {elapsed:.1f} s")
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--years", type=float, required=True, help="history length (may be fractional)")
    p.add_argument("--out", required=True, help="database file to (over)write")
    p.add_argument("--seed", type=int, default=20261122)
    p.add_argument("--incidents-per-year", type=int, default=30000)
    p.add_argument(
        "--open",
        type=int,
        default=100,
        dest="open_incidents",
        help="incidents of the last day still open (default 100)",
    )
    p.add_argument("--units", type=int, default=500)
    p.add_argument(
        "--log-per-year",
        type=int,
        default=100_000,
        help="duty-log entries a year (default 100,000: a million in ten years)",
    )
    p.add_argument(
        "--figure-updates",
        type=float,
        default=0.15,
        help="share of closed incidents with a second figure version (default 0.15)",
    )
    p.add_argument("--now", help="ISO instant to stand at (default: the current time)")
    a = p.parse_args(argv)
    now = datetime.fromisoformat(a.now) if a.now else None
    if now is not None and now.tzinfo is None:
        p.error("--now needs a timezone, e.g. 2026-11-22T14:29:00+08:00")
    generate(
        a.out,
        years=a.years,
        incidents_per_year=a.incidents_per_year,
        seed=a.seed,
        now=now,
        open_incidents=a.open_incidents,
        units=a.units,
        log_per_year=a.log_per_year,
        figure_updates=a.figure_updates,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

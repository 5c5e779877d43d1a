"""演示辖区: the synthetic prefecture-level city that `phaseout demo` loads.

示范省 (990000) and its city 示范市 (990100) sit in the 99 range, which GB/T 2260 does not use
for any province, so nothing here can be mistaken for a real place: four counties and districts
(城东区, 城西区, 北山县, 南江市) and one park (示范经济技术开发区), every kind of department,
one person per standing role and the people of the enforcement desk, and about 300 enterprises
with about 600 production lines and their licenses in the key industries of the seeds.

Everything comes from `random.Random(SEED)`, so two builds are identical (`build_plan` is pure
and has no database access); `load` writes the plan keyed on codes (region codes, credit codes,
line codes, license numbers), creating what is missing and putting back what was changed, so a
second run leaves the same data. Company names, people and license numbers are invented; the
license numbers only have the shape of real ones.

Some lines are plainly backward so that screening has work: a 20 t converter, a shaft kiln, a
Φ2.2 m cement mill, a wet-process kiln, a 300 m³ blast furnace, an induction furnace making
construction steel, a 90 kA aluminium cell series, a drawn-sheet (平拉) glass line, a coal mine of
3 万吨/年 (the first of the 13 classes of 安监总煤监〔2014〕44号), and a clinker line over its
energy limit. They are the scripted lines, written out with
their equipment size, process and product; the generated lines carry theirs too, and none of
them falls into an eliminated category.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.regions.choices import DepartmentKind, RegionLevel, Role
from phaseout.regions.models import Department, Person, Region
from phaseout.registry.choices import (
    EnterpriseSize,
    EnterpriseStatus,
    EquipmentType,
    LegalStanding,
    LicenseKind,
    LicenseStatus,
    LineStatus,
    Process,
    Product,
)
from phaseout.registry.creditcode import with_check_character
from phaseout.registry.ledger.report import Counts
from phaseout.registry.models import Enterprise, Industry, License, ProductionLine
from phaseout.registry.services import ENTERPRISE_VALUE_COLUMNS, LINE_VALUE_COLUMNS

SEED = 20260101
PASSWORD = "phaseout-demo-2026"
# A fixed salt keeps the stored hash the same from run to run (the password is public anyway).
_PASSWORD_SALT = "phaseoutdemo2026"
CHANGE_REASON = "演示数据（phaseout demo）"

PROVINCE, CITY = "990000", "990100"
EAST, WEST, NORTH, NANJIANG, PARK = "990102", "990103", "990121", "990181", "990171"

# (code, name, level, parent code)
REGIONS: tuple[tuple[str, str, str, str | None], ...] = (
    (PROVINCE, "示范省", RegionLevel.PROVINCE, None),
    (CITY, "示范市", RegionLevel.CITY, PROVINCE),
    (EAST, "城东区", RegionLevel.COUNTY, CITY),
    (WEST, "城西区", RegionLevel.COUNTY, CITY),
    (NORTH, "北山县", RegionLevel.COUNTY, CITY),
    (PARK, "示范经济技术开发区", RegionLevel.PARK, CITY),
    (NANJIANG, "南江市", RegionLevel.COUNTY, CITY),  # county-level city (县级市, 81–99)
)
REGION_NAMES = {code: name for code, name, _level, _parent in REGIONS}
COUNTIES = (EAST, WEST, NORTH, NANJIANG)

K = DepartmentKind
CITY_DEPARTMENTS: dict[str, str] = {
    K.INDUSTRY_IT: "{r}经济和信息化委员会",
    K.DEVELOPMENT_REFORM: "{r}发展和改革委员会",
    K.ECOLOGY_ENVIRONMENT: "{r}生态环境局",
    K.MARKET_REGULATION: "{r}市场监督管理局",
    K.EMERGENCY_MANAGEMENT: "{r}应急管理局",
    K.ENERGY: "{r}能源局",
    K.FINANCE: "{r}财政局",
    K.HUMAN_RESOURCES: "{r}人力资源和社会保障局",
    K.NATURAL_RESOURCES: "{r}自然资源和规划局",
    K.TAX: "国家税务总局{r}税务局",
    K.FINANCIAL_REGULATION: "{r}地方金融管理局",
    K.POWER_SUPPLIER: "国网{r}供电公司",
    K.WATER_SUPPLIER: "{r}水务集团有限公司",
    K.LEADING_GROUP: "{r}推动落后产能退出工作领导小组",
}
COUNTY_DEPARTMENTS: dict[str, str] = {
    K.INDUSTRY_IT: "{r}经济和信息化局",
    K.DEVELOPMENT_REFORM: "{r}发展和改革局",
    K.ECOLOGY_ENVIRONMENT: "{r}生态环境局",
    K.MARKET_REGULATION: "{r}市场监督管理局",
    K.EMERGENCY_MANAGEMENT: "{r}应急管理局",
    K.ENERGY: "{r}能源局",
    K.FINANCE: "{r}财政局",
    K.HUMAN_RESOURCES: "{r}人力资源和社会保障局",
    K.NATURAL_RESOURCES: "{r}自然资源局",
    K.TAX: "国家税务总局示范市{r}税务局",
    K.FINANCIAL_REGULATION: "{r}金融工作办公室",
    K.POWER_SUPPLIER: "国网{r}供电公司",
    K.WATER_SUPPLIER: "{r}供水有限公司",
    K.LEADING_GROUP: "{r}推动落后产能退出工作领导小组",
}
# The park's administrative committee (管委会) runs a few departments of its own.
PARK_DEPARTMENTS: dict[str, str] = {
    K.INDUSTRY_IT: "{r}经济发展局",
    K.ECOLOGY_ENVIRONMENT: "示范市生态环境局经济技术开发区分局",
    K.EMERGENCY_MANAGEMENT: "{r}安全生产监督管理局",
}


def department_name(region_code: str, kind: str) -> str:
    table = {CITY: CITY_DEPARTMENTS, PARK: PARK_DEPARTMENTS}.get(region_code, COUNTY_DEPARTMENTS)
    return table[kind].format(r=REGION_NAMES[region_code])


# — the plan: plain values, no database —


@dataclass(frozen=True)
class LinePlan:
    code: str
    name: str
    equipment_type: str
    capacity: Decimal
    capacity_unit: str
    commissioning_year: int
    status: str = LineStatus.OPERATING
    notes: str = ""
    # What the technology catalogue judges the line by (设备规格、工艺、产品).
    size: Decimal | None = None
    size_unit: str = ""
    process: str = ""
    product: str = ""


@dataclass(frozen=True)
class LicensePlan:
    kind: str
    number: str
    issuer: str
    valid_from: datetime.date
    valid_until: datetime.date
    status: str = LicenseStatus.VALID


@dataclass(frozen=True)
class EnterprisePlan:
    credit_code: str
    name: str
    region_code: str
    industry_code: str
    size: str
    legal_standing: str
    address: str
    legal_representative: str
    employees: int
    status: str
    notes: str
    lines: tuple[LinePlan, ...]
    licenses: tuple[LicensePlan, ...]


@dataclass(frozen=True)
class PersonPlan:
    username: str
    full_name: str
    role: str
    region_code: str
    department_kind: str | None = None
    enterprise_name: str | None = None
    superuser: bool = False

    @property
    def department_name(self) -> str | None:
        if self.department_kind is None:
            return None
        return department_name(self.region_code, self.department_kind)


@dataclass(frozen=True)
class Plan:
    departments: tuple[tuple[str, str, str], ...]  # (region code, kind, name)
    enterprises: tuple[EnterprisePlan, ...]
    people: tuple[PersonPlan, ...]


# One person per standing role (the same roles as the test fixtures in tests/conftest.py), then
# the people of the enforcement desk (enforcement/demo.py): 城东区's officers of every department
# a case involves and its leader, as in tests/enforcement/conftest.py, and the officers, leader and
# enterprise user the cases in 北山县, 南江市 and 城西区 are driven by.
PEOPLE: tuple[PersonPlan, ...] = (
    PersonPlan("east_officer", "张立新", Role.OFFICER, EAST, K.INDUSTRY_IT),
    PersonPlan("city_leader", "王建国", Role.LEADER, CITY, K.LEADING_GROUP),
    PersonPlan("north_officer", "李海波", Role.OFFICER, NORTH, K.INDUSTRY_IT),
    PersonPlan("city_auditor", "陈秀英", Role.AUDITOR, CITY),
    PersonPlan(
        "east_cement_user",
        "刘德胜",
        Role.ENTERPRISE,
        EAST,
        enterprise_name="城东区金盛水泥有限公司",
    ),
    PersonPlan("admin", "赵明", Role.ADMINISTRATOR, CITY, superuser=True),
    PersonPlan("east_env", "周文静", Role.OFFICER, EAST, K.ECOLOGY_ENVIRONMENT),
    PersonPlan("east_market", "吴国庆", Role.OFFICER, EAST, K.MARKET_REGULATION),
    PersonPlan("east_safety", "郑志强", Role.OFFICER, EAST, K.EMERGENCY_MANAGEMENT),
    PersonPlan("east_power", "孙卫东", Role.OFFICER, EAST, K.POWER_SUPPLIER),
    PersonPlan("east_water", "马丽华", Role.OFFICER, EAST, K.WATER_SUPPLIER),
    PersonPlan("east_leader", "黄振华", Role.LEADER, EAST, K.LEADING_GROUP),
    PersonPlan("north_safety", "林永刚", Role.OFFICER, NORTH, K.EMERGENCY_MANAGEMENT),
    PersonPlan("north_power", "何建军", Role.OFFICER, NORTH, K.POWER_SUPPLIER),
    PersonPlan("north_water", "罗春梅", Role.OFFICER, NORTH, K.WATER_SUPPLIER),
    PersonPlan(
        "north_cement_user",
        "徐长青",
        Role.ENTERPRISE,
        NORTH,
        enterprise_name="北山县青峰建材有限公司",
    ),
    PersonPlan("nanjiang_env", "高敏", Role.OFFICER, NANJIANG, K.ECOLOGY_ENVIRONMENT),
    PersonPlan("nanjiang_leader", "梁正平", Role.LEADER, NANJIANG, K.LEADING_GROUP),
    PersonPlan("west_market", "宋佳", Role.OFFICER, WEST, K.MARKET_REGULATION),
    # The city's publishers of the lists (disclosure/demo.py): who prepares may not review.
    PersonPlan("city_officer", "许文博", Role.OFFICER, CITY, K.INDUSTRY_IT),
    PersonPlan("city_reviewer", "韩雪梅", Role.OFFICER, CITY, K.INDUSTRY_IT),
    PersonPlan("city_env", "唐国栋", Role.OFFICER, CITY, K.ECOLOGY_ENVIRONMENT),
    PersonPlan("city_env_reviewer", "冯晓燕", Role.OFFICER, CITY, K.ECOLOGY_ENVIRONMENT),
)


# — equipment and industry profiles —

E = EquipmentType
P = Process
G = Product


@dataclass(frozen=True)
class Equip:
    """One kind of line: equipment type, capacity unit, sizes (ascending) and name labels, and
    what the catalogue judges it by (设备规格、工艺、产品).

    None of the generated lines is backward: their sizes lie above the eliminated ones
    (高炉 > 400 m³, 转炉/电炉 > 30 t, 水泥磨 ≥ 3.0 m, 预焙槽 ≥ 200 kA, 煤矿 > 9 万吨/年) and their
    processes are the current ones (新型干法, 浮法). Backward lines are the SCRIPTED ones.
    """

    type: str
    unit: str
    sizes: tuple[float, ...]
    labels: str  # alternatives separated by "|", formatted with n (1, 2 …), cn (一, 二 …), cap
    same_size: bool = False  # built in pairs of one size (power units)
    # Equipment size: in size_unit; the capacity itself when the units agree, else looked up in
    # size_of (capacity → size, such as a cement mill's diameter for its annual output).
    size_unit: str = ""
    size_of: dict[float, float] | None = None
    # (size, process) of each label alternative, when the label names them (焦炉 4.3米顶装).
    label_kinds: tuple[tuple[float, str], ...] = ()
    process: str = ""
    products: tuple[str, ...] = ()  # picked at random; repeat a product to weight it


# fmt: off
EQUIPMENT: dict[str, Equip] = {
    # 9 万吨/年 and below is a closure class of small mines (30万吨/年以下煤矿分类处置, 2019)
    "mine":       Equip(E.COAL_MINE, "10kt/a", (15, 21, 30, 45, 60, 90, 120, 150, 240), "{cn}号井",
                        process=P.UNDERGROUND, products=(G.COAL,)),
    "washery":    Equip(E.OTHER, "10kt/a", (30, 60, 90, 120, 150), "{n}#洗煤厂|{n}#选煤厂",
                        products=(G.COAL,)),
    "wood_pulp":  Equip(E.PULP_LINE, "10kt/a", (5, 10, 17, 30), "{n}#化学木浆生产线|{n}#竹浆生产线"),
    "straw_pulp": Equip(E.PULP_LINE, "10kt/a", (1.7, 3.4, 5.1, 6.8, 10), "{n}#麦草浆生产线|{n}#苇浆生产线"),
    "waste_pulp": Equip(E.PULP_LINE, "10kt/a", (3.4, 5.1, 10), "{n}#废纸制浆生产线"),
    "paper":      Equip(E.PAPER_MACHINE, "10kt/a", (1, 1.5, 3, 5, 8, 10, 15, 30, 40),
                        "{n}#纸机（瓦楞原纸）|{n}#纸机（箱板纸）|{n}#纸机（文化用纸）"
                        "|{n}#纸机（生活用纸）|{n}#纸机（白板纸）"),
    "coated":     Equip(E.PAPER_MACHINE, "10kt/a", (1, 2, 3, 5, 8), "{n}#涂布加工纸机|{n}#特种纸机"),
    "handmade":   Equip(E.OTHER, "t/a", (100, 200, 300, 500), "{n}#手工纸生产线"),
    "coke_oven":  Equip(E.COKE_OVEN, "10kt/a", (30, 40, 50, 60, 65, 80, 100, 130),
                        "{n}#焦炉（4.3米顶装）|{n}#焦炉（5.5米捣固）|{n}#焦炉（6米顶装）", size_unit="m",
                        label_kinds=((4.3, P.TOP_CHARGED), (5.5, P.STAMP_CHARGED), (6, P.TOP_CHARGED)),
                        products=(G.COKE,)),
    "fireworks":  Equip(E.FIREWORKS_LINE, "10kcase/a", (2, 3, 5, 8, 10, 15),
                        "{n}#组合烟花生产线|{n}#爆竹生产线|{n}#礼花弹生产线"),
    "kiln":       Equip(E.CEMENT_KILN, "t/d", (1000, 2000, 2500, 3000, 3200, 4000, 4500, 5000, 6000),
                        "{n}#{cap}t/d新型干法熟料生产线", size_unit="t/d", process=P.NEW_DRY,
                        products=(G.CLINKER,)),
    # mill diameter (m) by annual output: Φ3.2 for 30–40 万吨/年 up to Φ5.0 for 200
    "mill":       Equip(E.CEMENT_MILL, "10kt/a", (30, 40, 60, 80, 100, 120, 150, 180, 200),
                        "{n}#水泥粉磨系统", size_unit="m",
                        size_of={30: 3.2, 40: 3.2, 60: 3.8, 80: 3.8, 100: 4.2, 120: 4.2, 150: 4.2,
                                 180: 4.6, 200: 5.0},
                        products=(G.CEMENT,)),
    "float":      Equip(E.GLASS_FURNACE, "t/d", (500, 600, 700, 800, 900, 1000, 1200),
                        "{n}#{cap}t/d浮法玻璃生产线", size_unit="t/d", process=P.FLOAT,
                        products=(G.FLAT_GLASS,)),
    "bf":         Equip(E.BLAST_FURNACE, "m3", (450, 580, 680, 1080, 1260, 1780, 2500), "{n}#高炉（{cap}m³）",
                        size_unit="m3", products=(G.PIG_IRON,) * 4 + (G.FOUNDRY_IRON,)),
    "sinter":     Equip(E.SINTERING_MACHINE, "m2", (90, 105, 132, 180, 265, 360), "{n}#烧结机（{cap}m²）",
                        size_unit="m2", products=(G.SINTER,)),
    "pellet":     Equip(E.PELLETIZING, "10kt/a", (60, 120, 200), "{n}#链篦机-回转窑球团生产线",
                        products=(G.PELLET,)),
    "bof":        Equip(E.CONVERTER, "t", (40, 50, 60, 80, 100, 120, 150), "{n}#转炉（{cap}吨）",
                        size_unit="t", products=(G.CARBON_STEEL,) * 3 + (G.ALLOY_STEEL,)),
    "eaf":        Equip(E.ELECTRIC_ARC_FURNACE, "t", (40, 50, 60, 70, 90, 100), "{n}#电弧炉（{cap}吨）",
                        size_unit="t",
                        products=(G.CARBON_STEEL, G.CARBON_STEEL, G.ALLOY_STEEL, G.STAINLESS_STEEL)),
    "rolling":    Equip(E.ROLLING_MILL, "10kt/a", (10, 20, 30, 50, 60, 80, 100, 150, 200),
                        "{n}#棒材生产线|{n}#高速线材生产线|{n}#窄带钢生产线|{n}#型钢生产线",
                        products=(G.CARBON_STEEL,)),
    "ferroalloy": Equip(E.FERROALLOY_FURNACE, "kVA", (6300, 12500, 16500, 25000, 33000, 48000),
                        "{n}#矿热炉（{cap}kVA）", size_unit="kVA",
                        products=(G.FERROSILICON, G.SILICOMANGANESE, G.FERROCHROME, G.FERROMANGANESE)),
    "lead_zinc":  Equip(E.LEAD_ZINC_SMELTER, "10kt/a", (3, 5, 8, 10, 15, 20), "{n}#铅冶炼系统|{n}#锌冶炼系统"),
    "potline":    Equip(E.ALUMINIUM_CELL, "kA", (200, 240, 300, 350, 400, 500), "{n}#{cap}kA预焙电解槽系列",
                        size_unit="kA", process=P.PREBAKED, products=(G.ALUMINIUM,)),
    "coal_unit":  Equip(E.POWER_UNIT, "MW", (300, 330, 350, 600, 660, 1000), "{n}#机组（{cap}MW）", True,
                        size_unit="MW", products=(G.ELECTRICITY,)),
    "chp_unit":   Equip(E.POWER_UNIT, "MW", (12, 25, 50, 135, 200, 300, 350), "{n}#机组（{cap}MW）", True,
                        size_unit="MW", products=(G.ELECTRICITY,)),
}


@dataclass(frozen=True)
class Profile:
    count: int                  # enterprises of this industry, the scripted ones included
    words: str                  # industry words of the company name, separated by spaces
    below: float                # share below designated size (规下)
    lacking: float              # share lacking legal procedures (手续不全)
    staff: tuple[int, int]      # employees of an above-scale enterprise
    regions: dict[str, int]     # region code → weight
    plants: tuple[tuple[int, str], ...]  # (weight, "equipment:min-max …") plant variants


# Weighted towards steel, cement, coal, glass, coking and paper: 300 enterprises in all.
PROFILES: dict[str, Profile] = {
    "0610": Profile(36, "煤业 矿业", .25, .06, (150, 2200), {NORTH: 6, NANJIANG: 3, WEST: 1}, ((1, "mine:1-2"),)),
    "0620": Profile(5, "煤业 矿业", .2, 0, (150, 900), {NORTH: 1, NANJIANG: 1}, ((1, "mine:1-2"),)),
    "0690": Profile(4, "洗煤 煤炭洗选", .5, .1, (40, 200), {NORTH: 2, NANJIANG: 1, EAST: 1}, ((1, "washery:1-1"),)),
    "2211": Profile(4, "浆纸 纸业", .1, 0, (200, 1200), {NANJIANG: 3, PARK: 1}, ((1, "wood_pulp:1-1 paper:1-2"),)),
    "2212": Profile(8, "纸业 浆业 造纸", .4, .1, (80, 600), {NANJIANG: 4, NORTH: 2, WEST: 1},
                    ((1, "straw_pulp:1-1 paper:0-1"),)),
    "2221": Profile(26, "纸业 造纸 纸品", .3, .06, (60, 1500), {NANJIANG: 5, EAST: 3, WEST: 2, PARK: 2, NORTH: 1},
                    ((4, "paper:1-3"), (1, "waste_pulp:1-1 paper:1-2"))),
    "2222": Profile(3, "宣纸 纸业", .9, .3, (30, 120), {NORTH: 2, NANJIANG: 1}, ((1, "handmade:1-1"),)),
    "2223": Profile(5, "纸业 特种纸", .3, 0, (50, 400), {PARK: 2, EAST: 1, WEST: 1}, ((1, "coated:1-2"),)),
    "2521": Profile(18, "焦化 煤化工", .05, .03, (200, 1500), {NORTH: 3, NANJIANG: 2, WEST: 1, PARK: 1},
                    ((1, "coke_oven:1-3"),)),
    "2672": Profile(6, "烟花爆竹 花炮 烟花", .5, .15, (30, 260), {NORTH: 2, NANJIANG: 2}, ((1, "fireworks:1-2"),)),
    # a clinker works with its grinding, or a grinding station (粉磨站) alone
    "3011": Profile(52, "水泥 建材", .25, .05, (120, 900), {NORTH: 4, NANJIANG: 4, WEST: 2, EAST: 2, PARK: 1},
                    ((3, "kiln:1-2 mill:1-2"), (2, "mill:1-2"))),
    "3041": Profile(18, "玻璃", .05, 0, (250, 900), {PARK: 4, WEST: 2, NANJIANG: 2, EAST: 2}, ((1, "float:1-2"),)),
    "3110": Profile(18, "铁业 钢铁 冶金", .05, 0, (400, 4500), {PARK: 3, NANJIANG: 2, WEST: 2, NORTH: 1},
                    ((1, "bf:1-2 sinter:1-2 pellet:0-1"),)),
    "3120": Profile(20, "钢铁 特钢 钢业", .05, 0, (500, 6000), {PARK: 3, WEST: 2, NANJIANG: 2, EAST: 2},
                    ((3, "bof:1-3 rolling:0-2"), (2, "eaf:1-2 rolling:0-1"))),
    "3130": Profile(26, "钢材 轧钢 金属制品 型钢", .35, .08, (60, 1200),
                    {PARK: 3, WEST: 3, EAST: 3, NANJIANG: 2, NORTH: 1}, ((1, "rolling:1-2"),)),
    "3140": Profile(12, "铁合金 冶金 硅业", .3, .05, (80, 700), {NORTH: 3, NANJIANG: 2, WEST: 1},
                    ((1, "ferroalloy:1-4"),)),
    "3212": Profile(5, "有色金属 冶炼 锌业", .4, .1, (60, 900), {NORTH: 2, NANJIANG: 1}, ((1, "lead_zinc:1-1"),)),
    "3216": Profile(8, "铝业", 0, 0, (600, 3000), {PARK: 4, NANJIANG: 1, NORTH: 1}, ((1, "potline:1-2"),)),
    "4411": Profile(12, "发电 电力 能源", 0, 0, (150, 900), {PARK: 2, NANJIANG: 2, NORTH: 2, WEST: 1},
                    ((1, "coal_unit:2-2"),)),
    "4412": Profile(14, "热电 热力 能源", .1, 0, (60, 500), {PARK: 3, EAST: 2, WEST: 2, NANJIANG: 1, NORTH: 1},
                    ((1, "chp_unit:1-2"),)),
}
# fmt: on


def _plant(spec: str) -> list[tuple[Equip, int, int]]:
    """ "kiln:1-2 mill:1-2" → [(kiln, 1, 2), (mill, 1, 2)]."""
    groups = []
    for item in spec.split():
        key, counts = item.split(":")
        low, high = counts.split("-")
        groups.append((EQUIPMENT[key], int(low), int(high)))
    return groups


LINE_PREFIX = {
    E.BLAST_FURNACE: "GL",
    E.CONVERTER: "ZL",
    E.ELECTRIC_ARC_FURNACE: "DL",
    E.INDUCTION_FURNACE: "ZP",
    E.SINTERING_MACHINE: "SJ",
    E.PELLETIZING: "QT",
    E.ROLLING_MILL: "ZJ",
    E.FERROALLOY_FURNACE: "KR",
    E.CALCIUM_CARBIDE_FURNACE: "DS",
    E.COKE_OVEN: "JL",
    E.CEMENT_KILN: "YL",
    E.SHAFT_KILN: "LY",
    E.CEMENT_MILL: "FM",
    E.GLASS_FURNACE: "BL",
    E.ALUMINIUM_CELL: "DJ",
    E.LEAD_ZINC_SMELTER: "YZ",
    E.COAL_MINE: "MK",
    E.PULP_LINE: "ZB",
    E.PAPER_MACHINE: "ZZ",
    E.FIREWORKS_LINE: "YH",
    E.POWER_UNIT: "JZ",
    E.OTHER: "SC",
}


def _line(
    code, name, type_, capacity, unit, year, notes="", *, size=None, process="", product=""
) -> LinePlan:
    """A scripted line; size is (value, unit), as the catalogue judges the equipment."""
    value, size_unit = size if size else (None, "")
    return LinePlan(
        code,
        name,
        type_,
        Decimal(str(capacity)),
        unit,
        year,
        notes=notes,
        size=None if value is None else Decimal(str(value)),
        size_unit=size_unit,
        process=process,
        product=product,
    )


@dataclass(frozen=True)
class Scripted:
    """An enterprise written out by hand: the backward lines later steps must find."""

    industry: str
    region: str
    name: str
    size: str
    standing: str
    employees: int
    lines: tuple[LinePlan, ...]
    notes: str = ""


ABOVE, BELOW = EnterpriseSize.ABOVE, EnterpriseSize.BELOW
LICENSED, LACKING = LegalStanding.LICENSED, LegalStanding.LACKING
CLINKER_NOTE = "2025年实测熟料综合能耗 125 kgce/t（GB 16780-2021 限额 117）"

SCRIPTED: tuple[Scripted, ...] = (
    Scripted(
        "3011",
        EAST,
        "城东区金盛水泥有限公司",
        ABOVE,
        LICENSED,
        460,
        (
            _line(
                "YL-1",
                "1#2500t/d新型干法熟料生产线",
                E.CEMENT_KILN,
                2500,
                "t/d",
                2004,
                CLINKER_NOTE,
                size=(2500, "t/d"),
                process=P.NEW_DRY,
                product=G.CLINKER,
            ),
            _line(
                "FM-1",
                "1#水泥粉磨系统",
                E.CEMENT_MILL,
                120,
                "10kt/a",
                2004,
                size=(4.2, "m"),
                product=G.CEMENT,
            ),
            _line(
                "FM-2",
                "2#水泥粉磨系统",
                E.CEMENT_MILL,
                100,
                "10kt/a",
                2011,
                size=(3.8, "m"),
                product=G.CEMENT,
            ),
        ),
    ),
    Scripted(
        "3011",
        NORTH,
        "北山县青峰建材有限公司",
        BELOW,
        LICENSED,
        68,
        (
            _line(
                "LY-1",
                "1#机立窑（Φ2.5m）",
                E.SHAFT_KILN,
                300,
                "t/d",
                1996,
                size=(2.5, "m"),
                process=P.SHAFT,
                product=G.CLINKER,
            ),
            _line(
                "FM-1",
                "1#水泥磨（Φ2.2×6.5m）",
                E.CEMENT_MILL,
                8,
                "10kt/a",
                1996,
                size=(2.2, "m"),
                product=G.CEMENT,
            ),
        ),
    ),
    Scripted(
        "3011",
        NANJIANG,
        "南江市江源水泥有限公司",
        ABOVE,
        LICENSED,
        210,
        (
            _line(
                "YL-1",
                "1#湿法回转窑（Φ3.0×100m）",
                E.CEMENT_KILN,
                700,
                "t/d",
                1995,
                size=(700, "t/d"),
                process=P.WET,
                product=G.CLINKER,
            ),
            _line(
                "FM-1",
                "1#水泥磨（Φ3.0×11m）",
                E.CEMENT_MILL,
                20,
                "10kt/a",
                1995,
                size=(3.0, "m"),
                product=G.CEMENT,
            ),
        ),
    ),
    Scripted(
        "3120",
        WEST,
        "城西区永兴钢铁有限公司",
        ABOVE,
        LICENSED,
        680,
        (
            _line(
                "ZL-1",
                "1#转炉（20吨）",
                E.CONVERTER,
                20,
                "t",
                1998,
                size=(20, "t"),
                product=G.CARBON_STEEL,
            ),
            _line(
                "ZL-2",
                "2#转炉（60吨）",
                E.CONVERTER,
                60,
                "t",
                2009,
                size=(60, "t"),
                product=G.CARBON_STEEL,
            ),
            _line(
                "ZJ-1", "1#棒材生产线", E.ROLLING_MILL, 60, "10kt/a", 2009, product=G.CARBON_STEEL
            ),
        ),
    ),
    Scripted(
        "3110",
        NANJIANG,
        "南江市隆昌铁业有限公司",
        ABOVE,
        LICENSED,
        390,
        (
            _line(
                "GL-1",
                "1#高炉（300m³）",
                E.BLAST_FURNACE,
                300,
                "m3",
                2001,
                size=(300, "m3"),
                product=G.PIG_IRON,
            ),
            _line(
                "SJ-1",
                "1#烧结机（36m²）",
                E.SINTERING_MACHINE,
                36,
                "m2",
                2001,
                size=(36, "m2"),
                product=G.SINTER,
            ),
        ),
    ),
    Scripted(
        "3130",
        WEST,
        "城西区鸿运金属制品有限公司",
        BELOW,
        LACKING,
        46,
        (
            _line(
                "ZP-1",
                "1#中频感应炉（熔炼建筑用钢坯）",
                E.INDUCTION_FURNACE,
                10,
                "t",
                2012,
                "以废钢为原料熔炼钢坯，轧制建筑用螺纹钢。",
                size=(10, "t"),
                process=P.MEDIUM_FREQUENCY,
                product=G.CARBON_STEEL,
            ),
            _line(
                "ZJ-1", "1#小型棒材轧机", E.ROLLING_MILL, 15, "10kt/a", 2012, product=G.CARBON_STEEL
            ),
        ),
        notes="未办理环评、排污许可等合法手续。",
    ),
    Scripted(
        "3216",
        PARK,
        "示范鼎盛铝业有限公司",
        ABOVE,
        LICENSED,
        1250,
        (
            _line(
                "DJ-1",
                "1#90kA预焙电解槽系列",
                E.ALUMINIUM_CELL,
                90,
                "kA",
                1997,
                size=(90, "kA"),
                process=P.PREBAKED,
                product=G.ALUMINIUM,
            ),
            _line(
                "DJ-2",
                "2#300kA预焙电解槽系列",
                E.ALUMINIUM_CELL,
                300,
                "kA",
                2010,
                size=(300, "kA"),
                process=P.PREBAKED,
                product=G.ALUMINIUM,
            ),
        ),
    ),
    Scripted(
        "0610",
        NORTH,
        "北山县福源煤业有限责任公司",
        BELOW,
        LICENSED,
        85,
        (
            _line(
                "MK-1",
                "一号井",
                E.COAL_MINE,
                3,
                "10kt/a",
                1995,
                process=P.UNDERGROUND,
                product=G.COAL,
            ),
        ),
    ),
    Scripted(
        "3041",
        WEST,
        "城西区晶华玻璃有限公司",
        BELOW,
        LICENSED,
        92,
        (
            _line(
                "BL-1",
                "1#平拉玻璃生产线",
                E.GLASS_FURNACE,
                150,
                "t/d",
                1997,
                size=(150, "t/d"),
                process=P.DRAWN_SHEET,
                product=G.FLAT_GLASS,
            ),
        ),
    ),
)

# — names, places, people —

BRANDS = (
    "鑫源", "宏达", "永兴", "恒泰", "金盛", "瑞丰", "隆昌", "福源", "鼎盛", "兴旺", "泰和", "润通",
    "晟辉", "鸿运", "华茂", "众成", "德丰", "广利", "祥和", "锦程", "顺达", "永昌", "天润", "龙腾",
    "凯达", "安泰", "聚源", "昌盛", "宏图", "汇通", "盛源", "金泰", "荣达", "益丰", "裕隆", "嘉禾",
    "恒通", "富源", "兴隆", "博远", "正和", "瑞达", "万泰", "长兴", "腾飞", "通达", "青峰", "石门",
    "北辰", "江源", "南湖", "柳林", "金桥", "东升", "西岭", "宝山", "清源", "华晨", "利民", "丰泽",
)  # fmt: skip
FORMS = (("有限公司", 7), ("有限责任公司", 2), ("股份有限公司", 1))
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺"
)
GIVEN_NAMES = (
    "建国", "志强", "海波", "秀英", "国华", "明", "伟", "军", "丽", "红梅", "永刚", "春生", "德胜",
    "玉兰", "立新", "建华", "卫东", "小平", "桂芳", "文斌", "国庆", "振华", "淑珍", "俊杰", "宏伟",
    "长江", "学军", "晓燕", "金山", "保国", "凤英", "庆丰", "新民", "玉珍", "志军", "海燕", "勇", "静",
)  # fmt: skip
TOWNS = {
    EAST: ("东关街道", "龙泉街道", "新港街道"),
    WEST: ("西湖街道", "白沙街道", "金桥街道", "西山镇"),
    NORTH: ("北山镇", "石门镇", "青峰镇", "黑石岭乡"),
    NANJIANG: ("江口街道", "南湖街道", "柳林镇", "河湾镇"),
    PARK: ("",),
}
ROADS = "工业路 建设路 兴业路 创业大道 滨江路 振兴路 园区一路 园区二路 光明路".split()
VILLAGES = ("石门村", "青峰村", "柳树湾村", "大沟村", "黄土坡村", "马鞍山村")
CHINESE_NUMERALS = "一二三四五六七八九十"

DISCHARGE_ISSUER = "示范市生态环境局"
PRODUCTION_ISSUER = "示范省市场监督管理局"
# Production-license product units, in the shape of 全国工业产品生产许可证 numbers (invented).
# 工业产品生产许可证 units; 3130 because the catalogue requires a licence for 建筑用钢筋.
PRODUCTION_UNITS = {
    "3011": "XK08-001",
    "3041": "XK08-002",
    "3130": "XK05-001",
    "2221": "XK16-001",
    "2223": "XK16-002",
}
SAFETY_LICENSES = {  # industry prefix → (certificate word, issuer)
    "06": ("MK", "国家矿山安全监察局示范局"),
    "2672": ("YH", "示范省应急管理厅"),
}


def organization_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organization code (position 17 of a USCC)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10) * w
        for ch, w in zip(body, weights, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


_CODE_LETTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _credit_code(rng: random.Random, region_code: str, established: int) -> str:
    """A valid 统一社会信用代码: 9 (market regulation) 1 (enterprise), region, organization code."""
    if established < 2015:  # an old organization code carried over: 8 digits
        body = str(rng.randint(10_000_000, 79_999_999))
    else:  # issued with the USCC itself: MA + 6 characters
        body = "MA" + "".join(rng.choice(_CODE_LETTERS) for _ in range(6))
    return with_check_character(f"91{region_code}{body}{organization_code_check(body)}")


def _weighted(rng: random.Random, weights: dict | Iterable[tuple]) -> object:
    items = list(weights.items()) if isinstance(weights, dict) else list(weights)
    return rng.choices([k for k, _w in items], weights=[w for _k, w in items])[0]


def _date(rng: random.Random, first_year: int, last_year: int) -> datetime.date:
    return datetime.date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


def _years_later(day: datetime.date, years: int) -> datetime.date:
    """The last day of a validity of whole years starting on day (days 1–28 only)."""
    return day.replace(year=day.year + years) - datetime.timedelta(days=1)


def _cap_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _size_and_process(equip: Equip, capacity: float, kind: int) -> tuple[Decimal | None, str]:
    """The size and process of a generated line of capacity `capacity` and label `kind`."""
    if equip.label_kinds:
        size, process = equip.label_kinds[kind]
        return Decimal(str(size)), process
    if not equip.size_unit:
        return None, equip.process
    size = equip.size_of[capacity] if equip.size_of is not None else capacity
    return Decimal(str(size)), equip.process


@dataclass
class _Builder:
    rng: random.Random
    credit_codes: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    serials: dict[str, int] = field(default_factory=dict)

    def serial(self, key: str) -> int:
        self.serials[key] = self.serials.get(key, 0) + 1
        return self.serials[key]

    def credit_code(self, region_code: str, established: int) -> str:
        while True:
            code = _credit_code(self.rng, region_code, established)
            if code not in self.credit_codes:
                self.credit_codes.add(code)
                return code

    def name(self, region_code: str, words: tuple[str, ...], industry_code: str) -> str:
        rng = self.rng
        while True:
            if region_code == PARK:
                place = rng.choice(("示范市", "示范"))
            else:
                place = _weighted(rng, {REGION_NAMES[region_code]: 3, "示范市": 1})
            form = _weighted(
                rng,
                FORMS
                if not industry_code.startswith("06")
                else (("有限责任公司", 3), ("有限公司", 2)),
            )
            name = f"{place}{rng.choice(BRANDS)}{rng.choice(words)}{form}"
            if name not in self.names:
                self.names.add(name)
                return name

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def address(self, region_code: str, industry_code: str) -> str:
        rng = self.rng
        town = rng.choice(TOWNS[region_code])
        where = f"示范省示范市{REGION_NAMES[region_code]}{town}"
        if industry_code.startswith("06") and region_code != PARK:
            return f"{where}{rng.choice(VILLAGES)}"
        return f"{where}{rng.choice(ROADS)}{rng.randint(1, 388)}号"

    def lines(self, profile: Profile, size: str) -> list[LinePlan]:
        rng = self.rng
        plant = _plant(_weighted(rng, [(spec, w) for w, spec in profile.plants]))
        lines: list[LinePlan] = []
        numbers: dict[str, int] = {}
        for equip, low, high in plant:
            # a small enterprise has the smaller half of the sizes
            sizes = equip.sizes if size == ABOVE else equip.sizes[: max(1, len(equip.sizes) // 2)]
            pair_size = rng.choice(sizes)
            for _i in range(rng.randint(low, high)):
                n = numbers[equip.type] = numbers.get(equip.type, 0) + 1
                value = pair_size if equip.same_size else rng.choice(sizes)
                capacity = Decimal(str(value))
                labels = equip.labels.split("|")
                kind = rng.randrange(len(labels))
                size, process = _size_and_process(equip, value, kind)
                lines.append(
                    LinePlan(
                        code=f"{LINE_PREFIX[equip.type]}-{n}",
                        name=labels[kind].format(
                            n=n, cn=CHINESE_NUMERALS[n - 1], cap=_cap_text(capacity)
                        ),
                        equipment_type=equip.type,
                        capacity=capacity,
                        capacity_unit=equip.unit,
                        commissioning_year=rng.randint(1995, 2022),
                        size=size,
                        size_unit=equip.size_unit if size is not None else "",
                        process=process,
                        product=rng.choice(equip.products) if equip.products else "",
                    )
                )
        return lines

    def licenses(self, industry_code: str, credit_code: str, standing: str) -> list[LicensePlan]:
        """Discharge permits for most; production licenses for cement, glass, rebar and paper; safety
        licenses for coal mines and fireworks. An enterprise lacking procedures has none."""
        if standing == LACKING:
            return []
        rng = self.rng
        result = []

        def status() -> str:
            return _weighted(rng, {LicenseStatus.VALID: 96, LicenseStatus.SUSPENDED: 4})

        if rng.random() < 0.92:
            # 排污许可证编号: credit code + 3-digit serial + category letter.
            letter = _weighted(rng, {"P": 8, "V": 1, "U": 1})
            start = _date(rng, 2021, 2025)
            result.append(
                LicensePlan(
                    LicenseKind.DISCHARGE,
                    f"{credit_code}001{letter}",
                    DISCHARGE_ISSUER,
                    start,
                    _years_later(start, 5),
                    status(),
                )
            )
        unit = PRODUCTION_UNITS.get(industry_code)
        if unit:
            start = _date(rng, 2021, 2025)
            result.append(
                LicensePlan(
                    LicenseKind.PRODUCTION,
                    f"（示）{unit}-{self.serial(unit):05d}",
                    PRODUCTION_ISSUER,
                    start,
                    _years_later(start, 5),
                    status(),
                )
            )
        for prefix, (word, issuer) in SAFETY_LICENSES.items():
            if industry_code.startswith(prefix):
                start = _date(rng, 2023, 2025)
                number = f"（示）{word}安许证字〔{start.year}〕{self.serial(word):04d}号"
                result.append(
                    LicensePlan(
                        LicenseKind.SAFETY, number, issuer, start, _years_later(start, 3), status()
                    )
                )
        return result

    def enterprise(
        self, industry_code: str, profile: Profile, scripted: Scripted | None
    ) -> EnterprisePlan:
        rng = self.rng
        if scripted:
            region, name, size, standing = (
                scripted.region,
                scripted.name,
                scripted.size,
                scripted.standing,
            )
            self.names.add(name)
            lines = list(scripted.lines)
            employees, status, notes = (
                scripted.employees,
                EnterpriseStatus.OPERATING,
                scripted.notes,
            )
        else:
            region = _weighted(rng, profile.regions)
            name = self.name(region, profile.words.split(), industry_code)
            size = BELOW if rng.random() < profile.below else ABOVE
            standing = LACKING if rng.random() < profile.lacking else LICENSED
            lines = self.lines(profile, size)
            employees = rng.randint(*profile.staff) if size == ABOVE else rng.randint(8, 95)
            status = _weighted(
                rng,
                {
                    EnterpriseStatus.OPERATING: 94,
                    EnterpriseStatus.SUSPENDED: 4,
                    EnterpriseStatus.RESTRICTED: 2,
                },
            )
            notes = "未办理排污许可等合法手续。" if standing == LACKING else ""
            lines = [self._line_status(line, status) for line in lines]
        established = min(line.commissioning_year for line in lines)
        credit_code = self.credit_code(region, established)
        return EnterprisePlan(
            credit_code=credit_code,
            name=name,
            region_code=region,
            industry_code=industry_code,
            size=size,
            legal_standing=standing,
            address=self.address(region, industry_code),
            legal_representative=self.person_name(),
            employees=employees,
            status=status,
            notes=notes,
            lines=tuple(lines),
            licenses=tuple(self.licenses(industry_code, credit_code, standing)),
        )

    def _line_status(self, line: LinePlan, enterprise_status: str) -> LinePlan:
        if enterprise_status == EnterpriseStatus.SUSPENDED:
            status = LineStatus.SUSPENDED
        else:
            status = _weighted(
                self.rng,
                {LineStatus.OPERATING: 93, LineStatus.SUSPENDED: 4, LineStatus.RESTRICTED: 3},
            )
        return LinePlan(**{**line.__dict__, "status": status})


def build_plan(seed: int = SEED) -> Plan:
    """The whole demo jurisdiction as plain values. Pure: the same seed gives the same plan."""
    builder = _Builder(random.Random(seed))
    enterprises = []
    for industry_code, profile in PROFILES.items():
        scripted = [s for s in SCRIPTED if s.industry == industry_code]
        for i in range(profile.count):
            enterprises.append(
                builder.enterprise(
                    industry_code, profile, scripted[i] if i < len(scripted) else None
                )
            )
    departments = [(CITY, kind, department_name(CITY, kind)) for kind in DepartmentKind]
    for county in COUNTIES:
        departments += [(county, kind, department_name(county, kind)) for kind in DepartmentKind]
    departments += [(PARK, kind, department_name(PARK, kind)) for kind in PARK_DEPARTMENTS]
    return Plan(departments=tuple(departments), enterprises=tuple(enterprises), people=PEOPLE)


# — writing the plan —


@dataclass
class LoginRow:
    username: str
    role: str
    department: str
    region: str


@dataclass
class LoadResult:
    regions: int
    departments: int
    enterprises: Counts
    lines: Counts
    licenses: Counts
    logins: list[LoginRow]
    password: str = PASSWORD
    screening: dict = field(default_factory=dict)
    enforcement: dict = field(default_factory=dict)
    lists: list[str] = field(default_factory=list)


def _sync(
    model: type[models.Model],
    wanted: list[models.Model],
    existing: Iterable[models.Model],
    key: Callable[[models.Model], tuple],
    fields: tuple[str, ...],
) -> tuple[dict[tuple, models.Model], Counts]:
    """Create the wanted rows that are missing and put back the fields of those that differ.

    Rows that already match are not written, so a second run changes nothing (not even
    `updated_at` or the history). The history gets one row per created or changed record.
    """
    by_key = {key(obj): obj for obj in existing}
    new, changed, counts = [], [], Counts()
    now = timezone.now()
    for obj in wanted:
        old = by_key.get(key(obj))
        if old is None:
            new.append(obj)
            continue
        if any(getattr(old, f) != getattr(obj, f) for f in fields):
            for f in fields:
                setattr(old, f, getattr(obj, f))
            old.updated_at = now
            changed.append(old)
        else:
            counts.unchanged += 1
    model.objects.bulk_create(new, batch_size=500)
    # SQLite ≥ 3.35 and PostgreSQL return the new keys; the history rows need them.
    assert all(obj.pk is not None for obj in new), "bulk_create returned no primary keys"
    if changed:
        model.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)
    history = model.history
    history.bulk_history_create(new, default_change_reason=CHANGE_REASON, default_date=now)
    history.bulk_history_create(
        changed, update=True, default_change_reason=CHANGE_REASON, default_date=now
    )
    counts.created, counts.updated = len(new), len(changed)
    for obj in new + changed:
        by_key[key(obj)] = obj
    return by_key, counts


ENTERPRISE_SYNC = ENTERPRISE_VALUE_COLUMNS
LINE_SYNC = LINE_VALUE_COLUMNS
LICENSE_SYNC = ("enterprise_id", "issuer", "valid_from", "valid_until", "status")


def _validate(obj: models.Model, exclude: tuple[str, ...]) -> None:
    """Field and model rules without database look-ups (foreign keys were resolved above)."""
    obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


def _load_regions() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for code, name, level, parent in REGIONS:
        region = Region.objects.filter(code=code, valid_to__isnull=True).first() or Region(
            code=code
        )
        region.name, region.level = name, level
        region.parent = regions[parent] if parent else None
        region.full_clean(validate_constraints=False)
        region.save()
        regions[code] = region
    return regions


def _load_departments(plan: Plan, regions: dict[str, Region]) -> dict[str, Department]:
    existing = {
        (d.region_id, d.name): d
        for d in Department.objects.filter(region__in=list(regions.values()))
    }
    new, changed = [], []
    for region_code, kind, name in plan.departments:
        department = existing.get((regions[region_code].pk, name))
        if department is None:
            department = Department(region=regions[region_code], name=name, kind=kind)
            department.full_clean(exclude=["region"], validate_constraints=False)
            new.append(department)
        elif department.kind != kind:
            department.kind = kind
            changed.append(department)
    Department.objects.bulk_create(new)
    Department.objects.bulk_update(changed, ["kind"])
    by_name = {d.name: d for d in existing.values()} | {d.name: d for d in new}
    return {name: by_name[name] for _r, _k, name in plan.departments}


def _load_people(plan: Plan, regions, departments, enterprises_by_name) -> list[LoginRow]:
    from axes.utils import reset as axes_reset

    User = get_user_model()
    password = make_password(PASSWORD, salt=_PASSWORD_SALT)
    rows = []
    for p in plan.people:
        user, _created = User.objects.update_or_create(
            username=p.username,
            defaults={
                "first_name": p.full_name,
                "last_name": "",
                "is_active": True,
                "is_staff": p.superuser,
                "is_superuser": p.superuser,
                "password": password,
            },
        )
        department = departments[p.department_name] if p.department_name else None
        enterprise = enterprises_by_name[p.enterprise_name] if p.enterprise_name else None
        person = Person.objects.filter(user=user).first() or Person(user=user)
        person.role, person.region, person.department = p.role, regions[p.region_code], department
        person.enterprise = enterprise
        person.full_clean(validate_constraints=False)
        person.save()
        axes_reset(username=p.username)  # the printed log-ins must work even after lock-outs
        rows.append(
            LoginRow(
                username=p.username,
                role=str(person.get_role_display()),
                department=department.name
                if department
                else (enterprise.name if enterprise else "—"),
                region=f"{person.region.name}（{person.region.code}）",
            )
        )
    return rows


@transaction.atomic
def load(plan: Plan | None = None) -> LoadResult:
    """Write the demo jurisdiction. Idempotent: keyed on codes; a second run changes nothing."""
    plan = plan or build_plan()
    from phaseout.enforcement import demo as enforcement_demo

    # Statuses that enforcement measures in force hold are the measures' to change, not the plan's.
    held_enterprises, held_lines = enforcement_demo.held_statuses()
    regions = _load_regions()
    departments = _load_departments(plan, regions)

    codes = {e.industry_code for e in plan.enterprises}
    industries = {i.code: i for i in Industry.objects.filter(code__in=codes)}
    missing = codes - set(industries)
    if missing:
        raise RuntimeError(
            f"industries {sorted(missing)} are not loaded; run `phaseout migrate` first"
        )

    wanted = []
    for e in plan.enterprises:
        enterprise = Enterprise(
            credit_code=e.credit_code,
            name=e.name,
            region=regions[e.region_code],
            industry=industries[e.industry_code],
            size=e.size,
            legal_standing=e.legal_standing,
            address=e.address,
            legal_representative=e.legal_representative,
            employees=e.employees,
            status=held_enterprises.get(e.credit_code, e.status),
            notes=e.notes,
        )
        _validate(enterprise, ("region", "industry"))
        wanted.append(enterprise)
    enterprises, enterprise_counts = _sync(
        Enterprise,
        wanted,
        Enterprise.objects.filter(credit_code__in=[e.credit_code for e in plan.enterprises]),
        lambda o: (o.credit_code,),
        ENTERPRISE_SYNC,
    )

    wanted_lines, wanted_licenses = [], []
    for e in plan.enterprises:
        enterprise = enterprises[(e.credit_code,)]
        for line_plan in e.lines:
            line = ProductionLine(enterprise=enterprise, **line_plan.__dict__)
            line.status = held_lines.get((e.credit_code, line.code), line.status)
            _validate(line, ("enterprise",))
            wanted_lines.append(line)
        for license_plan in e.licenses:
            license_ = License(enterprise=enterprise, **license_plan.__dict__)
            _validate(license_, ("enterprise",))
            wanted_licenses.append(license_)
    enterprise_ids = [obj.pk for obj in enterprises.values()]
    _lines, line_counts = _sync(
        ProductionLine,
        wanted_lines,
        ProductionLine.objects.filter(enterprise_id__in=enterprise_ids),
        lambda o: (o.enterprise_id, o.code),
        LINE_SYNC,
    )
    _licenses, license_counts = _sync(
        License,
        wanted_licenses,
        License.objects.filter(number__in=[obj.number for obj in wanted_licenses]),
        lambda o: (o.kind, o.number),
        LICENSE_SYNC,
    )

    by_name = {obj.name: obj for obj in enterprises.values()}
    logins = _load_people(plan, regions, departments, by_name)
    from phaseout.screening import demo as screening_demo

    screening = screening_demo.load()
    from phaseout.tipoffs import demo as tipoffs_demo

    tipoffs_demo.load()
    # After the screening: the cases are opened from its findings; the lists come from the cases.
    enforcement = enforcement_demo.load()
    from phaseout.disclosure import demo as disclosure_demo

    return LoadResult(
        regions=len(regions),
        departments=len(departments),
        enterprises=enterprise_counts,
        lines=line_counts,
        licenses=license_counts,
        logins=logins,
        screening=screening,
        enforcement=enforcement,
        lists=disclosure_demo.load(),
    )


# — the report printed by the command —


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _screening_line(summary: dict) -> str:
    if not summary:
        return ""
    enterprises = sum(row["total"] for row in summary["coverage"])
    missing = sum(row["missing_data"] for row in summary["coverage"])
    return _(
        "2025年度排查已运行：%(rules)d 条规则，%(findings)d 项不达标，"
        "%(enterprises)d 家企业中 %(missing)d 家缺检测数据。"
    ) % {
        "rules": summary["rules"],
        "findings": summary["findings"],
        "enterprises": enterprises,
        "missing": missing,
    }


def _enforcement_line(summary: dict) -> str:
    if not summary:
        return ""
    from phaseout.enforcement.choices import CaseState

    states = "，".join(
        f"{CaseState(state).label} {count}" for state, count in summary["states"].items()
    )
    return _("执法案件 %(total)d 件（本次新建 %(created)d 件）：%(states)s。") % {
        "total": sum(summary["states"].values()),
        "created": summary["created"],
        "states": states,
    }


def _lists_line(numbers: list[str]) -> str:
    if not numbers:
        return ""
    return _("已公布名单：%(numbers)s（公开网站 /public/）。") % {"numbers": "、".join(numbers)}


def format_report(result: LoadResult, url: str = "http://127.0.0.1:8000/") -> str:
    def counted(label: str, counts: Counts) -> str:
        return _("%(label)s %(total)d（新增 %(created)d，更新 %(updated)d）") % {
            "label": label,
            "total": counts.total,
            "created": counts.created,
            "updated": counts.updated,
        }

    lines = [
        _("演示辖区已就绪：示范省 › 示范市，%(regions)d 个区划，%(departments)d 个部门。")
        % {"regions": result.regions, "departments": result.departments},
        "；".join(
            [
                counted(_("企业"), result.enterprises),
                counted(_("生产线"), result.lines),
                counted(_("证照"), result.licenses),
            ]
        ),
        _screening_line(result.screening),
        _enforcement_line(result.enforcement),
        _lists_line(result.lists),
        "",
        _("演示账号（口令相同）：%(password)s") % {"password": result.password},
        "",
    ]
    header = (_("用户名"), _("角色"), _("部门"), _("区划"))
    rows = [header] + [(r.username, r.role, r.department, r.region) for r in result.logins]
    widths = [max(_width(row[i]) for row in rows) for i in range(4)]
    for n, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += [
        "",
        _("登录：%(url)s    管理后台：%(url)sadmin/（admin）") % {"url": url},
    ]
    return "\n".join(lines)

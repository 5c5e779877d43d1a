from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseSize(models.TextChoices):
    """规模以上/以下工业企业, as the statistics bureau classifies the enterprise.

    The revenue threshold is the statistics bureau's, recorded here as the office reports it;
    it is not in ../shared/reference/policy-facts.md, so no figure is encoded.
    Screening covers both: 排查对象既包括规上企业，也包括规下企业 (宽城区工作方案 三(一),
    implementing 工信部联产业〔2017〕30号; seed 001).
    """

    ABOVE = "above", _("规上")
    BELOW = "below", _("规下")


class LegalStanding(models.TextChoices):
    """Screening covers both: 既包括各项手续完备的企业，也包括没有相关合法手续的企业
    (宽城区工作方案 三(一), implementing 工信部联产业〔2017〕30号; seed 001)."""

    LICENSED = "licensed", _("手续完备")
    LACKING = "lacking", _("手续不全")


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("在产")
    RESTRICTED = "restricted", _("限产")
    SUSPENDED = "suspended", _("停产")
    CLOSED = "closed", _("关停")
    EXITED = "exited", _("已退出")


class LineStatus(models.TextChoices):
    OPERATING = "operating", _("运行")
    RESTRICTED = "restricted", _("限产")
    SUSPENDED = "suspended", _("停产")
    SEALED = "sealed", _("封存")
    DISMANTLED = "dismantled", _("已拆除")
    EXITED = "exited", _("已退出")


class CapacityUnit(models.TextChoices):
    T_PER_YEAR = "t/a", _("吨/年")
    KT10_PER_YEAR = "10kt/a", _("万吨/年")
    WEIGHT_CASE_PER_YEAR = "wc/a", _("重量箱/年")
    WEIGHT_CASE10K_PER_YEAR = "10kwc/a", _("万重量箱/年")
    T_PER_DAY = "t/d", _("吨/日")
    CASE10K_PER_YEAR = "10kcase/a", _("万箱/年")
    CUBIC_METRE = "m3", _("立方米")
    SQUARE_METRE = "m2", _("平方米")
    TONNE = "t", _("吨")
    METRE = "m", _("米")
    KILOAMPERE = "kA", _("千安")
    KVA = "kVA", _("千伏安")
    MEGAWATT = "MW", _("兆瓦")


# Other spellings officers write in ledgers, mapped to the unit code.
UNIT_ALIASES = {
    "吨/年": "t/a",
    "t/年": "t/a",
    "万吨/年": "10kt/a",
    "万t/a": "10kt/a",
    "万吨": "10kt/a",
    "重量箱/年": "wc/a",
    "万重量箱/年": "10kwc/a",
    "吨/日": "t/d",
    "吨/天": "t/d",
    "t/天": "t/d",
    "万箱/年": "10kcase/a",
    "立方米": "m3",
    "m³": "m3",
    "平方米": "m2",
    "m²": "m2",
    "吨": "t",
    "米": "m",
    "千安": "kA",
    "ka": "kA",
    "千伏安": "kVA",
    "kva": "kVA",
    "兆瓦": "MW",
    "mw": "MW",
}


class EquipmentType(models.TextChoices):
    BLAST_FURNACE = "blast_furnace", _("高炉")
    CONVERTER = "converter", _("转炉")
    ELECTRIC_ARC_FURNACE = "electric_arc_furnace", _("电弧炉")
    INDUCTION_FURNACE = "induction_furnace", _("中频炉/工频炉")
    SINTERING_MACHINE = "sintering_machine", _("烧结机")
    PELLETIZING = "pelletizing", _("球团设备")
    ROLLING_MILL = "rolling_mill", _("轧机")
    FERROALLOY_FURNACE = "ferroalloy_furnace", _("铁合金矿热炉")
    CALCIUM_CARBIDE_FURNACE = "calcium_carbide_furnace", _("电石炉")
    COKE_OVEN = "coke_oven", _("焦炉")
    CEMENT_KILN = "cement_kiln", _("水泥熟料回转窑")
    SHAFT_KILN = "shaft_kiln", _("水泥立窑")
    CEMENT_MILL = "cement_mill", _("水泥粉磨机")
    GLASS_FURNACE = "glass_furnace", _("平板玻璃生产线")
    ALUMINIUM_CELL = "aluminium_cell", _("铝电解槽系列")
    LEAD_ZINC_SMELTER = "lead_zinc_smelter", _("铅锌冶炼装置")
    COAL_MINE = "coal_mine", _("煤矿")
    PULP_LINE = "pulp_line", _("制浆生产线")
    PAPER_MACHINE = "paper_machine", _("造纸机")
    FIREWORKS_LINE = "fireworks_line", _("烟花爆竹生产线")
    POWER_UNIT = "power_unit", _("火电机组")
    OTHER = "other", _("其他")


_OUTPUT = ("t/a", "10kt/a")
# The units a line's capacity may be recorded in, by equipment: its annual output, or the
# equipment size that the catalogue judges it by (高炉容积 m³, 转炉/电炉公称容量 t, 电解槽 kA …).
EQUIPMENT_CAPACITY_UNITS: dict[str, tuple[str, ...]] = {
    EquipmentType.BLAST_FURNACE: (*_OUTPUT, "m3"),
    EquipmentType.CONVERTER: (*_OUTPUT, "t"),
    EquipmentType.ELECTRIC_ARC_FURNACE: (*_OUTPUT, "t"),
    EquipmentType.INDUCTION_FURNACE: (*_OUTPUT, "t"),
    EquipmentType.SINTERING_MACHINE: (*_OUTPUT, "m2"),
    EquipmentType.PELLETIZING: _OUTPUT,
    EquipmentType.ROLLING_MILL: _OUTPUT,
    EquipmentType.FERROALLOY_FURNACE: (*_OUTPUT, "kVA"),
    EquipmentType.CALCIUM_CARBIDE_FURNACE: (*_OUTPUT, "kVA"),
    EquipmentType.COKE_OVEN: (*_OUTPUT, "m"),
    EquipmentType.CEMENT_KILN: (*_OUTPUT, "t/d"),
    EquipmentType.SHAFT_KILN: (*_OUTPUT, "t/d"),
    EquipmentType.CEMENT_MILL: (*_OUTPUT, "m"),
    EquipmentType.GLASS_FURNACE: ("t/d", "wc/a", "10kwc/a"),
    EquipmentType.ALUMINIUM_CELL: (*_OUTPUT, "kA"),
    EquipmentType.LEAD_ZINC_SMELTER: _OUTPUT,
    EquipmentType.COAL_MINE: _OUTPUT,
    EquipmentType.PULP_LINE: _OUTPUT,
    EquipmentType.PAPER_MACHINE: _OUTPUT,
    EquipmentType.FIREWORKS_LINE: ("10kcase/a",),
    EquipmentType.POWER_UNIT: ("MW",),
    EquipmentType.OTHER: tuple(CapacityUnit.values),
}


class LicenseKind(models.TextChoices):
    PRODUCTION = "production", _("工业产品生产许可证")
    SAFETY = "safety", _("安全生产许可证")
    DISCHARGE = "discharge", _("排污许可证")


class LicenseStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    CANCELLED = "cancelled", _("注销")
    REVOKED = "revoked", _("吊销")


class SizeUnit(models.TextChoices):
    """Units of the equipment size (主体设备规格) the technology catalogue judges a line by:
    高炉有效容积 m³, 转炉/电炉公称容量 t, 烧结机面积 m², 电解槽电流 kA, 水泥磨/立窑直径 m,
    熟料线规模 t/d, 矿热炉容量 kVA, 火电机组 MW."""

    CUBIC_METRE = "m3", _("立方米")
    TONNE = "t", _("吨")
    SQUARE_METRE = "m2", _("平方米")
    KILOAMPERE = "kA", _("千安")
    METRE = "m", _("米")
    T_PER_DAY = "t/d", _("吨/日")
    KVA = "kVA", _("千伏安")
    MEGAWATT = "MW", _("兆瓦")


# The size each kind of equipment is judged by (产业结构调整指导目录 淘汰类 wording).
EQUIPMENT_SIZE_UNITS: dict[str, tuple[str, ...]] = {
    EquipmentType.BLAST_FURNACE: ("m3",),
    EquipmentType.CONVERTER: ("t",),
    EquipmentType.ELECTRIC_ARC_FURNACE: ("t",),
    EquipmentType.INDUCTION_FURNACE: ("t",),
    EquipmentType.SINTERING_MACHINE: ("m2",),
    EquipmentType.PELLETIZING: ("m2", "t/d"),
    EquipmentType.FERROALLOY_FURNACE: ("kVA",),
    EquipmentType.CALCIUM_CARBIDE_FURNACE: ("kVA",),
    EquipmentType.COKE_OVEN: ("m",),
    EquipmentType.CEMENT_KILN: ("t/d", "m"),
    EquipmentType.SHAFT_KILN: ("t/d", "m"),
    EquipmentType.CEMENT_MILL: ("m",),
    EquipmentType.GLASS_FURNACE: ("t/d",),
    EquipmentType.ALUMINIUM_CELL: ("kA",),
    EquipmentType.POWER_UNIT: ("MW",),
    EquipmentType.OTHER: tuple(SizeUnit.values),
}


class Process(models.TextChoices):
    """工艺: the process variant the catalogue names (立窑、干法中空窑、平拉、自焙槽 …)."""

    NEW_DRY = "new_dry", _("新型干法")
    DRY_HOLLOW = "dry_hollow", _("干法中空窑")
    LEPOL = "lepol", _("立波尔窑")
    WET = "wet", _("湿法窑")
    SHAFT = "shaft", _("立窑")
    FLOAT = "float", _("浮法")
    DRAWN_SHEET = "drawn_sheet", _("平拉")
    GRID = "grid", _("格法")
    ROLLED = "rolled", _("压延")
    PREBAKED = "prebaked", _("预焙槽")
    SELF_BAKED = "self_baked", _("自焙槽")
    TOP_CHARGED = "top_charged", _("顶装焦炉")
    STAMP_CHARGED = "stamp_charged", _("捣固焦炉")
    POWER_FREQUENCY = "power_frequency", _("工频炉")
    MEDIUM_FREQUENCY = "medium_frequency", _("中频炉")
    UNDERGROUND = "underground", _("井工开采")
    OPEN_PIT = "open_pit", _("露天开采")


class Product(models.TextChoices):
    """产品/用途: what a line makes, where the catalogue or a quota standard depends on it
    (铸造生铁 and 特种水泥 are exempt from some eliminated items; 地条钢 is what an induction
    furnace must not make)."""

    CLINKER = "clinker", _("水泥熟料")
    CEMENT = "cement", _("水泥")
    SPECIAL_CEMENT = "special_cement", _("特种水泥")
    PIG_IRON = "pig_iron", _("炼钢生铁")
    FOUNDRY_IRON = "foundry_iron", _("铸造生铁")
    FERROALLOY_IRON = "ferroalloy_iron", _("铁合金（高炉）")
    CAST_IRON_PIPE = "cast_iron_pipe", _("球墨铸管")
    CARBON_STEEL = "carbon_steel", _("普通碳素钢")
    ALLOY_STEEL = "alloy_steel", _("合金钢")
    STAINLESS_STEEL = "stainless_steel", _("不锈钢")
    CASTINGS = "castings", _("机械铸件")
    SINTER = "sinter", _("烧结矿")
    PELLET = "pellet", _("球团矿")
    FLAT_GLASS = "flat_glass", _("平板玻璃")
    PV_GLASS = "pv_glass", _("光伏压延玻璃")
    ALUMINIUM = "aluminium", _("电解铝")
    ALUMINA = "alumina", _("氧化铝")
    COKE = "coke", _("焦炭")
    CALCIUM_CARBIDE = "calcium_carbide", _("电石")
    FERROSILICON = "ferrosilicon", _("硅铁")
    SILICOMANGANESE = "silicomanganese", _("硅锰合金")
    FERROCHROME = "ferrochrome", _("铬铁")
    FERROMANGANESE = "ferromanganese", _("锰铁")
    COAL = "coal", _("原煤")
    ELECTRICITY = "electricity", _("电力")

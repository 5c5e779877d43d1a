"""演示执法台: the demo's enforcement cases, opened from the 2025 campaign's findings by the
officers who own them and driven through the services to a spread of states.

Every date is counted back from the day the demo is loaded (``timezone.localdate()``), so the
desk looks alive whenever ``phaseout demo`` runs, and two loads on the same day give the same
cases. The legal dates (送达, 复查, 验收 …) are those passed to the services; the case file records
every act at the moment it was entered, the day of loading, as when a department enters the cases
it already has on the day it starts using the platform.

The cases (工信部联产业〔2017〕30号 四至九):

* 城东区金盛水泥 YL-1, 能耗: notice served six months less sixteen days ago, its deadline within
  the month; the enterprise has asked for three more months (延期申请待决定).
* 城东区华晨玻璃 BL-1, 能耗: notice served seven months ago; the sweep has found it overdue.
* 北山县青峰建材, 安全: 停产停业整顿 since forty days ago, awaiting re-inspection.
* 北山县青峰建材 LY-1 机立窑, 技术: ordered dismantled; power cut by the power supplier, water cut
  by the water supplier, power devices removed, sealed, the enterprise's public commitment, the
  announcement; confirmed sealed, to be dismantled within three months.
* 北山县青峰建材 FM-1 Φ2.2 m 水泥磨, 技术: dismantled and accepted today: its capacity counts in
  this year's exits, and the first follow-up (回头看) is due in six months.
* 南江市江源水泥 YL-1 湿法窑, 环保: production restricted; re-inspected, still over the kiln-tail
  PM limit and serious, so the approval of 南江市人民政府 is requested (awaiting its leader).
* 城西区永兴钢铁, 质量: 停产整改 for six months after its failed sampling.
* 城东区天润建材, 环保: 停产整治 for discharging without a permit, with the officer's photos.
* 城东区天润金属制品, 质量: just opened, no order yet.

Idempotent: a scripted case whose subject already has a case in its dimension (in any state) is
left alone, so a second load changes nothing.
"""

from __future__ import annotations

import datetime
import struct
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from phaseout.enforcement import services
from phaseout.enforcement.choices import CaseState, EvidenceKind, MeasureKind, OrderKind
from phaseout.enforcement.deadlines import add_months
from phaseout.enforcement.models import Case, Measure
from phaseout.enforcement.sweep import sweep
from phaseout.regions.models import Region
from phaseout.registry.models import Enterprise, ProductionLine
from phaseout.screening.choices import Dimension
from phaseout.screening.demo import CAMPAIGN_NAME, COUNTY_CAMPAIGN_NAME
from phaseout.screening.models import Finding

DAY = datetime.timedelta(days=1)
CITY = "990100"
# A county's officers cite their own county's campaign, where it has one; the others the city's.
COUNTY_CAMPAIGNS = {"990102": COUNTY_CAMPAIGN_NAME}


class Desk:
    """What a scripted case is driven with: the day of loading and the demo's people."""

    def __init__(self, today: datetime.date):
        self.today = today
        self._users = {}

    def __call__(self, username: str):
        if username not in self._users:
            self._users[username] = get_user_model().objects.get(username=username)
        return self._users[username]

    def ago(self, days: int) -> datetime.date:
        return self.today - days * DAY


def extension_served_on(today: datetime.date) -> datetime.date:
    """When the notice of the case awaiting an extension decision was served: six months less
    sixteen days ago, so its period ends within the coming month (a rest day moves it on)."""
    return add_months(today, -6) + 16 * DAY


def overdue_served_on(today: datetime.date) -> datetime.date:
    """When the notice of the overdue case was served: seven months ago and three days, so its
    six months (however far a holiday moves them) ended before today."""
    return add_months(today, -7) - 3 * DAY


@dataclass(frozen=True)
class ScriptedCase:
    enterprise: str
    line: str | None
    dimension: str
    rule: str  # the finding's rule id, or its beginning
    officer: str  # who opens the case
    drive: Callable[[Case, Desk], Case]


# — evidence: small generated files with real magic numbers —


def png(seed: int, width: int = 160, height: int = 120) -> bytes:
    """A small valid greyscale PNG (a stand-in for a site photo); ``seed`` varies the pattern."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00"
        + bytes((x * seed + y * 3 + (x // 20 + y // 20) % 2 * 90) % 256 for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def pdf(*lines: str) -> bytes:
    """A one-page PDF 1.4 with ``lines`` in Helvetica (ASCII), its cross-reference table exact."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    text = " ".join(f"({line}) Tj 0 -20 Td" for line in escaped)
    stream = f"BT /F1 14 Tf 72 770 Td {text} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    kind = "application/pdf" if content.startswith(b"%PDF-") else "image/png"
    return SimpleUploadedFile(name, content, content_type=kind)


# — the scripted cases, in the order they are driven —


def _energy_extension_requested(case: Case, desk: Desk) -> Case:
    officer, company = desk("east_officer"), desk("east_cement_user")
    case = services.serve_order(case, by=officer, served_on=extension_served_on(desk.today))
    services.add_evidence(
        case,
        by=company,
        kind=EvidenceKind.RECTIFICATION,
        upload=_upload(
            "1#熟料线节能改造方案.pdf",
            pdf(
                "Demo evidence: energy-saving retrofit plan, clinker line YL-1",
                "Waste-heat power generation, kiln burner and cooler upgrade",
                "Target: clinker comprehensive energy <= 107 kgce/t",
            ),
        ),
        description="余热发电系统改造、燃烧器和篦冷机更换，改造后熟料综合能耗目标 107 kgce/t。",
    )
    services.add_comment(
        case,
        by=officer,
        text="已到现场核查：燃烧器已更换，余热发电机组尚未到货，篦冷机改造未开工。",
    )
    return services.request_extension(
        case,
        by=company,
        months=3,
        reason="余热发电机组因供货商排产推迟到货，篦冷机改造须在停窑检修期间施工，"
        "申请延期3个月完成整改。",
    )


def _energy_overdue(case: Case, desk: Desk) -> Case:
    officer = desk("east_officer")
    # The six months have run out: the sweep after the cases finds it overdue.
    case = services.serve_order(case, by=officer, served_on=overdue_served_on(desk.today))
    services.add_comment(
        case, by=officer, text="企业在整改期限内未报送整改方案，也未申请延期；电话催办两次。"
    )
    return case


def _safety_suspended(case: Case, desk: Desk) -> Case:
    return services.serve_order(case, by=desk("north_safety"), served_on=desk.ago(days=40))


def _shaft_kiln_sealed(case: Case, desk: Desk) -> Case:
    officer, today = desk("north_officer"), desk.today
    case = services.order_exit(
        case,
        by=officer,
        reason="机立窑属淘汰类装备；窑体与厂房结构相连，暂不具备拆除条件。",
        immediate=False,
    )
    measures = [
        (desk("north_power"), MeasureKind.POWER_CUT, "拆除10 kV进线开关，切断立窑供电。", None),
        (desk("north_water"), MeasureKind.WATER_CUT, "关闭并铅封厂区供水总阀。", None),
        (officer, MeasureKind.POWER_DEVICES_REMOVED, "拆除主电机、罗茨风机和卸料机电机。", None),
        (officer, MeasureKind.SEALED, "窑体、喂料系统加贴封条。", ("立窑封存现场.png", png(7))),
    ]
    for by, kind, note, upload in measures:
        services.record_measure(
            case,
            by=by,
            kind=kind,
            executed_on=today,
            note=note,
            upload=_upload(*upload) if upload else None,
        )
    services.sign_commitment(
        case,
        by=desk("north_cement_user"),
        text="本企业承诺：1#机立窑自即日起不再恢复生产，并在限期内自行拆除，接受社会监督。",
    )
    services.record_measure(
        case,
        by=officer,
        kind=MeasureKind.ANNOUNCEMENT,
        executed_on=today,
        note="在示范省工业和信息化厅网站公告。",
    )
    return services.confirm_sealed(case, by=officer)


def _mill_exited(case: Case, desk: Desk) -> Case:
    officer, today = desk("north_officer"), desk.today
    case = services.order_exit(
        case, by=officer, reason="Φ2.2 m水泥磨属淘汰类装备，具备拆除条件，立即拆除。", months=1
    )
    services.record_measure(
        case,
        by=officer,
        kind=MeasureKind.DISMANTLED,
        executed_on=today,
        note="磨机筒体切割解体，主电机拆除。",
        upload=_upload("水泥磨拆除现场.png", png(13)),
    )
    return services.accept_exit(
        case,
        by=officer,
        accepted_on=today,
        notes="主体设备已拆除并切割，不具备恢复生产条件，验收合格。",
        upload=_upload(
            "落后设备拆除验收意见表.pdf",
            pdf(
                "Demo evidence: acceptance of dismantling",
                "Cement mill FM-1 (2.2 x 6.5 m) dismantled and cut up",
                "Accepted by the county industry and IT bureau",
            ),
        ),
    )


def _wet_kiln_approval_requested(case: Case, desk: Desk) -> Case:
    officer = desk("nanjiang_env")
    case = services.serve_order(
        case, by=officer, served_on=desk.ago(days=45), order_kind=OrderKind.RESTRICT
    )
    case = services.record_reinspection(
        case,
        by=officer,
        inspected_on=desk.ago(days=10),
        compliant=False,
        serious=True,
        notes="限制生产期间窑尾颗粒物 52 mg/m³，仍超标排放；企业拒不停运湿法窑。",
    )
    services.add_evidence(
        case,
        by=officer,
        kind=EvidenceKind.INSPECTION,
        upload=_upload("窑尾监测采样现场.png", png(5)),
        description="复查时窑尾烟道采样现场。",
    )
    return services.request_approval(
        case,
        by=officer,
        reason="限制生产后复查仍超标排放，拒不改正，情节严重，提请批准责令停业、关闭。",
    )


def _quality_suspended(case: Case, desk: Desk) -> Case:
    officer = desk("west_market")
    case = services.serve_order(case, by=officer, served_on=desk.ago(days=20))
    services.add_comment(
        case, by=officer, text="已责令企业召回不合格批次热轧带肋钢筋，并封存库存产品。"
    )
    return case


def _discharge_suspended(case: Case, desk: Desk) -> Case:
    officer = desk("east_env")
    case = services.serve_order(
        case, by=officer, served_on=desk.ago(days=30), order_kind=OrderKind.SUSPEND_REMEDY
    )
    services.add_evidence(
        case,
        by=officer,
        kind=EvidenceKind.INSPECTION,
        upload=_upload("停产整治现场检查.png", png(3)),
        description="停产整治现场检查：窑磨已停运。",
    )
    return case


def _opened(case: Case, desk: Desk) -> Case:
    return case


CASES: tuple[ScriptedCase, ...] = (
    ScriptedCase(
        "城东区金盛水泥有限公司",
        "YL-1",
        Dimension.ENERGY,
        "gb16780-2021.clinker-energy",
        "east_officer",
        _energy_extension_requested,
    ),
    ScriptedCase(
        "城东区华晨玻璃股份有限公司",
        "BL-1",
        Dimension.ENERGY,
        "gb21340-2019.flat-glass-energy",
        "east_officer",
        _energy_overdue,
    ),
    # Before the two lines' cases: suspending the whole enterprise suspends its lines in service.
    ScriptedCase(
        "北山县青峰建材有限公司",
        None,
        Dimension.SAFETY,
        "miit-2017-30.safety-conditions",
        "north_safety",
        _safety_suspended,
    ),
    ScriptedCase(
        "北山县青峰建材有限公司",
        "LY-1",
        Dimension.TECHNOLOGY,
        "catalogue-carryover.cement-shaft-kiln",
        "north_officer",
        _shaft_kiln_sealed,
    ),
    ScriptedCase(
        "北山县青峰建材有限公司",
        "FM-1",
        Dimension.TECHNOLOGY,
        "catalogue-carryover.cement-mill-3m",
        "north_officer",
        _mill_exited,
    ),
    ScriptedCase(
        "南江市江源水泥有限公司",
        "YL-1",
        Dimension.ENVIRONMENT,
        "gb4915-2013.kiln-pm",
        "nanjiang_env",
        _wet_kiln_approval_requested,
    ),
    ScriptedCase(
        "城西区永兴钢铁有限公司",
        None,
        Dimension.QUALITY,
        "miit-2017-30.quality-sampling",
        "west_market",
        _quality_suspended,
    ),
    ScriptedCase(
        "城东区天润建材有限公司",
        None,
        Dimension.ENVIRONMENT,
        "discharge-permit-2021.permit-held",
        "east_env",
        _discharge_suspended,
    ),
    ScriptedCase(
        "城东区天润金属制品有限公司",
        None,
        Dimension.QUALITY,
        "production-licence-2005.steel-bars",
        "east_market",
        _opened,
    ),
)


def _finding(enterprise: Enterprise, line: ProductionLine | None, scripted: ScriptedCase):
    """The campaign finding the case cites: the county's own campaign's, else the city's."""
    findings = Finding.objects.filter(
        enterprise=enterprise,
        line=line,
        dimension=scripted.dimension,
        rule_id__startswith=scripted.rule,
        superseded_at__isnull=True,
    )
    for name in (COUNTY_CAMPAIGNS.get(enterprise.region.code), CAMPAIGN_NAME):
        finding = findings.filter(campaign__name=name).order_by("pk").first()
        if finding is not None:
            return finding
    raise RuntimeError(
        f"the demo campaign has no finding {scripted.rule} for {enterprise.name} "
        f"{scripted.line or ''}; run the screening demo first"
    )


@transaction.atomic
def load() -> dict:
    """Open and drive the scripted cases not yet opened, then run the deadline sweep; returns
    the number of cases created and the cases of the demo city by state."""
    desk = Desk(timezone.localdate())
    created = 0
    for scripted in CASES:
        enterprise = Enterprise.objects.select_related("region").get(name=scripted.enterprise)
        line = enterprise.lines.get(code=scripted.line) if scripted.line else None
        if Case.objects.filter(
            enterprise=enterprise, line=line, dimension=scripted.dimension
        ).exists():
            continue
        case = services.open_case(
            by=desk(scripted.officer),
            dimension=scripted.dimension,
            enterprise=enterprise,
            line=line,
            findings=[_finding(enterprise, line, scripted)],
        )
        scripted.drive(case, desk)
        created += 1
    overdue = sweep(today=desk.today).overdue if created else 0
    city = Region.objects.get(code=CITY)
    states = Counter(
        Case.objects.filter(region__code__startswith=city.prefix).values_list("state", flat=True)
    )
    return {
        "created": created,
        "overdue": overdue,
        "states": {state: states[state] for state in CaseState.values if states[state]},
    }


def held_statuses() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The statuses that enforcement measures in force hold, as ({credit code: enterprise
    status}, {(credit code, line code): line status}).

    While such a measure is in force a status changes only through the measure and its lifting,
    never by editing the ledger (services.check_line_status); the demo's ledger sync leaves them.
    """
    in_force = Measure.objects.filter(
        lifted_on__isnull=True, kind__in=sorted(services.BLOCKS_OPERATING)
    )
    whole = in_force.filter(line__isnull=True, license__isnull=True)
    enterprises = dict(
        Enterprise.objects.filter(measures__in=whole)
        .distinct()
        .values_list("credit_code", "status")
    )
    lines = ProductionLine.objects.filter(
        Q(measures__in=in_force) | Q(enterprise__credit_code__in=list(enterprises))
    ).distinct()
    return enterprises, {
        (credit_code, code): status
        for credit_code, code, status in lines.values_list(
            "enterprise__credit_code", "code", "status"
        )
    }

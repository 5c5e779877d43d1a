"""演示举报: three tip-offs for `phaseout demo` — one waiting to be accepted, one from the 12345
hotline under verification by 城东区生态环境, and one handled with its outcome published.

The reporters are invented (演示来电人); their details are encrypted like any others. Loaded once:
if the demo already has tip-offs, nothing is added (tracking codes are shown only at filing, so
the demo's are not printed either)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from phaseout.regions.models import Region
from phaseout.registry.models import Enterprise
from phaseout.tipoffs import services
from phaseout.tipoffs.choices import Channel
from phaseout.tipoffs.models import Tipoff


def load() -> int:
    """The number of tip-offs added (0 on a second load, or without the demo's people)."""
    if Tipoff.objects.exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["east_officer", "east_env"]
    )}  # fmt: skip
    east = Region.objects.filter(code="990102").first()
    enterprise = Enterprise.objects.filter(region=east).order_by("credit_code").first()
    if len(users) < 2 or east is None or enterprise is None:
        return 0
    officer, env = users["east_officer"], users["east_env"]
    department = env.person.department

    services.receive(
        region=east,
        enterprise_name="城东区某无名砖厂",
        enterprise_address="城东区东郊镇河湾村",
        description="村北砖厂使用24门以下轮窑，晚上生产，烟很大。",
    )

    hotline = services.receive(
        by=officer,
        channel=Channel.HOTLINE,
        region=east,
        enterprise_name=enterprise.name,
        description="12345热线转办：来电反映该企业夜间生产时粉尘排放明显。",
        anonymous=False,
        name="演示来电人",
        phone="010-00000000",
    ).tipoff
    services.triage(hotline, by=officer, accept=True, enterprise=enterprise, note="属于工作范围")
    services.assign(
        hotline, by=officer, department=department, handlers=[env], dimension="ENVIRONMENT"
    )
    services.set_verification(hotline, by=env, task="夜间现场检查颗粒物排放及治理设施运行情况")

    handled = services.receive(
        region=east,
        enterprise_name=enterprise.name,
        description="厂区内有一台旧磨机好像还在用。",
    ).tipoff
    services.triage(handled, by=officer, accept=True, enterprise=enterprise)
    services.assign(handled, by=officer, department=department, handlers=[env])
    services.set_verification(handled, by=env, task="核查旧磨机是否仍在使用")
    services.record_finding(
        handled, by=env, substantiated=False, text="现场核查：该磨机已停用并断电，未发现生产。"
    )
    services.publish_outcome(
        handled,
        by=env,
        summary="反映企业仍在使用旧磨机",
        outcome="经现场核查，该磨机已停用并断电，未发现生产，举报不属实。",
    )
    return 3

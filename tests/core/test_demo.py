"""`phaseout demo`: what the synthetic city 示范市 holds — regions, departments, valid and
plausible registry records, backward lines for later steps, and people whose log-ins work.

The demo is loaded once for this module inside a transaction that is rolled back at its end
(as Django's setUpTestData does); each test runs in a savepoint within it. Loading into an empty
database, determinism and idempotence are tested in test_demo_command.py.
"""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from phaseout.core import demo
from phaseout.regions.choices import DepartmentKind, RegionLevel, Role
from phaseout.regions.models import Department, Person, Region
from phaseout.regions.scope import Scope
from phaseout.registry.choices import (
    EQUIPMENT_CAPACITY_UNITS,
    EQUIPMENT_SIZE_UNITS,
    EnterpriseSize,
    EquipmentType,
    LegalStanding,
    LicenseKind,
)
from phaseout.registry.creditcode import credit_code_problem
from phaseout.registry.models import Enterprise, Industry, License, ProductionLine

E = EquipmentType


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        with override_settings(DEBUG=True):
            out = run_demo()
    try:
        yield out
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def output(loaded, db):
    return loaded


# — the jurisdiction —


def test_regions_form_the_demo_city(output):
    city = Region.objects.get(code="990100")
    assert city.name == "示范市" and city.level == RegionLevel.CITY
    assert city.parent.code == "990000"
    children = {r.code: (r.name, r.level) for r in city.children.all()}
    assert children == {
        "990102": ("城东区", RegionLevel.COUNTY),
        "990103": ("城西区", RegionLevel.COUNTY),
        "990121": ("北山县", RegionLevel.COUNTY),
        "990181": ("南江市", RegionLevel.COUNTY),
        "990171": ("示范经济技术开发区", RegionLevel.PARK),
    }


def test_every_department_kind_at_city_and_each_county(output):
    for code in ("990100", "990102", "990103", "990121", "990181"):
        kinds = set(Department.objects.filter(region__code=code).values_list("kind", flat=True))
        assert kinds == set(DepartmentKind.values), code
    names = set(Department.objects.values_list("name", flat=True))
    assert {"示范市经济和信息化委员会", "城东区生态环境局", "国网城东区供电公司"} <= names


def test_counts_are_in_range(output):
    assert 280 <= Enterprise.objects.count() <= 320
    assert 540 <= ProductionLine.objects.count() <= 660
    assert License.objects.count() >= 300


def test_enterprises_spread_over_counties_and_park(output):
    for code in ("990102", "990103", "990121", "990181", "990171"):
        assert Enterprise.objects.filter(region__code=code).count() >= 20, code


def test_key_industries_weighted_towards_the_heavy_ones(output):
    key = set(Industry.objects.filter(is_key=True).values_list("code", flat=True))
    used = set(Enterprise.objects.values_list("industry__code", flat=True))
    assert used == key

    def count(*prefixes):
        return sum(
            Enterprise.objects.filter(industry__code__startswith=p).count() for p in prefixes
        )

    for heavy in ("31", "3011", "06", "3041", "2521", "22"):
        assert count(heavy) > count("2672"), heavy
        assert count(heavy) > count("3212"), heavy


def test_below_scale_and_unlicensed_enterprises_are_among_them(output):
    assert Enterprise.objects.filter(size=EnterpriseSize.BELOW).count() >= 30
    lacking = Enterprise.objects.filter(legal_standing=LegalStanding.LACKING)
    assert lacking.count() >= 5
    # an enterprise lacking legal procedures holds no licenses
    assert not License.objects.filter(enterprise__in=lacking).exists()


# — validity —


def test_every_credit_code_is_valid_and_names_its_region(output):
    for code, region in Enterprise.objects.values_list("credit_code", "region__code"):
        assert credit_code_problem(code) is None, code
        assert code[2:8] == region
        assert code[16] == demo.organization_code_check(code[8:16]), code


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",
        "914403001922038216",
        "91440300708461136T",
        "91330100799655058B",
        "91110000802100433B",
        "91110108551385082Q",
    ],
)
def test_organization_code_check_matches_published_codes(code):
    # policy-facts.md §4: these pass both the GB 32100 and the GB 11714 check
    assert demo.organization_code_check(code[8:16]) == code[16]


def test_every_line_unit_fits_its_equipment(output):
    for equipment, unit in ProductionLine.objects.values_list("equipment_type", "capacity_unit"):
        assert unit in EQUIPMENT_CAPACITY_UNITS[equipment], (equipment, unit)


def test_commissioning_years_are_plausible(output):
    years = set(ProductionLine.objects.values_list("commissioning_year", flat=True))
    assert min(years) >= 1995 and max(years) <= 2022


def test_records_pass_full_clean(output):
    # The loader checks every record's fields and rules before writing; this also runs the
    # database-backed checks (foreign keys, uniqueness) on a sample of each model.
    for model in (Region, Department, Person, Enterprise, ProductionLine, License):
        for obj in model.objects.order_by("pk")[::9]:
            obj.full_clean()


def test_discharge_permit_numbers_extend_the_credit_code(output):
    permits = License.objects.filter(kind=LicenseKind.DISCHARGE).select_related("enterprise")
    assert permits.count() >= 200
    for permit in permits:
        assert re.fullmatch(
            r"\d{3}[PVU]", permit.number.removeprefix(permit.enterprise.credit_code)
        )
        assert permit.valid_from < permit.valid_until


def test_production_and_safety_licenses_where_the_law_asks(output):
    production = set(
        License.objects.filter(kind=LicenseKind.PRODUCTION).values_list(
            "enterprise__industry__code", flat=True
        )
    )
    assert {"3011", "3041"} <= production
    safety = set(
        License.objects.filter(kind=LicenseKind.SAFETY).values_list(
            "enterprise__industry__code", flat=True
        )
    )
    assert "0610" in safety and "2672" in safety


@pytest.mark.parametrize(
    "equipment, capacity, unit",
    [
        (EquipmentType.CONVERTER, 20, "t"),
        (EquipmentType.BLAST_FURNACE, 300, "m3"),
        (EquipmentType.ALUMINIUM_CELL, 90, "kA"),
        (EquipmentType.COAL_MINE, 3, "10kt/a"),
    ],
)
def test_plainly_backward_lines_exist(output, equipment, capacity, unit):
    assert ProductionLine.objects.filter(
        equipment_type=equipment, capacity=capacity, capacity_unit=unit
    ).exists()


def test_shaft_kiln_induction_furnace_and_clinker_over_its_limit(output):
    assert ProductionLine.objects.filter(equipment_type=EquipmentType.SHAFT_KILN).exists()
    furnace = ProductionLine.objects.get(equipment_type=EquipmentType.INDUCTION_FURNACE)
    assert "建筑用" in furnace.name + furnace.notes
    clinker = ProductionLine.objects.get(notes__contains="熟料综合能耗 125 kgce/t")
    assert clinker.equipment_type == EquipmentType.CEMENT_KILN
    assert "GB 16780-2021 限额 117" in clinker.notes


# — what the technology catalogue judges: equipment size, process, product —


@pytest.mark.parametrize(
    "enterprise, code, size, unit, process, product",
    [
        ("城西区永兴钢铁有限公司", "ZL-1", "20", "t", "", "carbon_steel"),
        ("城西区永兴钢铁有限公司", "ZL-2", "60", "t", "", "carbon_steel"),
        ("北山县青峰建材有限公司", "LY-1", "2.5", "m", "shaft", "clinker"),
        ("北山县青峰建材有限公司", "FM-1", "2.2", "m", "", "cement"),
        ("南江市隆昌铁业有限公司", "GL-1", "300", "m3", "", "pig_iron"),
        ("南江市隆昌铁业有限公司", "SJ-1", "36", "m2", "", "sinter"),
        ("示范鼎盛铝业有限公司", "DJ-1", "90", "kA", "prebaked", "aluminium"),
        ("城西区鸿运金属制品有限公司", "ZP-1", "10", "t", "medium_frequency", "carbon_steel"),
        ("城东区金盛水泥有限公司", "YL-1", "2500", "t/d", "new_dry", "clinker"),
        ("南江市江源水泥有限公司", "YL-1", "700", "t/d", "wet", "clinker"),
        ("城西区晶华玻璃有限公司", "BL-1", "150", "t/d", "drawn_sheet", "flat_glass"),
        ("北山县福源煤业有限责任公司", "MK-1", None, "", "underground", "coal"),
    ],
)
def test_scripted_lines_carry_their_size_process_and_product(
    output, enterprise, code, size, unit, process, product
):
    line = ProductionLine.objects.get(enterprise__name=enterprise, code=code)
    assert line.size == (None if size is None else Decimal(size))
    assert (line.size_unit, line.process, line.product) == (unit, process, product)


def test_every_size_unit_fits_its_equipment(output):
    rows = ProductionLine.objects.values_list("equipment_type", "size", "size_unit")
    for equipment, size, unit in rows:
        assert (size is None) == (unit == ""), (equipment, size, unit)
        if unit:
            assert unit in EQUIPMENT_SIZE_UNITS[equipment], (equipment, unit)
    sized = ProductionLine.objects.exclude(size_unit="").count()
    assert sized >= 0.6 * ProductionLine.objects.count()


def _backward(line: demo.LinePlan) -> bool:
    """The eliminated categories the demo's scripted lines stand for (policy-facts.md §3)."""
    size = line.size
    return (
        (line.equipment_type == E.BLAST_FURNACE and size is not None and size <= 400)
        or (line.equipment_type in (E.CONVERTER, E.ELECTRIC_ARC_FURNACE) and size <= 30)
        or line.equipment_type in (E.INDUCTION_FURNACE, E.SHAFT_KILN)
        or (line.equipment_type == E.CEMENT_MILL and size is not None and size < 3)
        or (line.equipment_type == E.ALUMINIUM_CELL and (line.process != "prebaked" or size <= 100))
        or (line.equipment_type == E.CEMENT_KILN and line.process != "new_dry")
        or (line.equipment_type == E.GLASS_FURNACE and line.process != "float")
        or (line.equipment_type == E.COAL_MINE and line.capacity <= 9)
    )


def test_only_scripted_lines_are_backward():
    scripted = {s.name for s in demo.SCRIPTED}
    backward = {
        (e.name, line.code)
        for e in demo.build_plan().enterprises
        for line in e.lines
        if _backward(line)
    }
    assert {name for name, _code in backward} <= scripted
    assert backward == {
        ("城西区永兴钢铁有限公司", "ZL-1"),
        ("北山县青峰建材有限公司", "LY-1"),
        ("北山县青峰建材有限公司", "FM-1"),
        ("南江市隆昌铁业有限公司", "GL-1"),
        ("城西区鸿运金属制品有限公司", "ZP-1"),
        ("示范鼎盛铝业有限公司", "DJ-1"),
        ("南江市江源水泥有限公司", "YL-1"),
        ("城西区晶华玻璃有限公司", "BL-1"),
        ("北山县福源煤业有限责任公司", "MK-1"),
    }


def test_generated_lines_carry_attributes_where_the_catalogue_looks():
    lines = [line for e in demo.build_plan().enterprises for line in e.lines]
    kilns = [line for line in lines if line.equipment_type == E.CEMENT_KILN]
    assert {line.process for line in kilns} == {"new_dry", "wet"}
    assert all(line.size == line.capacity for line in kilns)
    mills = [line for line in lines if line.equipment_type == E.CEMENT_MILL]
    assert all(line.size_unit == "m" and line.product == "cement" for line in mills)
    ovens = [line for line in lines if line.equipment_type == E.COKE_OVEN]
    for oven in ovens:
        assert f"{oven.size.normalize():f}米" in oven.name
        assert ("捣固" in oven.name) == (oven.process == "stamp_charged")


# — the people —


def printed_logins(output: str) -> tuple[str, list[str]]:
    password = re.search(r"口令相同）：(\S+)", output).group(1)
    table = output.split("\n\n")[2].splitlines()
    assert table[0].startswith("用户名")
    return password, [row.split()[0] for row in table[2:]]


def test_printed_logins_work(output, client):
    password, usernames = printed_logins(output)
    assert password == "phaseout-demo-2026"
    assert set(usernames) == {
        "east_officer",
        "city_leader",
        "north_officer",
        "city_auditor",
        "east_cement_user",
        "admin",
        # the enforcement desk
        "east_env",
        "east_market",
        "east_safety",
        "east_power",
        "east_water",
        "east_leader",
        "north_safety",
        "north_power",
        "north_water",
        "north_cement_user",
        "nanjiang_env",
        "nanjiang_leader",
        "west_market",
        # the city's list publishers
        "city_officer",
        "city_reviewer",
        "city_env",
        "city_env_reviewer",
    }
    for username in usernames:
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert response.status_code == 302, username
        assert client.session["_auth_user_id"]
        client.logout()


def test_administrator_reaches_the_admin(output, client):
    client.post(reverse("login"), {"username": "admin", "password": demo.PASSWORD})
    assert client.get(reverse("admin:index")).status_code == 200


def test_roles_and_scopes(output):
    User = get_user_model()
    roles = {p.user.username: p.role for p in Person.objects.select_related("user")}
    assert roles == {
        "east_officer": Role.OFFICER,
        "city_leader": Role.LEADER,
        "north_officer": Role.OFFICER,
        "city_auditor": Role.AUDITOR,
        "east_cement_user": Role.ENTERPRISE,
        "admin": Role.ADMINISTRATOR,
        "east_env": Role.OFFICER,
        "east_market": Role.OFFICER,
        "east_safety": Role.OFFICER,
        "east_power": Role.OFFICER,
        "east_water": Role.OFFICER,
        "east_leader": Role.LEADER,
        "north_safety": Role.OFFICER,
        "north_power": Role.OFFICER,
        "north_water": Role.OFFICER,
        "north_cement_user": Role.ENTERPRISE,
        "nanjiang_env": Role.OFFICER,
        "nanjiang_leader": Role.LEADER,
        "west_market": Role.OFFICER,
        "city_officer": Role.OFFICER,
        "city_reviewer": Role.OFFICER,
        "city_env": Role.OFFICER,
        "city_env_reviewer": Role.OFFICER,
    }
    officer = User.objects.get(username="east_officer")
    seen = Scope.of(officer).enterprises()
    assert seen.exists() and not seen.exclude(region__code="990102").exists()
    assert Scope.of(officer).keeps_registry
    enterprise_user = User.objects.get(username="east_cement_user")
    assert [e.name for e in Scope.of(enterprise_user).enterprises()] == ["城东区金盛水泥有限公司"]
    leader = User.objects.get(username="city_leader")
    assert Scope.of(leader).enterprises().count() == Enterprise.objects.count()
    assert not Scope.of(leader).keeps_registry
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff

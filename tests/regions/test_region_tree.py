"""行政区划: the tree follows the GB/T 2260 codes; codes may be valid for a period."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from phaseout.regions.choices import RegionLevel
from phaseout.regions.models import Region, code_prefix, parent_code


@pytest.mark.parametrize(
    "code, parent",
    [("320102", "320100"), ("320100", "320000"), ("320000", None), ("990171", "990100")],
)
def test_parent_code_follows_gb2260(code, parent):
    assert parent_code(code) == parent


def test_prefix_by_level():
    assert code_prefix("320000", RegionLevel.PROVINCE) == "32"
    assert code_prefix("320100", RegionLevel.CITY) == "3201"
    assert code_prefix("320102", RegionLevel.COUNTY) == "320102"


def test_within_uses_code_prefix(jurisdiction):
    codes = set(Region.objects.within(jurisdiction["city"]).values_list("code", flat=True))
    assert codes == {"990100", "990102", "990121", "990171"}


def test_wrong_parent_is_rejected(jurisdiction):
    region = Region(
        code="990103", name="城西区", level=RegionLevel.COUNTY, parent=jurisdiction["province"]
    )
    with pytest.raises(ValidationError) as exc:
        region.full_clean()
    assert "990100" in str(exc.value)


def test_county_code_cannot_end_in_00(jurisdiction):
    region = Region(code="990200", name="错误", level=RegionLevel.COUNTY)
    with pytest.raises(ValidationError):
        region.full_clean()


def test_code_changes_keep_history(jurisdiction):
    east = jurisdiction["east"]
    east.valid_to = datetime.date(2024, 1, 1)
    east.save()
    renamed = Region.objects.create(
        code="990102",
        name="城东新区",
        level=RegionLevel.COUNTY,
        parent=jurisdiction["city"],
        valid_from=datetime.date(2024, 1, 1),
    )
    assert Region.objects.current().get(code="990102") == renamed
    assert Region.objects.valid_on(datetime.date(2023, 6, 1)).get(code="990102") == east
    with pytest.raises(IntegrityError):
        Region.objects.create(code="990102", name="重复", level=RegionLevel.COUNTY)

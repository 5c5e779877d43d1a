"""Registry forms: they validate and render; the views hand cleaned_data to registry/services.py."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phaseout.core.forms import BootstrapFormMixin
from phaseout.regions.models import Region
from phaseout.regions.scope import Scope
from phaseout.registry import services
from phaseout.registry.choices import (
    EQUIPMENT_CAPACITY_UNITS,
    EQUIPMENT_SIZE_UNITS,
    CapacityUnit,
    EquipmentType,
    SizeUnit,
)
from phaseout.registry.creditcode import normalize
from phaseout.registry.models import Enterprise, Industry, License, ProductionLine


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class EnterpriseForm(BootstrapFormMixin, forms.ModelForm):
    """登记/修改企业. The region choice is limited to the regions the person may edit."""

    class Meta:
        model = Enterprise
        fields = services.ENTERPRISE_FIELDS
        widgets = {
            "credit_code": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = Scope.of(user)
        regions = scope.regions() if scope.keeps_registry else Region.objects.none()
        keep = Q(valid_to__isnull=True)
        if self.instance.region_id:
            # A record kept under a region code since retired stays editable without moving it.
            keep |= Q(pk=self.instance.region_id)
        self.fields["region"].queryset = regions.filter(keep).order_by("code")
        self.fields["industry"].queryset = Industry.objects.order_by("code")

    def clean_credit_code(self) -> str:
        # The stored form is upper case, so that the uniqueness check sees the same code.
        return normalize(self.cleaned_data["credit_code"])


class ProductionLineForm(BootstrapFormMixin, forms.ModelForm):
    """登记/修改生产线（主体设备）of one enterprise (form.instance.enterprise)."""

    class Meta:
        model = ProductionLine
        fields = services.LINE_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity_unit"].help_text = _(
            "产能按年产量（吨/年、万吨/年）或按设备规模（高炉容积、电炉公称容量、电解槽电流等）填写。"
        )

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if code and duplicate_line_code(self.instance, code):
            self.add_error("code", duplicate_line_message(code))
        return cleaned


class LicenseForm(BootstrapFormMixin, forms.ModelForm):
    """登记/修改证照 of one enterprise (form.instance.enterprise)."""

    class Meta:
        model = License
        fields = services.LICENSE_FIELDS
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}

    def clean(self):
        cleaned = super().clean()
        kind, number = cleaned.get("kind"), cleaned.get("number")
        if kind and number and duplicate_license(self.instance, kind, number):
            self.add_error("number", duplicate_license_message())
        return cleaned


def duplicate_line_code(line: ProductionLine, code: str) -> bool:
    """Whether another line of the same enterprise already has this code."""
    if not line.enterprise_id:
        return False
    return (
        ProductionLine.objects.filter(enterprise_id=line.enterprise_id, code=code)
        .exclude(pk=line.pk)
        .exists()
    )


def duplicate_line_message(code: str) -> str:
    return _("本企业已有编号为“%(code)s”的生产线。") % {"code": code}


def duplicate_license(license_: License, kind: str, number: str) -> bool:
    return License.objects.filter(kind=kind, number=number).exclude(pk=license_.pk).exists()


def duplicate_license_message() -> str:
    return _("已有相同类别和编号的证照。")


def allowed_units_text(equipment_type: str) -> str:
    """The capacity units that fit an equipment type, for help texts."""
    return "、".join(
        str(CapacityUnit(u).label) for u in EQUIPMENT_CAPACITY_UNITS.get(equipment_type, ())
    )


def allowed_size_units_text(equipment_type: str) -> str:
    """The size units that fit an equipment type, or a dash when it is not judged by a size."""
    units = EQUIPMENT_SIZE_UNITS.get(equipment_type, ())
    return "、".join(str(SizeUnit(u).label) for u in units) or "—"


def unit_table() -> list[tuple[str, str, str]]:
    """(equipment, capacity units, size units that fit it) for every equipment type, shown
    beside the line form."""
    return [
        (str(t.label), allowed_units_text(t.value), allowed_size_units_text(t.value))
        for t in EquipmentType
    ]

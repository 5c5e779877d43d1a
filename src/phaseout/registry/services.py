"""Registry operations (企业台账): the only code that writes enterprises, lines and licenses.

One function per act, keyword arguments, one transaction, the permission check first. The
history of every change (who, when, what) is kept by django-simple-history; the acting user is
recorded on the history row.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from phaseout.regions.scope import Scope
from phaseout.registry.models import Enterprise, License, ProductionLine

ENTERPRISE_FIELDS = (
    "credit_code",
    "name",
    "region",
    "industry",
    "size",
    "legal_standing",
    "address",
    "legal_representative",
    "employees",
    "status",
    "notes",
)
LINE_FIELDS = (
    "code",
    "name",
    "equipment_type",
    "capacity",
    "capacity_unit",
    "size",
    "size_unit",
    "process",
    "product",
    "commissioning_year",
    "status",
    "notes",
)
LICENSE_FIELDS = ("kind", "number", "issuer", "valid_from", "valid_until", "status")

# The columns a bulk write (ledger import, demo) compares and updates, in this order: every
# value but the natural key (credit code; enterprise + line code), foreign keys by column.
ENTERPRISE_VALUE_COLUMNS = tuple(
    Enterprise._meta.get_field(f).attname for f in ENTERPRISE_FIELDS if f != "credit_code"
)
LINE_VALUE_COLUMNS = tuple(f for f in LINE_FIELDS if f != "code")


def _assign(obj, fields: tuple[str, ...], values: dict[str, Any]) -> None:
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for field, value in values.items():
        setattr(obj, field, value)


def _save(obj, by) -> None:
    obj.full_clean()
    obj._history_user = by
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as error:
        # Another person saved a conflicting record between full_clean() and save().
        raise ValidationError(_("保存失败：与已有记录冲突，请刷新后重试。")) from error


def _delete(obj, by) -> None:
    obj._history_user = by
    try:
        obj.delete()
    except ProtectedError as error:
        kinds = sorted({str(o._meta.verbose_name) for o in error.protected_objects})
        raise ValidationError(
            _("“%(object)s”仍有%(kinds)s记录，不能删除。")
            % {"object": obj, "kinds": "、".join(kinds)}
        ) from error


@transaction.atomic
def create_enterprise(*, by, **values: Any) -> Enterprise:
    """登记企业: add an enterprise to the registry of a region in the person's scope."""
    enterprise = Enterprise()
    _assign(enterprise, ENTERPRISE_FIELDS, values)
    if "credit_code" in values:
        enterprise.credit_code = (values["credit_code"] or "").strip().upper()
    Scope.of(by).require_registry_edit(enterprise.region)
    _save(enterprise, by)
    return enterprise


@transaction.atomic
def update_enterprise(enterprise: Enterprise, *, by, **values: Any) -> Enterprise:
    """修改企业信息. Moving it to another region needs scope over both regions."""
    scope = Scope.of(by)
    scope.require_registry_edit(enterprise.region)
    _assign(enterprise, ENTERPRISE_FIELDS, values)
    if "credit_code" in values:
        enterprise.credit_code = (values["credit_code"] or "").strip().upper()
    scope.require_registry_edit(enterprise.region)
    _save(enterprise, by)
    return enterprise


@transaction.atomic
def create_line(enterprise: Enterprise, *, by, **values: Any) -> ProductionLine:
    """登记生产线/主体设备 of an enterprise."""
    Scope.of(by).require_registry_edit(enterprise.region)
    line = ProductionLine(enterprise=enterprise)
    _assign(line, LINE_FIELDS, values)
    _save(line, by)
    return line


@transaction.atomic
def update_line(line: ProductionLine, *, by, **values: Any) -> ProductionLine:
    """修改生产线信息."""
    Scope.of(by).require_registry_edit(line.enterprise.region)
    if "status" in values:
        from phaseout.enforcement.services import check_line_status

        check_line_status(line, values["status"])
    _assign(line, LINE_FIELDS, values)
    _save(line, by)
    return line


@transaction.atomic
def create_license(enterprise: Enterprise, *, by, **values: Any) -> License:
    """登记证照 (production license, safety license, discharge permit)."""
    Scope.of(by).require_registry_edit(enterprise.region)
    license_ = License(enterprise=enterprise)
    _assign(license_, LICENSE_FIELDS, values)
    _save(license_, by)
    return license_


@transaction.atomic
def update_license(license_: License, *, by, **values: Any) -> License:
    """修改证照信息."""
    Scope.of(by).require_registry_edit(license_.enterprise.region)
    if "status" in values:
        from phaseout.enforcement.services import check_license_status

        check_license_status(license_, values["status"])
    _assign(license_, LICENSE_FIELDS, values)
    _save(license_, by)
    return license_


# Deleting is for correcting a record entered by mistake. A record that only left production
# keeps its row with status exited, so that the year's exit (年度退出名单) can count it.


@transaction.atomic
def delete_enterprise(enterprise: Enterprise, *, by) -> None:
    """删除误登记的企业 (only one without lines, licenses or users)."""
    Scope.of(by).require_registry_edit(enterprise.region)
    _delete(enterprise, by)


@transaction.atomic
def delete_line(line: ProductionLine, *, by) -> None:
    """删除误登记的生产线."""
    Scope.of(by).require_registry_edit(line.enterprise.region)
    _delete(line, by)


@transaction.atomic
def delete_license(license_: License, *, by) -> None:
    """删除误登记的证照."""
    Scope.of(by).require_registry_edit(license_.enterprise.region)
    _delete(license_, by)

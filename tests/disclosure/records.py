"""Helpers for the public-record tests: published snapshots with planted rows."""

from __future__ import annotations

import datetime

from phaseout.disclosure import services
from phaseout.disclosure.choices import ListKind
from phaseout.disclosure.models import ListSnapshot
from tests.disclosure.test_public import entry

D = datetime.date
SCRIPT = "<script>alert(1)</script>"


def snapshot(kind, region, rows, *, by, reviewer=None, cut_off=None, year=None):
    """A snapshot of ``kind`` with plain ``rows``; published when a reviewer is given."""
    cut_off = cut_off or datetime.date.today()
    if kind == ListKind.ANNUAL_EXIT and year is None:
        year = cut_off.year
    made = services.prepare_list(kind, region=region, cut_off=cut_off, year=year, by=by)
    for position, fields in enumerate(rows, start=1):
        entry(made, position, **fields)
    ListSnapshot.objects.filter(pk=made.pk).update(entry_count=len(rows))
    if reviewer is None:
        return made
    made = services.review_list(made, by=reviewer)
    return services.publish_list(made, by=reviewer)


def naming(enterprise, **fields):
    """A row naming a registry enterprise."""
    return {
        "enterprise_id": enterprise.pk,
        "enterprise_name": enterprise.name,
        "credit_code": enterprise.credit_code,
        **fields,
    }

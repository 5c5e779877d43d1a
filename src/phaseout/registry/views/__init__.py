"""Registry pages (企业台账), split by sub-domain: enterprises, lines, licenses."""

from phaseout.registry.views.enterprises import (
    EnterpriseCreateView,
    EnterpriseDetailView,
    EnterpriseListView,
    EnterpriseUpdateView,
)
from phaseout.registry.views.licenses import LicenseCreateView, LicenseUpdateView
from phaseout.registry.views.lines import LineCreateView, LineUpdateView

__all__ = [
    "EnterpriseCreateView",
    "EnterpriseDetailView",
    "EnterpriseListView",
    "EnterpriseUpdateView",
    "LicenseCreateView",
    "LicenseUpdateView",
    "LineCreateView",
    "LineUpdateView",
]

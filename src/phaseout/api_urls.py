"""One REST router for every app's api.py."""

from rest_framework.routers import DefaultRouter

from phaseout.disclosure.api import register as register_disclosure
from phaseout.enforcement.api import register as register_enforcement
from phaseout.enforcement.api_calendar import register as register_calendar
from phaseout.regions.api import register as register_regions
from phaseout.registry.api import register as register_registry
from phaseout.screening.api import register as register_screening
from phaseout.standards.api import register as register_standards

router = DefaultRouter()
register_regions(router)
register_registry(router)
register_screening(router)
register_standards(router)
register_enforcement(router)
register_calendar(router)
register_disclosure(router)

urlpatterns = router.urls

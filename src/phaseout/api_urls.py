"""One REST router for every app's api.py."""

from rest_framework.routers import DefaultRouter

from phaseout.disclosure.api import register as register_disclosure
from phaseout.disclosure.public.api import register as register_public
from phaseout.enforcement.api import register as register_enforcement
from phaseout.enforcement.api_calendar import register as register_calendar
from phaseout.regions.api import register as register_regions
from phaseout.registry.api import register as register_registry
from phaseout.screening.api import register as register_screening
from phaseout.standards.api import register as register_standards
from phaseout.tipoffs.api import register as register_tipoffs

router = DefaultRouter()
register_regions(router)
register_registry(router)
register_screening(router)
register_standards(router)
register_enforcement(router)
register_calendar(router)
register_disclosure(router)
register_public(router)
register_tipoffs(router)

urlpatterns = router.urls

"""One REST router for every app's api.py."""

from rest_framework.routers import DefaultRouter

from phaseout.regions.api import register as register_regions
from phaseout.registry.api import register as register_registry

router = DefaultRouter()
register_regions(router)
register_registry(router)

urlpatterns = router.urls

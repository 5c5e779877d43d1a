from django.urls import include, path

from phaseout.registry import views

app_name = "registry"
urlpatterns = [
    # Ledger (台账) import and export pages live in registry/ledger/urls.py.
    path("ledger/", include("phaseout.registry.ledger.urls")),
    path("", views.EnterpriseListView.as_view(), name="enterprise-list"),
]

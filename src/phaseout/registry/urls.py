from django.urls import include, path

from phaseout.registry import views

app_name = "registry"
urlpatterns = [
    # Ledger (台账) import and export pages live in registry/ledger/urls.py.
    path("ledger/", include("phaseout.registry.ledger.urls")),
    path("", views.EnterpriseListView.as_view(), name="enterprise-list"),
    path("enterprises/new/", views.EnterpriseCreateView.as_view(), name="enterprise-create"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise-detail"),
    path(
        "enterprises/<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="enterprise-update"
    ),
    path("enterprises/<int:pk>/lines/new/", views.LineCreateView.as_view(), name="line-create"),
    path("lines/<int:pk>/edit/", views.LineUpdateView.as_view(), name="line-update"),
    path(
        "enterprises/<int:pk>/licenses/new/",
        views.LicenseCreateView.as_view(),
        name="license-create",
    ),
    path("licenses/<int:pk>/edit/", views.LicenseUpdateView.as_view(), name="license-update"),
]

from django.urls import path

from phaseout.screening.views import campaigns, findings, measurements

app_name = "screening"
urlpatterns = [
    path("", campaigns.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/new/", campaigns.CampaignCreateView.as_view(), name="campaign-create"),
    path("campaigns/<int:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign-detail"),
    path(
        "campaigns/<int:pk>/edit/", campaigns.CampaignUpdateView.as_view(), name="campaign-update"
    ),
    path("campaigns/<int:pk>/run/", campaigns.CampaignRunView.as_view(), name="campaign-run"),
    path(
        "campaigns/<int:pk>/coverage.xlsx",
        campaigns.CampaignCoverageExportView.as_view(),
        name="campaign-coverage-xlsx",
    ),
    path("campaigns/<int:pk>/what-if/", campaigns.WhatIfView.as_view(), name="campaign-whatif"),
    path("findings/<int:pk>/", findings.FindingDetailView.as_view(), name="finding-detail"),
    path("measurements/", measurements.MeasurementListView.as_view(), name="measurement-list"),
    path(
        "measurements/import/",
        measurements.MeasurementImportView.as_view(),
        name="measurement-import",
    ),
    path(
        "enterprises/<int:pk>/inspections/new/",
        measurements.InspectionCreateView.as_view(),
        name="inspection-create",
    ),
]

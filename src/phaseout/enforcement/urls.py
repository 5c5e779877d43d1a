from django.urls import path

from phaseout.enforcement.views import actions, cases, files, queue
from phaseout.enforcement.views import calendar as calendar_views
from phaseout.enforcement.views import procedures as procedure_views

app_name = "enforcement"
urlpatterns = [
    path("", queue.WorkQueueView.as_view(), name="queue"),
    path("notifications/read/", queue.NotificationReadView.as_view(), name="notifications-read"),
    path(
        "notifications/<int:pk>/read/",
        queue.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path("calendar/", calendar_views.CalendarView.as_view(), name="calendar"),
    path("procedures/", procedure_views.ProceduresView.as_view(), name="procedures"),
    path("cases/", cases.CaseListView.as_view(), name="case-list"),
    path("cases/export.xlsx", cases.CaseExportView.as_view(), name="case-export"),
    path("cases/new/", cases.CaseOpenView.as_view(), name="case-create"),
    path("cases/<int:pk>/", cases.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/archive.zip", files.ArchiveDownloadView.as_view(), name="case-archive"),
    path(
        "cases/<int:pk>/documents/<int:document>/",
        files.DocumentDownloadView.as_view(),
        name="document-download",
    ),
    path(
        "cases/<int:pk>/evidence/<int:evidence>/",
        files.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path(
        "cases/<int:pk>/measures/<int:measure>/lift/",
        actions.MeasureLiftView.as_view(),
        name="measure-lift",
    ),
    path("cases/<int:pk>/<slug:action>/", actions.CaseActionView.as_view(), name="case-action"),
]

from django.urls import path

from phaseout.disclosure import views

app_name = "disclosure"
urlpatterns = [
    path("", views.SnapshotListView.as_view(), name="snapshot-list"),
    path("data-errors/", views.DataErrorListView.as_view(), name="data-error-list"),
    path("data-errors/<int:pk>/", views.DataErrorDetailView.as_view(), name="data-error-detail"),
    path("<int:pk>/", views.SnapshotDetailView.as_view(), name="snapshot-detail"),
    path(
        "<int:pk>/review/",
        views.SnapshotActView.as_view(),
        {"act": "review"},
        name="snapshot-review",
    ),
    path(
        "<int:pk>/publish/",
        views.SnapshotActView.as_view(),
        {"act": "publish"},
        name="snapshot-publish",
    ),
]

"""Officers' tip-off pages (举报办理), under /tipoffs/."""

from django.urls import path

from phaseout.tipoffs.views import officer

app_name = "tipoffs"

urlpatterns = [
    path("", officer.QueueView.as_view(), name="queue"),
    path("hotline/", officer.HotlineView.as_view(), name="hotline"),
    path("<int:pk>/", officer.DetailView.as_view(), name="detail"),
    path("<int:pk>/reveal/", officer.RevealView.as_view(), name="reveal"),
    path(
        "<int:pk>/attachments/<int:attachment>/",
        officer.AttachmentView.as_view(),
        name="attachment",
    ),
    path("<int:pk>/<slug:action>/", officer.ActView.as_view(), name="act"),
]

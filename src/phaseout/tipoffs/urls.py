"""Officers' tip-off pages (举报办理), under /tipoffs/."""

from django.urls import path  # noqa: F401

app_name = "tipoffs"

urlpatterns: list = []

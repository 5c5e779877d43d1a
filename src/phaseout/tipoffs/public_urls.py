"""The public tip-off pages (我要举报), under /public/tipoffs/, no log-in."""

from django.urls import path  # noqa: F401

app_name = "public-tipoffs"

urlpatterns: list = []

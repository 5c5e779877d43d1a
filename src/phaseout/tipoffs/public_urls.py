"""The public tip-off pages (我要举报), under /public/tipoffs/, no log-in."""

from django.urls import path

from phaseout.tipoffs.views import public

app_name = "public-tipoffs"

urlpatterns = [
    path("", public.outcomes, name="outcomes"),
    path("new/", public.submit, name="submit"),
    path("status/", public.status, name="status"),
]

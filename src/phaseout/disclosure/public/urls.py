from django.urls import path

from phaseout.disclosure.public import views
from phaseout.disclosure.public.cache import public_page

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("feed.atom", public_page(views.PublicationsFeed()), name="feed"),
    path("lists/<str:kind>/", views.list_entries, name="list"),
    path("lists/<str:kind>/download.csv", views.download_csv, name="list-csv"),
    path("lists/<str:kind>/download.xlsx", views.download_xlsx, name="list-xlsx"),
    path("enterprises/", views.enterprise_search, name="enterprise-search"),
    path("enterprises/<str:credit_code>/", views.enterprise, name="enterprise"),
    path("enterprises/<str:credit_code>/data-error/", views.data_error, name="data-error"),
    path("data-errors/", views.data_error_status, name="data-error-status-search"),
    path("data-errors/<str:reference>/", views.data_error_status, name="data-error-status"),
]

from django.urls import path

from phaseout.disclosure.public import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("lists/<str:kind>/", views.list_entries, name="list"),
    path("lists/<str:kind>/download.csv", views.download_csv, name="list-csv"),
    path("lists/<str:kind>/download.xlsx", views.download_xlsx, name="list-xlsx"),
]

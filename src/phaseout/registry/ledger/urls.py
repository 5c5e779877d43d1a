from django.urls import path

from phaseout.registry.ledger import views

# Included at registry/ledger/ inside the "registry" namespace.
urlpatterns = [
    path("import/", views.LedgerImportView.as_view(), name="ledger-import"),
    path("export/", views.LedgerExportView.as_view(), name="ledger-export"),
]

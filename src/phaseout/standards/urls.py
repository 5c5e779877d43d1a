from django.urls import path

from phaseout.standards import views

app_name = "standards"
urlpatterns = [
    path("", views.CatalogueView.as_view(), name="rule-list"),
    path("local/", views.LocalRuleListView.as_view(), name="localrule-list"),
    path("local/new/", views.LocalRuleCreateView.as_view(), name="localrule-create"),
    path("local/<int:pk>/", views.LocalRuleDetailView.as_view(), name="localrule-detail"),
    path("local/<int:pk>/edit/", views.LocalRuleUpdateView.as_view(), name="localrule-update"),
    path("local/<int:pk>/status/", views.LocalRuleStatusView.as_view(), name="localrule-status"),
]

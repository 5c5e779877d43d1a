from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from phaseout.core.views import health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registry:enterprise-list"), name="home"),
    path("healthz", health, name="health"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("registry/", include("phaseout.registry.urls")),
    path("screening/", include("phaseout.screening.urls")),
    path("standards/", include("phaseout.standards.urls")),
    path("enforcement/", include("phaseout.enforcement.urls")),
    path("public/tipoffs/", include("phaseout.tipoffs.public_urls")),
    path("public/", include("phaseout.disclosure.public.urls")),
    path("tipoffs/", include("phaseout.tipoffs.urls")),
    path("captcha/", include("captcha.urls")),
    path("disclosure/", include("phaseout.disclosure.urls")),
    path("api/", include("phaseout.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

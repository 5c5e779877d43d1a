from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from phaseout.core.views import health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registry:enterprise-list"), name="home"),
    path("healthz", health, name="health"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The public pages' language switch posts without a CSRF token, so that a page holds nothing
    # of one visitor's and can be kept in the page cache (disclosure/public/cache.py). All a
    # forged post could do is change the language a browser is shown.
    path("i18n/public/", csrf_exempt(set_language), name="set_language_public"),
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

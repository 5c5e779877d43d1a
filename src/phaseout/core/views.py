"""Project-wide views that belong to no part of the domain."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def health(request):
    """`/healthz`: 200 "ok" when the process serves requests — for nginx or a monitor, and the
    floor the portal benchmark measures against. It touches neither the database nor a
    template, so it says nothing about them."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")

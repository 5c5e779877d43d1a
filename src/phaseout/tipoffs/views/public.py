"""我要举报: the public form, the status lookup by tracking code, and the published outcomes.

No log-in, no JavaScript needed. Abuse is held back without outside services: a per-address rate
limit on every submission and lookup (django-ratelimit counting in the shared database cache), a
size limit checked before the body is read, and an offline arithmetic challenge
(django-simple-captcha). A limited request gets a 429 page in words, never a 500.

The reporter's name, phone and e-mail are passed straight to the service, which encrypts them;
the views never log, echo or keep them (``sensitive_post_parameters`` keeps them out of error
reports too).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from phaseout.core.forms import add_service_error
from phaseout.regions.models import Region
from phaseout.tipoffs import services
from phaseout.tipoffs.forms import PublicTipoffForm, StatusForm

IDENTITY_PARAMETERS = ("name", "phone", "email")
PAGE_SIZE = 30


def limited(request, group: str, rate: str) -> bool:
    """Count this request against the address's limit for ``group``; True when over it."""
    return is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True)


def too_many(request):
    response = render(request, "tipoffs/public/429.html", status=429)
    response["Retry-After"] = "3600"
    return response


def max_request_bytes() -> int:
    """The largest body the form accepts: every attachment at its limit, and 1 MB of text."""
    return settings.PHASEOUT_TIPOFF_MAX_FILES * settings.PHASEOUT_TIPOFF_MAX_FILE_BYTES + (
        1024 * 1024
    )


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_GET
def outcomes(request):
    """举报办理结果公开: enterprise, the matter in the officers' words, and the outcome."""
    rows = services.published_outcomes()
    region_code = request.GET.get("region", "")
    region = None
    if region_code:
        region = Region.objects.current().filter(code=region_code).first()
        if region is not None:
            rows = rows.filter(region__code__startswith=region.prefix)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tipoffs/public/outcomes.html",
        {
            "page": page,
            "region": region,
            "regions": Region.objects.current().order_by("code"),
        },
    )


@csrf_exempt  # checked below, after the size and rate limits, before the body is read
@sensitive_post_parameters(*IDENTITY_PARAMETERS)
@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    """我要举报. The body is refused before it is read when over the size limit or the rate."""
    if request.method == "POST":
        if limited(request, "tipoff-submit", settings.PHASEOUT_TIPOFF_SUBMIT_RATE):
            return too_many(request)
        if _content_length(request) > max_request_bytes():
            return render(
                request,
                "tipoffs/public/413.html",
                {"mb": max_request_bytes() // (1024 * 1024)},
                status=413,
            )
    return _submit(request)


@csrf_protect
def _submit(request):
    if request.method != "POST":
        return render(request, "tipoffs/public/form.html", {"form": PublicTipoffForm()})
    form = PublicTipoffForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            received = services.receive(**form.service_kwargs())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return render(request, "tipoffs/public/received.html", {"received": received})
    # The widget draws a new challenge on every render: the answered one is spent either way.
    return render(request, "tipoffs/public/form.html", {"form": form}, status=400)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def status(request):
    """办理进度查询: the code is posted, never put in an address (logs keep addresses)."""
    if request.method != "POST":
        return render(request, "tipoffs/public/status.html", {"form": StatusForm()})
    if limited(request, "tipoff-status", settings.PHASEOUT_TIPOFF_STATUS_RATE):
        return too_many(request)
    form = StatusForm(request.POST)
    tipoff = None
    if form.is_valid():
        tipoff = services.lookup(form.cleaned_data["code"])
        if tipoff is None:
            form.add_error("code", _("查询码不正确，请核对后重新输入。"))
    if tipoff is None:
        return render(request, "tipoffs/public/status.html", {"form": form}, status=400)
    return render(
        request,
        "tipoffs/public/status.html",
        {"form": StatusForm(), "tipoff": tipoff},
    )

"""Project-wide request checks."""

from django.http import HttpResponseBadRequest, QueryDict
from django.utils.translation import gettext as _


class NulMiddleware:
    """No NUL character reaches a view from the address.

    PostgreSQL refuses NUL in a text parameter, so a NUL passed from a search or filter to a
    query would end in a 500. No legitimate form or link produces one: in the query string it is
    dropped (the search or filter reads as if it were not typed), and a path holding one is a 400.
    Form and API bodies need no such guard: Django's and DRF's CharField already refuse NUL with
    a field error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return HttpResponseBadRequest(
                _("请求地址中含有不允许的字符。"), content_type="text/plain; charset=utf-8"
            )
        if any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)

"""Project-wide request checks."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class RejectNulMiddleware:
    """A path or query string holding a NUL character is refused with 400 before any view sees
    it.

    PostgreSQL refuses NUL in a text parameter, so a NUL in a search or filter would end in a
    500 wherever a view passes it to a query; no legitimate form or link produces one. Form and
    API bodies need no such guard: Django's and DRF's CharField already refuse NUL with a field
    error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                _("请求参数中含有不允许的字符。"), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)

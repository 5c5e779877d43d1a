"""``reverse()`` once, then format: for pages that link each of many rows to the same view.

``reverse()`` walks the URL patterns and checks every argument, about 25 µs a call; a public list
page linked its fifty rows to their records with fifty calls (bench/portal.py). ``url_for`` reverses
a view once per process — per name, leading arguments, script prefix and language, so a
deployment under a prefix or a language-prefixed URL is still right — with a marker in place of
the last argument, and puts each value in its place, quoted as ``reverse()`` quotes it.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language

_MARK = "phaseout-url-argument"


@lru_cache(maxsize=256)
def _around(prefix: str, language: str | None, name: str, leading: tuple) -> tuple[str, str]:
    head, tail = reverse(name, args=[*leading, _MARK]).split(_MARK)
    return head, tail


def url_for(name: str, *args) -> str:
    """``reverse(name, args=args)`` for a view whose last argument is one path segment (a
    ``str`` or ``slug`` converter). The value is not checked against the pattern but quoted as
    ``reverse()`` quotes it, and a "/" in it too, so it stays one segment."""
    head, tail = _around(get_script_prefix(), get_language(), name, tuple(args[:-1]))
    return head + quote(str(args[-1]), safe=RFC3986_SUBDELIMS + "~:@") + tail

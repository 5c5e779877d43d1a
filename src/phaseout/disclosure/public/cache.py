"""The public portal's page cache: a rendered list page, record, search or feed, kept in the
page cache (settings.CACHES "pages": each worker's memory, or one Redis that every worker shares
when PHASEOUT_REDIS_URL is set) and served again to the next visitor who asks for the same address
in the same language.

What these pages show comes from published list snapshots, which never change once published
(models.Immutable), and from the registry's identity and lines of the enterprises they name. So:

* the key carries the **publication generation** — how many snapshots are published and when the
  last one was — read from the database (one small query) at most once a second per worker
  (``PHASEOUT_PUBLIC_GENERATION_SECONDS``): when a list is published, every page kept before it
  is passed over, by every worker on every server, within that second (at once on the worker
  that published it);
* a kept page lives ``PHASEOUT_PUBLIC_CACHE_SECONDS`` (default 300): a correction of the
  registry (a name, a line) reaches the public record within that time. 0 turns the cache off.

Only a plain 200 to a GET is kept: never an error, a redirect, a 429, a
streamed download, or a response that sets a cookie or carries a CSRF token (one visitor's token
must not be served to another; the public pages' language switch posts without one, see
``phaseout.urls``). A kept page counts towards no rate limit: serving it costs no search.

Why not Django's ``cache_page``: its key varies on the ``Cookie`` header that LocaleMiddleware
names in ``Vary``, so every visitor with a session or language cookie would have a cache of his
own; and it has no notion of a publication making every page old at once.
"""

from __future__ import annotations

import functools
import hashlib
from time import monotonic

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import translation

from phaseout.core import rawsql
from phaseout.disclosure.choices import SnapshotStatus
from phaseout.disclosure.models import ListSnapshot

CACHE = "pages"
HEADER = "X-Cache"  # hit or miss, as caching proxies say it; the benchmark counts them


GENERATION_SQL = (
    f"SELECT COUNT(*), MAX(published_at) FROM {ListSnapshot._meta.db_table} WHERE status = %s"
)


# The generation this worker read last, and until when (monotonic()) it trusts it.
_read: tuple[float, str] = (0.0, "")


def generation() -> str:
    """What the published snapshots are now: their number and the latest publication moment.
    Published snapshots are never changed or removed, so a new publication changes this.

    Read afresh when the last reading is older than PHASEOUT_PUBLIC_GENERATION_SECONDS: a kept
    page served within that second costs no query and no round trip to the database. Plain SQL:
    the ORM's aggregate() spends a millisecond compiling what runs in a tenth of one."""
    global _read
    now = monotonic()
    until, value = _read
    if now < until:
        return value
    with rawsql.prepared_cursor() as cursor:
        cursor.execute(GENERATION_SQL, [SnapshotStatus.PUBLISHED])
        count, last = cursor.fetchone()
    # MAX() is a datetime on PostgreSQL and text on SQLite: either says the moment.
    value = f"{count}.{last}".replace(" ", "T")
    _read = (now + settings.PHASEOUT_PUBLIC_GENERATION_SECONDS, value)
    return value


def forget_generation() -> None:
    """Read the generation afresh next time: called when this worker publishes a list, so its
    officer sees the new list on the public pages at once."""
    global _read
    _read = (0.0, "")


def page_key(request) -> str:
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-page:{generation()}:{translation.get_language()}:{address}"


def _keepable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # get_token() was called: the page holds a CSRF token of this visitor's.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def public_page(view):
    """Serve a public page from the worker's page cache, rendering and keeping it on a miss."""

    @functools.wraps(view)
    def cached(request, *args, **kwargs):
        seconds = settings.PHASEOUT_PUBLIC_CACHE_SECONDS
        if request.method != "GET" or seconds <= 0:
            return view(request, *args, **kwargs)
        store, key = caches[CACHE], page_key(request)
        kept = store.get(key)
        if kept is not None:
            content_type, content = kept
            response = HttpResponse(content, content_type=content_type)
            response[HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if _keepable(request, response):
            store.set(key, (response["Content-Type"], response.content), seconds)
            response[HEADER] = "miss"
        return response

    return cached

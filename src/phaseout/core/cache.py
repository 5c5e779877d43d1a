"""A Redis cache that never breaks a page (the shared page cache and rate-limit counts,
``PHASEOUT_REDIS_URL``).

Django's ``RedisCache`` raises when Redis is down or slower than its socket timeouts; a public
page would then be a 500. Here every read and write that fails answers as an empty cache that
keeps nothing would: ``get`` the default, ``add`` and ``set`` nothing kept, ``incr`` None (which
django-ratelimit, with ``RATELIMIT_FAIL_OPEN``, takes as "not limited"). The failure is logged,
once a minute per process, not on every request. ``clear`` still raises: it is an operator's
act.
"""

from __future__ import annotations

import logging
from time import monotonic

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

QUIET_LOG_SECONDS = 60


class QuietRedisCache(RedisCache):
    _failed_at: float | None = None  # per process: when it last logged a failure

    def _quietly(self, answer, operation, *args, **kwargs):
        try:
            return operation(*args, **kwargs)
        except Exception:  # redis' errors are not OSErrors; whatever it raises, Redis failed
            now = monotonic()
            failed_at = QuietRedisCache._failed_at
            if failed_at is None or now - failed_at >= QUIET_LOG_SECONDS:
                QuietRedisCache._failed_at = now
                logger.warning(
                    "Redis cache unavailable; going on without it (logged once a minute)",
                    exc_info=True,
                )
            return answer

    def get(self, key, default=None, version=None):
        return self._quietly(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._quietly({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._quietly(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._quietly(False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._quietly(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._quietly(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._quietly(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._quietly(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._quietly(None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._quietly(None, super().incr, key, delta, version)

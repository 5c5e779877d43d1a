"""Redis (PHASEOUT_REDIS_URL) for the page cache and the rate-limit counts: configured by the
setting, counting atomically, and passed over, never a 500, when it is down."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from phaseout.core.cache import QuietRedisCache


def test_the_setting_puts_pages_and_rate_limits_in_redis():
    """settings.py as a server reads it, with and without PHASEOUT_REDIS_URL."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({k: settings.CACHES[k]['BACKEND'] for k in ('pages', 'ratelimit')}))"
    )

    def backends(**env):
        base = {k: v for k, v in os.environ.items() if k != "PHASEOUT_REDIS_URL"}
        base.update(DJANGO_SETTINGS_MODULE="phaseout.settings", PHASEOUT_ALLOW_INSECURE_KEY="1")
        out = subprocess.run(
            [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.strip().splitlines()[-1])

    assert backends() == {
        "pages": "django.core.cache.backends.locmem.LocMemCache",
        "ratelimit": "django.core.cache.backends.db.DatabaseCache",
    }
    assert backends(PHASEOUT_REDIS_URL="redis://127.0.0.1:6379/3") == {
        "pages": "phaseout.core.cache.QuietRedisCache",
        "ratelimit": "phaseout.core.cache.QuietRedisCache",
    }


@pytest.mark.parametrize(
    ("operation", "args", "answer"),
    [
        ("get", ("k", "default"), "default"),
        ("get_many", (["k"],), {}),
        ("has_key", ("k",), False),
        ("add", ("k", 1), False),
        ("set", ("k", 1), None),
        ("touch", ("k",), False),
        ("delete", ("k",), False),
        ("incr", ("k",), None),
    ],
)
def test_each_operation_of_a_redis_that_is_down_answers_as_an_empty_cache(operation, args, answer):
    cache = QuietRedisCache("redis://127.0.0.1:1/0", {})
    assert getattr(cache, operation)(*args) == answer

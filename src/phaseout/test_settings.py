"""Settings for the test suite: the production settings with a throwaway key and fast hashing."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("PHASEOUT_ALLOW_INSECURE_KEY", "1")

from phaseout.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Static files come from the finders in tests; there is no collected STATIC_ROOT.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# No persistent connections in tests: the live server's threads must let the test database go.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Files the suite writes (case evidence and documents, some of them by `phaseout demo`) go to a
# throwaway directory, never into the data directory.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="phaseout-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

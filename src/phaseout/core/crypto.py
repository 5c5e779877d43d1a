"""Encryption at rest for personal data (举报人身份、联系方式).

Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography`` package) under the keys in
``settings.PHASEOUT_DATA_KEYS``: the first key encrypts, every key decrypts (``MultiFernet``), so
an operator rotates by putting a new key first and running ``phaseout personal-data-key --rotate``
later. Without keys — only allowed in the demo and the tests — a throwaway key is derived from
SECRET_KEY. Plain text never goes to the database, a log or an exception message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(b"phaseout-personal-data:" + secret.encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "PHASEOUT_DATA_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes; `phaseout personal-data-key` makes one)."
        ) from error


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.PHASEOUT_DATA_KEYS), settings.SECRET_KEY)


def encrypt(text: str) -> str:
    """The token for ``text``; an empty string stays empty (nothing to hide)."""
    if not text:
        return ""
    return fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a token made by :func:`encrypt` under any configured key."""
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A personal-data field cannot be decrypted with PHASEOUT_DATA_KEYS: "
            "was the key that encrypted it removed?"
        ) from error


def rotate(token: str) -> str:
    """The token re-encrypted under the first key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii") if token else ""


def blind_index(text: str, purpose: str) -> str:
    """A keyed hash of ``text`` for matching without storing it (e.g. a client address for
    rate limits): HMAC-SHA256 under SECRET_KEY, separated by ``purpose``."""
    key = hashlib.sha256(f"phaseout-blind-index:{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()

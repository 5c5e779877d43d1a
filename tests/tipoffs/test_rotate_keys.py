"""`phaseout tipoffs rotate-keys`: every reporter token re-encrypted under the first key."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from phaseout.core import crypto
from phaseout.tipoffs.models import Tipoff
from tests.tipoffs.conftest import receive

pytestmark = pytest.mark.django_db


def test_rotate_keys_moves_every_token_to_the_first_key(jurisdiction, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PHASEOUT_DATA_KEYS = [old]
    receive(jurisdiction["east"], anonymous=False, name="张三", phone="13800000000")
    receive(jurisdiction["east"])  # anonymous: nothing to rotate, nothing breaks
    settings.PHASEOUT_DATA_KEYS = [new, old]
    out = io.StringIO()
    call_command("tipoffs", "rotate-keys", stdout=out)
    assert "2" in out.getvalue()
    settings.PHASEOUT_DATA_KEYS = [new]  # the old key can now go
    named = Tipoff.objects.get(anonymous=False)
    assert crypto.decrypt(named.reporter_name_token) == "张三"
    assert crypto.decrypt(named.reporter_phone_token) == "13800000000"
    assert Fernet(new.encode()).decrypt(named.reporter_name_token.encode()) == "张三".encode()

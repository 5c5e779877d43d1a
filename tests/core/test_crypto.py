import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from phaseout.core import crypto


@given(st.text(min_size=1))
def test_encrypt_round_trips_and_hides_the_text(text):
    token = crypto.encrypt(text)
    assert crypto.decrypt(token) == text
    assert text not in token or len(text) < 4  # a short text can occur by chance in base64


def test_rotation_keeps_old_tokens_readable(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PHASEOUT_DATA_KEYS = [old]
    token = crypto.encrypt("张三 13800000000")
    settings.PHASEOUT_DATA_KEYS = [new, old]
    assert crypto.decrypt(token) == "张三 13800000000"
    rotated = crypto.rotate(token)
    settings.PHASEOUT_DATA_KEYS = [new]
    assert crypto.decrypt(rotated) == "张三 13800000000"
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        crypto.decrypt(token)


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.PHASEOUT_DATA_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        crypto.encrypt("x")


def test_blind_index_is_keyed_and_separated_by_purpose():
    assert crypto.blind_index("10.0.0.1", "a") == crypto.blind_index("10.0.0.1", "a")
    assert crypto.blind_index("10.0.0.1", "a") != crypto.blind_index("10.0.0.1", "b")
    assert "10.0.0.1" not in crypto.blind_index("10.0.0.1", "a")

"""AES-GCM field encryption and the keyed lookup digest."""

from __future__ import annotations

import re

import pytest
from cryptography.exceptions import InvalidTag

from laborwatch.core import crypto


def test_round_trip() -> None:
    token = crypto.encrypt("370202199001011234")
    assert token.startswith("v1:")
    assert "370202199001011234" not in token
    assert crypto.decrypt(token) == "370202199001011234"


def test_round_trip_of_non_ascii() -> None:
    assert crypto.decrypt(crypto.encrypt("张三 0532-88886666")) == "张三 0532-88886666"


def test_same_value_encrypts_differently_each_time() -> None:
    assert crypto.encrypt("13812345678") != crypto.encrypt("13812345678")


def test_digest_is_deterministic_hex() -> None:
    first = crypto.digest("13812345678")
    assert first == crypto.digest("13812345678")
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert first != crypto.digest("13812345679")


def test_digest_depends_on_the_key(settings) -> None:
    settings.FIELD_ENCRYPTION_KEY = "key-one"
    one = crypto.digest("13812345678")
    settings.FIELD_ENCRYPTION_KEY = "key-two"
    assert crypto.digest("13812345678") != one


def test_ciphertext_does_not_open_with_another_key(settings) -> None:
    settings.FIELD_ENCRYPTION_KEY = "key-one"
    token = crypto.encrypt("13812345678")
    settings.FIELD_ENCRYPTION_KEY = "key-two"
    with pytest.raises(InvalidTag):
        crypto.decrypt(token)


def test_decrypt_refuses_clear_text() -> None:
    with pytest.raises(ValueError, match="not an encrypted value"):
        crypto.decrypt("13812345678")


def test_field_prep_encrypts_and_keeps_empty_values() -> None:
    field = crypto.EncryptedTextField()
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None
    prepared = field.get_prep_value("13812345678")
    assert prepared.startswith("v1:")
    assert field.from_db_value(prepared, None, None) == "13812345678"
    assert field.from_db_value("", None, None) == ""
    assert field.from_db_value(None, None, None) is None

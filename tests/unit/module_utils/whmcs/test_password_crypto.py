"""WHMCS password encryption: format, round trips and clean errors (no php needed)."""

from __future__ import annotations

import base64

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import (
    WhmcsCryptoError,
    passwords_equal,
    whmcs_decrypt,
    whmcs_encrypt,
)

KEY = "Zq8vN3kR5tW1yB7cE9gJ2mP4sU6xA0dF3hK5nQ8rT1vX4zC7eG9iL2oS5uY8wB0d"
OTHER_KEY = "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kM9nP2qS5tV8wX1zA4cD7fG0iL3"


@pytest.mark.parametrize("length", [0, 1, 19, 20, 21, 64])
def test_round_trip_and_length(length: int) -> None:
    plain = "".join(chr(ord("a") + index % 26) for index in range(length))
    ciphertext = whmcs_encrypt(plain, KEY)
    assert len(base64.b64decode(ciphertext, validate=True)) == 20 + length
    assert whmcs_decrypt(ciphertext, KEY) == plain


@pytest.mark.parametrize(
    "plain", ["pässwörd", "日本語のパスワード", "emoji 🔑 key", "a'b\"c\\d&<>", "x" * 45 + "é"]
)
def test_round_trip_utf8(plain: str) -> None:
    ciphertext = whmcs_encrypt(plain, KEY)
    assert len(base64.b64decode(ciphertext)) == 20 + len(plain.encode("utf-8"))
    assert whmcs_decrypt(ciphertext, KEY) == plain


def test_same_text_encrypts_differently_each_time() -> None:
    first, second = whmcs_encrypt("same secret", KEY), whmcs_encrypt("same secret", KEY)
    assert first != second
    assert whmcs_decrypt(first, KEY) == whmcs_decrypt(second, KEY) == "same secret"


def test_documented_sizes_match_the_format() -> None:
    # EncryptPassword docs example for "teststring" (10 bytes) and the install default for ''.
    assert len(base64.b64decode("vNRQzRPKQA6obJpHMHCBivS0D9/Pf532oArYvewP")) == 20 + len("teststring")
    assert len(base64.b64decode("zAUN4WdG8mWRlZCQZwk2Z2ippXU=")) == 20


def test_a_20_byte_value_decrypts_to_empty_text_with_any_key() -> None:
    assert whmcs_decrypt("zAUN4WdG8mWRlZCQZwk2Z2ippXU=", KEY) == ""
    assert whmcs_decrypt("", KEY) == ""


def test_wrong_key_is_a_clean_error_without_secrets() -> None:
    plain = "correct horse battery staple, a long password of 64 bytes......."
    ciphertext = whmcs_encrypt(plain, KEY)
    with pytest.raises(WhmcsCryptoError) as caught:
        whmcs_decrypt(ciphertext, OTHER_KEY)
    message = str(caught.value)
    assert "cc_encryption_hash" in message
    for secret in (KEY, OTHER_KEY, plain, ciphertext):
        assert secret not in message


@pytest.mark.parametrize(
    ("ciphertext", "expected"),
    [
        ("not base64 at all!", "not valid base64"),
        ("c2hvcnQ=", "shorter than the 20-byte header"),
        ("é", "base64"),
    ],
)
def test_malformed_ciphertext_is_a_clean_error(ciphertext: str, expected: str) -> None:
    with pytest.raises(WhmcsCryptoError, match=expected):
        whmcs_decrypt(ciphertext, KEY)


def test_empty_key_is_refused() -> None:
    with pytest.raises(WhmcsCryptoError, match="empty"):
        whmcs_encrypt("x", "")
    with pytest.raises(WhmcsCryptoError, match="empty"):
        passwords_equal("zAUN4WdG8mWRlZCQZwk2Z2ippXU=", "", "")


def test_passwords_equal() -> None:
    ciphertext = whmcs_encrypt("s3cret!", KEY)
    assert passwords_equal(ciphertext, "s3cret!", KEY)
    assert not passwords_equal(ciphertext, "s3cret?", KEY)
    assert not passwords_equal("garbage!!", "s3cret!", KEY)
    assert passwords_equal("", "", KEY)

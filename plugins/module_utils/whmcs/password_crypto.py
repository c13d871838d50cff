# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""WHMCS-compatible ``encrypt()`` / ``decrypt()`` for stored passwords (tblservers, tblhosting).

Written from the algorithm description in reference/whmcs.md 2.1. The scheme is an XOR stream:

* a 20-byte key is derived from ``$cc_encryption_hash`` (SHA-1 over two MD5 hex digests);
* the ciphertext starts with a random 20-byte IV, stored XORed with that key;
* each plaintext byte is XORed with a 20-byte keystream block; the first block is the IV, each
  next block is SHA-1(previous block + previous 20 plaintext bytes);
* the result is base64 encoded (standard alphabet, with padding).

This is obfuscation, not strong cryptography; it exists only to read and write what WHMCS stores.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import hmac
import os
from typing import Callable, Optional, Union

BLOCK_SIZE = 20  # SHA-1 digest size: the IV and each keystream block


class WhmcsCryptoError(ValueError):
    """A value could not be decrypted with the given key (the message never holds a secret)."""


def _sha1(data: bytes) -> bytes:
    return hashlib.sha1(data).digest()  # noqa: S324 - WHMCS's format, not a security choice


def _md5_hex(data: bytes) -> bytes:
    return hashlib.md5(data).hexdigest().encode("ascii")  # noqa: S324 - WHMCS's format


def _xor(left: bytes, right: bytes) -> bytes:
    return bytes(left[index] ^ right[index] for index in range(len(left)))


def _header_key(cc_encryption_hash: str) -> bytes:
    """The 20-byte key that masks the IV, derived from ``$cc_encryption_hash``."""
    if not isinstance(cc_encryption_hash, str) or not cc_encryption_hash:
        raise WhmcsCryptoError("the WHMCS cc_encryption_hash is empty; check configuration.php")
    secret = cc_encryption_hash.encode("utf-8")
    return _sha1(_md5_hex(_md5_hex(secret)) + _md5_hex(secret))


def _apply_keystream(
    data: bytes, iv: bytes, plaintext_of: Callable[[bytearray, bytes], Union[bytes, bytearray]]
) -> bytes:
    """XOR ``data`` with the keystream that starts at ``iv``.

    The next keystream block hashes the previous block with the previous 20 *plaintext* bytes,
    which the caller supplies through ``plaintext_of(output_so_far, data)`` because encryption
    reads them from its input and decryption from its output.
    """
    output = bytearray()
    block = iv
    for position, byte in enumerate(data):
        if position and position % BLOCK_SIZE == 0:
            previous_plaintext = plaintext_of(output, data)[position - BLOCK_SIZE : position]
            block = _sha1(block + bytes(previous_plaintext))
        output.append(byte ^ block[position % BLOCK_SIZE])
    return bytes(output)


def whmcs_encrypt(plain: str, cc_encryption_hash: str) -> str:
    """Encrypt ``plain`` (str) the way WHMCS ``encrypt()`` does; returns base64 text."""
    if not isinstance(plain, str):
        raise WhmcsCryptoError("only text can be encrypted for WHMCS (got %s)" % type(plain).__name__)
    header_key = _header_key(cc_encryption_hash)
    iv = os.urandom(BLOCK_SIZE)
    body = _apply_keystream(plain.encode("utf-8"), iv, lambda output, data: data)
    return base64.b64encode(_xor(iv, header_key) + body).decode("ascii")


def whmcs_decrypt(ciphertext: Optional[str], cc_encryption_hash: str) -> str:
    """Decrypt a WHMCS ``encrypt()`` value; '' stays ''. Raises WhmcsCryptoError on bad input."""
    header_key = _header_key(cc_encryption_hash)
    if ciphertext is None or ciphertext == "":
        return ""  # WHMCS decrypt() returns '' for empty input
    if not isinstance(ciphertext, str):
        raise WhmcsCryptoError("a WHMCS encrypted value must be text (got %s)" % type(ciphertext).__name__)
    try:
        raw = base64.b64decode(ciphertext.strip().encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise WhmcsCryptoError(
            "the stored value is not valid base64, so it is not a WHMCS encrypted password"
        ) from None
    if len(raw) < BLOCK_SIZE:
        raise WhmcsCryptoError(
            "the stored value is %d bytes long, shorter than the 20-byte header of a WHMCS "
            "encrypted password" % len(raw)
        )
    iv = _xor(raw[:BLOCK_SIZE], header_key)
    plain = _apply_keystream(raw[BLOCK_SIZE:], iv, lambda output, data: output)
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        raise WhmcsCryptoError(
            "decrypting the stored value did not give UTF-8 text: it was probably encrypted with "
            "a different cc_encryption_hash than the one in configuration.php"
        ) from None


def passwords_equal(ciphertext: Optional[str], plain: str, cc_encryption_hash: str) -> bool:
    """True if ``ciphertext`` decrypts to ``plain``; False if it differs or cannot be decrypted.

    Encryption is randomised, so idempotent code must compare this way, never ciphertexts.
    """
    _header_key(cc_encryption_hash)  # a missing key is a configuration error, not "different"
    try:
        stored = whmcs_decrypt(ciphertext, cc_encryption_hash)
    except WhmcsCryptoError:
        return False
    return hmac.compare_digest(stored.encode("utf-8"), plain.encode("utf-8"))

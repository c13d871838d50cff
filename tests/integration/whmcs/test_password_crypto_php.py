"""Interop of whmcs_crypto with an independent PHP implementation, run through the real php CLI.

The PHP below is written here from the same description (reference/whmcs.md 2.1); it is not
WHMCS code. Agreement of two independent implementations in both directions is the best check
available without a live WHMCS install.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import (
    whmcs_decrypt,
    whmcs_encrypt,
)

pytestmark = pytest.mark.skipif(shutil.which("php") is None, reason="php CLI is not installed")

PHP_XOR_STREAM = r"""
function header_key(string $ccHash): string {
    return sha1(md5(md5($ccHash)) . md5($ccHash), true);
}
function keystream_xor(string $data, string $iv, bool $dataIsPlain): string {
    $out = '';
    $block = $iv;
    for ($i = 0; $i < strlen($data); $i++) {
        if ($i > 0 && $i % 20 === 0) {
            $plainSoFar = $dataIsPlain ? $data : $out;
            $block = sha1($block . substr($plainSoFar, $i - 20, 20), true);
        }
        $out .= $data[$i] ^ $block[$i % 20];
    }
    return $out;
}
function php_encrypt(string $plain, string $ccHash): string {
    $iv = random_bytes(20);
    return base64_encode(($iv ^ header_key($ccHash)) . keystream_xor($plain, $iv, true));
}
function php_decrypt(string $encoded, string $ccHash): string {
    $raw = base64_decode($encoded, true);
    $iv = substr($raw, 0, 20) ^ header_key($ccHash);
    return keystream_xor(substr($raw, 20), $iv, false);
}
$jobs = json_decode(stream_get_contents(STDIN), true);
$results = [];
foreach ($jobs as $job) {
    $results[] = $job['op'] === 'encrypt'
        ? php_encrypt($job['text'], $job['key'])
        : php_decrypt($job['text'], $job['key']);
}
echo json_encode($results);
"""

KEY = "k3Y0fS1xtyFoURchArsL0ngAlphaNum3r1cStr1ngF0rWHMCSt3st1ngPurp0s3"
TEXTS = [
    "",
    "a",
    "x" * 19,
    "y" * 20,
    "z" * 21,
    "0123456789" * 6 + "abcd",
    "pässwörd 🔑 日本",
    "a'b\"c\\d&<>$",
]


def run_php(jobs: list[dict]) -> list[str]:
    result = subprocess.run(
        ["php", "-r", PHP_XOR_STREAM],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_php_encrypts_python_decrypts() -> None:
    ciphertexts = run_php([{"op": "encrypt", "text": text, "key": KEY} for text in TEXTS])
    assert [whmcs_decrypt(ciphertext, KEY) for ciphertext in ciphertexts] == TEXTS


def test_python_encrypts_php_decrypts() -> None:
    ciphertexts = [whmcs_encrypt(text, KEY) for text in TEXTS]
    assert run_php([{"op": "decrypt", "text": ciphertext, "key": KEY} for ciphertext in ciphertexts]) == TEXTS


def test_php_and_python_agree_on_the_install_default_for_empty_text() -> None:
    # The WHMCS install default SMTPPassword is encrypt(''); both sides read it as ''.
    assert run_php([{"op": "decrypt", "text": "zAUN4WdG8mWRlZCQZwk2Z2ippXU=", "key": KEY}]) == [""]
    assert whmcs_decrypt("zAUN4WdG8mWRlZCQZwk2Z2ippXU=", KEY) == ""

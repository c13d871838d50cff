"""php-curl and php-extensions, pure parts: curl errors explained, the URL the module builds, the
trust store PHP picks, php -m output, missing extensions and their packages, where the web server's
PHP configuration is looked for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_checks import WHMCS_CHECKS
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import SERVER_ROW_KEY
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_php_checks import (
    _probe_url,
    explain_curl_error,
    install_hint,
    missing_extensions,
    trust_store,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.php_probe import (
    fpm_binaries,
    parse_modules,
    web_php_configurations,
)

PHP = "PHP 8.2.7 (php, php.ini /etc/php/8.2/cli/php.ini, as www-data after WHMCS's init.php)"


def explain(errno: int, error: str, verify_result: int = 0, **extra: Any) -> tuple[str, str]:
    answer = dict(
        errno=errno, error=error, ssl_verify_result=verify_result, php_ini="/etc/php/8.2/cli/php.ini"
    )
    answer.update(extra)
    return explain_curl_error(answer, PHP, "mail.example.com:443", "mail.example.com", 443, "www-data")


def test_an_unknown_issuer_is_untrusted_with_the_store_php_used_and_the_fix() -> None:
    summary, hint = explain(60, "SSL certificate problem: unable to get local issuer certificate", 20)
    assert summary == (
        "WHMCS's PHP does not trust the TLS certificate of mail.example.com:443 (curl error 60: SSL certificate "
        f"problem: unable to get local issuer certificate): {PHP} verified it with its default trust store "
        "(libcurl's default CA bundle, the system store), as the module's curl does, so every module call "
        "would fail this way"
    )
    assert "update-ca-certificates" in hint and "update-ca-trust" in hint
    assert "/etc/php/8.2/cli/php.ini names a CA file with openssl.cafile or curl.cainfo" in hint
    assert "certificate from a public CA" in hint


def test_a_self_signed_certificate_is_untrusted_too() -> None:
    summary, _hint = explain(60, "SSL certificate problem: self-signed certificate", 18)
    assert summary.startswith("WHMCS's PHP does not trust the TLS certificate of mail.example.com:443")


def test_an_expired_certificate_says_so() -> None:
    summary, hint = explain(60, "SSL certificate problem: certificate has expired", 10)
    assert summary == (
        "the TLS certificate of mail.example.com:443 is outside its validity dates for PHP's curl "
        "(curl error 60: SSL certificate problem: certificate has expired)"
    )
    assert "renew" in hint


def test_a_name_mismatch_names_the_host_the_module_connects_to() -> None:
    error = "SSL: no alternative certificate subject name matches target host name 'mail.example.com'"
    summary, hint = explain(60, error)
    assert summary.startswith("the TLS certificate of mail.example.com:443 is not valid for mail.example.com")
    assert "reissue it to include mail.example.com" in hint


def test_an_unreadable_ca_file_names_php_ini_and_the_user() -> None:
    summary, hint = explain(77, "error setting certificate file: /etc/ssl/private-ca.pem")
    assert summary.startswith("PHP's curl cannot load its CA file (curl error 77")
    assert "/etc/php/8.2/cli/php.ini" in hint and "www-data cannot read" in hint


def test_plain_http_on_the_tls_port() -> None:
    summary, hint = explain(35, "error:0A00010B:SSL routines::wrong version number")
    assert summary.startswith("mail.example.com:443 answered PHP's TLS handshake with plain HTTP")
    assert 'untick "Use SSL"' in hint


def test_another_handshake_failure_names_the_tls_library() -> None:
    summary, hint = explain(
        35, "error:0A000410:SSL routines::sslv3 alert handshake failure", ssl_version="OpenSSL/3.0.19"
    )
    assert summary.startswith("PHP's TLS handshake with mail.example.com:443 failed")
    assert "OpenSSL/3.0.19" in hint


def test_a_refused_connection_names_host_and_port() -> None:
    summary, hint = explain(
        7, "Failed to connect to mail.example.com port 443 after 3 ms: Couldn't connect to server"
    )
    assert summary == (
        "PHP's curl could not connect to mail.example.com:443 (curl error 7: Failed to connect to "
        "mail.example.com port 443 after 3 ms: Couldn't connect to server)"
    )
    assert "nothing listens on port 443 of mail.example.com" in hint


def test_dns_and_timeouts() -> None:
    assert explain(6, "Could not resolve host: mail.example.com")[0].startswith(
        "PHP's curl could not resolve mail.example.com"
    )
    dropped = explain(28, "Connection timed out after 10001 milliseconds")
    assert dropped[0].startswith("PHP's curl got no answer from mail.example.com:443 within 10 s")
    assert "firewall" in dropped[1]
    slow = explain(28, "Operation timed out after 30000 milliseconds with 0 bytes received")
    assert slow[0].startswith(
        "PHP's curl connected to mail.example.com:443 but the request did not finish within 30 s"
    )


def test_an_empty_reply_suggests_https() -> None:
    summary, hint = explain(52, "Empty reply from server")
    assert summary.startswith("mail.example.com:443 closed the connection without an HTTP answer")
    assert 'tick "Use SSL"' in hint


def test_any_other_curl_error_is_quoted() -> None:
    assert explain(3, "URL using bad/illegal format or missing URL")[0] == (
        "PHP's curl request to mail.example.com:443 failed (curl error 3: URL using bad/illegal format or missing URL)"
    )


@pytest.mark.parametrize(
    ("answer", "store"),
    [
        ({"openssl_cafile": "/a.pem", "curl_cainfo": "/b.pem"}, "openssl.cafile /a.pem"),
        ({"openssl_cafile": "", "curl_cainfo": "/b.pem"}, "curl.cainfo /b.pem"),
        (
            {"default_cainfo": "/etc/ssl/certs/ca-certificates.crt"},
            "libcurl's default CA bundle /etc/ssl/certs/ca-certificates.crt, the system store",
        ),
        ({}, "libcurl's default CA bundle, the system store"),
    ],
)
def test_the_trust_store_is_the_one_php_curl_picks(answer: dict[str, str], store: str) -> None:
    assert trust_store(answer) == store


def _context_with_row(**row: Any) -> TargetContext:
    context = TargetContext("whmcs1", {"whmcs_root": "/var/www/whmcs"})
    context.cache[SERVER_ROW_KEY] = ("row", dict({"id": 3, "name": "mail", "ipaddress": ""}, **row))
    return context


@pytest.mark.parametrize(
    ("row", "url", "where"),
    [
        (
            {"hostname": "Mail.Example.com", "port": None, "secure": "on"},
            "https://mail.example.com",
            "mail.example.com:443",
        ),
        (
            {"hostname": "mail.example.com", "port": 443, "secure": "on"},
            "https://mail.example.com",
            "mail.example.com:443",
        ),
        (
            {"hostname": "mail.example.com", "port": 8443, "secure": "on"},
            "https://mail.example.com:8443",
            "mail.example.com:8443",
        ),
        (
            {"hostname": "mail.example.com", "port": None, "secure": ""},
            "http://mail.example.com:9998",
            "mail.example.com:9998",
        ),
        (
            {"hostname": "mail.example.com", "port": 80, "secure": ""},
            "http://mail.example.com",
            "mail.example.com:80",
        ),
        (
            {"hostname": "", "ipaddress": "192.0.2.7", "port": 0, "secure": "on"},
            "https://192.0.2.7",
            "192.0.2.7:443",
        ),
    ],
)
def test_the_probe_url_is_the_one_the_module_builds(row: dict[str, Any], url: str, where: str) -> None:
    _row, built, label, host, port, secure = _probe_url(_context_with_row(**row))
    assert built == url + "/api/v1/auth/login-settings"
    assert label == where
    assert f"{host}:{port}" == where
    assert secure is (row["secure"] == "on")


def test_an_unusable_row_address_fails_with_the_fix() -> None:
    with pytest.raises(CheckFailed) as failed:
        _probe_url(_context_with_row(hostname="mail.example.com", port=70000, secure="on"))
    assert "WHMCS server 'mail' (id 3) has an unusable address" in failed.value.outcome.summary
    assert "Configuration > System Settings > Servers" in failed.value.outcome.hint


def test_php_m_output_is_parsed_without_the_zend_section() -> None:
    text = "[PHP Modules]\nCore\ncurl\nmbstring\nPDO\npdo_mysql\nZend OPcache\n\n[Zend Modules]\nXdebug\n"
    assert parse_modules(text) == ["core", "curl", "mbstring", "pdo", "pdo_mysql", "zend opcache"]


def test_missing_extensions_keep_the_required_order() -> None:
    assert missing_extensions(["Core", "JSON", "curl"]) == ["mbstring", "pdo_mysql"]
    assert missing_extensions(["curl", "json", "mbstring", "pdo_mysql"]) == []


def test_install_hint_names_debian_and_rhel_packages() -> None:
    hint = install_hint(["mbstring", "pdo_mysql"], "8.2.7")
    assert "apt install php8.2-mbstring php8.2-mysql" in hint
    assert "dnf install php-mbstring php-mysqlnd" in hint
    assert "phpX.Y-curl" in install_hint(["curl"], "")


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_a_php_fpm_is_found_beside_the_cli_or_in_the_sibling_sbin(tmp_path: Path) -> None:
    php = _executable(tmp_path / "usr" / "bin" / "php8.2")
    assert fpm_binaries(str(php), "8.2.7") == []
    fpm = _executable(tmp_path / "usr" / "sbin" / "php-fpm8.2")
    _executable(tmp_path / "usr" / "sbin" / "php-fpm8.1")  # another version's is not this PHP's
    assert fpm_binaries(str(php), "8.2.7") == [str(fpm)]


def test_web_configurations_follow_debians_per_sapi_folders(tmp_path: Path) -> None:
    php = _executable(tmp_path / "bin" / "php")
    base = tmp_path / "etc" / "php" / "8.2"
    for sapi in ("cli", "fpm", "apache2"):
        (base / sapi).mkdir(parents=True)
    (base / "fpm" / "php.ini").write_text("")
    (base / "apache2" / "php.ini").write_text("")
    settings = {"version": "8.2.7", "config_path": str(base / "cli")}
    runs = web_php_configurations(str(php), settings)
    assert [run.label for run in runs] == [
        f"PHP-FPM configuration {base}/fpm/php.ini (read with {php} -c)",
        f"Apache mod_php configuration {base}/apache2/php.ini (read with {php} -c)",
    ]
    assert runs[0].command == [str(php), "-c", f"{base}/fpm/php.ini", "-m"]
    assert runs[0].env == {"PHP_INI_SCAN_DIR": f"{base}/fpm/conf.d"}
    # A php-fpm binary beside the CLI answers for FPM itself.
    fpm = _executable(tmp_path / "bin" / "php-fpm")
    runs = web_php_configurations(str(php), settings)
    assert [run.command for run in runs] == [
        [str(fpm), "-m"],
        [str(php), "-c", f"{base}/apache2/php.ini", "-m"],
    ]


def test_no_web_configuration_outside_the_per_sapi_layout(tmp_path: Path) -> None:
    php = _executable(tmp_path / "bin" / "php")
    assert web_php_configurations(str(php), {"version": "8.2.7", "config_path": "/etc"}) == []
    assert web_php_configurations(str(php), {}) == []


def test_the_checks_are_registered_after_php_version() -> None:
    ids = [spec.id for spec in WHMCS_CHECKS]
    assert ids.index("php-curl") > ids.index("php-version")
    specs = {spec.id: spec for spec in WHMCS_CHECKS}
    assert specs["php-curl"].requires == ("whmcs-version", "php-version")
    assert specs["php-extensions"].requires == ("whmcs-version", "php-version")

"""sandbox/local_api.py: request parsing, answers, redaction, and the php run (a stand-in localapi.php)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from smartermail_whmcs.errors import StageError
from smartermail_whmcs.sandbox.local_api import (
    REDACTED,
    LocalApiError,
    call_local_api,
    local_api_request,
    parse_answer,
    parse_params,
    redact,
)

needs_php = pytest.mark.skipif(shutil.which("php") is None, reason="php is not installed")
DB_PASSWORD = "Db-Unit-Secret-4471"
CC_HASH = "CcHashUnitSecret0987654321"


def test_key_value_words_are_strings_and_brackets_make_lists() -> None:
    params = parse_params(["clientid=1", "pid[]=3", "pid[]=4", "domain[]=a.test", "notes=a=b"])
    assert params == {"clientid": "1", "pid": ["3", "4"], "domain": ["a.test"], "notes": "a=b"}


def test_json_gives_types_and_words_override_it() -> None:
    params = parse_params(["clientid=7"], '{"clientid": 1, "autosetup": true, "pid": [3]}')
    assert params == {"clientid": "7", "autosetup": True, "pid": [3]}
    assert parse_params(["pid[]=4"], '{"pid": [3]}') == {"pid": [3, "4"]}


@pytest.mark.parametrize(
    ("pairs", "json_text"), [(["clientid"], None), (["=1"], None), (["[]=1"], None), ([], "[1]"), ([], "{")]
)
def test_bad_parameters_are_refused(pairs: list[str], json_text: str | None) -> None:
    with pytest.raises(ValueError):
        parse_params(pairs, json_text)


def test_the_request_is_the_document_localapi_php_reads() -> None:
    assert json.loads(local_api_request("GetInvoice", {"invoiceid": 3})) == {
        "action": "GetInvoice",
        "params": {"invoiceid": 3},
    }


def test_answers_without_a_result_are_not_answers() -> None:
    assert parse_answer("WhmcsDetails", '{"result": "success", "whmcs": {}}')["result"] == "success"
    for text in ('["success"]', '{"message": "x"}', "Fatal error"):
        with pytest.raises(ValueError):
            parse_answer("WhmcsDetails", text)


def test_redact_blanks_every_secret_longest_first() -> None:
    text = f"access denied for whmcs1 using {DB_PASSWORD} and {DB_PASSWORD[:6]}"
    assert (
        redact(text, [DB_PASSWORD[:6], DB_PASSWORD, ""])
        == f"access denied for whmcs1 using {REDACTED} and {REDACTED}"
    )


def _tree(tmp_path: Path, php_body: str) -> Path:
    """A root with a configuration.php (the secrets to hide) and a localapi.php that runs php_body."""
    (tmp_path / "sandbox").mkdir()
    (tmp_path / "configuration.php").write_text(
        f"<?php\n$db_host = 'localhost';\n$db_username = 'u';\n$db_password = '{DB_PASSWORD}';\n"
        f"$db_name = 'whmcs';\n$cc_encryption_hash = '{CC_HASH}';\n"
    )
    (tmp_path / "sandbox" / "localapi.php").write_text(
        "<?php\n$request = json_decode(stream_get_contents(STDIN), true);\n" + php_body
    )
    return tmp_path


@needs_php
def test_a_success_answer_is_returned_as_a_dict(tmp_path: Path) -> None:
    root = _tree(tmp_path, "echo json_encode(['result' => 'success', 'echo' => $request]);\n")
    answer = call_local_api(root, "AddOrder", {"pid": [1], "noinvoice": True})
    assert answer == {
        "result": "success",
        "echo": {"action": "AddOrder", "params": {"pid": [1], "noinvoice": True}},
    }


@needs_php
def test_an_error_answer_raises_with_the_message_unless_not_checked(tmp_path: Path) -> None:
    root = _tree(tmp_path, "echo json_encode(['result' => 'error', 'message' => 'Order ID not found']);\n")
    with pytest.raises(LocalApiError) as raised:
        call_local_api(root, "AcceptOrder", {"orderid": 9})
    assert raised.value.api_message == "Order ID not found" and raised.value.action == "AcceptOrder"
    assert raised.value.message == "localAPI AcceptOrder: Order ID not found"
    assert call_local_api(root, "AcceptOrder", {"orderid": 9}, check=False)["message"] == "Order ID not found"


@needs_php
def test_a_php_failure_is_a_stage_error_with_the_stderr_tail_and_no_secret(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        f"fwrite(STDERR, \"error: SQLSTATE[HY000] [1045] for u using '{DB_PASSWORD}' key {CC_HASH}\\n\");\nexit(1);\n",
    )
    with pytest.raises(StageError) as raised:
        call_local_api(root, "AddClient", {"password2": "Client-Secret-1"})
    message = raised.value.message
    assert "php exited 1" in message and "SQLSTATE[HY000] [1045]" in message
    assert DB_PASSWORD not in message and CC_HASH not in message and "Client-Secret-1" not in message
    assert not isinstance(raised.value, LocalApiError)


@needs_php
def test_output_that_is_not_json_is_a_stage_error(tmp_path: Path) -> None:
    root = _tree(tmp_path, "echo 'Fatal error: something broke';\n")
    with pytest.raises(StageError, match="no JSON answer: Fatal error: something broke"):
        call_local_api(root, "WhmcsDetails", {})


def test_a_folder_that_is_not_a_sandbox_tree_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StageError, match="is not a sandbox WHMCS tree"):
        call_local_api(tmp_path, "WhmcsDetails", {})

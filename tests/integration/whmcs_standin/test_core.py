"""The stand-in's core through real php and MariaDB: Capsule on Illuminate, the SQL mode, DNS
containment, hook detection and loading, module autoloading, logs, module parameters, the localAPI
command-line entry."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import whmcs_encrypt
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import connect_host, setting
from fixtures.standin_php import PhpFailed, run_in_whmcs
from fixtures.whmcs_rows import insert_row

pytestmark = pytest.mark.slow

PROBE_MODULE = Path(__file__).parents[2] / "fixtures" / "php" / "modules" / "servers" / "hookprobe"
DNS_FUNCTIONS = ("dns_get_record", "checkdnsrr", "getmxrr", "gethostbyname", "gethostbynamel")


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        shutil.copytree(PROBE_MODULE, info.root("whmcs1") / "modules" / "servers" / "hookprobe")
        yield info


@pytest.fixture
def root(box: SandboxInfo) -> Path:
    return box.root("whmcs1")


def _set_setting(root: Path, name: str, value: str) -> None:
    run_in_whmcs(
        root, f"WHMCS\\Config\\Setting::setValue({json.dumps(name)}, {json.dumps(value)}); return true;"
    )


# ------------------------------------------------------------------------------ database layer
def test_capsule_is_illuminate_bound_to_the_whmcs_database(root: Path) -> None:
    answer = run_in_whmcs(
        root,
        """
        return [
            'manager' => get_parent_class(new Capsule()),
            'connection' => get_class(Capsule::connection()),
            'version' => Capsule::table('tblconfiguration')->where('setting', 'Version')->value('value'),
            'hasTable' => Capsule::schema()->hasTable('tblhosting'),
            'pdo' => get_class(Capsule::connection()->getPdo()),
            'collection' => get_class(Capsule::table('tblcurrencies')->get()),
        ];
        """,
    )
    assert answer == {
        "manager": "Illuminate\\Database\\Capsule\\Manager",
        "connection": "Illuminate\\Database\\MySqlConnection",
        "version": setting_version(root),
        "hasTable": True,
        "pdo": "PDO",
        "collection": "Illuminate\\Support\\Collection",
    }


def setting_version(root: Path) -> str:
    return str(
        run_in_whmcs(
            root, "return Capsule::table('tblconfiguration')->where('setting', 'Version')->value('value');"
        )
    )


def test_a_failed_transaction_leaves_nothing_behind(root: Path) -> None:
    answer = run_in_whmcs(
        root,
        """
        try {
            Capsule::connection()->transaction(function () {
                Capsule::table('tblconfiguration')->insert(['setting' => 'ProbeRollback', 'value' => 'x']);
                throw new RuntimeException('stop');
            });
        } catch (RuntimeException $e) {
        }
        return Capsule::table('tblconfiguration')->where('setting', 'ProbeRollback')->exists();
        """,
    )
    assert answer is False


def test_session_sql_mode_is_whmcs_default_and_accepts_an_insert_whmcs_accepts(root: Path) -> None:
    answer = run_in_whmcs(
        root,
        """
        $mode = Capsule::connection()->select('SELECT @@SESSION.sql_mode AS m')[0]->m;
        // The columns an InvoiceCreation hook of a real module inserts: userid, paymentmethod and
        // notes (NOT NULL, no default) are left out, as WHMCS's own invoice code leaves out notes.
        $id = Capsule::table('tblinvoiceitems')->insertGetId(['invoiceid' => 999, 'type' => 'Hosting',
            'relid' => 1, 'description' => 'probe', 'amount' => 6.00, 'taxed' => 0, 'duedate' => date('Y-m-d')]);
        $row = Capsule::table('tblinvoiceitems')->find($id);
        Capsule::table('tblinvoiceitems')->where('id', $id)->delete();
        return ['mode' => $mode, 'notes' => $row->notes, 'paymentmethod' => $row->paymentmethod];
        """,
    )
    assert answer == {"mode": "", "notes": "", "paymentmethod": ""}


@pytest.mark.parametrize(
    ("configured", "expected"),
    [("STRICT_ALL_TABLES", "STRICT_ALL_TABLES"), ("NOT_A_REAL_MODE", "")],
    ids=["configured-mode-used", "refused-mode-falls-back-to-empty"],
)
def test_configuration_php_sql_mode_is_honoured(root: Path, configured: str, expected: str) -> None:
    configuration = root / "configuration.php"
    original = configuration.read_text()
    configuration.write_text(original + f"$sql_mode = '{configured}';\n")
    try:
        mode = run_in_whmcs(
            root, "return Capsule::connection()->select('SELECT @@SESSION.sql_mode AS m')[0]->m;"
        )
    finally:
        configuration.write_text(original)
    assert mode == expected


# --------------------------------------------------------------------------------------- DNS
def test_php_resolver_functions_are_disabled_and_answer_locally(root: Path) -> None:
    (root / "sandbox" / "dns.json").write_text(
        json.dumps({"example.test": {"TXT": [{"host": "example.test", "type": "TXT", "txt": "v=spf1 -all"}]}})
    )
    try:
        answer = run_in_whmcs(
            root,
            """
            return [
                'disabled' => explode(',', ini_get('disable_functions')),
                'txt' => dns_get_record('example.test', DNS_TXT),
                'unknown' => dns_get_record('example.com', DNS_TXT),
                'mx' => checkdnsrr('example.com', 'MX'),
                'localhost' => gethostbyname('localhost'),
                'name' => gethostbyname('www.example.com'),
            ];
            """,
        )
    finally:
        (root / "sandbox" / "dns.json").unlink()
    assert set(DNS_FUNCTIONS) <= set(answer["disabled"])
    assert answer["txt"] == [{"host": "example.test", "type": "TXT", "txt": "v=spf1 -all"}]
    assert answer["unknown"] == []
    assert answer["mx"] is False
    assert answer["localhost"] == "127.0.0.1"
    assert answer["name"] == "www.example.com"  # PHP's own answer when a name does not resolve


def test_a_script_run_like_the_crontab_line_is_contained_too(root: Path, tmp_path: Path) -> None:
    script = tmp_path / "probe.php"
    script.write_text(f"<?php\nrequire '{root}/init.php';\necho ini_get('disable_functions');\n")
    done = subprocess.run(["php", "-q", str(script)], capture_output=True, text=True, timeout=60, check=True)
    assert set(DNS_FUNCTIONS) <= set(done.stdout.split(","))


def test_a_process_that_cannot_contain_dns_is_refused(root: Path) -> None:
    env = {**os.environ, "WHMCS_SANDBOX_DNS_CONTAINED": "1"}  # as if it had re-executed already
    with pytest.raises(PhpFailed, match="runs PHP only with its DNS functions disabled"):
        run_in_whmcs(root, "return gethostbyname('example.com');", env=env)


# ------------------------------------------------------------------------------------ hooks
def _probe_hook(root: Path) -> list[str]:
    return run_in_whmcs(root, "return run_hook('SandboxProbe', ['tag' => 'x']);")


def test_hooks_load_only_after_the_product_module_settings_are_saved(root: Path, box: SandboxInfo) -> None:
    _set_setting(root, "ModuleHooks", "")
    assert _probe_hook(root) == []

    with connect_host(box, "whmcs1") as connection, connection.cursor() as cursor:
        product_id = insert_row(
            cursor, "tblproducts", {"name": "Probe", "servertype": "hookprobe", "type": "other"}
        )
    # A product written straight into the database: WHMCS has not detected the hook file.
    assert _probe_hook(root) == []

    saved = subprocess.run(
        ["php", str(root / "sandbox" / "admin.php"), "save-product-module-settings", str(product_id)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(saved.stdout) == {"ModuleHooks": ["hookprobe"]}
    assert setting(box, "ModuleHooks") == "hookprobe"
    assert _probe_hook(root) == ["first:x", "second:x"]  # priority 1 before 5


def test_recorded_names_without_a_hooks_file_or_invalid_are_skipped(root: Path) -> None:
    _set_setting(root, "ModuleHooks", "nosuchmodule,../../etc,hookprobe")
    assert _probe_hook(root) == ["first:x", "second:x"]


def test_saving_an_unknown_product_is_refused(root: Path) -> None:
    done = subprocess.run(
        ["php", str(root / "sandbox" / "admin.php"), "save-product-module-settings", "987654"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "product ID 987654 not found" in done.stderr


# -------------------------------------------------------------------------------- autoloading
def test_module_lib_classes_are_autoloaded(root: Path) -> None:
    answer = run_in_whmcs(
        root,
        "return [(new WHMCS\\Module\\Server\\Hookprobe\\Thing())->name(), "
        "WHMCS\\Module\\Server\\Hookprobe\\Deep\\Inner::NAME, "
        "class_exists('WHMCS\\\\Module\\\\Server\\\\Hookprobe\\\\Missing')];",
    )
    assert answer == ["thing", "inner", False]


# ------------------------------------------------------------------------------------- logs
def test_module_log_is_written_only_with_module_debug_logging_and_masks_secrets(root: Path) -> None:
    call = "logModuleCall('hookprobe', 'CreateAccount', 'user=a pass=S3cret!', ['token' => 'S3cret!'], 'done', ['S3cret!']);"
    count = "return Capsule::table('tblmodulelog')->where('module', 'hookprobe')->count();"
    _set_setting(root, "ModuleDebugMode", "")
    before = run_in_whmcs(root, call + count)
    _set_setting(root, "ModuleDebugMode", "on")
    row = run_in_whmcs(root, call + "return Capsule::table('tblmodulelog')->orderBy('id', 'desc')->first();")
    assert before == 0
    assert row["module"] == "hookprobe"
    assert row["action"] == "CreateAccount"
    assert row["request"] == "user=a pass=*******"
    assert "S3cret!" not in row["response"] and "*******" in row["response"]


def test_activity_log_lines_are_written_by_the_system_user(root: Path) -> None:
    row = run_in_whmcs(
        root,
        "logActivity('probe line', 3); return Capsule::table('tblactivitylog')"
        "->orderBy('id', 'desc')->first();",
    )
    assert (row["description"], row["user"], row["userid"]) == ("probe line", "System", 3)


# ------------------------------------------------------------------------------ module params
def test_service_parameters_are_built_as_whmcs_builds_them(root: Path, box: SandboxInfo) -> None:
    config = read_whmcs_config(root)
    with connect_host(box, "whmcs1") as connection, connection.cursor() as cursor:
        server_id = insert_row(
            cursor,
            "tblservers",
            {
                "name": "probe",
                "hostname": "mail.example.test",
                "ipaddress": "192.0.2.7",
                "type": "hookprobe",
                "username": "admin",
                "password": whmcs_encrypt("Server-Pass-1", config.cc_encryption_hash),
                "secure": "",
                "port": None,
            },
        )
        product_id = insert_row(
            cursor,
            "tblproducts",
            {
                "name": "Probe plan",
                "servertype": "hookprobe",
                "type": "hostingaccount",
                "configoption1": "25",
                "configoption2": "on",
            },
        )
        client_id = insert_row(
            cursor,
            "tblclients",
            {
                "firstname": "Jos&eacute;",
                "lastname": "Probe",
                "email": "jose@example.test",
                "country": "CA",
                "language": "",
            },
        )
        service_id = insert_row(
            cursor,
            "tblhosting",
            {
                "userid": client_id,
                "packageid": product_id,
                "server": server_id,
                "domain": "example.test",
                "username": "examplet",
                "password": whmcs_encrypt("Service-Pass-2", config.cc_encryption_hash),
                "domainstatus": "Active",
                "billingcycle": "Monthly",
            },
        )
    params = run_in_whmcs(
        root,
        f"$module = new WHMCS\\Sandbox\\ServerModule('hookprobe');"
        f"return WHMCS\\Sandbox\\ModuleParams::forService({service_id}, $module);",
    )
    assert {
        key: params[key]
        for key in (
            "serviceid",
            "userid",
            "pid",
            "serverid",
            "domain",
            "username",
            "password",
            "producttype",
            "moduletype",
            "server",
            "serverhostname",
            "serverip",
            "serverusername",
            "serverpassword",
            "serversecure",
            "serverport",
            "serverhttpprefix",
            "configoption1",
            "configoption2",
            "configoption24",
        )
    } == {
        "serviceid": service_id,
        "userid": client_id,
        "pid": product_id,
        "serverid": server_id,
        "domain": "example.test",
        "username": "examplet",
        "password": "Service-Pass-2",
        "producttype": "hostingaccount",
        "moduletype": "hookprobe",
        "server": True,
        "serverhostname": "mail.example.test",
        "serverip": "192.0.2.7",
        "serverusername": "admin",
        "serverpassword": "Server-Pass-1",
        "serversecure": False,
        "serverport": "8080",
        "serverhttpprefix": "http",
        "configoption1": "25",
        "configoption2": "on",
        "configoption24": "",
    }
    assert params["clientsdetails"]["email"] == "jose@example.test"
    assert params["clientsdetails"]["firstname"] == "José"  # APIVersion 1.1: entities decoded
    assert "password" not in params["clientsdetails"]


def test_server_parameters_default_the_port_from_the_module_metadata(root: Path) -> None:
    params = run_in_whmcs(
        root,
        "$module = new WHMCS\\Sandbox\\ServerModule('hookprobe');"
        "$server = ['id' => 4, 'ipaddress' => '', 'hostname' => 'h', 'username' => 'u', 'password' => encrypt('p'),"
        " 'accesshash' => '', 'secure' => 'on', 'port' => null];"
        "return WHMCS\\Sandbox\\ModuleParams::forServer($server, $module);",
    )
    assert (params["serverport"], params["serversecure"], params["serverpassword"]) == ("8443", True, "p")
    assert "domain" not in params  # server-level functions get no service fields


# ------------------------------------------------------------------------- localAPI from a shell
def _localapi(root: Path, request: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["php", str(root / "sandbox" / "localapi.php")],
        input=request,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_localapi_entry_answers_with_the_api_envelope(root: Path) -> None:
    details = _localapi(root, json.dumps({"action": "WhmcsDetails"}))
    unknown = _localapi(root, json.dumps({"action": "NoSuchAction", "params": {}}))
    assert details.returncode == 0
    assert json.loads(details.stdout)["result"] == "success"
    assert json.loads(details.stdout)["whmcs"]["canonicalversion"] == setting_version(root)
    assert json.loads(unknown.stdout) == {"result": "error", "message": "Command Not Found"}


@pytest.mark.parametrize("request_text", ["not json", "[]", '{"action": "WhmcsDetails", "params": "x"}'])
def test_localapi_entry_refuses_malformed_requests(root: Path, request_text: str) -> None:
    done = _localapi(root, request_text)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("error: ")

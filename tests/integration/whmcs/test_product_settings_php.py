"""Reading the module's ConfigOptions through real php, and refusing modules that do not match."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_config_options import (
    ModuleSchemaError,
    read_module_config_options,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_schema import (
    check_schema_matches,
    module_schema,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    OPTION_NAMES,
    resolve_options,
)
from fixtures.module_release import build_release
from smartermail_whmcs.sandbox.inventory import FIXTURE_MODULE_DIR

FIXTURE_FILE = FIXTURE_MODULE_DIR / "smartermail.php"
_ENTRY = re.compile(r"^        '(\w+)' => \[\n.*?^        \],\n", re.S | re.M)

pytestmark = pytest.mark.skipif(shutil.which("php") is None, reason="needs the php CLI")


def module_copy(tmp_path: Path) -> Path:
    """A copy of the whole fixture module folder (it requires lib/), to be edited by the test."""
    target = tmp_path / "modules" / "servers" / "smartermail"
    shutil.copytree(FIXTURE_MODULE_DIR, target)
    return target / "smartermail.php"


def entries(source: str) -> list[re.Match[str]]:
    """The 23 entries of the array smartermail_ConfigOptions() returns (spans index ``source``)."""
    start = source.index("function smartermail_ConfigOptions()")
    end = source.index("\n}\n", start)
    found = list(_ENTRY.finditer(source, start, end))
    assert len(found) == 23, "the fixture module layout changed; update this test's parser"
    return found


def test_the_fixture_module_is_read_in_order_and_matches_the_schema() -> None:
    options = read_module_config_options("php", str(FIXTURE_FILE))
    assert len(options) == 23
    assert [option["Type"] for option in options].count("yesno") == 7
    assert options[0] == {
        "key": "gb_per_tranche",
        "FriendlyName": options[0]["FriendlyName"],
        "Type": "text",
        "Default": "10",
        "Options": [],
        "Size": "5",
    }
    assert options[4]["Default"] == "C:\\SmarterMail\\Domains\\" and options[4]["Size"] == "40"
    assert options[22]["Type"] == "dropdown" and options[22]["Options"] == ["none", "quarantine", "reject"]
    assert all(option["FriendlyName"] for option in options)
    check_schema_matches(options)


def test_a_module_with_22_options_is_refused(tmp_path: Path) -> None:
    module = module_copy(tmp_path)
    source = module.read_text()
    max_users = entries(source)[OPTION_NAMES.index("max_users")]
    module.write_text(source[: max_users.start()] + source[max_users.end() :])
    options = read_module_config_options("php", str(module))
    assert len(options) == 22
    with pytest.raises(ModuleSchemaError, match="declares 22 settings, fewer than the 23 named ones"):
        check_schema_matches(options)


def test_a_module_with_two_options_swapped_is_refused(tmp_path: Path) -> None:
    module = module_copy(tmp_path)
    source = module.read_text()
    found = entries(source)
    seventh, eighth = found[6], found[7]  # max_users (text), delete_data_on_terminate (yesno)
    module.write_text(source[: seventh.start()] + eighth.group(0) + seventh.group(0) + source[eighth.end() :])
    options = read_module_config_options("php", str(module))
    assert len(options) == 23
    with pytest.raises(ModuleSchemaError) as caught:
        check_schema_matches(options)
    assert "slot 7 (max_users" in str(caught.value) and "is of type 'yesno', expected 'text'" in str(
        caught.value
    )


def test_output_printed_by_the_module_does_not_disturb_the_answer(tmp_path: Path) -> None:
    module = module_copy(tmp_path)
    module.write_text(
        module.read_text().replace(
            "use WHMCS\\Database\\Capsule;", "use WHMCS\\Database\\Capsule;\necho 'noise [1]';"
        )
    )
    assert len(read_module_config_options("php", str(module))) == 23


def test_missing_php_is_a_sentence() -> None:
    with pytest.raises(
        ModuleSchemaError, match=r"cannot run the PHP CLI '/nonexistent/php'.*install php-cli"
    ):
        read_module_config_options("/nonexistent/php", str(FIXTURE_FILE))


def test_missing_module_file_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(ModuleSchemaError, match="does not exist"):
        read_module_config_options("php", str(tmp_path / "smartermail.php"))


def test_a_file_without_config_options_is_not_a_module(tmp_path: Path) -> None:
    module = tmp_path / "smartermail.php"
    module.write_text("<?php\nfunction smartermail_MetaData() { return []; }\n")
    with pytest.raises(ModuleSchemaError, match=r"does not define smartermail_ConfigOptions\(\)"):
        read_module_config_options("php", str(module))


def test_a_php_error_in_the_module_is_reported(tmp_path: Path) -> None:
    module = module_copy(tmp_path)
    module.write_text(
        module.read_text().replace(
            "function smartermail_ConfigOptions()\n{", "function smartermail_ConfigOptions()\n{ $x = ;"
        )
    )
    with pytest.raises(ModuleSchemaError, match=r"php could not read smartermail_ConfigOptions.*ParseError"):
        read_module_config_options("php", str(module))


def test_a_module_that_exits_while_loading_is_reported(tmp_path: Path) -> None:
    module = tmp_path / "smartermail.php"
    module.write_text("<?php\nexit(3);\n")
    with pytest.raises(
        ModuleSchemaError, match=r"php stopped \(exit code 3\) before smartermail_ConfigOptions"
    ):
        read_module_config_options("php", str(module))


def test_the_whmcs_guard_is_satisfied_and_capsule_has_no_database(tmp_path: Path) -> None:
    module = tmp_path / "smartermail.php"
    module.write_text(
        "<?php\nif (!defined('WHMCS')) { die('no'); }\n"
        "function smartermail_ConfigOptions() {\n"
        "    try { $rows = \\WHMCS\\Database\\Capsule::table('tblproducts')->get(); $said = 'a database'; }\n"
        "    catch (\\RuntimeException $e) { $said = $e->getMessage(); }\n"
        "    return ['a' => ['Type' => 'text', 'Default' => (defined('ROOTDIR') ? 'whmcs-loaded ' : '') . $said]];\n"
        "}\n"
    )
    options = read_module_config_options("php", str(module))
    assert options == [
        {
            "key": "a",
            "FriendlyName": "",
            "Type": "text",
            "Default": "no database: the module settings are read before installing",
            "Options": [],
            "Size": None,
        }
    ]


def test_a_module_that_does_not_catch_the_missing_database_is_reported(tmp_path: Path) -> None:
    module = tmp_path / "smartermail.php"
    module.write_text(
        "<?php\nfunction smartermail_ConfigOptions() {\n"
        "    return ['a' => ['Type' => 'dropdown', 'Options' => \\WHMCS\\Database\\Capsule::table('x')->pluck('name')]];\n"
        "}\n"
    )
    with pytest.raises(ModuleSchemaError, match=r"RuntimeException: no database"):
        read_module_config_options("php", str(module))


# ---------------------------------------------------------------- the test release 1.2.0 (24 settings)


def release_module(tmp_path: Path) -> Path:
    return build_release(tmp_path / "release") / "modules" / "servers" / "smartermail" / "smartermail.php"


def test_the_release_declares_a_24th_package_setting_with_its_fallback_choice_without_a_database(
    tmp_path: Path,
) -> None:
    options = read_module_config_options("php", str(release_module(tmp_path)))
    assert len(options) == 24
    assert options[23] == {
        "key": "package",
        "FriendlyName": "Package",
        "Type": "dropdown",
        "Default": "default",
        "Options": ["default"],
        "Size": None,
    }
    assert check_schema_matches(options) == []
    schema = module_schema(options, choices_known=False)
    assert [spec.name for spec in schema.added] == ["package"]
    # Before installing, the host's choices are unknown: any one-line value passes here.
    assert resolve_options({"package": "premium"}, {}, schema.specs)["configoption24"] == "premium"


def test_a_release_with_25_settings_is_refused(tmp_path: Path) -> None:
    module = release_module(tmp_path)
    extra = module.parent / "lib" / "FixtureRelease.php"
    extra.write_text(
        extra.read_text().replace(
            "    return [\n        'package' => [",
            "    return [\n        'region' => ['FriendlyName' => 'Region', 'Type' => 'text'],\n        'package' => [",
        )
    )
    options = read_module_config_options("php", str(module))
    assert len(options) == 25
    with pytest.raises(ModuleSchemaError, match=r"declares 25 settings; WHMCS stores at most 24"):
        check_schema_matches(options)


def test_a_release_that_inserts_a_setting_before_the_named_ones_is_refused(tmp_path: Path) -> None:
    """24 settings, but the new one is in slot 8: every name after it would move; refused, not mapped."""
    module = release_module(tmp_path)
    source = module.read_text()
    eighth = entries(source)[7]
    module.write_text(
        source[: eighth.start()]
        + "        'region' => ['FriendlyName' => 'Region', 'Type' => 'text', 'Default' => ''],\n"
        + source[eighth.start() :]
    )
    extra = module.parent / "lib" / "FixtureRelease.php"
    extra.write_text(
        extra.read_text().replace(
            "function smartermail_fixtureReleaseConfigOptions()\n{",
            "function smartermail_fixtureReleaseConfigOptions()\n{\n    return [];",
        )
    )
    options = read_module_config_options("php", str(module))
    assert len(options) == 24
    with pytest.raises(ModuleSchemaError) as caught:
        check_schema_matches(options)
    assert (
        "slot 8 (delete_data_on_terminate; the module calls it 'Region') is of type 'text', expected 'yesno'"
        in str(caught.value)
    )
    assert "Nothing was written" in str(caught.value)

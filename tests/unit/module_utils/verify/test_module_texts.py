"""The module's invoice strings from its language files: Language setting, then french, then english."""

from __future__ import annotations

from pathlib import Path

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.module_texts import (
    ModuleTexts,
    read_language_file,
)


def write(folder: Path, language: str, body: str) -> None:
    (folder / "lang").mkdir(exist_ok=True)
    (folder / "lang" / f"{language}.php").write_text("<?php\n" + body, encoding="utf-8")


def test_literals_are_read_with_phps_escapes(tmp_path: Path) -> None:
    write(
        tmp_path,
        "english",
        "$_LANG['single'] = 'it\\'s \\\\ \\n raw';\n"
        '$_LANG["double"] = "tab\\there \\x41 \\u{e9} \\$5";\n'
        "$_LANG['spread'] =\n    '%1$s GB';\n"
        '$_LANG["variable"] = "costs $price";\n',
    )
    texts = read_language_file(str(tmp_path / "lang" / "english.php"))
    assert texts == {"single": "it's \\ \\n raw", "double": "tab\there A \u00e9 $5", "spread": "%1$s GB"}


def test_the_configured_language_comes_first_then_french_then_english(tmp_path: Path) -> None:
    write(
        tmp_path, "english", "$_LANG['inv_usage_prefix'] = 'EN ';\n$_LANG['inv_usage_label'] = 'EN label';\n"
    )
    write(tmp_path, "french", "$_LANG['inv_usage_label'] = 'FR label';\n")
    write(tmp_path, "german", "$_LANG['inv_usage_label'] = 'DE label';\n")
    german = ModuleTexts(str(tmp_path), "German")
    assert german.text("inv_usage_label") == "DE label"
    assert german.text("inv_usage_prefix") == "EN "  # a key the first files lack comes from the next
    assert ModuleTexts(str(tmp_path), "").text("inv_usage_label") == "FR label"
    assert ModuleTexts(str(tmp_path), "../etc").text("inv_usage_label") == "FR label"  # not a language name
    assert ModuleTexts(str(tmp_path), "english").text("missing_key") == "missing_key"
    assert str(german.source("inv_usage_prefix")).endswith("lang/english.php")

"""Which cached module files are older than the files on disk, from an OPcache status answer."""

from __future__ import annotations

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_opcache import (
    _ini_value,
    stale_scripts,
    status_source,
)

FILE = "/w/modules/servers/smartermail/smartermail.php"


def answer(timestamp: int, used: int, emptied: int = 100) -> dict:
    return {"start_time": emptied, "scripts": {FILE: {"timestamp": timestamp, "last_used_timestamp": used}}}


def test_with_timestamps_the_compiled_mtime_decides() -> None:
    assert stale_scripts(answer(500, 900), {FILE: 600})[0][0]["cached_mtime"] == 500
    assert stale_scripts(answer(600, 900), {FILE: 600}) == ([], [])


def test_without_timestamps_a_change_after_the_last_use_is_certain() -> None:
    stale, maybe = stale_scripts(answer(0, 500), {FILE: 600})
    assert [entry["path"] for entry in stale] == [FILE] and maybe == []


def test_without_timestamps_a_change_between_restart_and_last_use_is_uncertain() -> None:
    stale, maybe = stale_scripts(answer(0, 700), {FILE: 600})
    assert stale == [] and [entry["path"] for entry in maybe] == [FILE]


def test_a_change_before_the_cache_was_emptied_is_fresh() -> None:
    assert stale_scripts(answer(0, 700, emptied=650), {FILE: 600}) == ([], [])


def test_files_gone_from_disk_are_ignored() -> None:
    assert stale_scripts(answer(0, 500), {}) == ([], [])


def test_status_source_embeds_only_quoted_folder_prefixes() -> None:
    source = status_source(["/w/it's"])
    assert "json_decode('[\"/w/it\\'s/\"]', true)" in source


def test_ini_value_reads_php_i_lines() -> None:
    info = "opcache.enable => On => On\nopcache.validate_timestamps => Off => On\n"
    assert _ini_value(info, "opcache.validate_timestamps") == "Off"
    assert _ini_value(info, "opcache.revalidate_freq") is None

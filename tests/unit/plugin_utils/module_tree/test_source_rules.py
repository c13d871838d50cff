"""source_rules: the limits, the name rules and the sentence of each refusal."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.plugin_utils.module_tree.source_rules import (
    MIB,
    Budget,
    Member,
    SourceError,
    SourceLimits,
    check_names,
    clean_name,
)

SRC = "/src/m.zip"


def test_budget_counts_members_and_bytes_against_each_limit() -> None:
    budget = Budget(SRC, SourceLimits(max_unpacked_mb=2, max_file_mb=1, max_members=2), 0)
    budget.count()
    budget.count()
    with pytest.raises(SourceError, match=r"^smartermail_module_src=/src/m.zip holds more than 2 members"):
        budget.count()
    budget.add_file("a", MIB)
    with pytest.raises(SourceError, match=r"member 'b' unpacks to 1.0 MiB, over the per-file limit of 1 MiB"):
        budget.add_file("b", MIB + 1)
    budget.add_file("c", MIB)
    with pytest.raises(SourceError, match=r"member 'd' brings the unpacked total to more than 2 MiB"):
        budget.add_file("d", 1)


def test_ratio_applies_to_a_member_and_to_the_whole_archive_above_one_mib() -> None:
    budget = Budget(SRC, SourceLimits(max_ratio=10), packed_size=MIB)
    budget.add_file("small.txt", MIB, compressed=1)  # not above the 1 MiB floor: any ratio is fine
    with pytest.raises(
        SourceError, match=r"member 'big.txt' unpacks to 2.0 MiB from 1.0 KiB: a ratio of 2048:1"
    ):
        budget.add_file("big.txt", 2 * MIB, compressed=1024)
    whole = Budget(SRC, SourceLimits(max_ratio=10), packed_size=1024)
    with pytest.raises(SourceError, match=r"the archive unpacks to 2.0 MiB from 1.0 KiB"):
        whole.add_file("a.bin", 2 * MIB)


@pytest.mark.parametrize(
    "name", ["a\nb.php", "x\x1b[2J.php", "evil\u202egnp.php", "bad\udcff.php", "del\x7f"]
)
def test_control_characters_and_undecodable_bytes_are_refused_and_shown_escaped(name: str) -> None:
    with pytest.raises(SourceError, match="holds a control character or an undecodable byte") as refused:
        clean_name(name, SRC)
    assert repr(name) in str(refused.value)
    assert not any(char in str(refused.value) for char in "\n\x1b\u202e\x7f")


def test_zip_names_use_slashes_and_the_root_is_empty() -> None:
    assert clean_name("./smartermail\\lib\\Client.php", SRC, zip_names=True) == "smartermail/lib/Client.php"
    assert clean_name("./", SRC) == ""


def test_duplicates_and_a_file_that_is_also_a_folder() -> None:
    def member(name: str, kind: str = "file") -> Member:
        return Member(name, kind, "top/" + name, 0)

    check_names(
        [member("lib", "dir"), member("lib", "dir"), member("lib/a.php")], SRC
    )  # a folder twice is fine
    with pytest.raises(SourceError, match=r"member 'top/a.php' appears more than once"):
        check_names([member("a.php"), member("a.php")], SRC)
    with pytest.raises(
        SourceError, match=r"member 'top/lib' is both a file and a folder \('top/lib/x/a.php'"
    ):
        check_names([member("lib"), member("lib/x/a.php")], SRC)

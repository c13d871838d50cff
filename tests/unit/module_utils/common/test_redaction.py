"""common.redaction: one masking rule for every place text may reach a person."""

from __future__ import annotations

from ansible_collections.astral360.smartermail.plugins.module_utils.common.redaction import (
    MASK,
    mask_value,
    scrub,
    usable_secrets,
)


def test_longest_secret_first_so_a_secret_inside_another_is_masked_whole() -> None:
    assert usable_secrets(["abc", "abcdef", None, "abc"]) == ("abcdef", "abc")
    assert scrub("pw=abcdef", ["abc", "abcdef"]) == f"pw={MASK}"


def test_short_strings_are_not_secrets_unless_asked() -> None:
    assert scrub("a b c", ["b"]) == "a b c"  # would blank ordinary words
    assert scrub("user:x1 at host", ["x1"], min_chars=1) == f"user:{MASK} at host"


def test_non_text_passes_through_unchanged() -> None:
    assert scrub(42, ["secret"]) == 42
    assert scrub(None, ["secret"]) is None


def test_mask_value_reaches_keys_values_and_nested_lists() -> None:
    value = {"hint": "login s3cret failed", "s3cret": ["x s3cret", ("s3cret",)], "n": 3}
    assert mask_value(value, ["s3cret"]) == {
        "hint": f"login {MASK} failed",
        MASK: [f"x {MASK}", [MASK]],
        "n": 3,
    }


def test_mask_value_without_usable_secrets_returns_the_value_itself() -> None:
    value = {"a": "b"}
    assert mask_value(value, ["", None, "ab"]) is value

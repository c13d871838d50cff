"""slugs: the slug WHMCS would give a product or group name."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.slugs import slugify, transliterate


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Email Hosting", "email-hosting"),
        ("Ünïcødé Mäil", "unicode-mail"),
        ("Straße Œuvre Æther þorn", "strasse-oeuvre-aether-thorn"),
        ("Łódź Đakovo Ħal Øst", "lodz-dakovo-hal-ost"),
        ("Mail & Web", "mail-and-web"),
        ("info@example", "info-at-example"),
        ("Mail (Pro) 10 GB!", "mail-pro-10-gb"),
        ("e-mail's  __ box", "e-mails-box"),
        ("Почта Щука", "pochta-shchuka"),
        ("Ελληνικό Mail", "elleniko-mail"),
        ("ﬁle Ⅻ", "file-xii"),
        ("2024", "product-2024"),
        ("日本語", "product"),
        ("Mail 📧", "mail"),
        ("", "product"),
    ],
)
def test_names_become_the_slugs_users_expect(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_slugs_are_at_most_128_characters_and_end_on_a_word() -> None:
    slug = slugify("mail " * 40)
    assert len(slug) <= 128 and not slug.endswith("-") and set(slug) <= set("mail-")


def test_transliterate_keeps_case_and_unknown_characters() -> None:
    assert transliterate("Ørsted ÆØÅ Жук 日") == "Orsted AEOA ZHuk 日"

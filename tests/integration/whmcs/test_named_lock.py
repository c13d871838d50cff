"""named_lock against a real MariaDB: one holder per database, a clear sentence after the wait."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.named_lock import (
    WhmcsLockTimeout,
    named_lock,
)
from fixtures.mariadb import WhmcsDatabase


def test_a_second_holder_waits_then_gets_a_sentence_and_the_lock_is_free_after(
    whmcs_database: WhmcsDatabase,
) -> None:
    first, second = whmcs_database.connect(), whmcs_database.connect()
    try:
        with named_lock(first, "products", whmcs_database.name) as name:
            assert name == f"astral360.smartermail:products:{whmcs_database.name}"
            with (
                pytest.raises(WhmcsLockTimeout) as refused,
                named_lock(second, "products", whmcs_database.name, 1),
            ):
                pass
            message = str(refused.value)
            assert message.startswith(
                f"another run is writing the products of the WHMCS database {whmcs_database.name!r}"
            )
            assert "after 1 s; nothing was changed" in message and f"IS_USED_LOCK('{name}')" in message
            with named_lock(second, "servers", whmcs_database.name, 1):
                pass  # another purpose is another lock
        with named_lock(second, "products", whmcs_database.name, 1):
            pass
    finally:
        first.close()
        second.close()

"""The WHMCS 8.x tables and fresh-install rows the stand-in's flows need (docs/whmcs-standin-facts.md).

Loaded through MariaDBServer.create_whmcs_database under the server's strict sql_mode, then
checked column by column against WHMCS 8.x, and used to show why the stand-in's PHP connection must
run with WHMCS's own session sql_mode ('').
"""

from __future__ import annotations

from typing import Any

import pymysql
import pytest

# Column order as in WHMCS 8.x (late 8.x dump / 8.13 install SQL).
COLUMNS = {
    "tblorders": [
        "id", "ordernum", "userid", "contactid", "requestor_id", "admin_requestor_id", "date",
        "nameservers", "transfersecret", "renewals", "promocode", "promotype", "promovalue",
        "orderdata", "amount", "paymentmethod", "invoiceid", "status", "ipaddress", "fraudmodule",
        "fraudoutput", "notes", "purchase_source", "has_referral_products",
    ],
    "tblinvoices": [
        "id", "userid", "invoicenum", "date", "duedate", "datepaid", "last_capture_attempt",
        "date_refunded", "date_cancelled", "subtotal", "credit", "tax", "tax2", "total", "taxrate",
        "taxrate2", "status", "paymentmethod", "paymethodid", "notes", "created_at", "updated_at",
    ],
    "tblinvoiceitems": [
        "id", "invoiceid", "userid", "type", "relid", "description", "amount", "taxed", "duedate",
        "paymentmethod", "notes",
    ],
    "tblaccounts": [
        "id", "userid", "currency", "gateway", "date", "description", "amountin", "fees",
        "amountout", "rate", "transid", "invoiceid", "refundid",
    ],
    "tblpaymentgateways": ["id", "gateway", "setting", "value", "order"],
    "tblusers": [
        "id", "first_name", "last_name", "email", "password", "language", "second_factor",
        "second_factor_config", "remember_token", "reset_token", "security_question_id",
        "security_question_answer", "last_ip", "last_hostname", "last_login",
        "email_verification_token", "email_verification_token_expiry", "email_verified_at",
        "reset_token_expiry", "created_at", "updated_at",
    ],
    "tblusers_clients": [
        "id", "auth_user_id", "client_id", "invite_id", "owner", "permissions", "last_login",
        "created_at", "updated_at",
    ],
    "tblserver_tenants": ["id", "server_id", "tenant", "created_at", "updated_at"],
    "tbltenant_stats": [
        "id", "tenant_id", "metric", "type", "value", "measured_at", "invoice_id", "created_at",
        "updated_at",
    ],
    "tblcustomfields": [
        "id", "type", "relid", "fieldname", "fieldtype", "description", "fieldoptions", "regexpr",
        "adminonly", "required", "showorder", "showinvoice", "sortorder", "created_at", "updated_at",
    ],
    "tblcustomfieldsvalues": ["id", "fieldid", "relid", "value", "created_at", "updated_at"],
    "tbladdonmodules": ["id", "module", "setting", "value"],
    "tbladminroles": [
        "id", "name", "widgets", "reports", "systememails", "accountemails", "supportemails",
    ],
}  # fmt: skip

# NOT NULL columns without a default (besides the AUTO_INCREMENT id): an INSERT leaving one out
# fails in strict mode. This is what the stand-in relies on, so it is checked exactly.
REQUIRED = {
    "tblorders": {
        "ordernum", "userid", "contactid", "date", "nameservers", "transfersecret", "renewals",
        "promocode", "promotype", "promovalue", "orderdata", "amount", "paymentmethod", "status",
        "ipaddress", "fraudmodule", "fraudoutput", "notes",
    },
    "tblinvoices": {
        "userid", "invoicenum", "subtotal", "credit", "tax", "tax2", "status", "paymentmethod", "notes",
    },
    "tblinvoiceitems": {"userid", "type", "relid", "description", "taxed", "paymentmethod", "notes"},
    "tblaccounts": {"userid", "currency", "gateway", "description", "transid"},
    "tblpaymentgateways": {"gateway", "setting", "value", "order"},
    "tblusers": set(),
    "tblusers_clients": set(),
    "tblserver_tenants": set(),
    "tbltenant_stats": set(),
    "tblcustomfields": {
        "type", "fieldname", "fieldtype", "description", "fieldoptions", "regexpr", "adminonly",
        "required", "showorder", "showinvoice",
    },
    "tblcustomfieldsvalues": {"fieldid", "relid", "value"},
    "tbladdonmodules": {"module", "setting", "value"},
    "tbladminroles": {"name", "widgets", "reports", "systememails", "accountemails", "supportemails"},
}  # fmt: skip

# Columns WHMCS lets be NULL, which the stand-in's readers must expect.
NULLABLE = {
    "tblinvoices": {"date", "duedate", "paymethodid"},
    "tblinvoiceitems": {"duedate"},
    "tblaccounts": {"date"},
    "tbltenant_stats": {"invoice_id", "created_at", "updated_at"},
    "tblusers_clients": {"permissions", "last_login", "created_at", "updated_at"},
}

FRESH_SETTINGS = {
    "CreateInvoiceDaysBefore": "14",
    "CreateInvoiceDaysBeforeMonthly": "",
    "ContinuousInvoiceGeneration": "",
    "NoInvoiceEmailOnOrder": "",
    "OrderDaysGrace": "0",
    "TaxEnabled": "",
    "DateFormat": "DD/MM/YYYY",
    "Language": "english",
    "GenerateRandomUsername": "",
    "ModuleHooks": "",
    "AddonModulesHooks": "",
    "MetricUsageCollection": "1",
    "MetricUsageInvoicing": "on",
    "ModuleDebugMode": "on",
}

# A line as WHMCS's invoice generator writes it, minus userid, paymentmethod and notes.
PARTIAL_LINE = (
    "INSERT INTO tblinvoiceitems (type, relid, description, amount, taxed, duedate) "
    "VALUES ('Hosting', 1, 'Mail - example.com (01/01/2026 - 31/01/2026)', 5.00, 0, '2026-01-01')"
)
ER_NO_DEFAULT_FOR_FIELD = 1364
ER_BAD_NULL_ERROR = 1048


def _columns(cursor: Any, schema: str, table: str) -> list[dict[str, Any]]:
    cursor.execute(
        "SELECT COLUMN_NAME AS name, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, EXTRA AS extra "
        "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s "
        "ORDER BY ORDINAL_POSITION",
        (schema, table),
    )
    return list(cursor.fetchall())


def test_new_tables_have_whmcs_columns(whmcs_database) -> None:
    with whmcs_database.connect() as connection, connection.cursor() as cursor:
        found = {table: _columns(cursor, whmcs_database.name, table) for table in COLUMNS}
    for table, expected in COLUMNS.items():
        columns = found[table]
        assert [c["name"] for c in columns] == expected, table
        required = {
            c["name"]
            for c in columns
            if c["nullable"] == "NO" and c["dflt"] is None and "auto_increment" not in c["extra"]
        }
        assert required == REQUIRED[table], table
        nullable = {c["name"] for c in columns if c["nullable"] == "YES"}
        assert NULLABLE.get(table, set()) <= nullable, table


def test_seed_rows_for_the_flows(whmcs_database) -> None:
    with whmcs_database.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT setting, value FROM tblconfiguration")
        settings = {row["setting"]: row["value"] for row in cursor.fetchall()}
        cursor.execute("SELECT gateway, setting, value, `order` FROM tblpaymentgateways ORDER BY id")
        gateway_rows = [tuple(row.values()) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT id, priority, class_name, is_enabled, is_periodic, frequency, name "
            "FROM tbltask ORDER BY id"
        )
        tasks = [tuple(row.values()) for row in cursor.fetchall()]
    assert {key: settings.get(key) for key in FRESH_SETTINGS} == FRESH_SETTINGS
    assert gateway_rows == [
        ("mailin", "name", "Mail In Payment", 1),
        ("mailin", "type", "Invoices", 0),
        ("mailin", "visible", "on", 0),
    ]
    assert tasks == [
        (9, 1520, "WHMCS\\Cron\\Task\\CreateInvoices", 1, 1, 1440, "Invoices"),
        (22, 1660, "WHMCS\\Cron\\Task\\UpdateServerUsage", 1, 1, 1440, "Server Usage Stats"),
        (31, 1519, "WHMCS\\Cron\\Task\\TenantUsageMetrics", 1, 1, 720, "Tenant Usage Metrics"),
    ]


def test_metric_tables_take_key_columns_only_even_in_strict_mode(whmcs_database) -> None:
    with whmcs_database.connect(autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("INSERT INTO tblserver_tenants (server_id, tenant) VALUES (1, 'example.com')")
        tenant_id = cursor.lastrowid
        cursor.execute(
            "INSERT INTO tbltenant_stats (tenant_id, metric, type, value) VALUES (%s, 'disk', 'snapshot', 2.5)",
            (tenant_id,),
        )
        cursor.execute(
            "SELECT measured_at, invoice_id FROM tbltenant_stats WHERE tenant_id = %s", (tenant_id,)
        )
        row = cursor.fetchone()
    assert (float(row["measured_at"]), row["invoice_id"]) == (0.0, 0)


def test_strict_server_mode_refuses_what_whmcs_session_mode_accepts(whmcs_database) -> None:
    """The point of facts (a): WHMCS sets sql_mode '' on its own connection, the server is strict."""
    with whmcs_database.connect(autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT @@SESSION.sql_mode AS mode")
        assert "STRICT_TRANS_TABLES" in cursor.fetchone()["mode"]
        with pytest.raises(pymysql.err.OperationalError) as caught:
            cursor.execute(PARTIAL_LINE)
        assert caught.value.args[0] == ER_NO_DEFAULT_FOR_FIELD

        cursor.execute("SET SESSION sql_mode = ''")
        cursor.execute(PARTIAL_LINE)
        cursor.execute("SHOW WARNINGS")
        warned = {(row["Code"], row["Message"].split("'")[1]) for row in cursor.fetchall()}
        cursor.execute("SELECT invoiceid, userid, paymentmethod, notes FROM tblinvoiceitems")
        rows = cursor.fetchall()
    assert warned == {
        (ER_NO_DEFAULT_FOR_FIELD, "userid"),
        (ER_NO_DEFAULT_FOR_FIELD, "paymentmethod"),
        (ER_NO_DEFAULT_FOR_FIELD, "notes"),
    }
    assert rows == [{"invoiceid": 0, "userid": 0, "paymentmethod": "", "notes": ""}]


def test_explicit_null_is_refused_even_in_whmcs_session_mode(whmcs_database) -> None:
    """Non-strict mode forgives missing columns, not a NULL written into a single-row INSERT."""
    with whmcs_database.connect(autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("SET SESSION sql_mode = ''")
        with pytest.raises(pymysql.err.IntegrityError) as caught:
            cursor.execute(
                "INSERT INTO tblinvoiceitems (userid, type, relid, description, taxed, paymentmethod, notes) "
                "VALUES (1, 'Hosting', 1, 'x', 0, 'mailin', NULL)"
            )
        cursor.execute("SELECT COUNT(*) AS n FROM tblinvoiceitems")
        count = cursor.fetchone()["n"]
    assert caught.value.args[0] == ER_BAD_NULL_ERROR
    assert count == 0

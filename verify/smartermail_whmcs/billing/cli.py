"""``smartermail-whmcs billing``: preview what the module bills for storage.

    smartermail-whmcs billing --price 6 --tranche-gb 10 --usage-gb 21     prints 3 \u00d7 6.00 = 18.00
    smartermail-whmcs billing --whmcs-root /var/www/whmcs [--product NAME] [--format json]

The module bills max(1, ceil(usage GB / tranche GB)) x the recurring price (1 GB = 1024 MB; an
empty domain still pays one tranche). Exit codes: 0 done, 2 bad input or an unreadable WHMCS.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import click
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.billing import (
    BillingInputError,
    billing_rows,
    decimal_input,
    formula_line,
    preview,
    tranche_gb_input,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration_parser import (
    WhmcsConfigError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    WhmcsDbError,
    connect,
)

from smartermail_whmcs.errors import ConfigError
from smartermail_whmcs.options import choice_option

FORMATS = ("table", "json")
_COLUMNS = ("ID", "DOMAIN", "PRODUCT", "USAGE MB", "USAGE GB", "TRANCHE GB", "TRANCHES", "PRICE", "AMOUNT")


def _plain(bill: dict[str, Any]) -> dict[str, Any]:
    """JSON-friendly: money and GB as exact decimal strings."""
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in bill.items()}


def _gb(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _single(price: str | None, tranche_gb: str | None, usage_gb: str | None, output_format: str) -> None:
    missing = [
        flag
        for flag, value in (("--price", price), ("--tranche-gb", tranche_gb), ("--usage-gb", usage_gb))
        if value is None
    ]
    if missing:
        raise ConfigError(
            f"give {', '.join(missing)} (or --whmcs-root to preview the active services of a WHMCS)"
        )
    try:
        bill = preview(
            decimal_input(usage_gb, "--usage-gb"),
            tranche_gb_input(tranche_gb, "--tranche-gb"),
            decimal_input(price, "--price"),
        )
    except BillingInputError as error:
        raise ConfigError(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps(_plain(bill), indent=2))
        return
    click.echo(
        f"{bill['usage_gb']} GB used, {bill['tranche_gb']} GB per tranche: {bill['tranches']} tranche(s), "
        f"{bill['billed_gb']} GB billed"
    )
    click.echo(formula_line(bill))


def _services(root: str, php: str, product: str | None) -> list[dict[str, Any]]:
    try:
        config = read_whmcs_config(root, php_binary=php)
        connection = connect(config)
    except (WhmcsConfigError, WhmcsDbError) as error:
        raise ConfigError(f"--whmcs-root {root}: {error}") from None
    try:
        return billing_rows(connection, product)
    except WhmcsDbError as error:
        raise ConfigError(f"--whmcs-root {root}: {error}") from None
    except Exception as error:  # a damaged or foreign schema: one sentence, never a traceback
        raise ConfigError(f"--whmcs-root {root}: reading the services failed: {error}") from None
    finally:
        connection.close()


def _table(bills: list[dict[str, Any]]) -> str:
    rows = [
        (
            str(bill["id"]),
            bill["domain"],
            bill["product"],
            str(bill["diskusage_mb"]),
            _gb(bill["usage_gb"]),
            str(bill["tranche_gb"]),
            str(bill["tranches"]),
            str(bill["price"]),
            str(bill["amount"]),
        )
        for bill in bills
    ]
    widths = [max(len(row[i]) for row in [_COLUMNS, *rows]) for i in range(len(_COLUMNS))]
    right = {3, 4, 5, 6, 7, 8}
    lines = []
    for row in [_COLUMNS, *rows]:
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _many(root: str, php: str, product: str | None, output_format: str) -> None:
    bills = _services(root, php, product)
    total = sum((bill["amount"] for bill in bills), Decimal("0.00"))
    if output_format == "json":
        document = {"whmcs_root": root, "services": [_plain(bill) for bill in bills], "total": str(total)}
        click.echo(json.dumps(document, indent=2))
        return
    if not bills:
        which = f" of product {product!r}" if product else ""
        click.echo(f"no active services{which} use the smartermail module in {root}")
        return
    click.echo(_table(bills))
    click.echo(
        f"{len(bills)} active service(s); total {total} (each amount = tranches x price; 1 GB = 1024 MB)"
    )


@click.command("billing", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--price", help="Recurring price of one tranche (the product's price), e.g. 6.")
@click.option("--tranche-gb", help="GB per billing tranche (the product's option 1), e.g. 10.")
@click.option("--usage-gb", help="Disk usage in GB, e.g. 21.")
@click.option("--whmcs-root", help="Preview the active services of this WHMCS instead.")
@click.option("--product", help="With --whmcs-root: only this product.")
@click.option("--php", default="php", show_default=True, help="PHP CLI used to read configuration.php.")
@choice_option("--format", "output_format", choices=FORMATS, default="table")
def billing_command(
    price: str | None,
    tranche_gb: str | None,
    usage_gb: str | None,
    whmcs_root: str | None,
    product: str | None,
    php: str,
    output_format: str,
) -> None:
    """Preview the storage amount the module bills: max(1, ceil(usage / tranche)) x price."""
    if whmcs_root:
        given = [
            flag
            for flag, value in (("--price", price), ("--tranche-gb", tranche_gb), ("--usage-gb", usage_gb))
            if value is not None
        ]
        if given:
            raise ConfigError(
                f"{', '.join(given)} cannot be combined with --whmcs-root: each service's price, tranche size "
                "and usage come from WHMCS"
            )
        _many(whmcs_root, php, product, output_format)
        return
    if product:
        raise ConfigError("--product needs --whmcs-root")
    _single(price, tranche_gb, usage_gb, output_format)

"""``smartermail-whmcs billing``: preview what the module's invoice hook bills.

    smartermail-whmcs billing --price 6 --tranche-gb 10 --usage-gb 21     prints 3 \u00d7 6.00 = 18.00
    smartermail-whmcs billing --whmcs-root /var/www/whmcs [--product NAME] [--format json]
    smartermail-whmcs billing --whmcs-root /var/www/whmcs --service 12 [--format json]

Storage: max(1, ceil(disk_gb metric / GB per tranche)) x the line's price (an empty domain still
pays one tranche); with a WHMCS also the EAS/MAPI lines from the domain's mailboxes on SmarterMail
(plugins/module_utils/verify/billing_preview.py). Exit codes: 0 done, 2 bad input or an unreadable
WHMCS.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import click
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailConfigError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.billing import (
    BillingInputError,
    decimal_input,
    formula_line,
    preview,
    tranche_gb_input,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.billing_preview import (
    PreviewContext,
    preview_services,
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

from smartermail_whmcs.billing.render import DISKUSAGE_NOTE, invoice, notes, plain, table
from smartermail_whmcs.errors import ConfigError
from smartermail_whmcs.options import choice_option, file_option

FORMATS = ("table", "json")


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
        click.echo(json.dumps(plain(bill), indent=2))
        return
    click.echo(
        f"{bill['usage_gb']} GB used, {bill['tranche_gb']} GB per tranche: {bill['tranches']} tranche(s), "
        f"{bill['billed_gb']} GB billed"
    )
    click.echo(formula_line(bill))


def _previews(
    root: str, php: str, product: str | None, service: int | None, ca_file: str | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The previews of a WHMCS's services and the notes they share; ConfigError for an unreadable tree."""
    try:
        config = read_whmcs_config(root, php_binary=php)
        connection = connect(config)
    except (WhmcsConfigError, WhmcsDbError) as error:
        raise ConfigError(f"--whmcs-root {root}: {error}") from None
    try:
        context = PreviewContext(connection, config.root, config.cc_encryption_hash, ca_file=ca_file)
        return preview_services(context, product, service), context.shared_notes()
    except WhmcsDbError as error:
        raise ConfigError(f"--whmcs-root {root}: {error}") from None
    except SmarterMailConfigError as error:  # e.g. an unreadable --ca-file
        raise ConfigError(str(error)) from None
    except Exception as error:  # a damaged or foreign schema: one sentence, never a traceback
        raise ConfigError(f"--whmcs-root {root}: reading the services failed: {error}") from None
    finally:
        connection.close()


def _many(root: str, php: str, product: str | None, ca_file: str | None, output_format: str) -> None:
    previews, shared = _previews(root, php, product, None, ca_file)
    total = sum((preview["total"] for preview in previews), Decimal("0.00"))
    if output_format == "json":
        document = {"whmcs_root": root, "services": plain(previews), "total": str(total), "notes": shared}
        click.echo(json.dumps(document, indent=2))
        return
    if not previews:
        which = f" of product {product!r}" if product else ""
        click.echo(f"no active services{which} use the smartermail module in {root}")
        return
    click.echo(table(previews))
    click.echo(
        f"{len(previews)} active service(s); total {total} (storage = tranches x price from the disk_gb "
        "metric; EAS/MAPI from the domain's mailboxes on SmarterMail)"
    )
    click.echo(DISKUSAGE_NOTE)
    for line in notes(previews, shared):
        click.echo(line)


def _one(root: str, php: str, service: int, ca_file: str | None, output_format: str) -> None:
    previews, shared = _previews(root, php, None, service, ca_file)
    if not previews:
        raise ConfigError(
            f"--service {service}: no service with that id uses the smartermail module in {root}"
        )
    (preview,) = previews
    if output_format == "json":
        click.echo(json.dumps({"whmcs_root": root, **plain(preview), "shared_notes": shared}, indent=2))
        return
    for line in invoice(preview, shared):
        click.echo(line)


@click.command("billing", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--price", help="Recurring price of one tranche (the product's price), e.g. 6.")
@click.option("--tranche-gb", help="GB per billing tranche (the product's option 1), e.g. 10.")
@click.option("--usage-gb", help="Disk usage in GB, e.g. 21.")
@click.option("--whmcs-root", help="Preview the invoices of this WHMCS's active services instead.")
@click.option("--product", help="With --whmcs-root: only this product.")
@click.option(
    "--service",
    type=click.IntRange(min=1),
    help="With --whmcs-root: the next invoice of this service (tblhosting id), line by line.",
)
@file_option("--ca-file", help="CA bundle for an HTTPS SmarterMail with a private CA (mailbox reads).")
@click.option("--php", default="php", show_default=True, help="PHP CLI used to read configuration.php.")
@choice_option("--format", "output_format", choices=FORMATS, default="table")
def billing_command(
    price: str | None,
    tranche_gb: str | None,
    usage_gb: str | None,
    whmcs_root: str | None,
    product: str | None,
    service: int | None,
    ca_file: str | None,
    php: str,
    output_format: str,
) -> None:
    """Preview what the module's invoice hook bills: storage tranches, and EAS/MAPI lines with a WHMCS."""
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
        if service is not None:
            if product:
                raise ConfigError(
                    "--product cannot be combined with --service: the service names its product"
                )
            _one(whmcs_root, php, service, ca_file, output_format)
            return
        _many(whmcs_root, php, product, ca_file, output_format)
        return
    for flag, value in (("--product", product), ("--service", service), ("--ca-file", ca_file)):
        if value is not None:
            raise ConfigError(f"{flag} needs --whmcs-root")
    _single(price, tranche_gb, usage_gb, output_format)

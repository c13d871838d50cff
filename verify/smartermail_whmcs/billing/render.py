"""What ``smartermail-whmcs billing`` prints for a WHMCS: a table of services, or one service's invoice."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

DISKUSAGE_NOTE = (
    "* tblhosting.diskusage: the UsageUpdate figure, informational; the module's invoices bill the "
    "disk_gb usage metric"
)
_COLUMNS = (
    "ID",
    "DOMAIN",
    "PRODUCT",
    "DISKUSAGE MB*",
    "DISK GB",
    "TRANCHE GB",
    "TRANCHES",
    "PRICE",
    "STORAGE",
    "EAS/MAPI",
    "TOTAL",
)
_RIGHT = set(range(3, len(_COLUMNS)))


def plain(value: Any) -> Any:
    """JSON-friendly: Decimals as exact strings, recursively."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _gb(value: str | None) -> str:
    return "-" if value is None else f"{Decimal(value).quantize(Decimal('0.01'))}"


def _row(preview: dict[str, Any]) -> tuple[str, ...]:
    storage = preview["storage"] or {}
    protocols = sum((line["amount"] for line in preview["lines"][1:]), Decimal("0.00"))
    return (
        str(preview["id"]),
        preview["domain"],
        preview["product"],
        str(preview["diskusage_mb"]),
        _gb(preview["metric"]["disk_gb"]),
        str(storage.get("tranche_gb", "-")),
        str(storage.get("tranches", "-")),
        str(storage.get("unit_price", preview["lines"][0]["amount"])),
        str(preview["lines"][0]["amount"]),
        str(protocols),
        str(preview["total"]),
    )


def table(previews: list[dict[str, Any]]) -> str:
    rows = [_COLUMNS, *(_row(preview) for preview in previews)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in _RIGHT else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def notes(previews: list[dict[str, Any]], shared: list[str]) -> Iterator[str]:
    yield from (f"note: {note}" for note in shared)
    for preview in previews:
        yield from (f"note: service {preview['id']} {preview['domain']}: {note}" for note in preview["notes"])


def invoice(preview: dict[str, Any], shared: list[str]) -> Iterator[str]:
    """One service's next invoice, laid out like ``sandbox order`` prints a real one."""
    yield (
        f"service {preview['id']} {preview['domain']} ({preview['product']}, {preview['status']}): "
        f"next invoice due {preview['due_date']}, as the module's hook writes it"
    )
    lines = preview["lines"]
    width = max((len(text) for line in lines for text in line["description"].splitlines()), default=0)
    width = max(width, len("total"))
    for line in lines:
        first, *rest = line["description"].splitlines() or [""]
        yield f"  {first:<{width}}  {line['amount']:>10}"
        yield from (f"    {more}" for more in rest)
    yield f"  {'total':<{width}}  {preview['total']:>10}"
    metric = preview["metric"]
    if metric["disk_gb"] is None:
        yield "disk_gb metric: none stored (the hook bills 0 GB)"
    else:
        yield f"disk_gb metric: {metric['disk_gb']} GB, collected {metric['measured_at'] or 'at an unknown time'}"
    yield (
        f"tblhosting.diskusage: {preview['diskusage_mb']} MB (the UsageUpdate figure: informational, "
        "invoices do not use it)"
    )
    yield from notes([preview], shared)

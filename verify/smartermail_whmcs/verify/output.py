"""Human output of ``verify``: progress lines, the final table, and writing a report file atomically."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import (
    FAIL,
    WARN,
    CheckResult,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.report import (
    build_document,
    build_junit,
    summary_line,
)

FORMATS = ("table", "json", "junit")
STATUS_LABEL = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "skip": "SKIP"}


def progress_line(result: CheckResult, done: int, total: int) -> str:
    width = len(str(total))
    return f"[{done:>{width}}/{total}] {STATUS_LABEL.get(result.status, result.status):<4} {result.target} {result.id}: {result.summary}"


def _details_lines(details: dict[str, Any]) -> list[str]:
    return [f"      {key}: {json.dumps(details[key], default=str)}" for key in sorted(details)]


def render_table(results: Sequence[CheckResult], verbose: bool = False) -> str:
    """Columns id, target, status, summary; then the hints of failures (and warnings)."""
    headers = ("ID", "TARGET", "STATUS", "SUMMARY")
    rows = [(r.id, r.target, STATUS_LABEL.get(r.status, r.status), r.summary) for r in results]
    widths = [max([len(headers[i])] + [len(row[i]) for row in rows]) for i in range(3)]
    lines = ["  ".join(headers[i].ljust(widths[i]) for i in range(3)) + "  " + headers[3]]
    for result, row in zip(results, rows, strict=True):
        lines.append("  ".join(row[i].ljust(widths[i]) for i in range(3)) + "  " + row[3])
        if verbose:
            elapsed = f"      elapsed_ms: {result.elapsed_ms}"
            lines.extend([elapsed, *_details_lines(result.details)])
    attention = [r for r in results if r.status in (FAIL, WARN) and (r.hint or r.status == FAIL)]
    if attention:
        lines.append("")
        lines.append("What to do:")
        for result in attention:
            lines.append(f"  {STATUS_LABEL[result.status]} {result.target}/{result.id}: {result.summary}")
            if result.hint:
                lines.append(f"       hint: {result.hint}")
    lines.append("")
    lines.append(summary_line(results))
    return "\n".join(lines) + "\n"


def render(
    results: Sequence[CheckResult],
    output_format: str,
    targets: Sequence[dict[str, Any]],
    tool_version: str,
    generated_at: str,
    verbose: bool = False,
) -> str:
    """The report text in ``output_format`` (table, json or junit)."""
    if output_format == "json":
        document = build_document(results, targets, tool_version=tool_version, generated_at=generated_at)
        return json.dumps(document, indent=2, sort_keys=False) + "\n"
    if output_format == "junit":
        return build_junit(results, timestamp=generated_at)
    return render_table(results, verbose=verbose)


def write_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory and a rename."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise

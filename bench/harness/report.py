"""The results table: one row per scenario and server, ratios ours/Prism on specmock's rows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from harness.load import Measurement

COLUMNS = (
    "spec",
    "scenario",
    "server",
    "status",
    "startup s",
    "req/s",
    "p50 ms",
    "p99 ms",
    "peak RSS MiB",
    "req/s ours/Prism",
    "p99 ours/Prism",
    "startup ours/Prism",
    "RSS ours/Prism",
)


@dataclass(frozen=True, slots=True)
class Row:
    """One server's figures for one scenario; `note` is set when there are none (and why)."""

    spec: str
    scenario: str
    server: str
    status: str
    startup: float | None = None
    measurement: Measurement | None = None
    rss_mib: float | None = None
    note: str | None = None


def cells(rows: Sequence[Row]) -> list[list[str]]:
    """Each row as table cells, with ratios against the Prism row of the same spec and scenario."""
    prism = {(row.spec, row.scenario): row for row in rows if row.server == "prism"}
    numbers = _numbered(rows)
    table = []
    for row in rows:
        figures = row.measurement
        status = row.status
        if row.note:
            status = f"{status} [{numbers[row.note]}]"
        base = prism.get((row.spec, row.scenario)) if row.server == "specmock" else None
        table.append(
            [
                row.spec,
                row.scenario,
                row.server,
                status,
                _number(row.startup, 2),
                _number(figures.rate if figures else None, 0),
                _number(figures.p50_ms if figures else None, 1),
                _number(figures.p99_ms if figures else None, 1),
                _number(row.rss_mib, 0),
                *_ratios(row, base),
            ]
        )
    return table


def ceiling(rows: Sequence[Row]) -> str:
    """specmock's best and worst req/s per spec as a share of the bare Starlette route's."""
    top = next((row.measurement for row in rows if row.server == "starlette"), None)
    if top is None or not top.rate:
        return "ceiling: not measured"
    lines = [f"ceiling (bare Starlette route): {top.rate:,.0f} req/s"]
    for spec in dict.fromkeys(row.spec for row in rows if row.server == "specmock"):
        rates = [
            row.measurement.rate
            for row in rows
            if row.spec == spec and row.server == "specmock" and row.measurement
        ]
        if rates:
            share = f"{min(rates) / top.rate:.2f}x to {max(rates) / top.rate:.2f}x"
            lines.append(f"  specmock on {spec}: {share} of the ceiling's req/s")
    return "\n".join(lines)


def logging_cost(rows: Sequence[Row], logged: str) -> str:
    """req/s with the request log at info against the same request at warning."""
    with_log = next((row for row in rows if row.scenario == logged and row.measurement), None)
    without = next(
        (
            row
            for row in rows
            if with_log is not None
            and row.server == "specmock"
            and row.spec == with_log.spec
            and logged.startswith(row.scenario + ",")
            and row.measurement
        ),
        None,
    )
    if with_log is None or without is None:
        return "request log: not measured"
    assert with_log.measurement is not None and without.measurement is not None
    ratio = with_log.measurement.rate / without.measurement.rate
    return (
        f"request log at info: {with_log.measurement.rate:,.0f} req/s against "
        f"{without.measurement.rate:,.0f} at warning ({ratio:.2f}x)"
    )


def notes(rows: Sequence[Row]) -> list[str]:
    return [f"[{number}] {note}" for note, number in _numbered(rows).items()]


def text(rows: Sequence[Row]) -> str:
    """The table aligned for a terminal, then its numbered notes."""
    table = [list(COLUMNS), *cells(rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = []
    for index, line in enumerate(table):
        padded = [
            cell.ljust(width) if column < 4 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        lines.append("  ".join(padded).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join([*lines, *notes(rows)])


def markdown(rows: Sequence[Row]) -> str:
    """The same table as Markdown, for the README; notes as a list under it."""
    head = "| " + " | ".join(COLUMNS) + " |"
    rule = "|" + "|".join("---" if i < 4 else "---:" for i in range(len(COLUMNS))) + "|"
    body = [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in cells(rows)
    ]
    listed = [f"- {note}" for note in notes(rows)]
    return "\n".join([head, rule, *body, *(["", *listed] if listed else [])])


def _numbered(rows: Sequence[Row]) -> dict[str, int]:
    """Each distinct note and its number, in order of first appearance."""
    distinct = dict.fromkeys(row.note for row in rows if row.note)
    return {note: number for number, note in enumerate(distinct, start=1)}


def _ratios(row: Row, base: Row | None) -> list[str]:
    if base is None or row.measurement is None or base.measurement is None:
        return ["", "", "", ""]
    ours, theirs = row.measurement, base.measurement
    return [
        _ratio(ours.rate, theirs.rate),
        _ratio(ours.p99_ms, theirs.p99_ms),
        _ratio(row.startup, base.startup),
        _ratio(row.rss_mib, base.rss_mib),
    ]


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or not theirs or math.isnan(ours) or math.isnan(theirs):
        return ""
    return f"{ours / theirs:.2f}x"


def _number(value: float | None, digits: int) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:,.{digits}f}"

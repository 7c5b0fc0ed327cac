"""How contract-suite results read: a table per API, the findings with their curl lines, a closing
line of totals, and a JUnit XML report for CI systems."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from specmock.contract import Finding, SuiteResult


def render(results: Sequence[SuiteResult], out: TextIO, *, command: str) -> None:
    """Every API's table and findings, then one line of totals."""
    for result in results:
        _table(result, out)
        _findings(result, out)
    out.write(totals(results, command=command) + "\n")


def _table(result: SuiteResult, out: TextIO) -> None:
    out.write(f"\n{result.api}  {result.base_url}  (seed {result.seed})\n")
    width = max([len("operation"), *(len(label) for label in result.operations)])
    out.write(f"  {'operation':<{width}}  {'cases':>6}  failed checks\n")
    for label, operation in result.operations.items():
        failed = Counter(f.check for f in operation.findings.values())
        checks = ", ".join(f"{name} ({n})" if n > 1 else name for name, n in failed.items())
        out.write(f"  {label:<{width}}  {operation.cases:>6}  {checks or '-'}\n")
    per_check = result.failures_per_check
    listed = ", ".join(f"{name} {count}" for name, count in sorted(per_check.items()))
    out.write(
        f"  {result.tested} of {len(result.operations)} operations tested, "
        f"{result.cases} test cases, {result.seconds:.1f} s; "
        f"failures per check: {listed or 'none'}\n"
    )
    if result.stopped != "completed":
        out.write(f"  stopped early: {result.stopped}\n")
    for error in result.errors:
        out.write(f"  error: {error}\n")


def _findings(result: SuiteResult, out: TextIO) -> None:
    grouped: dict[str, dict[str, list[Finding]]] = {}
    for finding in result.findings:
        grouped.setdefault(finding.operation, {}).setdefault(finding.check, []).append(finding)
    for label, checks in grouped.items():
        out.write(f"\n  {label}\n")
        for check, findings in checks.items():
            for finding in findings:
                seen = f", seen {finding.count} times" if finding.count > 1 else ""
                answered = f", answered {finding.status}" if finding.status else ""
                out.write(f"    {check} [{finding.code}] {finding.title}{answered}{seen}\n")
                for line in finding.message.splitlines():
                    out.write(f"      {line}\n")
                if finding.curl:
                    out.write("      reproduce:\n")
                    for line in finding.curl.splitlines():
                        out.write(f"        {line}\n")


def totals(results: Sequence[SuiteResult], *, command: str) -> str:
    operations = sum(result.tested for result in results)
    cases = sum(result.cases for result in results)
    failures = sum(len(result.findings) for result in results)
    errors = sum(len(result.errors) for result in results)
    seconds = sum(result.seconds for result in results)
    verdict = "passed" if all(result.passed for result in results) else "FAILED"
    return (
        f"specmock {command} {verdict}: {len(results)} API{'s' if len(results) != 1 else ''}, "
        f"{operations} operations, {cases} test cases, {failures} failures, "
        f"{errors} errors in {seconds:.1f} s"
    )


def write_junit(results: Sequence[SuiteResult], path: Path) -> None:
    """One <testsuite> per API, one <testcase> per operation, a <failure> per finding."""
    root = ET.Element("testsuites", name="specmock")
    for result in results:
        suite = ET.SubElement(
            root,
            "testsuite",
            name=result.api,
            tests=str(len(result.operations) + (1 if result.errors else 0)),
            failures=str(sum(1 for op in result.operations.values() if op.findings)),
            errors=str(len(result.errors)),
            time=f"{result.seconds:.3f}",
        )
        for label, operation in result.operations.items():
            case = ET.SubElement(
                suite, "testcase", classname=result.api, name=label, time=f"{operation.seconds:.3f}"
            )
            if not operation.cases and not operation.findings:
                ET.SubElement(case, "skipped", message="no test case reached this operation")
            for finding in operation.findings.values():
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=finding.check,
                    message=_xml(f"{finding.code} {finding.title}"),
                )
                failure.text = _xml(f"{finding.message}\n\nReproduce with:\n{finding.curl}\n")
        if result.errors:
            case = ET.SubElement(suite, "testcase", classname=result.api, name="(run)", time="0")
            for error in result.errors:
                ET.SubElement(case, "error", message=_xml(error.splitlines()[0][:200])).text = _xml(
                    error
                )
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: other characters (controls, lone surrogates) become escapes."""
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", text)

"""How contract-suite results read: a table per API, the findings with their curl lines, a closing
line of totals, and a JUnit XML report for CI systems."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from specmock.contract.suite import Finding, SuiteResult


def render(
    results: Sequence[SuiteResult], out: TextIO, *, command: str, load_errors: Sequence[str] = ()
) -> None:
    """Every API's table and findings, the specs that did not load, then one line of totals."""
    for result in results:
        _table(result, out)
        _findings(result, out)
    if load_errors:
        out.write("\nspecs that did not load (not tested):\n")
        for error in load_errors:
            out.write(f"  error: {error}\n")
    out.write(totals(results, command=command, load_errors=load_errors) + "\n")


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
    if not result.complete:
        untested = len(result.operations) - result.tested
        out.write(f"  stopped early ({result.stopped}): {untested} operations not tested\n")
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


def passed(results: Sequence[SuiteResult], load_errors: Sequence[str] = ()) -> bool:
    """Whether a run is clean: every API passed and every spec loaded."""
    return all(result.passed for result in results) and not load_errors


def totals(results: Sequence[SuiteResult], *, command: str, load_errors: Sequence[str] = ()) -> str:
    operations = sum(result.tested for result in results)
    cases = sum(result.cases for result in results)
    failures = sum(len(result.findings) for result in results)
    errors = sum(len(result.errors) for result in results)
    seconds = sum(result.seconds for result in results)
    verdict = "passed" if passed(results, load_errors) else "FAILED"
    errors += len(load_errors)
    cut = [result.api for result in results if not result.complete]
    incomplete = f" (stopped early: {', '.join(cut)})" if cut else ""
    return (
        f"specmock {command} {verdict}{incomplete}: {_count(len(results), 'API')}, "
        f"{_count(operations, 'operation')}, {_count(cases, 'test case')}, "
        f"{_count(failures, 'failure')}, {_count(errors, 'error')} in {seconds:.1f} s"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def write_junit(
    results: Sequence[SuiteResult], path: Path, load_errors: Sequence[str] = ()
) -> None:
    """One <testsuite> per API, one <testcase> per operation, a <failure> per finding; specs
    that did not load are an erroring test case of a `specs` suite."""
    root = ET.Element("testsuites", name="specmock")
    if load_errors:
        suite = ET.SubElement(root, "testsuite", name="specs", tests="1", errors="1", time="0")
        case = ET.SubElement(suite, "testcase", classname="specs", name="load", time="0")
        for error in load_errors:
            ET.SubElement(case, "error", message=_xml(error[:200])).text = _xml(error)
    for result in results:
        suite = ET.SubElement(
            root,
            "testsuite",
            name=result.api,
            tests=str(len(result.operations) + (1 if result.errors else 0)),
            failures=str(sum(1 for op in result.operations.values() if op.findings)),
            errors=str(1 if result.errors else 0),
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

"""JUnit XML for an eval run: one testcase per (case, arm, metric).

The copilot suite carries failures; the naive suite is informational (its verdicts are
properties, never failures), so CI dashboards show the baseline without going red on it.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from copilot.evals.results import METRIC_DETECTORS, Arm, ArmResult, EvalResults


def junit_xml(results: EvalResults) -> str:
    """The whole run as one <testsuites> document."""
    root = ET.Element("testsuites", name="copilot eval")
    for arm in results.meta.arms:
        root.append(_suite(results, arm))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(results: EvalResults, path: Path) -> None:
    """Write `junit.xml`."""
    path.write_text(junit_xml(results), encoding="utf-8")


def _suite(results: EvalResults, arm: Arm) -> ET.Element:
    informational = arm != "copilot"
    suite = ET.Element(
        "testsuite", name=f"eval.{arm}" + (" (informational)" if informational else "")
    )
    tests = failures = 0
    seconds = 0.0
    for case in results.cases:
        result = case.arms.get(arm)
        if result is None:
            continue
        seconds += result.seconds
        for metric in result.applicable:
            ok = result.passed.get(metric, False)
            tests += 1
            testcase = ET.SubElement(
                suite, "testcase", classname=f"eval.{arm}.{case.task.id}", name=metric, time="0"
            )
            if informational:
                _properties(testcase, {"result": "pass" if ok else "fail", "informational": "true"})
            elif not ok:
                failures += 1
                failure = ET.SubElement(testcase, "failure", message=_message(result, metric))
                failure.text = _details(result, metric)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("time", f"{seconds:.3f}")
    return suite


def _properties(testcase: ET.Element, values: dict[str, str]) -> None:
    props = ET.SubElement(testcase, "properties")
    for name, value in values.items():
        ET.SubElement(props, "property", name=name, value=value)


def _message(result: ArmResult, metric: str) -> str:
    value = getattr(result.raw, metric, None)
    if result.status != "drafted":
        return f"{metric} failed: the arm {result.status} ({result.message or ''})"[:500]
    return f"{metric} failed (score: {value})"


def _details(result: ArmResult, metric: str) -> str:
    prefixes = METRIC_DETECTORS.get(metric, ())
    lines = [
        f"[{f.detector}] {f.unit[:200]!r}: {f.reason}"
        for f in result.findings
        if f.detector.startswith(prefixes)
    ]
    if metric == "coverage":
        lines.append(f"covered: {', '.join(result.raw.covered) or 'none'}")
    return "\n".join(lines) or (result.message or "")

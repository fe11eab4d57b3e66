"""Every finding of the full rule set on a fixed set of reports, compared with what the rules gave
when the file was written: a change made for speed (caches, prefilters, batched queries,
skipped writes) must not change a single finding — its code, message, cells or sentence.

The reports (tests/fixtures/golden_findings.json) are the five seeds and the six corpus reports,
each with constructed relatives: last year's (its texts a year earlier, tables the same: W8, W12),
and next year's (texts a year later, some cells changed: the arithmetic rules, W5, W6, W9), one
with its narrative emptied, one under a renamed agency (a predecessor, W5–W8 across the rename),
a region's aggregate of three of them (W19). The inputs are stored in the file as shapes, so a
change to the readers (reports/parsers) does not move them. Each report is judged three ways:
re-validated in bulk (refresh_findings on the queryset, in this process and in two others), alone (report.refresh_findings()), and
without context (evaluate(shape), as parse_report judges a lone file).

When a rule changes on purpose: UPDATE_GOLDEN=findings re-records the findings (inputs kept);
UPDATE_GOLDEN=all rebuilds the inputs from the seeds and the corpus as well. Review the diff.
"""
import json
import os
import random
import re
from pathlib import Path

import pytest

from reports.choices import AgencyKind, ReportScope
from reports.models import Agency, AnnualReport, Finding, Region
from reports.parsers import parse_bytes
from reports.rules.engine import evaluate
from reports.rules.shape import ReportShape
from reports.versions import store
from tests.conftest import seed
from tests.fixtures.corpus import NAMES, corpus_shape

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden_findings.json"
UPDATE = os.environ.get("UPDATE_GOLDEN", "")


# -- the inputs (built only with UPDATE_GOLDEN=all) ----------------------------------------------


def _shifted(shape, delta):
    """`shape` a year later (delta 1) or earlier (-1): its year and every year its texts state."""
    year = shape.year

    def shift(text):
        return re.sub(rf"(?<!\d)({year}|{year - 1})(\s*年)", lambda m: f"{int(m.group(1)) + delta}{m.group(2)}", text or "")

    moved = ReportShape.from_json(json.loads(json.dumps(_shape_json(shape))))
    moved.year = year + delta
    moved.sections = {
        key: [shift(t) for t in value] if isinstance(value, list) else shift(value) for key, value in shape.sections.items()
    }
    for key in ("title", "preamble"):
        moved.facts[key] = shift(shape.facts.get(key))
    moved.facts["notes"] = {k: shift(t) for k, t in (shape.facts.get("notes") or {}).items()}
    return moved


def _perturbed(shape, rng):
    """Some filled cells changed by a little, as a clerk's slips change them."""
    cells = [
        (table, row, column)
        for table in ("active", "applications", "review_litigation")
        for row, values in shape.table(table).items()
        for column, value in (values.items() if isinstance(values, dict) else [(None, values)])
        if isinstance(value, int)
    ]
    for cell in rng.sample(cells, min(6, len(cells))):
        shape.set_cell(*cell, shape.cell(*cell) + rng.choice((1, 2, 5)))
    return shape


def _bases():
    """(agency name, shape) of the seeds, parsed, and the corpus reports, transcribed."""
    for number in range(5):
        path = seed(number)
        shape = parse_bytes(path.read_bytes(), path.name)
        yield shape.agency, shape
    for name in NAMES:
        shape = corpus_shape(name)
        yield shape.agency, shape


def build_inputs():
    rng = random.Random(12)
    cases = []

    def add(agency, shape, **extra):
        cases.append({"agency": agency, "shape": _shape_json(shape), **extra})

    for index, (agency, shape) in enumerate(_bases()):
        # Two corpus reports are one agency's (平潭 自然资源局 2021/2023, 市场监督管理局 2019/2022):
        # each base under its own name, so that every constructed series is its own.
        agency = f"{agency}" if index < 5 else f"{agency[:-1]}{'甲乙丙丁戊己'[index - 5]}{agency[-1]}"
        shape.agency = agency
        add(agency, shape)
        add(agency, _shifted(shape, -1))
        add(agency, _perturbed(_shifted(shape, 1), rng))
    # 一 and 六 emptied, 五 left with a lead-in only (E1, W11, W12, E13).
    agency, shape = next(_bases())
    empty = _shifted(shape, 2)
    empty.sections = {"overall": "", "problems": ["存在的主要问题如下："], "improvements": [], "other": ""}
    add(agency, empty)
    # A renamed agency goes on from seed 001's agency: its first year judged against the last.
    _, shape = list(_bases())[1]
    renamed = _perturbed(_shifted(shape, 2), rng)
    add("泰安市泰山区数据局", renamed, predecessor=shape.agency)
    # Seed 001 retitled under another agency's name (E5), with a fee notice its 六 denies (W13).
    retitled = _shifted(shape, 3)
    retitled.facts["title"] = retitled.facts["title"].replace("泰山区", "岱岳区")
    retitled.applications["other_fee_unpaid"].update(natural_person=1, total=1)
    add(shape.agency, retitled)
    # A county government's aggregate of its two departments (W19), all in one region, in one
    # year (the one their texts state for two of them: E4).
    region = {"code": "659001", "name": "测试县"}
    year = list(_bases())[2][1].year
    for agency, number in (("测试县甲局", 2), ("测试县乙局", 3), ("测试县人民政府", 4)):
        _, shape = list(_bases())[number]
        shape.agency, shape.year = agency, year
        scope = ReportScope.REGION_AGGREGATE if agency.endswith("人民政府") else ReportScope.SELF
        add(agency, shape, region=region, scope=scope)
    return cases


def _shape_json(shape):
    return {**shape.to_json(), "facts": shape.facts}


# -- judging them --------------------------------------------------------------------------------


def _store_all(cases):
    """Agencies and reports for the cases (years ascending, as a series is imported)."""
    agencies, regions = {}, {}
    for case in cases:
        if case["agency"] in agencies:
            continue
        region = case.get("region")
        if region and region["code"] not in regions:
            regions[region["code"]] = Region.objects.create(**region)
        agency = Agency(name=case["agency"], region=regions.get(region and region["code"]))
        if case["agency"].endswith("人民政府"):
            agency.kind = AgencyKind.GOVERNMENT
        if case.get("predecessor"):
            agency.predecessor = agencies[case["predecessor"]]
        agency.save()
        agencies[case["agency"]] = agency
    reports = []
    for case in sorted(cases, key=lambda c: c["shape"]["year"]):
        report = AnnualReport(agency=agencies[case["agency"]], year=case["shape"]["year"])
        report.scope = case.get("scope", ReportScope.SELF)
        store(report, ReportShape.from_json(case["shape"]), user=None, source="测试")
        reports.append((case, report))
    return reports


def _key(case):
    return f"{case['agency']} {case['shape']['year']}"


def _stored(report):
    fields = ("code", "severity", "message", "table", "row", "column", "field", "location", "cells",
              "paragraph", "span_start", "span_end")  # fmt: skip
    return [dict(zip(fields, row)) for row in Finding.objects.filter(report=report).order_by("id").values_list(*fields)]


def _judged(findings):
    return [Finding.fields_from_engine(f) for f in findings]


@pytest.mark.django_db
@pytest.mark.parametrize("workers", [1, 2])  # 2: the rules run in other processes (validate_reports --workers)
def test_findings_unchanged(workers):
    if UPDATE == "all":
        cases = build_inputs()
    else:
        cases = json.loads(GOLDEN.read_text())["cases"]
    reports = _store_all(cases)
    found = {}
    # Findings and counts gone stale on some reports (a rule changed): those are rewritten, the
    # others left as they are.
    stale = [report.pk for _, report in reports[::3]]
    Finding.objects.filter(report__in=stale).delete()
    AnnualReport.objects.filter(pk=reports[1][1].pk).update(error_count=99, warning_count=99)
    kept = set(Finding.objects.exclude(report__in=stale).values_list("pk", flat=True))
    AnnualReport.objects.all().refresh_findings(chunk=7, workers=workers)  # several chunks: a series crosses them
    for case, report in reports:
        found[_key(case)] = {"bulk": _stored(report)}
    assert kept <= set(Finding.objects.values_list("pk", flat=True))
    for report in AnnualReport.objects.all():
        assert report.validated_at is not None
        assert (report.error_count, report.warning_count) == (
            report.findings.filter(severity="error").count(), report.findings.filter(severity="warning").count()
        )
    for case, report in reports:
        report = AnnualReport.objects.get(pk=report.pk)
        report.refresh_findings()
        found[_key(case)]["alone"] = _stored(report)
        found[_key(case)]["without_context"] = _judged(evaluate(ReportShape.from_json(case["shape"])))
    if UPDATE and workers == 1:
        GOLDEN.write_text(json.dumps({"cases": cases, "findings": found}, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
        pytest.skip("golden findings re-recorded")
    expected = json.loads(GOLDEN.read_text())["findings"]
    assert sorted(found) == sorted(expected)
    for key in expected:
        for way in ("bulk", "alone", "without_context"):
            assert found[key][way] == expected[key][way], (key, way)
        # Every path judges alike: in bulk as alone.
        assert expected[key]["bulk"] == expected[key]["alone"], key
    # Worth comparing: the set judges every kind of rule.
    codes = {f["code"] for judged in expected.values() for way in judged.values() for f in way}
    assert {"E1", "E4", "E5", "E7", "E8", "E9", "E11", "W5", "W6", "W8", "W9", "W10", "W12", "W13", "W19"} <= codes, codes

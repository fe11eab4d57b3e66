"""Every finding the full rule set gives on real reports, each justified: the five seeds and the six
reports of ../shared/corpus. A finding that is not listed here, or a listed one that goes away,
fails: a rule that fires wrongly on real text is a bug (precision before recall).

Each finding is (code, table, row, column, field); a rule's count beside it where it fires more
than once. The seeds are judged as parse_report judges a file alone (kind from the name, the
signature's date; no last year); the corpus reports from their hand transcription and page text
(tests/fixtures/corpus.py); and again with everything a stored report looks up (the rules across
years and W19 run). W8 and W12's copy check on the corpus's real same-agency pairs, and on copies
made from these reports: tests/rules/test_copied.py.
"""
import dataclasses
import json
from collections import Counter

import pytest

from reports.parsers import parse_bytes
from reports.rules.context import MEMBERS, PREVIOUS, context_for_shape
from reports.rules.engine import evaluate
from tests.conftest import seed
from tests.fixtures.corpus import NAMES, corpus_shape
from tests.test_commands import run

APP = "applications"
SEEDS = {
    "000": {
        # The table prints 5 applicant columns: 法律服务机构 and 其他 are missing from the header.
        ("E3", APP, None, "legal_service", None): 1,
        ("E3", APP, None, "other", None): 1,
        # Six rows carry a surplus value the short header has no column for.
        ("I1", None, None, None, APP): 6,
    },
    # Consistent tables; 一 covers the five aspects; 六 says 未收取信息处理费; 「数量比2021年多1条」
    # is a comparison, not a statement about 2021.
    "001": {},
    "002": {
        # 本机关不掌握相关政府信息 = 8 for 自然人, while its row total and the 总计 row are 0.
        ("E8", APP, "total_processed", "natural_person", None): 1,
        ("E9", APP, "unable_not_held", "total", None): 1,
    },
    "003": {
        # 六 is 「（无）」: nothing on 信息处理费, which a 2024 report must state.
        ("E13", None, None, None, "other"): 1,
        # 现行有效件数 left blank for both rows.
        ("W1", "active", "regulations", "in_force", None): 1,
        ("W1", "active", "normative_documents", "in_force", None): 1,
        # 四's text: 「2023年我市有关政府信息公开行政复议0件，行政诉讼0件。」 in a 2024 report.
        ("W10", None, None, None, "review_litigation"): 1,
    },
    "004": {
        # 六 is 「无」 (a 2021 report).
        ("E13", None, None, None, "other"): 1,
        # 一's four paragraphs are 组织机构, 平台建设, 指南和目录, 工作机制: nothing on 监督保障.
        ("W11", None, None, None, "overall"): 1,
        # Header aliases.
        ("W17", APP, None, "social_welfare", None): 1,
        ("W17", APP, None, "legal_service", None): 1,
    },
}
CORPUS = {
    # 2019 format: no five aspects, no 信息处理费 statement required; its tables balance.
    "04_pingtan_scjgj_2019": {},
    "06_pingtan_zrzyj_2023": {
        # The report's own accounting breaks (known_inconsistencies of the transcription).
        ("E7", APP, "carried_forward", "commercial", None): 1,
        ("E9", APP, "partially_granted", "total", None): 1,
        ("E9", APP, "total_processed", "total", None): 1,
        # 一 says nothing of a website, platform or new media.
        ("W11", None, None, None, "overall"): 1,
    },
    # 「2021年共受理政府信息公开申请8件」 agrees with 新收 8; 六 states the fee.
    "07_pingtan_junshan_2021": {},
    # 收到…共计8件, 同意公开3件, 无法提供4件, 区分处理后公开1件 all agree with table 三; the
    # denial of 行政复议或行政诉讼 agrees with table 四; 「2025年，我局将…」 is a plan.
    "09_pingtan_gaj_2024": {},
    "17_pingtan_zrzyj_2021": {
        # The published 总计 row contradicts its columns (known_inconsistencies).
        ("E7", APP, "carried_forward", "natural_person", None): 1,
        ("E7", APP, "carried_forward", "social_welfare", None): 1,
        ("E8", APP, "total_processed", "natural_person", None): 1,
        ("E8", APP, "total_processed", "social_welfare", None): 1,
        # 六 is 「无」 (a 2021 report).
        ("E13", None, None, None, "other"): 1,
        # 一 says nothing of a website, platform or new media.
        ("W11", None, None, None, "overall"): 1,
    },
    "20_pingtan_scjgj_2022": {
        # One merged 其他处理 value spans three rows: the transcription leaves two rows blank.
        **{("W1", APP, row, column, None): 1 for row in ("other_fee_unpaid", "other_other")
           for column in ("natural_person", "commercial", "research", "social_welfare", "legal_service",
                          "other", "total")},  # fmt: skip
        # 「不予公开2件，分别属于本机关不掌握相关政府信息及行政执法案卷」: the table counts 1 不予公开
        # (行政执法案卷) and puts 本机关不掌握 under 无法提供.
        ("W9", APP, "denied_state_secret", "total", "overall"): 1,
    },
}


def findings_of(shape, looked_up=False):
    """`looked_up`: as a stored report is judged — no last year's report stored (W5, W6, W8 and
    W12's copy check run and find nothing to compare), the agency's own report (W19 runs)."""
    context = context_for_shape(shape)
    if looked_up:
        context = dataclasses.replace(context, known=context.known | {PREVIOUS, MEMBERS})
    return Counter((f.code, f.table, f.row, f.column, f.field) for f in evaluate(shape, context))


@pytest.mark.parametrize("looked_up", [False, True])
@pytest.mark.parametrize("number", sorted(SEEDS))
def test_every_finding_of_each_seed(number, looked_up):
    path = seed(int(number))
    assert findings_of(parse_bytes(path.read_bytes(), path.name), looked_up) == Counter(SEEDS[number])


@pytest.mark.skipif(not NAMES, reason="../shared/corpus is not beside the project")
@pytest.mark.parametrize("looked_up", [False, True])
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_finding_of_each_corpus_report(name, looked_up):
    assert findings_of(corpus_shape(name), looked_up) == Counter(CORPUS[name])


@pytest.mark.skipif(not NAMES, reason="../shared/corpus is not beside the project")
def test_the_corpus_is_listed_whole():
    assert sorted(CORPUS) == NAMES


def test_parse_report_flags_seed_003s_2023_statement_and_not_seed_001s_comparison():
    findings = json.loads(run("parse_report", str(seed(3)), "--json").stdout)["findings"]
    (w10,) = [f for f in findings if f["code"] == "W10"]
    assert "2023年我市有关政府信息公开行政复议0件" in w10["message"] and w10["field"] == "review_litigation"
    findings = json.loads(run("parse_report", str(seed(1)), "--json").stdout)["findings"]
    assert not [f for f in findings if f["code"] in ("W9", "W10")]

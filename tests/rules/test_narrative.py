"""The text against the tables (W9, W10): sentences that must, and must not, give a finding.

Each case is a sentence (from the seeds and the real reports of ../shared/corpus, or a variant
written here), the cells it is judged against, and the findings expected: (code, cell) — the
cell None for a statement about another year. The sentence is put into section 一 of the
consistent all-zero report, so nothing else fires.
"""
from decimal import Decimal

import pytest

from reports.rules import narrative
from reports.rules.engine import evaluate
from tests.rules.test_catalog import consistent_report

APP, REVIEW, ACTIVE = "applications", "review_litigation", "active"
NEW, CARRIED = (APP, "new_received", "total"), (APP, "carried_over", "total")
GRANTED, PARTIAL = (APP, "granted", "total"), (APP, "partially_granted", "total")
DENIED_FIRST, UNABLE_FIRST = (APP, "denied_state_secret", "total"), (APP, "unable_not_held", "total")
REVIEWED, DIRECT = (REVIEW, "reconsideration", "total"), (REVIEW, "litigation_direct", "total")
AFTER = (REVIEW, "litigation_after_reconsideration", "total")
PENALTY, LICENSING = (ACTIVE, "penalty", None), (ACTIVE, "licensing", None)
ISSUED, FEES = (ACTIVE, "normative_documents", "issued"), (ACTIVE, "fees", None)


def judged(sentence, cells=None, year=2021):
    shape = consistent_report()
    shape.year = year
    shape.sections["overall"] = f"总体情况如下。{sentence}"
    for cell, value in (cells or {}).items():
        shape.set_cell(*cell, value)
    return shape, evaluate(shape, codes={"W9", "W10"})


def found(sentence, cells=None, year=2021):
    _, findings = judged(sentence, cells, year)
    return {(f.code, (f.table, f.row, f.column) if f.table else None) for f in findings}


MUST = [
    # 09 (2024), its number changed: 收到…申请共计8件 while the table says 7.
    ("2024年，我局收到群众通过邮寄、网络提交的各类政府信息公开申请共计8件，申请事项涉及政策法规信息1件。",
     {NEW: 7}, 2024, {("W9", NEW)}),
    # Seed 001's wording (申请数量2条), the table saying 3.
    ("2022年收到政府信息公开申请数量2条，数量比2021年多1条，均按照时限要求进行答复。", {NEW: 3}, 2022, {("W9", NEW)}),
    ("全年共收到政府信息公开申请八件。", {NEW: 7}, 2021, {("W9", NEW)}),
    ("本年度新收政府信息公开申请12件。", {NEW: 2}, 2021, {("W9", NEW)}),
    ("上年结转政府信息公开申请2件。", {CARRIED: 1}, 2021, {("W9", CARRIED)}),
    # 09's outcomes, each one off.
    ("其中，同意公开3件，占比37.5%；", {GRANTED: 2}, 2021, {("W9", GRANTED)}),
    ("无法提供4件，占比50%；", {UNABLE_FIRST: 3}, 2021, {("W9", UNABLE_FIRST)}),
    ("区分处理后公开1件，占比12.5%。", {PARTIAL: 0}, 2021, {("W9", PARTIAL)}),
    # 20 as published: 不予公开2件 while table 三 counts 1 不予公开 (and 1 无法提供).
    ("2022年共收到政府信息公开申请3件，予以公开1件，不予公开2件，分别属于本机关不掌握相关政府信息及行政执法案卷。",
     {NEW: 3, GRANTED: 1, (APP, "denied_enforcement_file", "total"): 1, UNABLE_FIRST: 1}, 2022,
     {("W9", DENIED_FIRST)}),
    # 003's 行政处罚13件, the table saying 12.
    ("共上报行政处罚13件，处罚信息均已在国家卫生监督信息报告系统公示。", {PENALTY: 12}, 2021, {("W9", PENALTY)}),
    ("作出行政许可决定52件。", {LICENSING: 50}, 2021, {("W9", LICENSING)}),
    ("因政府信息公开被申请行政复议2件。", {REVIEWED: 1}, 2021, {("W9", REVIEWED)}),
    ("被提起行政诉讼3件。", {DIRECT: 1, AFTER: 1}, 2021, {("W9", DIRECT)}),
    ("本年制发规范性文件5件。", {ISSUED: 4}, 2021, {("W9", ISSUED)}),
    ("行政事业性收费12.5万元。", {FEES: Decimal("1.25")}, 2021, {("W9", FEES)}),
    # W10: what the text denies, the tables count.
    ("全年未收到政府信息公开申请。", {NEW: 2}, 2021, {("W10", NEW)}),
    ("未发生因政府信息公开被申请行政复议、提起行政诉讼的情况。", {REVIEWED: 1}, 2021, {("W10", REVIEWED)}),
    # 09's sentence, with a lawsuit in table 四.
    ("全年没有应公开而不予公开的情况，没有因政府信息公开针对区公安局申请行政复议或行政诉讼的事项。",
     {DIRECT: 1}, 2024, {("W10", DIRECT)}),
    # W10: another year's figures. Seed 003 (a 2024 report) as published.
    ("2023年我市有关政府信息公开行政复议0件，行政诉讼0件。", {}, 2024, {("W10", None)}),
    # Another year's count is not read as this year's (no W9 beside the W10).
    ("2023年，我局共收到政府信息公开申请5件。", {NEW: 2}, 2024, {("W10", None)}),
]  # fmt: skip

MUST_NOT = [
    # The same statements where the tables agree.
    ("2024年，我局收到群众通过邮寄、网络提交的各类政府信息公开申请共计8件。", {NEW: 8}, 2024),
    ("其中，同意公开3件，占比37.5%；无法提供4件，占比50%；区分处理后公开1件，占比12.5%。",
     {GRANTED: 3, UNABLE_FIRST: 4, PARTIAL: 1}, 2024),
    ("共上报行政处罚13件。", {PENALTY: 13}, 2024),
    ("行政事业性收费1.25万元。", {FEES: Decimal("1.25")}, 2021),
    # 07: 受理 may count last year's applications too (6 new + 2 carried over).
    ("2021年共受理政府信息公开申请8件，已全部在规定时间内答复及办结。", {NEW: 6, CARRIED: 2}, 2021),
    # A part of the total, by kind of applicant.
    ("收到自然人申请5件、法人申请3件。", {NEW: 8}, 2021),
    # Items published, not decisions (04: 行政处罚类103条).
    ("主动公开行政处罚信息13条。", {PENALTY: 12}, 2021),
    ("2019年，主动公开政府信息215条，其中行政许可类37条，行政处罚类103条。", {PENALTY: 0}, 2019),
    # 06: 办理依申请公开19件 may count what was carried over or is carried forward.
    ("办理依申请公开19件。", {NEW: 18}, 2023),
    # Both kinds together: neither is read alone.
    ("行政复议、行政诉讼0件。", {REVIEWED: 1}, 2021),
    ("收到申请后，在5个工作日内答复。", {NEW: 2}, 2021),
    ("全年没有应公开而不予公开的情况。", {DENIED_FIRST: 1}, 2021),
    # Blank cells state nothing to compare with (W1's business).
    ("收到政府信息公开申请3件。", {NEW: None}, 2021),
    # Seed 001: a comparison with the year before is not a statement about it.
    ("2022年收到政府信息公开申请数量2条，数量比2021年多1条，均按照时限要求进行答复。", {NEW: 2}, 2022),
    ("与2023年相比，申请数量增加3件。", {}, 2024),
    ("较2022年同期下降2件。", {}, 2023),
    # Plans, and later years.
    ("2025年，我局将继续严格落实政府信息公开责任制，力争公开信息100条。", {}, 2024),
    ("2023年，我局将进一步完善制度，开展培训2次。", {}, 2024),
    # Counting since a year, a document's name, a date.
    ("自2019年以来累计公开信息1000条。", {}, 2024),
    ("认真落实《2023年政务公开工作要点》30项任务。", {}, 2024),
    ("2023年12月印发的3件规范性文件已全部公开。", {}, 2024),
    ("在2023年度全市考核中获评优秀。", {}, 2024),
    # Denials the tables do not contradict, or that deny less than the whole kind.
    ("全年没有发生因政府信息公开申请提起行政复议、行政诉讼情况。", {}, 2022),
    ("未发生行政复议被纠错的情况。", {REVIEWED: 1}, 2021),
    ("未收到涉及国家秘密的政府信息公开申请。", {NEW: 2}, 2021),
    ("全年未收到政府信息公开申请。", {NEW: 0}, 2021),
    ("申请人无法提供身份证明的，不予受理。", {}, 2021),
]  # fmt: skip


@pytest.mark.parametrize("sentence, cells, year, expected", MUST, ids=[c[0][:24] for c in MUST])
def test_sentence_gives_exactly_these_findings(sentence, cells, year, expected):
    assert found(sentence, cells, year) == expected


@pytest.mark.parametrize("sentence, cells, year", MUST_NOT, ids=[c[0][:24] for c in MUST_NOT])
def test_sentence_gives_no_finding(sentence, cells, year):
    assert found(sentence, cells, year) == set()


def test_a_finding_marks_the_sentence_and_the_cells_and_quotes_it():
    sentence = "全年共收到政府信息公开申请八件。"
    shape, (finding,) = judged(sentence, {NEW: 7})
    paragraph = list(narrative.paragraphs(shape))[finding.paragraph]
    start, end = finding.span
    assert (paragraph.part, paragraph.section) == ("overall", "overall")
    assert paragraph.text[start:end] == sentence
    assert finding.field == "overall"
    assert sentence in finding.message
    _, (finding,) = judged("不予公开2件。", {(APP, "denied_enforcement_file", "total"): 1})
    assert (APP, "denied_enforcement_file", "total") in finding.cells  # every cell of the sum


def test_sentences_are_read_in_every_part_but_the_plans_of_section_five():
    shape = consistent_report()
    shape.year = 2024
    shape.facts["notes"] = {"review_litigation": "2023年我市有关政府信息公开行政复议0件，行政诉讼0件。"}
    shape.sections["other"] = "本年度行政事业性收费3万元。"
    shape.sections["improvements"] = ["2023年，我局开展培训2次。"]  # 五 is not read
    findings = evaluate(shape, codes={"W9", "W10"})
    assert {(f.code, f.field) for f in findings} == {("W10", "review_litigation"), ("W9", "other")}
    w10 = next(f for f in findings if f.code == "W10")
    paragraph = list(narrative.paragraphs(shape))[w10.paragraph]
    assert (paragraph.part, paragraph.section) == ("notes.review_litigation", "review_litigation")
    assert paragraph.text[slice(*w10.span)] == shape.facts["notes"]["review_litigation"]


@pytest.mark.parametrize("text, value", [("8", 8), ("八", 8), ("十二", 12), ("两", 2), ("二十", 20), ("零", 0),
                                         ("一百零三", 103), ("12.5", Decimal("12.5"))])  # fmt: skip
def test_numbers_arabic_or_chinese(text, value):
    assert narrative.number(text) == value

"""W8 and W12's copy check (套用往年): this year's report against last year's, with the threshold
of reports.rules.similarity tried on real text — the seeds and the corpus re-issued a year later as
clerks copy them, and the corpus's real reports of one agency in different years."""
import copy
import re
from pathlib import Path

import pytest

from reports.importing import import_many
from reports.models import Finding
from reports.models.agency import OPERATOR
from reports.parsers import parse_bytes
from reports.rules.context import PREVIOUS, Context
from reports.rules.engine import evaluate, skipped
from reports.rules.similarity import NEARLY_IDENTICAL, copied
from tests.conftest import seed
from tests.fixtures.corpus import NAMES, corpus_shape
from tests.fixtures.render import to_text
from tests.rules.test_catalog import consistent_report

SEEDS = sorted(p.name for p in Path(seed(0)).parent.glob("*.txt"))
SENTENCE = re.compile(r"[^。；]+[。；]?")
# A sentence a clerk writes anew (from seed 002's 一), put in place of one of last year's.
REWRITTEN = "我局始终坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开，切实保障人民群众的知情权、参与权和监督权。"


def real_reports():
    shapes = {name: parse_bytes(seed(int(name[:3])).read_bytes(), name) for name in SEEDS}
    return {**shapes, **{name: corpus_shape(name) for name in NAMES}}


def a_year_later(text):
    return re.sub(r"20\d\d", lambda m: str(int(m.group()) + 1), text)


def re_issued(text, rewritten=0):
    """`text` as next year's: every year one later, every figure another, and the first
    `rewritten` of every third sentence written anew."""
    sentences = SENTENCE.findall(text)
    for i in range(rewritten):
        sentences[(i * 3) % len(sentences)] = REWRITTEN
    return re.sub(r"\d+", lambda m: str(int(m.group()) * 2 + 3), a_year_later("".join(sentences)))


def next_year(shape, rewritten=0):
    copied_shape = copy.deepcopy(shape)
    copied_shape.year = shape.year + 1
    for key in ("title", "preamble"):
        copied_shape.facts[key] = a_year_later(shape.facts.get(key) or "")
    copied_shape.sections["overall"] = re_issued(shape.sections["overall"], rewritten)
    for key in ("problems", "improvements"):
        copied_shape.sections[key] = [re_issued(item, rewritten and 1) for item in shape.sections[key]]
    return copied_shape


def against(shape, previous, codes=("W8", "W12")):
    context = Context(previous=previous, known=frozenset({PREVIOUS}))
    return {(f.code, f.field) for f in evaluate(shape, context, set(codes))}


@pytest.mark.parametrize("name", sorted(real_reports()))
def test_a_report_copied_with_year_and_figures_changed_and_a_sentence_rewritten_is_w8(name):
    last = real_reports()[name]
    for rewritten in (0, 1):
        this = next_year(last, rewritten)
        this.applications["new_received"]["total"] = (last.applications["new_received"]["total"] or 0) + 1
        assert ("W8", "overall") in against(this, last), rewritten
        assert copied(this.sections["overall"], last.sections["overall"]) >= NEARLY_IDENTICAL


@pytest.mark.skipif(not NAMES, reason="../shared/corpus is not beside the project")
@pytest.mark.parametrize(
    "earlier, later",
    [("17_pingtan_zrzyj_2021", "06_pingtan_zrzyj_2023"), ("04_pingtan_scjgj_2019", "20_pingtan_scjgj_2022")],
)
def test_one_agencys_real_reports_of_different_years_are_not_copies(earlier, later):
    # Same agency, same set phrases (「我局认真按照《条例》要求…」), written anew: 一 scores 48–51.
    assert against(corpus_shape(later), corpus_shape(earlier)) == set()


def test_no_two_real_reports_are_copies_of_each_other():
    shapes = real_reports()
    for a, this in shapes.items():
        for b, last in shapes.items():
            if a != b:
                assert not copied(this.sections["overall"], last.sections["overall"]), (a, b)


def test_w12_flags_five_copied_from_last_year():
    last = real_reports()[SEEDS[3]]  # seed 003: 五 states its problems and measures concretely
    this = next_year(last)
    assert ("W12", "problems") in against(this, last)
    this.sections["problems"] = ["机构改革后人员变动较大，业务培训尚未覆盖新进人员。"]
    this.sections["improvements"] = ["年内组织两次全员政务公开业务培训。"]
    assert ("W12", "problems") not in against(this, last)


def test_w12_judges_five_without_last_year_and_says_the_copy_check_was_not_run():
    shape = consistent_report()
    shape.sections["problems"], shape.sections["improvements"] = [], ["进一步加强。"]
    assert {f.code for f in evaluate(shape)} >= {"W12"}  # no context: 五 still judged
    reasons = dict((rule.code, reason) for rule, reason in skipped(Context()))
    assert "部分未运行" in reasons["W12"] and "上年报告" in reasons["W12"]
    assert "W12" not in dict((rule.code, r) for rule, r in skipped(Context(known=frozenset({PREVIOUS}))))


def test_short_formulas_repeated_are_not_copies():
    last = consistent_report()  # 一 is one sentence
    this = copy.deepcopy(last)
    this.year = 2022
    assert against(this, last) == set()


def test_w8_tables_identical_to_last_years_while_something_was_done():
    last = consistent_report()
    last.year = 2020
    last.sections["overall"] = "上年的总体情况。"
    this = consistent_report()
    assert against(this, last) == set()  # both all zero: nothing done two years running
    for shape in (last, this):  # stocks carried over are no work of the year
        shape.active["normative_documents"]["in_force"] = 12
        shape.applications["carried_over"].update(natural_person=1, total=1)
    assert against(this, last) == set()
    for shape in (last, this):
        shape.applications["new_received"].update(natural_person=3, total=3)
    assert against(this, last) == {("W8", "tables")}
    this.applications["new_received"].update(natural_person=4, total=4)
    assert against(this, last) == set()


def test_w8_not_across_formats():
    last = consistent_report()
    last.format_version = "2019"
    last.applications["granted"]["total"] = 5
    this = consistent_report()
    this.applications["granted"]["total"] = 5
    assert ("W8", "tables") not in against(this, last)


@pytest.mark.django_db
def test_an_imported_copy_of_last_years_report_is_w8_and_w12_when_stored():
    last = parse_bytes(seed(3).read_bytes(), SEEDS[3])
    this = next_year(last)
    outcomes = list(import_many([("2024.txt", to_text(last)), ("2025.txt", to_text(this))], OPERATOR))
    assert [o.action for o in outcomes] == ["created", "created"], [o.message for o in outcomes]
    stored = {(f.report.year, f.code, f.field) for f in Finding.objects.filter(code__in=("W8", "W12"))}
    assert {(2025, "W8", "overall"), (2025, "W12", "problems")} <= stored
    assert not {s for s in stored if s[0] == 2024}

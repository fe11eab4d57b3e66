"""与上年对比: a report beside last year's report of its agency, for whoever may see the report."""
import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from reports import roles, versions
from reports.compare import LONG, WINDOW, Budget, diff_paragraphs
from reports.models import Agency, AnnualReport, Profile, Region
from reports.models.agency import OPERATOR
from reports.rules.shape import ReportShape
from tests.conftest import make_user, seed
from tests.rules.test_predecessor import OLD, renamed  # noqa: F401 (a fixture)
from tests.rules.test_years import AGENCY
from tests.test_forms import clerk_of

CARRIED_FORWARD = "applications__carried_forward__natural_person"
NEW_RECEIVED = "applications__new_received__total"


def last_year_of(report):
    """Seed 001 (泰山区 2022) as its agency's 2021 report, three figures and the text changed:
    1 application carried forward (which 2022's 上年结转 0 contradicts: W5), one paragraph
    worded otherwise, one that 2022 dropped, and one 2022 added missing."""
    shape = report.to_shape()
    shape.year = 2021
    shape.applications["carried_forward"]["natural_person"] = 1
    shape.applications["carried_forward"]["total"] = 1
    shape.applications["new_received"]["total"] = 5
    first, second, third, *rest = shape.sections["overall"].split("\n")
    shape.sections["overall"] = "\n".join(
        [first.replace("2022年度", "2021年度").replace("切实保障", "有效保障"), second, "上年独有的一段。", *rest]
    )
    versions.store(AnnualReport(agency=report.agency, year=2021), shape, user=OPERATOR, source="测试")
    return third


def page_as(client, username, url):
    client.force_login(get_user_model().objects.get(username=username))
    return client.get(url)


def cell_classes(page, key):
    """The classes of the value cell `key` in each of the page's tables, in order."""
    return re.findall(rf'<td data-cell="{key}"[^>]*class="([^"]*)"', page)


def test_the_two_years_side_by_side_with_what_changed_marked(client, demo):
    report = demo[1]
    added = last_year_of(report)
    response = page_as(client, "taishan", reverse("reports:compare", args=[report.pk]))
    page = response.content.decode()
    # Last year's table, then this year's: the changed cells marked on both.
    assert [("changed" in c) for c in cell_classes(page, NEW_RECEIVED)] == [True, True]
    assert [("changed" in c) for c in cell_classes(page, "applications__granted__total")] == [False, False]
    # W5's cells: last year's 结转下年度, this year's 上年结转, with W5's finding on this year's.
    then, now = cell_classes(page, CARRIED_FORWARD)[0], cell_classes(page, "applications__carried_over__natural_person")[1]
    assert "cross-year" in then and "cross-year" in now and "finding-warning" in now
    assert "cross-year" in cell_classes(page, "active__normative_documents__in_force")[1]  # W6's
    comparison = response.context["comparison"]
    overall = comparison.sections[0]
    assert [row.kind for row in overall.rows[:4]] == ["changed", "equal", "removed", "added"]
    assert overall.rows[3].after == [(added, True)]
    # Within the changed paragraph, the words that changed.
    assert "<del>2021</del>" in page and "<ins>2022</ins>" in page and "<del>有效</del>" in page
    assert "<ins>切实</ins>" in page


def test_the_reviewers_page_shows_the_same_comparison(client, demo):
    report = demo[1]
    last_year_of(report)
    page = page_as(client, "reviewer", reverse("admin:reports_annualreport_compare", args=[report.pk])).content.decode()
    assert [("changed" in c) for c in cell_classes(page, NEW_RECEIVED)] == [True, True]
    assert "<del>有效</del>" in page and "泰安市泰山区卫生健康局2021年度报告" in page


def previous_link(page):
    found = re.search(r'<a href="([^"]*)" id="previous-report">([^<]*)</a>', page)
    return found and found.groups()


def test_last_years_report_is_linked_for_the_clerk_and_the_reviewer(client, demo):
    report = demo[1]
    last_year_of(report)
    then = AnnualReport.objects.get(agency=report.agency, year=2021)
    page = page_as(client, "taishan", reverse("reports:compare", args=[report.pk])).content.decode()
    assert previous_link(page) == (reverse("reports:print", args=[then.pk]), "泰安市泰山区卫生健康局2021年度报告")
    page = page_as(client, "reviewer", reverse("admin:reports_annualreport_compare", args=[report.pk])).content.decode()
    assert previous_link(page) == (
        reverse("admin:reports_annualreport_change", args=[then.pk]), "泰安市泰山区卫生健康局2021年度报告"
    )


def compare_section(page):
    return page.split('id="compare"')[1]


def test_a_predecessors_report_out_of_scope_is_not_shown(client, renamed, reviewer):
    """The predecessor is another region's: its clerk's successor and that region's reviewer are
    told it is out of their scope, and see none of its figures or text (not even its name)."""
    old, new = renamed
    report = AnnualReport.objects.get(agency=new, year=2024)
    then = AnnualReport.objects.get(agency=old, year=2023)
    shandong = Region.objects.get_or_create(code="370000", defaults={"name": "山东省"})[0]
    ningxia = Region.objects.get_or_create(code="640000", defaults={"name": "宁夏回族自治区"})[0]
    Agency.objects.filter(pk=new.pk).update(region=shandong)
    Agency.objects.filter(pk=old.pk).update(region=ningxia)
    regional = make_user("shandong", roles.REVIEWER)
    Profile.objects.create(user=regional, region=shandong, must_change_password=False)
    for user, url in (
        (clerk_of(new), reverse("reports:compare", args=[report.pk])),
        (regional, reverse("admin:reports_annualreport_compare", args=[report.pk])),
    ):
        assert not AnnualReport.objects.visible_to(user).filter(pk=then.pk).exists()  # indeed out of scope
        client.force_login(user)
        response = client.get(url)
        section = compare_section(response.content.decode())
        assert "上年报告不在您的权限范围内" in section
        assert OLD not in section and "<table" not in section and "2023年度" not in section
        assert response.context["comparison"].previous is None
    # A reviewer of all regions sees both agencies' reports, and the comparison links last year's.
    client.force_login(reviewer)
    page = client.get(reverse("admin:reports_annualreport_compare", args=[report.pk])).content.decode()
    assert previous_link(page) == (reverse("admin:reports_annualreport_change", args=[then.pk]), f"{OLD}2023年度报告")
    assert AGENCY in page and "权限范围" not in page


def test_without_last_year_the_page_says_so(client, demo):
    report = demo[0]  # 利通区 2023: no 2022 report
    page = page_as(client, "litong", reverse("reports:compare", args=[report.pk])).content.decode()
    assert "没有吴忠市利通区卫生健康局2022年度的报告，无从对比。" in page
    assert "<table" not in compare_section(page)


def test_paragraph_diff_pairs_changed_paragraphs_and_marks_the_words():
    rows = diff_paragraphs(["甲段。", "本年收到申请3件。", "删去的段。"], ["甲段。", "本年收到申请12件。"])
    assert [row.kind for row in rows] == ["equal", "changed", "removed"]
    assert rows[1].before == [("本年收到申请", False), ("3", True), ("件。", False)]
    assert rows[1].after == [("本年收到申请", False), ("12", True), ("件。", False)]
    assert rows[2].after is None


def test_unlike_paragraphs_are_removed_and_added_not_paired():
    rows = diff_paragraphs(["甲段。", "上年独有的一段话。"], ["甲段。", "新增：组织政务公开培训两次。"])
    assert [row.kind for row in rows] == ["equal", "removed", "added"]


def reworded(text):
    """`text` with one character in forty changed: a paragraph reworded."""
    return "".join("改" if i % 40 == 3 else c for i, c in enumerate(text))


def test_a_long_reworded_paragraph_is_marked_changed_whole():
    """Over LONG characters the paragraph is paired by likeness but not diffed word by word (the
    word diff of a very long rewording takes difflib seconds)."""
    before = (seed(1).read_text(encoding="utf-8").replace("\n", "") * 10)[: LONG * 10]
    rows = diff_paragraphs(["甲段。", before], ["甲段。", reworded(before)])
    assert [row.kind for row in rows] == ["equal", "changed"]
    assert rows[1].before == [(before, True)] and rows[1].after == [(reworded(before), True)]
    # At LONG and under, the words that changed are marked.
    short = before[:LONG]
    assert len(diff_paragraphs([short], [reworded(short)])[0].before) > 100


def narrative_lines(length):
    """Seed 001's paragraphs of at least `length` characters (not its tables' rows)."""
    return [line for line in seed(1).read_text(encoding="utf-8").splitlines() if len(line) > length and "\t" not in line]


def test_difflibs_work_for_a_page_is_bounded():
    """Many reworded paragraphs: difflib compares them (likeness, then the words that changed)
    while the page's budget lasts; after it, each is paired by the pairs of characters it shares
    and marked changed whole."""
    old = narrative_lines(100)[:6]
    first = len(old[0]) * len(reworded(old[0]))
    budget = Budget(pairs=2 * first)  # the first paragraph's likeness and word diff
    rows = diff_paragraphs(old, list(map(reworded, old)), budget)
    assert [row.kind for row in rows] == ["changed"] * len(old) and budget.left == 0
    assert len(rows[0].before) > 1  # the words that changed marked
    assert [row.before for row in rows[1:]] == [[(text, True)] for text in old[1:]]
    assert [row.after for row in rows[1:]] == [[(reworded(text), True)] for text in old[1:]]


def test_a_paragraph_is_looked_for_among_the_next_few_only():
    """Each old paragraph is paired with a rewording among the next WINDOW new ones, not every
    old × new pair compared: one that moved further is removed, and its rewording added."""
    first, second = narrative_lines(100)[:2]
    inserted = [f"新增的第{i}段：组织政务公开培训。" * 5 for i in range(WINDOW)]
    near = diff_paragraphs([first, second], [reworded(first), *inserted[1:], reworded(second)])
    assert [row.kind for row in near] == ["changed", *["added"] * (WINDOW - 1), "changed"]
    far = diff_paragraphs([first, second], [reworded(first), *inserted, reworded(second)])
    assert [row.kind for row in far] == ["changed", "removed", *["added"] * (WINDOW + 1)]


def test_a_2021_report_beside_a_2019_format_one(client, demo):
    """榆阳区's 2021 report (seed 004) beside a 2020 report in the trial format: table 二 has other
    columns, so only tables 三 and 四 are compared cell by cell, and the page says why."""
    report = demo[4]
    then = ReportShape(agency=report.agency.name, year=2020, format_version="2019")
    then.sections["overall"] = report.overall
    then.applications = report.to_shape().applications
    versions.store(AnnualReport(agency=report.agency, year=2020), then, user=OPERATOR, source="测试")
    response = page_as(client, "yuyang", reverse("reports:compare", args=[report.pk]))
    page = response.content.decode()
    assert "两年的格式版本不同，表二各列不能逐格对比。" in page
    assert not any(key.startswith("active") for key in response.context["comparison"].changed)
    assert [row.kind for row in response.context["comparison"].sections[0].rows] == ["equal"] * len(
        report.paragraphs.filter(section="overall")
    )

"""Agency, year and publication date from the headers real reports arrive with: a web archive's
header and a portal's breadcrumb before the title, a Markdown heading's #, a title naming the
government's 办公厅 where the body speaks of the government."""
import pytest

from reports.names import same_reporter
from reports.parsers import parse_bytes, parse_file
from reports.parsers.blocks import nfkc
from reports.parsers.identity import is_chrome, stated
from reports.rules.context import context_for_shape
from reports.rules.engine import evaluate

from ..conftest import seed
from ..fixtures.render import to_flat

# The header ../shared/corpus/raw/*.txt carry, as a web archive prints it before the page.
ARCHIVE_HEADER = """标题: 泰山区卫生健康局2022年政府信息公开工作年度报告
发布时间: 2023-02-10 16:07
文号:
发布机构: 泰山区卫生健康局
栏目: 部门文件
原文链接: https://www.taishan.gov.cn/zwgk/t20230210_19209.htm
==================== 正文 ====================
当前位置：首页 > 政务公开 > 部门文件
"""


def seed_text(number):
    return seed(number).read_text(encoding="utf-8")


def test_archive_header_and_breadcrumb_are_not_the_title_and_give_the_publication_date():
    plain = parse_file(seed(1))
    shape = parse_bytes((ARCHIVE_HEADER + seed_text(1)).encode(), "report.txt")
    assert (shape.agency, shape.year, shape.facts["title"]) == (plain.agency, plain.year, plain.facts["title"])
    assert shape.facts["preamble"] == plain.facts["preamble"]
    assert shape.facts["published_on"] == "2023-02-10"
    # A department's report is due by 31 January (条例第五十条): the page's date says it was late.
    (late,) = evaluate(shape, context_for_shape(shape), {"W15"})
    assert late.message.startswith("发布时间为2023年2月10日")


def test_page_metadata_under_the_title():
    text = seed_text(1).replace("\n", "\n来源：泰山区卫生健康局　发布时间：2023-01-20　浏览次数：35\n【打印】【关闭】\n", 1)
    shape = parse_bytes(text.encode(), "report.txt")
    assert shape.facts["published_on"] == "2023-01-20"
    assert shape.facts["preamble"] == parse_file(seed(1)).facts["preamble"]
    assert evaluate(shape, context_for_shape(shape), {"W15"}) == []


def test_markdown_heading_mark_is_not_part_of_the_agency():
    text = "# " + seed_text(1)
    shape = parse_bytes(text.encode(), "report.txt")
    assert shape.agency == "泰安市泰山区卫生健康局"
    assert shape.facts["agency_names"]["title"] == "泰山区卫生健康局"
    assert not [f for f in evaluate(shape) if f.code == "E5"]


def test_government_office_title_and_government_body_are_one_reporter():
    title, body = seed_text(3).split("2024 年", 1)  # 003's title: 原平市卫生健康局 / 2024 年…
    shape = parse_bytes((title.replace("原平市卫生健康局", "原平市人民政府办公室") + "2024 年"
                         + body.replace("原平市卫生健康局", "原平市人民政府")).encode(), "report.txt")  # fmt: skip
    names = shape.facts["agency_names"]
    assert (names["title"], names["signature"]) == ("原平市人民政府办公室", "原平市人民政府")
    assert shape.agency == "原平市人民政府办公室"  # as the title prints it
    assert not [f for f in evaluate(shape) if f.code == "E5"]
    # A real mismatch is still one.
    other = parse_bytes((title.replace("原平市卫生健康局", "原平市人民政府办公室") + "2024 年"
                         + body.replace("原平市卫生健康局", "忻州市人民政府")).encode(), "report.txt")  # fmt: skip
    assert [f.code for f in evaluate(other) if f.code == "E5"] == ["E5"]


def test_a_preamble_quoting_titles_in_angle_brackets_is_no_breadcrumb():
    line = "根据《关于印发<中华人民共和国政府信息公开工作年度报告格式>的通知》和<政务公开工作要点>要求编制"
    assert not is_chrome(line)
    assert is_chrome("首页 > 政务公开 > 年度报告") and is_chrome("当前位置：首页>信息公开")


@pytest.mark.parametrize("text", [
    "统计期限自2023年1月1日起至2023年12月31日止。",
    "统计期限自２０２３年１月１日起至２０２３年１２月３１日止。",  # full-width digits
    "统计期限自2023年1月1日起至2023年12⽉31⽇止。",  # Kangxi radicals, as PDF text extraction gives them
    "统计期限自2023年1月1日起至2023年㋋㏾止。",  # telegraph signs
    "统计期限自2023年1月1日起至2023年12月[bookmark: _Hlk1]31日止。",  # a Word bookmark inside the date
])
def test_the_period_is_read_however_its_characters_are_printed(text):
    _, years = stated("", text, {"overall": "", "problems": [], "improvements": [], "other": ""}, None)
    assert years == {"period": 2023}


def test_nfkc_is_unicodedatas_on_real_text_and_on_every_character_with_combining_marks():
    """blocks.nfkc replaces the full-width forms by a table first: the same result, always."""
    import unicodedata

    texts = [path.read_text() for path in sorted(seed(0).parent.glob("*.txt"))]
    texts += [chr(c) + mark for c in range(0x10000) if not 0xD800 <= c < 0xE000 for mark in ("", "\u0301", "\u3099")]
    assert [nfkc(t) for t in texts] == [unicodedata.normalize("NFKC", t) for t in texts]


def test_a_flattened_pages_breadcrumb_and_links_to_other_years_are_not_the_title():
    """A page flattened into one line runs its breadcrumb (「首页 ＞ 政务公开 ＞ 年度报告 ＞」) and its
    links to last and next year's reports into the title: the agency was 「首页>政务公开>年度报告>
    …局」 and the year the linked report's, 2022, with no finding."""
    plain = parse_bytes(to_flat(parse_file(seed(1))), "x.txt")
    links = " ".join(f"{link}：{plain.agency}{plain.year + step}年政府信息公开工作年度报告" for link, step in (("上一篇", -1), ("下一篇", 1)))
    for chrome in ("首页 ＞ 政务公开 ＞ 年度报告 ＞ ", "当前位置：首页 > 政务公开 > " + links + " ", "上一篇：关于公布权责清单的通知 "):
        shape = parse_bytes(chrome.encode() + to_flat(parse_file(seed(1))), "x.txt")
        assert (shape.agency, shape.year) == (plain.agency, plain.year), chrome
        assert shape.facts["title"] == plain.facts["title"], chrome  # as stored and shown too


def test_a_page_printing_no_title_takes_its_archives_and_its_contact_office_is_its_own():
    """Corpus 09's page prints no title: its agency was the contact office the preamble names
    (「可联系平潭综合实验区公安局政府信息公开工作领导小组办公室」). The archive's 「标题:」 line gives
    the title where the page has none, and an agency's own office is one reporter with it (no
    E5); another agency's office is not."""
    plain = parse_file(seed(1))
    title = plain.facts["title"]
    page = seed_text(1).split(title, 1)[1]  # the page without its title
    shape = parse_bytes((ARCHIVE_HEADER.replace("泰山区卫生健康局2022年政府信息公开工作年度报告", title) + page).encode(), "x.txt")
    assert (shape.facts["title"], shape.agency, shape.year) == (title, plain.agency, plain.year)
    assert same_reporter("泰山区卫生健康局政府信息公开工作领导小组办公室", "泰山区卫生健康局")
    assert same_reporter("泰山区卫生健康局办公室", "泰山区卫生健康局") and same_reporter("泰山区人民政府办公室", "泰山区人民政府")
    assert not same_reporter("泰山区财政局办公室", "泰山区卫生健康局")

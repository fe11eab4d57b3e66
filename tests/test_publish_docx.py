"""The publishable Word document: official structure, merged headers, the shape's values, A4, and
it reads back to the same report."""
import io
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Emu

from reports.exporters.document import placed
from reports.exporters.word import write_docx
from reports.layout import official_tables
from reports.parsers import parse_bytes, parse_file

from .conftest import seed

DOCUMENT_2019 = Path(__file__).resolve().parent / "fixtures" / "documents" / "2019_format_yuanping_2020.txt"
SOURCES = [seed(n) for n in range(5)] + [DOCUMENT_2019]
HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
TABLES = ("active", "applications", "review_litigation")


def publish(path):
    shape = parse_file(path)
    data = write_docx(shape)
    return shape, data, Document(io.BytesIO(data))


def extents(table):
    """{(row, column) of a cell's top-left grid position: (rows, columns) it covers}, from the Word table."""
    positions = {}
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):  # a merged cell repeats across the positions it covers
            positions.setdefault(cell._tc, []).append((r, c))
    return {
        min(cells): (max(r for r, _ in cells) - min(r for r, _ in cells) + 1,
                     max(c for _, c in cells) - min(c for _, c in cells) + 1)
        for cells in positions.values()
    }  # fmt: skip


def east_asian_font(style):
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name[:8])
def test_official_structure_and_values(path):
    shape, _, word = publish(path)
    paragraphs = word.paragraphs
    assert paragraphs[0].text == shape.facts["title"]
    assert paragraphs[0].style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [p.text for p in paragraphs if p.style.name == "一级标题"] == HEADINGS
    texts = [p.text for p in paragraphs]
    fifth = texts.index(HEADINGS[4])
    assert texts[fifth + 1] == "（一）存在的主要问题"
    assert texts[fifth + 2 : fifth + 2 + len(shape.sections["problems"])] == shape.sections["problems"]
    assert "（二）改进措施" in texts[fifth:texts.index(HEADINGS[5])]

    assert len(word.tables) == 3
    for table, layout in zip(word.tables, official_tables(shape, as_published=True)):
        assert table.style.name == "Table Grid"  # borders on every cell
        cells, width = placed(layout.rows)
        assert len(table.columns) == width
        # Every merge of the official layout, and no other.
        assert extents(table) == {(r, c): (cell.rowspan, cell.colspan) for r, c, cell in cells}
        for r, c, cell in cells:
            printed = table.cell(r, c).text
            if cell.key:  # a value: the shape's, blank where the report left it blank
                value = shape.cell(*cell.key.split("__"))
                assert printed == ("" if value is None else str(value)), cell.key
            else:
                assert printed == cell.text


def test_table_three_merges_its_headers_and_fits_the_page():
    _, _, word = publish(seed(1))
    table = word.tables[1]
    spans = extents(table)
    assert table.cell(0, 3).text == "申请人情况" and spans[(0, 3)] == (1, 7)
    assert table.cell(1, 4).text == "法人或其他组织" and spans[(1, 4)] == (1, 5)
    assert table.cell(1, 3).text == "自然人" and spans[(1, 3)] == (2, 1)
    assert table.cell(0, 0).text.startswith("（本列数据的勾稽关系") and spans[(0, 0)] == (3, 3)
    assert table.cell(3, 3).paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.LEFT  # numbers centred
    assert all(run.bold for run in table.cell(0, 3).paragraphs[0].runs)  # header bold
    # The three header rows repeat on every page the table runs onto; no data row does.
    repeated = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
    assert repeated == [True] * 3 + [False] * (len(table.rows) - 3)
    section = word.sections[0]
    text_width = Emu(section.page_width - section.left_margin - section.right_margin)
    for table in word.tables:  # within the 版心, give or take Word's rounding to twips
        assert Emu(sum(column.width for column in table.columns)).mm == pytest.approx(text_width.mm, abs=0.1)


def test_page_fonts_and_signature():
    _, _, word = publish(seed(3))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.orientation == WD_ORIENT.PORTRAIT
    styles = word.styles
    assert east_asian_font(styles["报告标题"]) == "方正小标宋简体" and styles["报告标题"].font.size.pt == 22
    assert east_asian_font(styles["一级标题"]) == "黑体"
    assert east_asian_font(styles["Normal"]) == "仿宋_GB2312" and styles["Normal"].font.size.pt == 16
    assert styles["Normal"].paragraph_format.first_line_indent.pt == 32  # two characters
    *_, signature, date = word.paragraphs
    assert (signature.text, date.text) == ("原平市卫生健康局", "2025年1月22日")
    assert {p.style.paragraph_format.alignment for p in (signature, date)} == {WD_ALIGN_PARAGRAPH.RIGHT}
    assert word.core_properties.author == "原平市卫生健康局"
    assert "python-docx" not in (word.core_properties.comments, word.core_properties.author)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name[:8])
def test_reads_back_as_the_same_report(path):
    shape, data, _ = publish(path)
    back = parse_bytes(data, "x.docx")
    assert (back.agency, back.year, back.format_version) == (shape.agency, shape.year, shape.format_version)
    for key in (*TABLES, "active_2019"):
        assert back.table(key) == shape.table(key), key
    assert back.sections["problems"] == shape.sections["problems"]
    assert back.sections["improvements"] == shape.sections["improvements"]


def test_2019_report_prints_its_own_table_two():
    shape, _, word = publish(DOCUMENT_2019)
    assert shape.format_version == "2019"
    table_two = [cell.text for row in word.tables[0].rows for cell in row.cells]
    for label in ("本年新制作数量", "上一年项目数量", "本年增/减", "政府集中采购", "采购总金额"):
        assert label in table_two
    assert "本年制发件数" not in table_two
    assert "-2" in table_two and "120.5" in table_two  # 行政许可 本年增/减, 采购总金额


def test_blank_cells_print_empty():
    shape, _, word = publish(seed(3))
    assert shape.active["normative_documents"]["in_force"] is None
    row = next(row for row in word.tables[0].rows if row.cells[0].text == "行政规范性文件")
    assert [cell.text for cell in row.cells][-1] == ""

"""The report as a Word document (.docx) an agency can publish as is.

The structure is exporters.document's; the look follows the 公文 conventions of GB/T 9704: A4 with
its margins, 方正小标宋 title, 黑体 and 楷体 headings, 仿宋 body at 三号 with a two-character indent,
the three tables at 小五 with their official merged headers. Fonts are named, never embedded: Word
and WPS substitute one a machine lacks.
"""
import io
from datetime import datetime, timezone

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

from reports.exporters.cells import printable
from reports.exporters.document import document, placed

PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)  # A4 portrait
MARGINS = {"top_margin": Cm(3.7), "bottom_margin": Cm(3.5), "left_margin": Cm(2.8), "right_margin": Cm(2.6)}
TEXT_WIDTH = PAGE_WIDTH - MARGINS["left_margin"] - MARGINS["right_margin"]  # the 156 mm 版心
BODY_PT = 16  # 三号
LATIN_FONT = "Times New Roman"  # 公文 set digits and Latin letters apart from the Chinese font

CENTER, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
UNINDENTED = {"first_line_indent": Pt(0)}
# The body ("p") is Normal; the other document() kinds, and table text, have a paragraph style of
# their own based on it: kind → (style, Chinese font, points, paragraph format).
BODY = ("仿宋_GB2312", BODY_PT, {
    "first_line_indent": Pt(2 * BODY_PT),  # two characters
    "line_spacing": Pt(28),  # exactly: 公文 set 22 lines a page
    "space_after": Pt(0),
})
STYLES = {
    "title": ("报告标题", "方正小标宋简体", 22, {  # 二号
        **UNINDENTED, "alignment": CENTER, "line_spacing": Pt(36), "space_after": Pt(28)}),
    "h": ("一级标题", "黑体", BODY_PT, {"keep_with_next": True}),
    "h2": ("二级标题", "楷体_GB2312", BODY_PT, {"keep_with_next": True}),
    "sign": ("落款", "仿宋_GB2312", BODY_PT, {  # 右空四字
        **UNINDENTED, "alignment": RIGHT, "right_indent": Pt(4 * BODY_PT), "keep_with_next": True}),
    "cell": ("表格文字", "宋体", 9, {  # 小五: table 四's 15 columns fit the 版心
        **UNINDENTED, "alignment": CENTER, "line_spacing": 1.0, "space_before": Pt(2), "space_after": Pt(2)}),
}  # fmt: skip
# Table 三's label columns: 三、本年度办理结果 and （三）不予公开 narrow, the item names wide; value columns share the rest.
BLOCK_WIDTH, ITEM_WIDTH = Cm(1.4), Cm(4.2)
CELL_MARGIN_TWIPS = 57  # 1 mm: a 1.2 cm column still holds three characters a line


def write_docx(shape):
    """The report `shape` as the bytes of a .docx file."""
    word = Document()
    section = word.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, length in MARGINS.items():
        setattr(section, side, length)
    _page_numbers(section)
    _styles(word)
    items = document(shape)
    _properties(word.core_properties, title=items[0][1], author=printable(shape.agency or ""))
    for kind, content in items:
        if kind == "table":
            _table(word, content)
        else:
            word.add_paragraph(content, style=STYLES[kind][0] if kind in STYLES else None)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _styles(word):
    _style(word.styles["Normal"], *BODY)
    for name, font, points, formats in STYLES.values():
        style = word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = word.styles["Normal"]
        _style(style, font, points, formats)


def _style(style, font, points, formats):
    style.font.name, style.font.size = LATIN_FONT, Pt(points)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), font)  # the font of Chinese text
    for name, value in formats.items():
        setattr(style.paragraph_format, name, value)


def _properties(properties, title, author):
    """The file's own metadata: the template's says python-docx, 2013."""
    properties.title, properties.author, properties.last_modified_by = title, author, author
    properties.comments = ""
    properties.created = properties.modified = datetime.now(timezone.utc)


def _page_numbers(section):
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)


def _table(word, rows):
    """One official table: cells merged as the format merges them, header rows bold."""
    cells, width = placed(rows)
    table = word.add_table(rows=len(rows), cols=width)
    table.style, table.alignment, table.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
    _cell_margins(table)
    grid = [row.cells for row in table.rows]  # once: table.cell() re-reads the whole table each call
    widths = _widths(cells, width)
    for column, length in zip(table.columns, widths):
        column.width = length
    for row in grid:
        for cell, length in zip(row, widths):  # before merging: a merged cell adds up its columns' widths
            cell.width = length
    # Header rows hold no value. Where all of them lead (三, 四), Word repeats them on every page
    # the table runs onto; 二's headers head their own 第二十条 block, so they stay where they are.
    head = [not any(cell.key for cell in row) for row in rows]
    repeat = not any(head[head.index(False):])
    for r, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if repeat and head[r]:
            properties.append(OxmlElement("w:tblHeader"))
    cell_style = word.styles[STYLES["cell"][0]].style_id
    for r, c, cell in cells:
        target = grid[r][c]
        if cell.colspan > 1 or cell.rowspan > 1:
            target = target.merge(grid[r + cell.rowspan - 1][c + cell.colspan - 1])
        target.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        paragraph = target.paragraphs[0]
        paragraph._p.style = cell_style  # by id: python-docx resolves a style name by scanning every style
        if cell.text:
            paragraph.add_run(cell.text).bold = head[r] or None  # None: the style's weight
        if cell.head and not head[r] and cell.rowspan == 1:
            paragraph.alignment = LEFT  # a row's own label reads from the left; numbers stay centred


def _widths(cells, width):
    """Column widths filling the 版心: label columns first (see BLOCK_WIDTH), then equal value columns."""
    valued = {c for _, c, cell in cells if cell.key}
    labels = width - len(valued)
    widths = [BLOCK_WIDTH] * (labels - 1) + [ITEM_WIDTH] if labels else []
    return widths + [Emu((TEXT_WIDTH - sum(widths)) // len(valued))] * len(valued)


def _cell_margins(table):
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")

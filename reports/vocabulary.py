"""The report's vocabulary: canonical keys and the official labels as printed (spec §1–§4).

Everything that names a section, table, row or column (models, parsers, rules, forms, admin,
exports, JSON) reads it from here, so a label is written exactly once.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache


@dataclass(frozen=True)
class Section:
    key: str
    number: str  # the Chinese ordinal printed before the heading
    label: str
    # Regex matched against a heading with its ordinal stripped (real reports vary the wording).
    pattern: str


SECTIONS = (
    Section("overall", "一", "总体情况", r"^(政府信息公开工作)?总体(情况|要求)$"),
    Section("active", "二", "主动公开政府信息情况", r"^(行政机关)?主动公开政府信息(情况)?$"),
    Section("applications", "三", "收到和处理政府信息公开申请情况", r"^收到和处理政府信息公开申请(情况)?$"),
    Section(
        "review_litigation",
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        r"^(因)?政府信息公开(工作)?(被申请)?行政复议[、和]?(提起)?行政诉讼(情况)?$",
    ),
    Section(
        "problems",
        "五",
        "存在的主要问题及改进情况",
        # 09 of the corpus: 存在的主要问题及明年工作计划. A report of seven sections prints 五 as
        # two (五、存在的主要问题 六、改进措施 七、其他需要报告的事项): both are this section.
        r"^(政府信息公开工作)?(存在的(主要)?问题((及|和)(改进(情况|措施)|(明年|下一年度?|下一步)工作(计划|打算)))?"
        r"|(主要)?改进(情况|措施))$",
    ),
    Section("other", "六", "其他需要报告的事项", r"^其他需要报告的事项$"),
)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}
# The ordinal a report prints before a heading, a row's label or an item: 一、 （二） 3. (1) 一）
# (a fragment of regex, for the parsers to strip and the rules to read sub-headings by).
ENUMERATOR = r"(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[（(]?[一二三四五六七八九十\d]+[)）、.．])"


def heading(key):
    """A section's heading as printed: 一、总体情况."""
    section = SECTION_BY_KEY[key]
    return f"{section.number}、{section.label}"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple = ()  # non-official header labels seen in real reports (read, but W17)
    signed: bool = False  # 2019's 本年增/减 may be negative
    decimal: bool = False  # an amount (万元), not a count


@dataclass(frozen=True)
class Row:
    key: str
    label: str  # the row's own label as printed, without its block's label
    block: str = ""  # the merged block label printed to its left, if any
    match: tuple = ()  # distinctive fragments that identify the row in a messy label
    columns: tuple = ()  # for table 二: the row's own columns; empty means one value
    decimal: bool = False

    def is_decimal(self, column):
        return self.decimal or bool(column and column.decimal)


@dataclass(frozen=True, eq=False)  # one object per official table: identity is equality
class Table:
    key: str
    number: str
    label: str
    rows: tuple
    columns: tuple = ()
    row_by_key: dict = field(default_factory=dict, compare=False)
    column_by_key: dict = field(default_factory=dict, compare=False)
    cell_list: list = field(default_factory=list, compare=False)

    def __post_init__(self):
        self.row_by_key.update({r.key: r for r in self.rows})
        self.column_by_key.update({c.key: c for c in self.columns})
        for row in self.rows:
            self.column_by_key.update({c.key: c for c in row.columns})
            self.cell_list.extend((row, column) for column in row.columns or self.columns or (None,))

    def cells(self):
        """Every official cell as (row, column-or-None), in reading order. Listed once: the rules
        walk them for every report."""
        return self.cell_list


# ---------------------------------------------------------------------------------------------
# Table 二 — 主动公开 (2021 format). Blocks are the 条例 第二十条 items the row discloses.
ISSUED = Column("issued", "本年制发件数")
REPEALED = Column("repealed", "本年废止件数")
IN_FORCE = Column("in_force", "现行有效件数")
DOCUMENT_COLUMNS = (ISSUED, REPEALED, IN_FORCE)

ACTIVE = Table(
    key="active",
    number="二",
    label="主动公开政府信息情况",
    rows=(
        Row("regulations", "规章", "第二十条第（一）项", ("规章",), DOCUMENT_COLUMNS),
        Row("normative_documents", "行政规范性文件", "第二十条第（一）项", ("规范性文件",), DOCUMENT_COLUMNS),
        Row("licensing", "行政许可", "第二十条第（五）项", ("行政许可",)),
        Row("penalty", "行政处罚", "第二十条第（六）项", ("行政处罚",)),
        Row("enforcement", "行政强制", "第二十条第（六）项", ("行政强制",)),
        Row("fees", "行政事业性收费", "第二十条第（八）项", ("行政事业性收费", "事业性收费"), decimal=True),
    ),
)
# The header cell printed left of each block's column headers.
ITEM_LABEL = "信息内容"
# The header printed above the single-value rows of each block.
ACTIVE_VALUE_HEADERS = {
    "licensing": "本年处理决定数量",
    "penalty": "本年处理决定数量",
    "enforcement": "本年处理决定数量",
    "fees": "本年收费金额（单位：万元）",
}

# Table 二 of the 2019 trial format (国办公开办函〔2019〕60号), kept in its own fields: its
# columns count other things than 2021's and must never be forced into them (spec §2).
MADE = Column("made", "本年新制作数量")
PUBLISHED = Column("published", "本年新公开数量")
TOTAL_PUBLIC = Column("total_public", "对外公开总数量")
PREVIOUS_ITEMS = Column("previous_items", "上一年项目数量")
CHANGE = Column("change", "本年增/减", signed=True)
DECISIONS = Column("decisions", "处理决定数量")
PROCUREMENT_ITEMS = Column("items", "采购项目数量")
PROCUREMENT_AMOUNT = Column("amount", "采购总金额", decimal=True)
ITEM_COLUMNS_2019 = (PREVIOUS_ITEMS, CHANGE, DECISIONS)

ACTIVE_2019 = Table(
    key="active_2019",
    number="二",
    label="主动公开政府信息情况",
    rows=(
        Row("regulations", "规章", "第二十条第（一）项", ("规章",), (MADE, PUBLISHED, TOTAL_PUBLIC)),
        Row("normative_documents", "规范性文件", "第二十条第（一）项", ("规范性文件",), (MADE, PUBLISHED, TOTAL_PUBLIC)),
        Row("licensing", "行政许可", "第二十条第（五）项", ("行政许可",), ITEM_COLUMNS_2019),
        Row("other_services", "其他对外管理服务事项", "第二十条第（五）项", ("对外管理服务",), ITEM_COLUMNS_2019),
        Row("penalty", "行政处罚", "第二十条第（六）项", ("行政处罚",), ITEM_COLUMNS_2019),
        Row("enforcement", "行政强制", "第二十条第（六）项", ("行政强制",), ITEM_COLUMNS_2019),
        Row("fees", "行政事业性收费", "第二十条第（八）项", ("事业性收费",), (PREVIOUS_ITEMS, CHANGE)),
        Row("procurement", "政府集中采购", "第二十条第（九）项", ("集中采购",), (PROCUREMENT_ITEMS, PROCUREMENT_AMOUNT)),
    ),
)
# Header labels only the 2019 table 二 prints: how a document shows its format.
LABELS_2019 = tuple(c.label for c in (MADE, PUBLISHED, TOTAL_PUBLIC, PREVIOUS_ITEMS, PROCUREMENT_ITEMS))

# ---------------------------------------------------------------------------------------------
# Table 三 — 依申请 matrix. Columns are applicant types; 法人或其他组织 is a merged header group.
APPLICANT_GROUP_LABEL = "申请人情况"
LEGAL_PERSON_GROUP_LABEL = "法人或其他组织"
# How reports word the group otherwise; its 「其他」 is not the 其他 column's.
LEGAL_PERSON_GROUP_ALIASES = ("法人或者其他组织", "法人和其他组织", "法人及其他组织", "法人或其它组织", "法人或者其它组织")
APPLICANT_COLUMNS = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_welfare", "社会公益组织", aliases=("社会组织",)),
    Column("legal_service", "法律服务机构", aliases=("律师事务所",)),
    Column("other", "其他"),
    Column("total", "总计"),
)
APPLICANT_KEYS = tuple(c.key for c in APPLICANT_COLUMNS)
# The six applicant types whose sum is the 总计 column (E9).
APPLICANT_PARTS = APPLICANT_KEYS[:-1]
LEGAL_PERSON_PARTS = APPLICANT_KEYS[1:6]

OUTCOMES_BLOCK = "三、本年度办理结果"
DENIED = "（三）不予公开"
UNABLE = "（四）无法提供"
NOT_PROCESSED = "（五）不予处理"
OTHER_HANDLING = "（六）其他处理"

APPLICATIONS = Table(
    key="applications",
    number="三",
    label="收到和处理政府信息公开申请情况",
    columns=APPLICANT_COLUMNS,
    rows=(
        Row("new_received", "一、本年新收政府信息公开申请数量", match=("本年新收", "本年度新收")),
        Row("carried_over", "二、上年结转政府信息公开申请数量", match=("上年结转",)),
        Row("granted", "（一）予以公开", OUTCOMES_BLOCK, ("予以公开",)),
        Row(
            "partially_granted",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            OUTCOMES_BLOCK,
            ("部分公开",),
        ),
        Row("denied_state_secret", "1.属于国家秘密", DENIED, ("国家秘密",)),
        Row("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", DENIED, ("法律行政法规禁止公开",)),
        Row("denied_endangers_safety", "3.危及“三安全一稳定”", DENIED, ("三安全一稳定",)),
        Row("denied_third_party", "4.保护第三方合法权益", DENIED, ("第三方合法权益",)),
        Row("denied_internal_affairs", "5.属于三类内部事务信息", DENIED, ("内部事务信息",)),
        Row("denied_process_info", "6.属于四类过程性信息", DENIED, ("过程性信息",)),
        Row("denied_enforcement_file", "7.属于行政执法案卷", DENIED, ("行政执法案卷",)),
        Row("denied_inquiry", "8.属于行政查询事项", DENIED, ("行政查询事项",)),
        Row("unable_not_held", "1.本机关不掌握相关政府信息", UNABLE, ("不掌握相关政府信息",)),
        Row("unable_needs_creation", "2.没有现成信息需要另行制作", UNABLE, ("另行制作",)),
        Row("unable_unclear", "3.补正后申请内容仍不明确", UNABLE, ("仍不明确",)),
        Row("not_processed_petition", "1.信访举报投诉类申请", NOT_PROCESSED, ("信访举报投诉",)),
        Row("not_processed_duplicate", "2.重复申请", NOT_PROCESSED, ("重复申请",)),
        Row("not_processed_publication", "3.要求提供公开出版物", NOT_PROCESSED, ("公开出版物",)),
        Row("not_processed_excessive", "4.无正当理由大量反复申请", NOT_PROCESSED, ("大量反复申请",)),
        Row(
            "not_processed_reissue",
            "5.要求行政机关确认或重新出具已获取信息",
            NOT_PROCESSED,
            ("重新出具", "确认或重新"),
        ),
        Row(
            "other_no_correction",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            OTHER_HANDLING,
            ("逾期不补正",),
        ),
        Row(
            "other_fee_unpaid",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            OTHER_HANDLING,
            ("缴纳费用", "收费通知"),
        ),
        Row("other_other", "3.其他", OTHER_HANDLING, ("其他",)),
        Row("total_processed", "（七）总计", OUTCOMES_BLOCK, ("总计",)),
        Row("carried_forward", "四、结转下年度继续办理", match=("结转下年度",)),
    ),
)
APPLICATION_KEYS = tuple(r.key for r in APPLICATIONS.rows)
# 2019: （六）其他处理 is one row, stored as other_other; the two 2021 rows do not exist.
NOT_IN_2019 = ("other_no_correction", "other_fee_unpaid")
APPLICATIONS_2019 = Table(
    key="applications",
    number="三",
    label=APPLICATIONS.label,
    columns=APPLICANT_COLUMNS,
    rows=tuple(
        Row("other_other", OTHER_HANDLING, OUTCOMES_BLOCK, ("其他处理", "其他")) if r.key == "other_other" else r
        for r in APPLICATIONS.rows
        if r.key not in NOT_IN_2019
    ),
)

# ---------------------------------------------------------------------------------------------
# Table 四 — 复议/诉讼: three groups of five result columns, one data row.
RESULT_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
RESULT_KEYS = tuple(c.key for c in RESULT_COLUMNS)
RESULT_PARTS = RESULT_KEYS[:-1]
LITIGATION_LABEL = "行政诉讼"
REVIEW_LITIGATION = Table(
    key="review_litigation",
    number="四",
    label="政府信息公开行政复议、行政诉讼情况",
    columns=RESULT_COLUMNS,
    rows=(
        Row("reconsideration", "行政复议", match=("行政复议",)),
        Row("litigation_direct", "未经复议直接起诉", LITIGATION_LABEL, ("未经复议直接起诉", "直接起诉")),
        Row("litigation_after_reconsideration", "复议后起诉", LITIGATION_LABEL, ("复议后起诉",)),
    ),
)

TABLES = (ACTIVE, APPLICATIONS, REVIEW_LITIGATION)
TABLES_2019 = (ACTIVE_2019, APPLICATIONS_2019, REVIEW_LITIGATION)
# Every table a shape holds (a 2021 report leaves active_2019 blank and the other way round).
ALL_TABLES = (ACTIVE, ACTIVE_2019, APPLICATIONS, REVIEW_LITIGATION)
TABLE_BY_KEY = {t.key: t for t in ALL_TABLES}


def tables_for(format_version):
    """The official tables of a format version (spec §2: 2019 differs in 二 and 三（六）)."""
    return TABLES_2019 if format_version == "2019" else TABLES


@lru_cache(maxsize=None)  # two formats; asked several times of every report
def outcome_keys(format_version):
    """The outcome rows of table 三 whose sum is （七）总计 (E8), as the format prints them: every
    row under 三、本年度办理结果 (its sub-blocks included) but the 总计 itself."""
    return tuple(r.key for r in tables_for(format_version)[1].rows if r.block and r.key != "total_processed")


# The 21 outcome rows of the 2021 format: every application counted in exactly one (E8).
OUTCOME_KEYS = outcome_keys("2021")


def format_for_year(year):
    """The format a report year must use: the trial format for 2019–2020 (E2)."""
    return "2019" if year and year <= 2020 else "2021"

# Narrative fields of the JSON form (spec §7) and the section each belongs to.
NARRATIVE = {"overall": "overall", "problems": "problems", "improvements": "problems", "other": "other"}
PROBLEMS_LABEL = "存在的问题"
IMPROVEMENTS_LABEL = "改进措施"
# 五's two lists of items (spec §1: stored apart) and the label each is printed under.
ITEM_LISTS = {"problems": PROBLEMS_LABEL, "improvements": IMPROVEMENTS_LABEL}
# The sections that are tables (二–四): their narrative is the text printed beside the table.
TABLE_SECTIONS = tuple(s.key for s in SECTIONS if s.key not in NARRATIVE.values())
# Where the narrative's text is (its parts), in the document's order: a field of NARRATIVE, or
# the text beside a table (notes.applications). An item of 五 is its list's part with the
# item's index (improvements.2).
NARRATIVE_PARTS = ("overall", *(f"notes.{key}" for key in TABLE_SECTIONS), "problems", "improvements", "other")


def section_of(part):
    """The section a narrative part belongs to: notes.applications → applications, an item of
    五 (improvements.2) → problems."""
    field, _, rest = part.partition(".")
    return rest if field == "notes" else NARRATIVE[field]


# What a cell left blank on purpose shows where figures are typed (the report form, the fill-in
# template): an empty one is not filled in yet.
BLANK_MARK = "—"
# How long a report's title may be (the AnnualReport field).
MAX_TITLE = 200
# What a cell can hold: the database's integer range, and 万元 to six decimals (分), 15 digits.
MAX_COUNT = 2**31 - 1
FEE_DIGITS, FEE_PLACES = 15, 6


def cell_label(table_key, row_key=None, column_key=None):
    """The printed labels of a cell, for messages: 表三「1.本机关不掌握相关政府信息」行「自然人」列."""
    table = TABLE_BY_KEY[table_key]
    text = f"表{table.number}"
    if row_key:
        row = table.row_by_key[row_key]
        text += f"「{row.label}」"
        if table in (ACTIVE, ACTIVE_2019) and row.block:
            text = f"表{table.number}{row.block}「{row.label}」"
        text += "行"
    if column_key:
        text += f"「{table.column_by_key[column_key].label}」列"
    if table is ACTIVE and row_key in ACTIVE_VALUE_HEADERS and not column_key:
        text += f"「{ACTIVE_VALUE_HEADERS[row_key]}」"
    return text


# What the fields a finding may name (besides cells and sections) are called on the page.
FIELD_LABELS = {"agency": "机关名称", "year": "报告年度", "format_version": "格式版本", "tables": "统计表",
                "title": "标题", "problems": PROBLEMS_LABEL, "improvements": IMPROVEMENTS_LABEL}  # fmt: skip


def location_label(table_key=None, row_key=None, column_key=None, field=None):
    """Where a finding is, as printed: a cell's labels, a section's heading, or a field's name."""
    if table_key:
        return cell_label(table_key, row_key, column_key)
    if field in SECTION_BY_KEY:
        return heading(field)
    return FIELD_LABELS.get(field, field or "")


def cell_key(table_key, row_key, column_key=None):
    """The flat name of a cell in forms and model fields: applications__unable_not_held__total."""
    return "__".join(k for k in (table_key, row_key, column_key) if k)


# Every cell of every table by its flat name: {cell key: (table key, row key, column key or None)}.
CELL_BY_KEY = {
    cell_key(t.key, r.key, c and c.key): (t.key, r.key, c and c.key) for t in ALL_TABLES for r, c in t.cells()
}


@lru_cache(maxsize=None)
def format_cells(format_version):
    """The cell keys of a format version's tables, in reading order."""
    return tuple(cell_key(t.key, r.key, c and c.key) for t in tables_for(format_version) for r, c in t.cells())


@lru_cache(maxsize=None)
def sums(format_version):
    """Every 总计 of tables 三 and 四 and the cells it adds up, as cell keys, in reading order:
    each row's 总计 is its six applicant columns, each column's （七）总计 its outcome rows (the
    corner cell is its row's), each group of 四 its four results (E8, E9, E10)."""
    table = tables_for(format_version)[1]
    outcomes = outcome_keys(format_version)
    totals = {}
    for row in (r.key for r in table.rows):
        if row == "total_processed":
            for column in APPLICANT_PARTS:
                totals[cell_key(table.key, row, column)] = [cell_key(table.key, r, column) for r in outcomes]
        totals[cell_key(table.key, row, "total")] = [cell_key(table.key, row, c) for c in APPLICANT_PARTS]
    for group in REVIEW_LITIGATION.rows:
        totals[cell_key(REVIEW_LITIGATION.key, group.key, "total")] = [
            cell_key(REVIEW_LITIGATION.key, group.key, c) for c in RESULT_PARTS
        ]
    return totals


def figure_text(value):
    """A figure as printed and typed: a count as it is, 万元 without trailing zeros (0.000000 → 0,
    1.500000 → 1.5); '' for a blank cell."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value else "0"
    return str(value)

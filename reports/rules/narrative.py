"""Reading the report's own text for the rules: its passages, sentences, and what they state.

Only what a sentence states unmistakably is read: a count right after the words naming it
(予以公开3件, 收到…申请共计8件), a denial of a whole kind (未收到政府信息公开申请), a year. A
sentence that compares (比2021年多1条), counts since a date (自2019年以来) or plans (2025年，我局将…)
states nothing about the report's own year and is left alone: a wrong finding teaches reviewers
to ignore findings.
"""
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import cn2an

from reports import vocabulary as v

# A count as printed: Arabic digits or Chinese numerals (八, 十二, 两).
NUMBER = r"(?P<n>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
CLAUSE_END = "，,。！？；;\n"


class Paragraph(NamedTuple):
    """A paragraph of the narrative as stored (reports.models.Paragraph derives from these): one
    line of a section's text, an item of 五, or a line of the text printed beside a table. A
    plain tuple, cheap to make: a re-validation reads the paragraphs of many reports again."""

    position: int  # its place in the whole narrative, in the document's order, from 0
    part: str  # where its text is: overall, notes.applications, problems.0 … (passages)
    text: str
    subheading: str  # the sub-heading it falls under in its part ('' before the first)

    @property
    def section(self):
        return v.section_of(self.part)


class Sentence(NamedTuple):
    """A sentence of a paragraph: a plain tuple, cheap to make (every report judged is split anew)."""

    paragraph: int  # the Paragraph's position
    part: str
    start: int  # the characters of the sentence in its paragraph
    end: int
    text: str

    @property
    def location(self):
        """What a finding about the sentence points at (engine.Hit.text)."""
        return (self.paragraph, self.start, self.end)

    def quote(self, limit=80):
        text = self.text.strip()
        return text if len(text) <= limit else text[: limit - 1] + "…"


# Each part of the narrative as (part, field, table): the field it is of, and for the text
# beside a table that table's key ('' for another part).
PARTS = tuple((part, *part.split(".")) if "." in part else (part, part, "") for part in v.NARRATIVE_PARTS)
FIELDS = tuple(dict.fromkeys(field for _, field, _ in PARTS))  # overall, notes, problems, improvements, other


# What the rules read sentence by sentence: 一, the text beside the tables and 六 (五 is judged
# as items).
READ_PARTS = ("overall", "notes", "other")


def passages(shape, parts=READ_PARTS):
    """(part, text) of the narrative: 一, the text printed beside tables 二–四, 五's items, 六,
    in the document's order whatever the order of `parts`."""
    notes = shape.facts.get("notes") or {}
    for part, field, table in PARTS:
        if field not in parts:
            continue
        if table:
            if notes.get(table):
                yield part, notes[table]
        elif field in v.ITEM_LISTS:
            for index, item in enumerate(shape.sections.get(field) or []):
                yield f"{field}.{index}", item
        elif shape.sections.get(field):
            yield field, shape.sections[field]


# A sub-heading: a short line without a sentence's end (主动公开情况), or the short clause an
# enumerated paragraph opens with (（一）主动公开情况。本年度…; 1.依申请公开：…).
HEADING_TEXT = r"[^。！？；：:，,（）()]{2,24}"
SUBHEADING = re.compile(
    rf"^\s*(?:{v.ENUMERATOR}\s*\**(?P<opening>{HEADING_TEXT})[。：:]|(?:{v.ENUMERATOR}\s*)?\**(?P<line>{HEADING_TEXT})$)"
)


def _lines(shape):
    """(position, part, text) of each paragraph: every non-blank line of 一, the notes and 六,
    each item of 五 (one line, or more), in the document's order. The one numbering of
    paragraphs, which what is stored and what the rules point at share."""
    position = 0
    for part, text in passages(shape, FIELDS):
        for line in text.split("\n"):
            if line.strip():
                yield position, part, line
                position += 1


def paragraphs(shape):
    """The narrative's Paragraphs, each under the sub-heading it follows in its part (an item of
    五 under its list's label: a short item is no heading)."""
    heading, current = "", None
    for position, part, line in _lines(shape):
        item = v.ITEM_LISTS.get(part.split(".")[0])
        if part != current:
            heading, current = item or "", part
        match = None if item else SUBHEADING.match(line)
        if match:
            heading = (match.group("opening") or match.group("line")).strip(" *")
        yield Paragraph(position, part, line, heading)


def _sentences(position, part, line):
    return [Sentence(position, part, m.start(), m.end(), text) for m in SENTENCE.finditer(line) if (text := m.group()).strip()]


# The last shapes read, by id, with the texts and year they were read for: the rules of one
# evaluation read a shape once (a shape changed since, or another at the same address, is read
# again). Not kept on the shape itself, which crosses processes.
READINGS, KEEP = {}, 64


def read(shape):
    """(sentence, [years]) for the sentences of 一, the notes and 六, with the years of the
    sentence's statements about another year than the report's (other_year_statements)."""
    key = (tuple(passages(shape)), shape.year)
    memo = READINGS.get(id(shape))
    if memo is None or memo[0] != key:
        year, reading = shape.year or 0, []
        for position, part, line in _lines(shape):
            if part.split(".")[0] not in READ_PARTS:
                continue
            # Most lines name no earlier year: their sentences are not looked at one by one (half
            # have no 年 at all, which is quicker to see than that they have no year).
            earlier = "年" in line and any(year - 30 <= int(stated) < year for stated, _ in YEAR.findall(line))
            reading += [
                (s, [stated for _, stated in other_year_statements(s, year)] if earlier else [])
                for s in _sentences(position, part, line)
            ]
        if len(READINGS) >= KEEP:
            READINGS.clear()
        memo = READINGS[id(shape)] = (key, reading)
    return memo[1]


def number(text):
    """The value of a count as printed (8, 八, 十二, 两), or None."""
    if text.isdecimal():  # as \d+ reads digits
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return Decimal(text)
    try:
        return int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


# -- numbers the text states (W9) ---------------------------------------------------------------

APP = v.APPLICATIONS.key


def _rows(prefix):
    return tuple(r.key for r in v.APPLICATIONS.rows if r.key.startswith(prefix))


@dataclass(frozen=True)
class Statement:
    """A count the text may state: the values it may rightly have (sums of cells; several when
    the wording is ambiguous, as 受理 may include last year's), the first sum's cells marked."""

    what: str  # how the message names it
    pattern: re.Pattern
    sums: tuple  # each a tuple of cells whose sum the stated number may equal
    keys: tuple  # words one of which the pattern needs: a sentence without them is passed over


def _app(row):
    return (APP, row, "total")


# Between a keyword and its number only words that introduce it (共, 共计, 为, 的 …).
LEAD = r"(?:数量|总数)?(?:共计|总计|合计|累计|共|计|为|达|了|的)?\s*"
# A count, then its unit; not a percentage or part of a larger number. Applications are counted
# in 件 or 条 (001: 收到政府信息公开申请数量2条); decisions in 件 only (行政处罚信息13条 are items
# published, not decisions).
APPLICATIONS_COUNT = NUMBER + r"\s*(?:件|条|宗|个)(?![\d%％])"
COUNT = NUMBER + r"\s*(?:件|宗|起|个)(?![\d%％])"
# 收到…申请: the words between may say how it came, never end the clause nor name one kind of
# applicant (收到自然人申请5件 is a part of the total).
RECEIVED = r"(?:收到|新收|接收|接到|受理)(?:(?!自然人|法人|企业|组织|机构|律师)[^，。；;！？\d]){0,30}?申请" + LEAD

ACTIVE, REVIEW = v.ACTIVE.key, v.REVIEW_LITIGATION.key


KEYS = {
    "本年新收申请数": ("收到", "新收", "接收", "接到", "受理"),
    "上年结转申请数": ("结转",),
    "予以公开数": ("予以公开", "同意公开", "全部公开"),
    "部分公开数": ("部分公开", "区分处理"),
    "不予公开数": ("不予公开",),
    "无法提供数": ("无法提供",),
    "不予处理数": ("不予处理",),
    "行政许可决定数": ("行政许可",),
    "行政处罚决定数": ("行政处罚",),
    "行政强制决定数": ("行政强制",),
    "行政复议数": ("行政复议",),
    "行政诉讼数": ("行政诉讼",),
    "本年制发规范性文件数": ("规范性文件",),
    "行政事业性收费金额": ("行政事业性收费",),
}


def _statement(what, pattern, *sums):
    return Statement(what, re.compile(pattern), sums, KEYS[what])


STATEMENTS = (
    _statement(
        "本年新收申请数",
        RECEIVED + APPLICATIONS_COUNT,
        (_app("new_received"),),
        (_app("new_received"), _app("carried_over")),
    ),
    _statement(
        "上年结转申请数",
        r"上年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?" + LEAD + APPLICATIONS_COUNT,
        (_app("carried_over"),),
    ),
    _statement(
        "予以公开数", r"(?<!主动)(?:予以公开|同意公开|全部公开)(?:的)?" + LEAD + APPLICATIONS_COUNT, (_app("granted"),)
    ),
    _statement(
        "部分公开数",
        r"(?:部分公开|区分处理后?(?:公开)?)(?:的)?" + LEAD + APPLICATIONS_COUNT,
        (_app("partially_granted"),),
    ),
    _statement(
        "不予公开数",
        r"(?<!应公开而)不予公开(?:的)?" + LEAD + APPLICATIONS_COUNT,
        tuple(_app(r) for r in _rows("denied_")),
    ),
    _statement("无法提供数", r"无法提供(?:的)?" + LEAD + APPLICATIONS_COUNT, tuple(_app(r) for r in _rows("unable_"))),
    _statement(
        "不予处理数", r"不予处理(?:的)?" + LEAD + APPLICATIONS_COUNT, tuple(_app(r) for r in _rows("not_processed_"))
    ),
    _statement("行政许可决定数", r"行政许可(?:决定|处理决定)?" + LEAD + COUNT, ((ACTIVE, "licensing", None),)),
    _statement("行政处罚决定数", r"行政处罚(?:决定|处理决定|案件)?" + LEAD + COUNT, ((ACTIVE, "penalty", None),)),
    _statement("行政强制决定数", r"行政强制(?:决定|处理决定)?" + LEAD + COUNT, ((ACTIVE, "enforcement", None),)),
    # 行政复议、行政诉讼N件 counts both together: neither is read alone.
    _statement(
        "行政复议数",
        r"(?<![、和及与或])行政复议(?:案件)?" + LEAD + APPLICATIONS_COUNT,
        ((REVIEW, "reconsideration", "total"),),
    ),
    _statement(
        "行政诉讼数",
        r"(?<![、和及与或])行政诉讼(?:案件)?" + LEAD + APPLICATIONS_COUNT,
        ((REVIEW, "litigation_direct", "total"), (REVIEW, "litigation_after_reconsideration", "total")),
    ),
    _statement(
        "本年制发规范性文件数",
        r"(?:制发|印发|出台)(?:行政)?规范性文件" + LEAD + COUNT,
        ((ACTIVE, "normative_documents", "issued"),),
    ),
    _statement("行政事业性收费金额", r"行政事业性收费(?:金额)?" + LEAD + NUMBER + r"\s*万元", ((ACTIVE, "fees", None),)),
)


# What every statement ends with: most sentences have none, and are passed over at once.
ANY_COUNT = re.compile(r"[\d零〇一二两三四五六七八九十百千]\s*(?:件|条|宗|个|起|万元)")


# Any statement's keyword: a count that none names (主动公开信息86条) is passed over at once.
ANY_KEY = re.compile("|".join(map(re.escape, dict.fromkeys(key for s in STATEMENTS for key in s.keys))))


def stated_numbers(sentence):
    """(statement, stated value, match) for every count the sentence states."""
    text = sentence.text
    if not ANY_COUNT.search(text) or not ANY_KEY.search(text):
        return
    for statement in STATEMENTS:
        if not any(key in text for key in statement.keys):
            continue
        for match in statement.pattern.finditer(text):
            value = number(match.group("n"))
            if value is not None:
                yield statement, value, match


# -- what a sentence is about --------------------------------------------------------------------

YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)\s*年(?P<du>度)?(?!\s*\d{1,2}\s*月)(?!\d)")
# Before a year: it is compared with, counted from, or the name of a document (《2023年…》).
COMPARED_BEFORE = re.compile(r"(?:比|较|与|同|相比|较之|对比|自|从|截至|截止|至|到|于|和)\s*$")
# After a year in its clause: the clause compares, counts since, or plans.
COMPARING = re.compile(r"以来|至今|相比|同期|同比|环比|比|较|增长|增加|减少|下降|上升|持平|翻番")
PLANNING = re.compile(r"将|计划|拟|力争|预计|争取|下一步|下一年|明年|今后")
# A count of something in the clause after the year.
STAT_COUNT = re.compile(NUMBER + r"\s*(?:件|条|宗|起|次|人次|万元|元|篇|场|期|个|项)(?![\d%％])")


def other_year_statements(sentence, year):
    """(match, stated year) for each statistical statement of the sentence about a year before
    `year`: a year opening a clause that counts something, that neither compares, counts since,
    plans nor names a document."""
    # Most sentences state no earlier year: looked for first, before the wording is read.
    earlier = [m for m in YEAR.finditer(sentence.text) if year - 30 <= int(m.group("year")) < year]
    if not earlier or PLANNING.search(sentence.text):
        return
    for match in earlier:
        stated = int(match.group("year"))
        before = sentence.text[: match.start()]
        if COMPARED_BEFORE.search(before) or before.count("《") > before.count("》"):
            continue
        clause = _clause(sentence.text, match.end())
        if not clause.strip("度 "):  # 2023年，我局…: the year heads the next clause
            clause = _clause(sentence.text, match.end() + len(clause) + 1)
        if STAT_COUNT.search(clause) and not COMPARING.search(clause):
            yield match, stated


def _clause(text, start):
    """The text from `start` to the end of its clause."""
    end = next((i for i in range(start, len(text)) if text[i] in CLAUSE_END), len(text))
    return text[start:end]


# Statements that deny a whole kind of thing the tables count (W10).
NO_APPLICATIONS = re.compile(
    r"(?:未|没有|无)(?:收到|接到|受理|接收|发生)(?:过|任何)?(?:政府信息公开|依申请公开|信息公开)(?:的)?申请(?![人书表])"
    r"|(?:未|没有|无)(?:政府信息公开|依申请公开)申请(?![人书表])"
)
NO_REVIEW = re.compile(
    r"(?:未|没有|无)(?!法|正当|需)(?:发生|出现|收到|产生)?[^，。；;]{0,20}?"
    r"(?P<kinds>行政复议(?:[、和及与或]|或者)?(?:提起)?(?:行政)?诉讼|行政复议|行政诉讼)"
    r"(?:的)?(?:案件|情况|事项|事件)?(?=[，,。；;]|$)"
)


# -- what the text covers (W11, E11, W12, E13, W13) -----------------------------------------------

# 一's five aspects (spec §1) and the words that show the text reports on each: its sub-heading
# or what the aspect is made of (a report may say 保密审查 and 公开目录 instead of 政府信息管理).
ASPECTS = (
    ("主动公开", re.compile(r"主动公开")),
    ("依申请公开", re.compile(r"依申请|公开申请|申请公开")),
    ("政府信息管理", re.compile(r"信息管理|审查|审核|公开目录|公开属性|规范性文件(?:管理|清理)|文件清理")),
    ("政府信息公开平台建设", re.compile(r"平台|网站|新媒体|公众号|专栏|栏目")),
    ("监督保障", re.compile(r"监督|考核|培训|督查|问责|责任追究|保障")),
)
# A 人民政府's 工作考核、社会评议和责任追究结果 (spec §1).
ASSESSMENT = re.compile(r"考核|评议|追究")
# 五: a problem stated, a measure stated.
PROBLEM = re.compile(
    r"问题|不足|差距|薄弱|不够|有待|欠缺|缺乏|有限|较少|不高|不强|滞后|不到位|不全面|不及时|单一|不规范|不完善|还需|仍需|尚需"
)
MEASURE = re.compile(
    r"将|进一步|加强|完善|提升|提高|改进|整改|推进|强化|下一步|持续|健全|加大|拓展|规范|丰富|增加|开展|建立|落实|优化|创新|拓宽|做好"
)
# An item of 五 that says something: not a lead-in to the items after it, not 无.
LEAD_IN_OR_NOTHING = re.compile(r"[：:]\s*$|^\s*(?:无|暂无|没有)[。.]?\s*$")


def stated_items(items):
    return [item for item in items or () if item.strip() and not LEAD_IN_OR_NOTHING.search(item)]
# 六: 信息处理费 (国办函〔2020〕109号), collected or not.
PROCESSING_FEE = re.compile(r"处理费|收取费用|收费|费用")
NOTHING_CHARGED = re.compile(
    r"(?:未|没有|无|不)(?:收取|产生|涉及|发生)[^，。；;]{0,12}?(?:处理费|费用)|(?:处理费|费用)[^，。；;]{0,6}?(?:为)?(?:0|零)(?:元|万元)?(?![\d.])"
)

"""Which agency and which year a report is about, from everywhere the document states them.

The title, the statistical period, the body's self-references and the signature are read
separately and recorded in the facts, so E4/E5 can say where they disagree; the report's agency
is the fullest form that agrees with the title (利通区卫生健康局 → 吴忠市利通区卫生健康局).
"""
import re
from bisect import bisect_right
from collections import Counter
from functools import lru_cache

from reports.names import PLACE_END, same_agency
from reports.parsers.blocks import norm

YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
PERIOD = re.compile(
    r"((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日.{0,12}?((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"
)
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")
SUFFIXES = ("人民政府", "委员会", "办公室", "管理局", "局", "委", "办", "厅", "中心", "街道办事处")
NAME = r"[\u4e00-\u9fff]{2,30}?(?:" + "|".join(SUFFIXES) + ")"
# How reports name themselves in the body: the preamble's 《…年度报告》, and the contact line.
SELF_REFERENCES = (
    re.compile(r"《(" + NAME + r")(?:(?:19|20)\d{2}\s*年度?)?政府信息公开工作年度报告》"),
    # (请与, 可直接与…: the words before 与 change nothing read, and a pattern opening with a
    # literal is searched for that character alone, not tried at every position of the text.)
    re.compile(r"与(" + NAME + r")(?:办公室)?联系"),
    re.compile(r"联系(" + NAME + r")(?:办公室)?[，,。；;（(]"),
)
# 我局 implies the agency's name ends in 局, 我委 in 委(员会), and so on (004 names itself only so).
SELF_WORDS = {"局": "局", "委": "委", "办": "办公室", "府": "人民政府", "镇": "人民政府", "乡": "人民政府"}
# Words that run into a name in running text (请与泰安市…); only stripped from weak candidates,
# since real place names start with such characters too (和平区, 向阳区).
LEADING_WORDS = re.compile(r"^(请与|可与|与|请|在)")
# What a title's text may carry before the agency's name: a Markdown heading's #, **, 【.
TITLE_DEBRIS = re.compile(r"^[^\u4e00-\u9fff]+")

# Lines a portal page or a web archive prints around a report, never part of it: the breadcrumb
# (当前位置：首页 > 政务公开 > …), the article's metadata (来源：… 发布时间：2024-01-20), an
# archive's header (标题: …, 原文链接: …) and its ===== 正文 ===== rule, the page's tools.
CHROME = re.compile(
    r"^(当前位置|您的位置|您当前的位置|所在位置|首页\s*[>›»＞/])"
    r"|^[^。<《]{0,60}[>›»＞][^。<《]{0,60}[>›»＞]"  # not 《…印发<…>的通知》
    r"|^(来源|信息来源|发布时间|发布日期|发文日期|成文日期|发布机构|发布单位|作者|浏览次数|点击数|阅读次数|访问次数"
    r"|索引号|文号|发文字号|主题分类|标题|栏目|原文链接|本地目录|页面链接|时间|日期|字号|【?字体)\s*[：:]"
    r"|^[=\-—_*\s]{3,}[^=]{0,6}[=\-—_*\s]{3,}$|^(【?(打印|关闭|分享到?|收藏)】?\s*)+$"
    r"|^页面链接与图片详见"  # the web archive's note on where it kept the page's links
)
# The title a page's metadata or an archive's header gives (标题: …年度报告), where the page prints none.
ARCHIVED_TITLE = re.compile(r"^标题\s*[：:]\s*(\S.*?(?:报告|年报))\s*$")
# A portal page's footer, wherever a reader finds it: never a report's text.
SITE_FOOTER = re.compile(r"^(版权所有|copyright|©|主办单位|承办单位|技术支持|网站标识码|网站地图|联系我们|关于我们)|ICP备|公网安备", re.I)
MAX_CHROME = 200
PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|发文日期|时间|日期)\s*[：:]\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)


def is_chrome(text):
    """True for a line of a portal's or an archive's page around the report."""
    text = text.strip()
    return len(text) <= MAX_CHROME and not text.endswith("。") and bool(CHROME.match(text))


def archived_title(text):
    match = ARCHIVED_TITLE.match(text.strip())
    return match.group(1) if match else None


def is_site_footer(text):
    text = text.strip()
    return len(text) <= MAX_CHROME and not text.endswith("。") and bool(SITE_FOOTER.search(text))


def published_on(text):
    """The ISO date a page's metadata line says the report was published, or None."""
    match = PUBLISHED.search(text)
    if not match:
        return None
    year, month, day = map(int, match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def is_agency_name(text):
    text = norm(text)
    return 4 <= len(text) <= 30 and text.endswith(SUFFIXES) and bool(PLACE_END.search(text[:-1]))


def _clean(name):
    name = norm(name)
    return name if is_agency_name(name) else None


def title_parts(title):
    """(agency, year) as the title states them; either may be None."""
    text = norm(title)
    match = YEAR.search(text)
    year = int(match.group(1)) if match else None
    head = TITLE_DEBRIS.sub("", text[: match.start()] if match else text.split("政府信息公开")[0])
    return _clean(head) if head else None, year


# What a page flattened into one line runs into its title: the breadcrumb's path (首页 ＞ 政务公开 ＞
# 年度报告 ＞ …, its parts as CHROME's, no 《 or 。 among them) and links to other pages, each a
# word up to the next space (上一篇：…2022年…年度报告 下一篇：…).
PAGE_PATH = re.compile(r"^(?:当前位置\s*[:：])?(?:[^。<《>›»＞\n]{0,30}[>›»＞])+")
PAGE_LINK = re.compile(r"(?:上一篇|下一篇|上一条|下一条)\s*[:：]\s*\S*\s*")


def without_page_chrome(title):
    return PAGE_LINK.sub("", PAGE_PATH.sub("", title)).strip()


def body_name(text, title_name):
    """The name the body uses for the reporting agency itself, or None."""
    for pattern in SELF_REFERENCES:
        for match in pattern.finditer(text):
            name = _clean(match.group(1))
            if name:
                return name
    candidates = _candidates(text)
    if title_name:
        # Weak evidence only confirms the title; it never contradicts it.
        agreeing = [c for c in candidates if same_agency(c, title_name)]
        return max(agreeing, key=len) if agreeing else None
    return candidates.most_common(1)[0][0] if candidates else None


def _candidates(text):
    """Region-qualified names ending in the suffix the report's 我局/我委… implies."""
    suffixes = frozenset(s for word, s in SELF_WORDS.items() if f"我{word}" in text or f"本{word}" in text)
    runs = [match.span() for match in CJK_RUN.finditer(text)]
    starts = [start for start, _ in runs]
    found = Counter()
    # The endings found in the whole text at once, each in the run of characters it ends (an
    # ending is all 汉字, so none spans two runs): a narrative has a hundred runs and a few endings.
    for match in _ending(suffixes or frozenset(SUFFIXES)).finditer(text):
        index = bisect_right(starts, match.start()) - 1
        if index < 0 or runs[index][1] < match.end():
            continue  # in a run too short to name anyone
        name = _clean(LEADING_WORDS.sub("", text[runs[index][0] : match.end()]))
        if name:
            found[name] += 1
    return found


@lru_cache(maxsize=None)
def _ending(suffixes):
    return re.compile("|".join(sorted(map(re.escape, suffixes), key=len, reverse=True)))


def stated(title, preamble, sections, signature):
    """({source: agency name}, {source: year}): where the report's own texts state who and which
    year it is about (title, preamble or body, signature). Read again from the texts whenever a
    report is judged (reports.rules.facts), so an edited title is judged as it now reads."""
    text = _body(preamble, sections)
    title_name, title_year = title_parts(title)
    period = PERIOD.search(norm(preamble)) or PERIOD.search(norm(text))
    names = {
        "title": title_name,
        "body": body_name(text, title_name),
        "signature": _clean(signature) if signature else None,
    }
    years = {"title": title_year, "period": int(period.group(1)) if period else None}
    return {k: x for k, x in names.items() if x}, {k: x for k, x in years.items() if x}


def _body(preamble, sections):
    items = [*sections["problems"], *sections["improvements"]]
    return "\n".join([preamble, sections["overall"], *items, sections["other"]])


def detect(shape, title, preamble, signature):
    """The report's facts of what it states, and its agency and year from them."""
    names, years = stated(title, preamble, shape.sections, signature)
    shape.facts["agency_names"], shape.facts["years"] = names, years
    stated_names = list(names.values())
    anchor = names.get("title") or (stated_names[0] if stated_names else None)
    agreeing = [x for x in stated_names if same_agency(x, anchor)] if anchor else []
    shape.agency = max(agreeing, key=len) if agreeing else None
    shape.year = years.get("title") or years.get("period") or _body_year(_body(preamble, shape.sections))


def _body_year(text):
    """The year the narrative speaks of most (004 states it nowhere else)."""
    counts = Counter(int(y) for y in YEAR.findall(text))
    return counts.most_common(1)[0][0] if counts else None


def from_filename(shape, stem):
    """Agency and year from a file name (利通区卫生健康局2023年年报), where the document gave none."""
    name, year = title_parts(stem)
    if not shape.agency and name:
        shape.agency = name
    if not shape.year and year:
        shape.year = year

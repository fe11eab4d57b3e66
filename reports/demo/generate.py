"""A province-sized demo database for demos and benchmarks (manage.py generate_demo).

One invented province (示范省, codes 99…, no real region) with its cities, counties and 乡镇, the
agencies of every kind at each level, and a report a year for each agency. Figures are drawn per
agency from a random stream seeded by the seed and the agency's name, a year at a time (上年结转
is last year's 结转下年度, 现行有效件数 follows last year's), so the same seed and years give the
same database, and a run creates only what is missing: running it again adds nothing.

A share of the reports carries one defect the rules find in real reports (DEFECTS), the narrative
is written from templates around the report's own figures, worded anew each year, and the statuses cover every state of
the workflow with the transitions that lead to each. Rows are written by the batch import's
INSERT and the findings by the bulk re-validation (refresh_findings), so stored findings are what
a fresh validation gives.
"""
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from reports import vocabulary as v
from reports.choices import AgencyKind, ReportStatus as S, Severity
from reports.importing import create_reports, insert_rows
from reports.models import (
    Agency,
    AnnualReport,
    Finding,
    Region,
    ReportRevision,
    Transition,
    WarningExplanation,
)
from reports.models.agency import store_name_endings
from reports.models.annual_report import PREAMBLE, deadline_for
from reports.rules.shape import ReportShape
from reports.rules.similarity import copied

PROVINCE = ("990000", "示范省")
CITIES_PER_PROVINCE = 99  # two digits of the code
COUNTIES_PER_CITY = 8
TOWNS_PER_COUNTY = 12

# Place names: two characters from these, each pair used once among siblings.
FIRST = "东西南北青白金银石龙凤云松柏桃柳梅兰安平康宁永泰丰华新兴长临清明"
SECOND = "山河湖江川阳城泉岭源州原峰林溪塘桥坪湾口台坝岗洲浦田"

DEPARTMENTS = {
    "province": ("发展和改革委员会", "教育厅", "公安厅", "民政厅", "司法厅", "财政厅", "人力资源和社会保障厅",
                 "自然资源厅", "生态环境厅", "住房和城乡建设厅", "交通运输厅", "水利厅", "农业农村厅", "商务厅",
                 "卫生健康委员会", "应急管理厅", "审计厅", "市场监督管理局", "统计局", "医疗保障局"),
    "city": ("发展和改革委员会", "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
             "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
             "文化和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "国有资产监督管理委员会",
             "市场监督管理局", "统计局", "医疗保障局", "行政审批服务局", "人民防空办公室"),
    "county": ("发展和改革局", "教育和体育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
               "自然资源局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
               "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
               "林业局", "行政审批服务局", "民族宗教事务局"),
}  # fmt: skip
OTHERS = {"province": ("公共资源交易中心", "住房公积金管理中心"), "city": ("公共资源交易中心", "住房公积金管理中心"),
          "county": ("融媒体中心",)}  # fmt: skip
# How many applications a year an agency of each level receives, roughly (its natural persons).
SCALE = {"province": 300, "city": 120, "county": 40, "town": 6}


@dataclass
class Place:
    code: str
    name: str  # as agency names begin with it: 青山市东阳区
    own: str  # the region's own name: 东阳区
    level: str
    parent: "Place | None" = None


@dataclass
class Planned:
    """An agency as generated: its name, kind, level and region code."""

    name: str
    kind: str
    level: str
    region: str


def _place_name(index):
    return FIRST[index // len(SECOND) % len(FIRST)] + SECOND[index % len(SECOND)]


def agencies(count):
    """The first `count` agencies of the province, and every region they need, in one order
    (province, then each city with its counties and their 乡镇): a larger count extends a smaller."""
    province = Place(PROVINCE[0], PROVINCE[1], PROVINCE[1], "province")
    places, planned = {province.code: province}, []

    def add(name, kind, level, place):
        planned.append(Planned(name, kind, level, place.code))
        places.setdefault(place.code, place)
        return len(planned) >= count

    def level_agencies(place, level, towns=()):
        if add(f"{place.name}人民政府", AgencyKind.GOVERNMENT, level, place):
            return True
        for town in towns:  # a county's 乡镇 first: a small database has every level
            if town.own.endswith("街道"):  # an office of its 区, not a government
                if add(f"{town.name}办事处", AgencyKind.OTHER, "town", town):
                    return True
            elif add(f"{town.name}人民政府", AgencyKind.GOVERNMENT, "town", town):
                return True
        for name in DEPARTMENTS[level]:
            if add(place.name + name, AgencyKind.DEPARTMENT, level, place):
                return True
        return any(add(place.name + name, AgencyKind.OTHER, level, place) for name in OTHERS[level])

    if count <= 0 or level_agencies(province, "province"):
        return places, planned
    for c in range(1, CITIES_PER_PROVINCE + 1):
        own = _place_name(c * 7) + "市"
        city = Place(f"99{c:02d}00", own, own, "city", province)
        if level_agencies(city, "city"):
            return places, planned
        for k in range(1, COUNTIES_PER_CITY + 1):
            own = _place_name(c * 3 + k * 11) + ("区" if k == 2 else "县")
            county = Place(f"99{c:02d}{k:02d}", city.name + own, own, "county", city)
            towns = [
                Place(f"{county.code}{t:03d}", county.name + name, name, "town", county)
                for t in range(1, TOWNS_PER_COUNTY + 1)
                for name in [_place_name(k * 5 + t * 13) + ("街道" if k == 2 else ("镇" if t % 3 else "乡"))]
            ]
            if level_agencies(county, "county", towns):
                return places, planned
    return places, planned


# -- one agency's reports --------------------------------------------------------------------------

# The defects of real reports, each with the rules that find it.
DEFECTS = {
    "sum": ("E9",),  # a row's 总计 that is not the sum of its applicant columns
    "review_sum": ("E10",),  # a 复议/诉讼 总计 that is not its results' sum
    "blank": ("W1",),  # cells left blank where nothing happened
    "carry": ("W5",),  # 上年结转 not last year's 结转下年度
    "text_number": ("W9",),  # the text states a figure the table does not have
    "text_year": ("W10",),  # the text states last year's figures as this year's
    "copied": ("W8",),  # 一 is last year's with the year and figures changed (套用往年)
    "fees_in_yuan": ("W18",),  # 行政事业性收费 entered in 元
    "unfilled": ("E14",),  # a draft still being filled in here
}
ERROR_DEFECTS = ("sum", "review_sum", "unfilled")
# Where each outcome of an application goes, roughly (the rest is 予以公开).
OUTCOME_SHARES = (
    ("partially_granted", 0.10), ("unable_not_held", 0.18), ("denied_third_party", 0.02),
    ("denied_process_info", 0.03), ("denied_internal_affairs", 0.02), ("denied_inquiry", 0.02),
    ("unable_unclear", 0.03), ("not_processed_petition", 0.04), ("not_processed_duplicate", 0.03),
    ("unable_needs_creation", 0.02), ("other_no_correction", 0.02), ("other_other", 0.02),
)  # fmt: skip
# How many applications each other applicant column receives, as a share of natural persons'.
APPLICANT_SHARES = {"commercial": 0.15, "research": 0.02, "social_welfare": 0.03, "legal_service": 0.06, "other": 0.03}

PROBLEMS = (
    "政府信息公开内容还不够全面，部分领域信息更新不够及时。",
    "政务新媒体与政府网站的联动不足，信息发布渠道较为单一。",
    "依申请公开答复的规范化水平有待提高，个别答复说理不够充分。",
    "政策解读形式较少，图解、视频等解读方式运用不足。",
    "工作人员业务能力参差不齐，对《条例》的理解还需加深。",
    "基层政务公开标准化规范化建设仍有差距。",
)
IMPROVEMENTS = (
    "进一步完善信息发布审核机制，做到应公开尽公开。",
    "加强政府网站与政务新媒体协同，拓宽信息公开渠道。",
    "规范依申请公开办理流程，提升答复质量。",
    "丰富政策解读形式，增加图解和视频解读。",
    "定期开展业务培训，提升工作人员业务水平。",
    "持续推进基层政务公开标准化规范化建设。",
)
PLATFORMS = ("政府门户网站信息公开专栏", "政务新媒体", "政府公报", "政务服务大厅公开栏")
# Each aspect of 一 in several wordings: an agency words its report anew each year, so that
# only a planned copy (the defect "copied") reads as last year's to W8. Every wording of 监督保障
# names 考核, 评议 or 追究 (a 人民政府 reports them: E11).
OPENINGS = (
    "{year}年，{agency}深入贯彻《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，扎实推进政府信息公开工作。",
    "{year}年，{agency}认真落实上级关于政务公开工作的部署要求，围绕中心工作，不断提升政府信息公开的质量和实效。",
    "{year}年，{agency}以群众需求为导向，把政府信息公开作为建设法治政府、服务型政府的重要抓手，各项工作有序开展。",
    "{year}年，在上级政务公开办的指导下，{agency}进一步健全公开制度、规范公开流程，推动政务公开工作提质增效。",
)
MANAGEMENT = (
    "（三）政府信息管理。严格落实公开前保密审查制度，动态更新政府信息公开目录。",
    "（三）政府信息管理。坚持“先审查、后公开”，对拟公开信息逐条进行合法性和保密审查，及时清理过时信息。",
    "（三）政府信息管理。完善政府信息发布协调机制，对规范性文件实行统一登记、统一编号、统一发布。",
    "（三）政府信息管理。开展政府信息公开目录梳理，对已公开信息进行全面排查，确保信息准确、完整、及时。",
)
PLATFORM_WORK = (
    "（四）政府信息公开平台建设。持续优化{platform}，及时更新公开栏目。",
    "（四）政府信息公开平台建设。以{platform}为主阵地，调整栏目设置，提升检索和浏览的便利程度。",
    "（四）政府信息公开平台建设。加强{platform}的日常维护，落实内容审核和信息发布“三审三校”制度。",
    "（四）政府信息公开平台建设。推进{platform}集约化建设，整合重复栏目，畅通公众获取信息渠道。",
)
SUPERVISION = (
    "（五）监督保障。将政府信息公开工作纳入年度绩效考核，组织业务培训{n}次",
    "（五）监督保障。明确分管领导和专职工作人员，公开工作情况纳入考核并定期通报，举办专题培训{n}次",
    "（五）监督保障。建立政务公开工作责任清单，落实责任追究，开展自查自纠，组织工作人员参加培训{n}次",
    "（五）监督保障。主动接受社会评议和监督，认真办理公众意见建议，全年开展业务培训{n}次",
)


@dataclass
class Series:
    """What one year of an agency's reports hands to the next."""

    first_year: int
    carried_forward: dict = field(default_factory=dict)
    in_force: dict = field(default_factory=dict)
    overall: str = ""  # last year's 一


@dataclass
class Draft:
    """A report as generated, before it is stored."""

    shape: ReportShape
    status: str
    defect: str | None
    submitted_on: object = None  # a date
    returns: int = 0  # how many times it was returned


def _spread(rng, total, shares):
    """`total` split over `shares` ((key, share) …) with some noise; the rest in the first key."""
    parts, left = {}, total
    for key, share in shares:
        n = min(left, int(total * share * rng.uniform(0.5, 1.5)))
        parts[key] = n
        left -= n
    return parts, left


def _applications(rng, shape, agency, series):
    scale = SCALE[agency.level] * {AgencyKind.GOVERNMENT: 1.5, AgencyKind.OTHER: 0.4}.get(agency.kind, 1)
    if rng.random() < {"province": 0.02, "city": 0.1, "county": 0.3, "town": 0.6}[agency.level]:
        scale = 0  # nobody asked this year
    natural = int(scale * rng.uniform(0.3, 1.3))
    new = {"natural_person": natural}
    for column, share in APPLICANT_SHARES.items():
        new[column] = int(natural * share * rng.uniform(0, 2))
    outcomes = v.outcome_keys(shape.format_version)
    shares = [(key, share) for key, share in OUTCOME_SHARES if key in outcomes]
    table = shape.applications
    for row in v.APPLICATION_KEYS:
        if row in table:
            table[row] = {column: 0 for column in v.APPLICANT_KEYS}
    for column in v.APPLICANT_PARTS:
        carried = series.carried_forward.get(column, int(new[column] * rng.uniform(0, 0.1)))
        forward = min(new[column] + carried, int(new[column] * rng.uniform(0, 0.12)))
        processed = new[column] + carried - forward
        parts, granted = _spread(rng, processed, shares)
        table["new_received"][column], table["carried_over"][column] = new[column], carried
        table["carried_forward"][column], table["total_processed"][column] = forward, processed
        table["granted"][column] = granted
        for key, n in parts.items():
            table[key][column] = n
    for row in table.values():
        row["total"] = sum(row[c] for c in v.APPLICANT_PARTS)


def _review(rng, shape, agency):
    chance = {"province": 0.8, "city": 0.5, "county": 0.25, "town": 0.03}[agency.level]
    for group in v.REVIEW_LITIGATION.rows:
        cells = {c: 0 for c in v.RESULT_KEYS}
        if rng.random() < chance * (1 if group.key == "reconsideration" else 0.5):
            cells.update(upheld=rng.randint(0, 4), corrected=rng.randint(0, 1), other=rng.randint(0, 1),
                         pending=rng.randint(0, 2))  # fmt: skip
        cells["total"] = sum(cells[c] for c in v.RESULT_PARTS)
        shape.review_litigation[group.key] = cells


def _active(rng, shape, agency, series):
    issues_rules = agency.kind == AgencyKind.GOVERNMENT and agency.level in ("province", "city")
    size = {"province": 40, "city": 20, "county": 8, "town": 1}[agency.level]
    decisions = {key: int(size * rng.uniform(0, m)) for key, m in (("licensing", 30), ("penalty", 12), ("enforcement", 2))}
    fees = Decimal(rng.randint(0, size * 2000)) / 100 if agency.kind != AgencyKind.GOVERNMENT else Decimal(0)
    if shape.format_version == "2019":
        table = shape.active_2019
        for row in ("regulations", "normative_documents"):
            made = rng.randint(0, 4) if row == "normative_documents" or issues_rules else 0
            table[row] = {"made": made, "published": made, "total_public": made + rng.randint(0, size)}
        for row in ("licensing", "other_services", "penalty", "enforcement"):
            items = rng.randint(0, size)
            table[row] = {"previous_items": items, "change": rng.randint(-2, 3),
                          "decisions": decisions.get(row, rng.randint(0, size * 5))}  # fmt: skip
        table["fees"] = {"previous_items": rng.randint(0, 6), "change": rng.randint(-1, 1)}
        table["procurement"] = {"items": rng.randint(0, size), "amount": Decimal(rng.randint(0, size * 5000)) / 100}
        return
    table = shape.active
    for row in ("regulations", "normative_documents"):
        if row == "regulations" and not issues_rules:
            table[row] = {"issued": 0, "repealed": 0, "in_force": series.in_force.get(row, 0)}
            continue
        before = series.in_force.get(row, rng.randint(0, size * 3))
        issued, repealed = rng.randint(0, max(1, size // 4)), rng.randint(0, min(before, 3))
        table[row] = {"issued": issued, "repealed": repealed, "in_force": before + issued - repealed}
    table.update(decisions, fees=fees)


def _overall(rng, shape, agency):
    year, app, review = shape.year, shape.applications, shape.review_litigation
    new, carried = app["new_received"]["total"], app["carried_over"]["total"]
    lines = [rng.choice(OPENINGS).format(year=year, agency=agency.name)]
    active = f"（一）主动公开。依托{rng.choice(PLATFORMS)}主动公开政府信息{rng.randint(20, 2000)}条"
    if shape.format_version == "2021":
        a = shape.active
        active += (f"，其中制发行政规范性文件{a['normative_documents']['issued']}件，作出行政许可决定{a['licensing']}件、"
                   f"行政处罚决定{a['penalty']}件")  # fmt: skip
    lines.append(active + "。")
    if new or carried:
        lines.append(
            f"（二）依申请公开。全年新收政府信息公开申请{new}件，上年结转{carried}件；"
            f"其中予以公开{app['granted']['total']}件，部分公开{app['partially_granted']['total']}件，"
            f"结转下年度继续办理{app['carried_forward']['total']}件。"
        )
    else:
        lines.append("（二）依申请公开。本年度未收到政府信息公开申请。")
    lines.append(rng.choice(MANAGEMENT))
    lines.append(rng.choice(PLATFORM_WORK).format(platform=rng.choice(PLATFORMS)))
    reviewed = review["reconsideration"]["total"]
    sued = review["litigation_direct"]["total"] + review["litigation_after_reconsideration"]["total"]
    supervision = rng.choice(SUPERVISION).format(n=rng.randint(1, 6))
    if reviewed or sued:
        supervision += f"；全年发生政府信息公开行政复议{reviewed}件，行政诉讼{sued}件"
    else:
        supervision += "；全年未发生政府信息公开行政复议、行政诉讼案件"
    lines.append(supervision + "。")
    return "\n".join(lines)


def _worded_anew(rng, shape, agency, last_overall):
    """一 as this year words it: drawn again while it reads as last year's (W8's own measure)."""
    for _ in range(20):
        text = _overall(rng, shape, agency)
        if not copied(text, last_overall):
            return text
    return text


def _draft(rng, agency, year, series, last_year, defect_share):
    shape = ReportShape(agency=agency.name, year=year, format_version=v.format_for_year(year))
    shape.facts["title"] = f"{agency.name}{year}年政府信息公开工作年度报告"
    shape.facts["preamble"] = PREAMBLE.format(agency=agency.name, year=year)
    _applications(rng, shape, agency, series)
    _review(rng, shape, agency)
    _active(rng, shape, agency, series)
    shape.sections["overall"] = _worded_anew(rng, shape, agency, series.overall)
    shape.sections["problems"] = rng.sample(PROBLEMS, 2)
    shape.sections["improvements"] = rng.sample(IMPROVEMENTS, 2)
    shape.sections["other"] = "本年度未收取信息处理费。无其他需要报告的事项。"
    series.carried_forward = {c: shape.applications["carried_forward"][c] for c in v.APPLICANT_PARTS}
    if shape.format_version == "2021":
        series.in_force = {r: shape.active[r]["in_force"] for r in ("regulations", "normative_documents")}
    defect = None
    if rng.random() < defect_share:
        kinds = [k for k in DEFECTS if _applies(k, shape, year, last_year, series)]
        defect = rng.choice(kinds)
        _spoil(rng, shape, defect, series)
    series.overall = shape.sections["overall"]
    return Draft(shape, *_status(rng, shape, agency, year, last_year, defect))


def _applies(defect, shape, year, last_year, series):
    if defect in ("carry", "copied"):
        return year > series.first_year
    if defect == "fees_in_yuan":
        return shape.format_version == "2021" and shape.active["fees"]
    if defect == "text_year":
        return year > series.first_year and shape.applications["new_received"]["total"] > 0
    if defect == "unfilled":
        return year == last_year
    return True


def _spoil(rng, shape, defect, series):
    app, review = shape.applications, shape.review_litigation
    if defect == "sum":
        app["granted"]["total"] += rng.randint(1, 3)
    elif defect == "review_sum":
        review["reconsideration"]["total"] += rng.randint(1, 2)
    elif defect == "blank":
        zeros = [(v.REVIEW_LITIGATION.key, g, c) for g, cells in review.items() for c, x in cells.items() if x == 0]
        zeros += [(v.APPLICATIONS.key, r, c) for r, cells in app.items() for c, x in cells.items() if x == 0]
        for cell in rng.sample(zeros, min(len(zeros), rng.randint(2, 6))):
            shape.set_cell(*cell, None)
    elif defect == "carry":
        # A figure typed anew instead of carried: the balance of the year still holds.
        bump = rng.randint(1, 3)
        for row in ("carried_over", "carried_forward"):
            app[row]["natural_person"] += bump
            app[row]["total"] += bump
        series.carried_forward["natural_person"] += bump
    elif defect == "text_number":
        stated = app["granted"]["total"]
        wrong = stated + rng.randint(1, 5)
        shape.sections["overall"] += f"\n全年依申请予以公开{wrong}件，均在法定期限内答复。"
    elif defect == "text_year":
        shape.sections["overall"] += (
            f"\n{shape.year - 1}年，本机关共收到政府信息公开申请{app['new_received']['total'] + rng.randint(1, 9)}件。"
        )
    elif defect == "fees_in_yuan":
        shape.active["fees"] = shape.active["fees"] * 10000 + 10000
    elif defect == "copied":
        # Last year's text, its year moved on: its figures no longer those of the tables (W9 too).
        shape.sections["overall"] = series.overall.replace(f"{shape.year - 1}年", f"{shape.year}年")
    elif defect == "unfilled":
        cells = [k for k in v.format_cells(shape.format_version) if k.startswith(v.REVIEW_LITIGATION.key)]
        for key in cells:
            shape.set_cell(*v.CELL_BY_KEY[key], None)
        shape.facts["unfilled"] = cells


def _status(rng, shape, agency, year, last_year, defect):
    """(status, defect, submitted on, times returned): reports with errors stay drafts or returned."""
    deadline = deadline_for(year, agency.kind)
    late = rng.random() < 0.06
    submitted_on = deadline + timedelta(days=rng.randint(1, 40)) if late else deadline - timedelta(days=rng.randint(1, 25))
    if defect in ERROR_DEFECTS:
        status = S.RETURNED if year == last_year and rng.random() < 0.3 else S.DRAFT
    elif year == last_year:
        status = rng.choices([S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED, S.PUBLISHED], [20, 25, 10, 15, 30])[0]
    else:
        status = rng.choices([S.SUBMITTED, S.APPROVED, S.PUBLISHED, S.DRAFT], [3, 7, 85, 5])[0]
    if status == S.DRAFT:
        return status, defect, None, 0
    returns = 1 if status == S.RETURNED else int(rng.random() < 0.15)
    shape.facts["signed_on"] = submitted_on.isoformat() if status == S.PUBLISHED else None
    return status, defect, submitted_on, returns


def plan(agency, seed, years, defect_share):
    """The reports of `agency` for `years` (a range), as Drafts by year."""
    rng = random.Random(f"{seed}/{agency.name}")
    series = Series(years[0])
    return {year: _draft(rng, agency, year, series, years[-1], defect_share) for year in years}


# -- storing -----------------------------------------------------------------------------------

def ensure_regions(places):
    """Every region of `places` stored, parents first; returns {code: Region}."""
    stored = {r.code: r for r in Region.objects.filter(code__in=list(places))}
    for place in places.values():  # in the order agencies() met them: parents first
        if place.code in stored:
            continue
        parent = stored[place.parent.code] if place.parent else None
        stored[place.code] = Region(code=place.code, name=place.own, parent=parent,
                                    path=f"{parent.path if parent else '/'}{place.code}/")  # fmt: skip
    new = [r for r in stored.values() if r.pk is None]
    for depth in sorted({r.depth for r in new}):  # parents' keys before their children's rows
        level = [r for r in new if r.depth == depth]
        for region in level:
            region.parent_id = region.parent.pk if region.parent else None
        Region.objects.bulk_create(level)
    return stored


def ensure_agencies(planned, regions):
    """Every planned agency stored (by name); returns {name: Agency}."""
    stored = {a.name: a for a in Agency.objects.filter(name__in=[p.name for p in planned])}
    new = [Agency(name=p.name, kind=p.kind, region=regions[p.region]) for p in planned if p.name not in stored]
    store_name_endings(Agency.objects.bulk_create(new, batch_size=1000))
    stored.update({a.name: a for a in Agency.objects.filter(name__in=[a.name for a in new])})
    return stored


def _moment(day, rng):
    return timezone.make_aware(datetime.combine(day, time(9)) + timedelta(minutes=rng.randint(0, 480)))


def store_batch(items):
    """Store the new reports of `items` ((agency, Draft) …) with their rows, transitions and
    findings; returns the reports stored."""
    reports = []
    for agency, draft in items:
        report = AnnualReport(agency=agency, year=draft.shape.year, status=draft.status, version=1)
        report.set_shape(draft.shape, findings=[])
        reports.append(report)
    create_reports(reports)
    rows = {}
    transitions, revisions = [], []
    for report, (agency, draft) in zip(reports, items):
        for model, values in AnnualReport.section_values(draft.shape, []).items():
            rows.setdefault(model, []).extend({"report_id": report.pk, **row} for row in values)
        rng = random.Random(f"{report.agency.name}/{report.year}/workflow")
        report.created_at = _moment(report.deadline - timedelta(days=rng.randint(30, 60)), rng)
        if draft.submitted_on is None:
            continue
        moments = iter(_moment(draft.submitted_on + timedelta(days=2 * i), rng) for i in range(8))
        report.submitted_at = next(moments)
        path = [S.DRAFT, S.SUBMITTED] + [S.RETURNED, S.SUBMITTED] * draft.returns
        if draft.status == S.RETURNED:
            path.pop()
        path += {S.APPROVED: [S.APPROVED], S.PUBLISHED: [S.APPROVED, S.PUBLISHED]}.get(draft.status, [])
        for before, after in zip(path, path[1:]):
            comment = "请核对表三各项数据与正文表述是否一致后重新报送。" if after == S.RETURNED else ""
            transitions.append({"report_id": report.pk, "from_status": before, "to_status": after,
                                "user_id": None, "comment": comment, "created_at": next(moments)})  # fmt: skip
        if draft.status == S.RETURNED and rng.random() < 0.5:  # the agency has begun to correct it
            revisions.append({"report_id": report.pk, "created_at": next(moments), "source": "填报页面保存",
                              "version": 2, "data": {**draft.shape.to_json(), "facts": draft.shape.facts}})  # fmt: skip
    rows.pop(Finding, None)
    for model, values in rows.items():
        insert_rows(model, values)
    insert_rows(Transition, transitions)
    insert_rows(ReportRevision, revisions)
    _set_dates(reports)
    AnnualReport.objects.filter(pk__in=[r.pk for r in reports]).refresh_findings()
    _explain(reports)
    return reports


def _set_dates(reports):
    """When each report was begun and first submitted (auto_now_add set the moment of the run),
    and so whether it is overdue."""
    from django.db import connection

    table = connection.ops.quote_name(AnnualReport._meta.db_table)
    field = AnnualReport._meta.get_field("created_at")
    day = AnnualReport._meta.get_field("overdue_after")
    rows = []
    for r in reports:
        r.set_deadline()
        rows.append((field.get_db_prep_save(r.created_at, connection), field.get_db_prep_save(r.submitted_at, connection),
                     day.get_db_prep_save(r.overdue_after, connection), r.pk))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET created_at = %s, submitted_at = %s, overdue_after = %s WHERE id = %s", rows
        )


def _explain(reports):
    """The agency's 上报说明 for every warning of a report it has submitted (报送 asks for them);
    drafts and returned reports keep theirs unexplained."""
    submitted = [r.pk for r in reports if r.status in (S.SUBMITTED, S.APPROVED, S.PUBLISHED)]
    warnings = Finding.objects.filter(report_id__in=submitted, severity=Severity.WARNING)
    seen, rows = set(), []
    places = ("report_id", "code", "location", "paragraph", "span_start", "span_end")  # one per sentence (FindingPlace)
    for place in warnings.values_list(*places):
        if place not in seen:
            seen.add(place)
            rows.append({**dict(zip(places, place)), "text": "经核实，数据按实际情况填报。", "updated_at": timezone.now()})
    insert_rows(WarningExplanation, rows)


@dataclass
class Outcome:
    regions: int
    agencies: int
    reports: int
    defects: dict


def update_statistics():
    """The planner's statistics of the tables just filled: a database loaded in bulk is otherwise
    planned as if empty until autovacuum comes by (PostgreSQL, 100,000 reports: 年报列表 400 →
    150 ms). VACUUM also marks the pages all-visible, for index-only counts; it cannot run inside
    a transaction, where ANALYZE alone is done."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def generate(agency_count, years, seed=1, defect_share=0.12, batch=1000, progress=None):
    """Create what is missing of the demo province for `agency_count` agencies and `years`."""
    places, planned = agencies(agency_count)
    with transaction.atomic():
        regions = ensure_regions(places)
        stored = ensure_agencies(planned, regions)
    existing = set(AnnualReport.objects.filter(agency__in=stored.values(), year__in=years).values_list("agency_id", "year"))
    created, defects, pending = 0, {}, []

    def flush():
        nonlocal created
        with transaction.atomic():
            store_batch(pending)
        created += len(pending)
        pending.clear()
        if progress:
            progress(created)

    for agency in planned:
        record = stored[agency.name]
        for year, draft in plan(agency, seed, years, defect_share).items():
            if (record.pk, year) in existing:
                continue
            if draft.defect:
                defects[draft.defect] = defects.get(draft.defect, 0) + 1
            pending.append((record, draft))
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    if created:
        update_statistics()
    return Outcome(len(places), len(planned), created, defects)

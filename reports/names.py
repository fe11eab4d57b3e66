"""Agency names: when two spellings name the same agency, and which 行政区划 a name states.

Reports drop or add the city/province prefix (利通区卫生健康局 = 吴忠市利通区卫生健康局), but a
prefix may only be cut where a region name ends: 东城区卫生健康局 is not 城区卫生健康局. People
also abbreviate the agency's kind (利通区卫健局): the admin's search and import matching accept
the common abbreviations (ABBREVIATIONS).
"""
import re

from reports.parsers.blocks import norm

REGION_END = re.compile(r"(省|自治区|市|州|盟|地区|县|区|旗)")


def shorter_forms(name):
    """The name without each of its leading region prefixes, longest first."""
    name = norm(name)
    return [name[m.end() :] for m in REGION_END.finditer(name) if len(name) - m.end() >= 2]


def same_agency(a, b):
    a, b = norm(a), norm(b)
    return a == b or a in shorter_forms(b) or b in shorter_forms(a)


# A government's 办公厅/办公室 compiles the government's report, and its own report speaks of the
# government throughout; an agency's report gives its own office as the contact (「可联系…公安局政府
# 信息公开工作领导小组办公室」, 「…局办公室」): in one report such names are one reporter (two agencies
# elsewhere).
OWN_OFFICE = re.compile(r"(?<=[局委厅府会])(?:政府信息(?:与政务)?公开(?:工作)?(?:领导小组)?办公室|政务公开办公室|办公厅|办公室)$")


def same_reporter(a, b):
    """same_agency(), or one is the other's office (人民政府办公厅, 局办公室): names one report may use
    for itself."""
    return same_agency(a, b) or same_agency(OWN_OFFICE.sub("", norm(a)), OWN_OFFICE.sub("", norm(b)))


# The abbreviations people write for an agency's kind, each meaning one full name wherever it is
# used (城管局 is left out: it stands for several differently named bureaus).
ABBREVIATIONS = {
    "卫健局": "卫生健康局",
    "卫健委": "卫生健康委员会",
    "发改局": "发展和改革局",
    "发改委": "发展和改革委员会",
    "人社局": "人力资源和社会保障局",
    "人社厅": "人力资源和社会保障厅",
    "住建局": "住房和城乡建设局",
    "住建厅": "住房和城乡建设厅",
    "市监局": "市场监督管理局",
    "市场监管局": "市场监督管理局",
    "自规局": "自然资源和规划局",
    "工信局": "工业和信息化局",
    "科技局": "科学技术局",
    "教体局": "教育和体育局",
    "文旅局": "文化和旅游局",
    "交通局": "交通运输局",
    "医保局": "医疗保障局",
    "应急局": "应急管理局",
    "退役军人局": "退役军人事务局",
    "林草局": "林业和草原局",
    "民宗局": "民族宗教事务局",
    "审批局": "行政审批服务局",
    "国资委": "国有资产监督管理委员会",
    "人防办": "人民防空办公室",
}
_ENDINGS = {**ABBREVIATIONS, **{full: full for full in ABBREVIATIONS.values()}}
_ENDING = re.compile("(" + "|".join(sorted(map(re.escape, _ENDINGS), key=len, reverse=True)) + ")$")


def spellings(name):
    """The name as written, with the agency kind it ends with spelled out, and abbreviated in each
    common way: 利通区卫健局 → {利通区卫健局, 利通区卫生健康局}; 卫生健康局 → {卫生健康局, 卫健局}."""
    name = norm(name)
    match = _ENDING.search(name)
    if not match:
        return {name}
    stem, full = name[: match.start()], _ENDINGS[match.group()]
    return {name, stem + full} | {stem + short for short, long in ABBREVIATIONS.items() if long == full}


def same_agency_named(a, b):
    """same_agency() for names written with or without a common abbreviation."""
    return any(same_agency(x, y) for x in spellings(a) for y in spellings(b))


# Where the name of any 行政区划 ends, towns and 街道 included (an agency name must hold one).
PLACE_END = re.compile(r"(省|自治区|市|州|盟|地区|县|区|旗|镇|乡|街道)")


def _place_ends(name):
    return [m.end() for m in PLACE_END.finditer(name)]


def place_names(name):
    """Every part of a name that may name a 行政区划 of the chain it begins with (吴忠市利通区
    卫生健康局: 吴忠市, 利通区, 吴忠市利通区…), to look them all up in one query."""
    name = norm(name)
    ends = _place_ends(name)
    return {name[start:end] for start in (0, *ends) for end in ends if end > start}


def named_region(name, regions):
    """The 行政区划 a name places itself in, from `regions` ({region name: [regions]}, for the
    names place_names gives): the name's leading places read as a chain, each the region named
    or one within the place before (吴忠市利通区卫生健康局 → 利通区; 利通区卫生健康局 → 利通区 when
    only one region has that name). None when no registered region starts the name, or when
    its longest readings end in different regions (城关镇人民政府, with 城关镇 in two counties)."""
    name = norm(name)
    ends = _place_ends(name)
    readings = []  # (places read, region reached)

    def read(start, within, count):
        went_on = False
        for end in ends:
            for region in regions.get(name[start:end], ()) if end > start else ():
                if within is None or (region.path.startswith(within.path) and region.path != within.path):
                    went_on = True
                    read(end, region, count + 1)
        if within is not None and not went_on:
            readings.append((count, within))

    read(0, None, 0)
    longest = max((count for count, _ in readings), default=0)
    reached = {region.pk: region for count, region in readings if count == longest}
    return next(iter(reached.values())) if len(reached) == 1 else None

"""Agency names: when two spellings name the same agency, and which 行政区划 a name states.

Reports drop or add the city/province prefix (利通区卫生健康局 = 吴忠市利通区卫生健康局), but a
prefix may only be cut where a region name ends: 东城区卫生健康局 is not 城区卫生健康局.
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

"""Agency names: when two spellings name the same agency.

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

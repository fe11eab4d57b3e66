"""上传文件填充: a file read into the report being edited, shown before anything is stored.

The file must be the report's own: another agency's is refused, another year's is read only when
the clerk says so. What the file states replaces what is stored; what it lacks keeps the stored
content — a text it has not, a table, row or column it lacks, a cell it leaves unfilled — and the
page lists both before the clerk saves.
"""
import copy
from dataclasses import dataclass

from reports import vocabulary as v
from reports.names import same_agency
from reports.rules.facts import settle
from reports.versions import changed_cells


class Refused(Exception):
    """The file cannot fill this report; the message says why, in Chinese."""


class OtherYear(Exception):
    """The file is another year's report of the same agency: read it only when the clerk says so."""

    def __init__(self, year):
        super().__init__(year)
        self.year = year


def check(report, shape, other_year=False):
    """Refuse a file that is not this report's; OtherYear for another year's unless accepted."""
    if shape.facts["unreadable"]:
        raise Refused("文件中的表格是图片或扫描件，读不出数据；请上传带文字的 Word、PDF、网页或 Excel 文件。")
    if shape.agency and not same_agency(shape.agency, report.agency.name):
        raise Refused(f"此文件是「{shape.agency}」的年报，不是本机关「{report.agency.name}」的，未读取。")
    if shape.year and shape.year != report.year and not other_year:
        raise OtherYear(shape.year)


@dataclass
class Filled:
    shape: object  # the report as the file fills it, not stored
    replaced: list  # (label, stored, new): what the file changes of what the report holds
    added: int  # how many places the file fills that were empty
    kept: list  # what the file lacks and the report keeps, as printed


TEXTS = (("title", "标题"), ("preamble", "前言"))


def fill(stored, filed):
    """The stored report filled from the file's shape (see the module's rule)."""
    shape = copy.deepcopy(stored)
    facts, kept = shape.facts, []
    for key, label in TEXTS:
        if filed.facts.get(key):
            facts[key] = filed.facts[key]
        elif facts.get(key):
            kept.append(label)
    for key in ("overall", "other"):
        if filed.sections[key]:
            shape.sections[key] = filed.sections[key]
        elif shape.sections[key]:
            kept.append(v.heading(key))
    if filed.sections["problems"] or filed.sections["improvements"]:
        for key in ("problems", "improvements"):
            shape.sections[key] = filed.sections[key]
    elif shape.sections["problems"] or shape.sections["improvements"]:
        kept.append(v.heading("problems"))
    # What describes the file's tables and closing lines: its own where it has them.
    facts["aliases"], facts["extra_rows"] = filed.facts["aliases"], filed.facts["extra_rows"]
    facts["notes"] = {**facts.get("notes", {}), **filed.facts.get("notes", {})}
    facts["signed_on"] = filed.facts.get("signed_on") or facts.get("signed_on")
    facts["published_on"] = filed.facts.get("published_on") or facts.get("published_on")
    signature = filed.facts["agency_names"].get("signature") or facts["agency_names"].get("signature")
    facts["agency_names"] = {"signature": signature} if signature else {}
    kept += _fill_cells(shape, stored, filed)
    settle(shape)
    changes = changed_cells(stored, shape)
    lists = {v.PROBLEMS_LABEL: stored.sections["problems"], v.IMPROVEMENTS_LABEL: stored.sections["improvements"]}
    replaced = [(label, old, new) for label, old, new in changes if (lists[label] if label in lists else old)]
    return Filled(shape, replaced, len(changes) - len(replaced), kept)


def _fill_cells(shape, stored, filed):
    """The file's figures into `shape`, cell by cell; returns the tables of which the report keeps
    cells the file lacks, as printed (表二的 3 格)."""
    facts = shape.facts
    has = set(v.format_cells(filed.format_version))  # a file of the other format has another 二
    invalid, unfilled, kept = facts["invalid_cells"], set(facts["unfilled"]), {}
    for key in v.format_cells(shape.format_version):
        cell = v.CELL_BY_KEY[key]
        if key not in has or filed.is_missing(*cell) or key in filed.facts["unfilled"]:
            if stored.cell(*cell) is not None or stored.left_blank(*cell):
                number = v.TABLE_BY_KEY[cell[0]].number
                kept[number] = kept.get(number, 0) + 1
            continue
        shape.set_cell(*cell, filed.cell(*cell))
        invalid.pop(key, None)
        unfilled.discard(key)
        if key in filed.facts["invalid_cells"]:
            invalid[key] = filed.facts["invalid_cells"][key]
    facts["unfilled"] = [key for key in v.format_cells(shape.format_version) if key in unfilled]
    tables = {t.key for t in v.tables_for(filed.format_version)}
    for kind in ("missing_rows", "missing_columns"):  # still lacking: lacked by the file too
        facts[kind] = {
            table: [x for x in lacking if table not in tables or x in filed.facts[kind].get(table, ())]
            for table, lacking in facts[kind].items()
        }
    return [f"表{number}的 {count} 格" for number, count in kept.items()]

"""The facts the rules read, made to agree with what a shape holds: one derivation for every path.

A parsed file, the fill-in template, the report form (agency site and admin), a statistics sheet,
a new report and a stored one each build a ReportShape; evaluate() settles its facts here before
any rule runs, so the same content gets the same verdict whichever way it came:

- who and which year the report says it is about (E4, E5) is read again from the texts the shape
  holds (title, preamble, narrative; the signature as the document had it), so an edited title
  or preamble is judged as it now reads;
- what a document lacked (an official row or column, E3), printed where a number belongs (E6),
  and the cells nobody has filled in yet (E14) stand only while the cell is still blank: a value
  entered ends them;
- a figure placed by inference from text (I2) is so only while the cell holds that figure, and a
  row that could not be read back (E15) stands only while its cells are blank;
- E1 needs no fact at all: it reads the content (catalog.sections_present).
"""
from reports import vocabulary as v
from reports.parsers import identity


def settle(shape):
    """Bring `shape.facts` in line with its content, in place (idempotent)."""
    facts = shape.facts
    facts["missing_rows"] = _still_blank(shape, facts["missing_rows"], lambda r: (r, None))
    facts["missing_columns"] = _still_blank(shape, facts["missing_columns"], lambda c: (None, c))
    facts["invalid_cells"] = {key: text for key, text in facts["invalid_cells"].items() if _blank(shape, key)}
    own = set(v.format_cells(shape.format_version)) if facts["unfilled"] else ()  # (most reports: none)
    facts["unfilled"] = [
        key for key in facts["unfilled"]
        if key in own and key not in facts["invalid_cells"] and _blank(shape, key)
        and not shape.is_missing(*v.CELL_BY_KEY[key])
    ]  # fmt: skip
    facts["recovered"] = _still_recovered(shape, facts.get("recovered") or {})
    facts["unrecovered"] = {
        key: text for key, text in (facts.get("unrecovered") or {}).items() if _row_blank(shape, key)
    }
    signature = facts["agency_names"].get("signature")
    facts["agency_names"], facts["years"] = identity.stated(
        facts.get("title") or "", facts.get("preamble") or "", shape.sections, signature
    )
    return shape


def _blank(shape, key):
    return shape.cell(*v.CELL_BY_KEY[key]) is None


def _still_recovered(shape, recovered):
    """The recovered rows' cells that still hold the figure recovered (a person may change one)."""
    settled = {}
    for row_key, entry in recovered.items():
        cells = {
            key: figure for key, figure in entry["cells"].items()
            if key in v.CELL_BY_KEY and v.figure_text(shape.cell(*v.CELL_BY_KEY[key])) == figure
        }  # fmt: skip
        if cells:
            settled[row_key] = {"text": entry["text"], "cells": cells}
    return settled


def _row_blank(shape, row_key):
    table_key, row = row_key.split("__", 1)
    return table_key in v.TABLE_BY_KEY and row in v.TABLE_BY_KEY[table_key].row_by_key and _all_blank(shape, table_key, row)


def _still_blank(shape, lacking, place):
    """{table: [rows or columns]} of `lacking` whose every cell is still blank."""
    settled = {}
    for table_key, keys in lacking.items():
        kept = [key for key in keys if _all_blank(shape, table_key, *place(key))]
        if kept:
            settled[table_key] = kept
    return settled


def _all_blank(shape, table_key, row=None, column=None):
    return all(
        shape.cell(table_key, r.key, c and c.key) is None
        for r, c in v.TABLE_BY_KEY[table_key].cells()
        if row in (None, r.key) and column in (None, c and c.key)
    )

"""ReportShape: the one plain form of a report that the rule engine evaluates.

Parsers return it, models and forms build it, and it serialises to the JSON of spec §7. Cells are
None when the report left them blank: blank is not 0 (rules read it as 0 and say so, W1).
"""
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from reports import vocabulary as v


def empty_table(table):
    """{row: {column: None}} for a matrix table, {row: None} for table 二's single-value rows."""
    return {row: dict.fromkeys(columns) if columns else None for row, columns in table_layout(table)}


@lru_cache(maxsize=None)  # four tables; every shape built (thousands in a re-validation) asks
def table_layout(table):
    """(row key, its column keys or None) of `table`, in order."""
    return tuple((row.key, tuple(c.key for c in row.columns or table.columns) or None) for row in table.rows)


def empty_facts():
    """What the stored cells cannot express: what the source document showed, and which blank
    cells nobody has filled in yet. reports.rules.facts settles them before every verdict."""
    return {
        "missing_rows": {},  # {table: [row keys]} official rows absent (E3)
        "missing_columns": {},  # {table: [column keys]} official columns absent (E3)
        "extra_rows": {},  # {table: [descriptions]} local rows or surplus values (I1)
        "aliases": [],  # [{table, column, label}] non-official header labels (W17)
        "invalid_cells": {},  # {cell key: text} cells whose text is not a number (E6)
        "unfilled": [],  # cell keys left empty in a report being written here (E14, not W1)
        "years": {},  # {"title"|"period": year} where the report's texts state its year (E4)
        "agency_names": {},  # {"title"|"body"|"signature": name} where they name its agency (E5)
        "unreadable": False,  # the tables are an image or a scan (W16): nothing else can be judged
        # Rows read back from text whose grid was lost (parsers.recover):
        "recovered": {},  # {row key: {"text": as printed, "cells": {cell key: figure}}} placed by inference (I2)
        "unrecovered": {},  # {row key: text as printed} rows no single reading fits, left blank (E15)
    }


@dataclass
class ReportShape:
    agency: str | None = None
    year: int | None = None
    format_version: str = "2021"
    sections: dict = field(
        default_factory=lambda: {"overall": "", "problems": [], "improvements": [], "other": ""}
    )
    active: dict = field(default_factory=lambda: empty_table(v.ACTIVE))
    active_2019: dict = field(default_factory=lambda: empty_table(v.ACTIVE_2019))
    applications: dict = field(default_factory=lambda: empty_table(v.APPLICATIONS))
    review_litigation: dict = field(default_factory=lambda: empty_table(v.REVIEW_LITIGATION))
    facts: dict = field(default_factory=empty_facts)

    def table(self, table_key):
        return getattr(self, table_key)

    def cell(self, table_key, row_key, column_key=None):
        row = getattr(self, table_key)[row_key]  # not self.table(): asked some hundred times a report
        return row[column_key] if column_key else row

    def set_cell(self, table_key, row_key, column_key, value):
        if column_key:
            self.table(table_key)[row_key][column_key] = value
        else:
            self.table(table_key)[row_key] = value

    def left_blank(self, table_key, row_key, column_key=None):
        """True for a cell the report leaves blank as it stands, published so (W1): not one nobody
        has filled in yet, nor one of a row or column the document lacks, nor one whose text was
        not a number."""
        key = v.cell_key(table_key, row_key, column_key)
        return (
            self.cell(table_key, row_key, column_key) is None
            and not self.is_missing(table_key, row_key, column_key)
            and key not in self.facts["invalid_cells"]
            and key not in self.facts["unfilled"]
        )

    def is_missing(self, table_key, row_key, column_key=None):
        """True when the document lacked this official row or column altogether (E3, not W1), or
        printed the row so that its figures could not be read back (E15): no sum can use it."""
        facts = self.facts
        if not (facts["missing_rows"] or facts["missing_columns"] or facts.get("unrecovered")):
            return False  # a complete document (nearly every one): asked of every cell by the sums
        if row_key in facts["missing_rows"].get(table_key, ()):
            return True
        if row_key and v.cell_key(table_key, row_key) in facts.get("unrecovered", ()):
            return True
        return bool(column_key) and column_key in facts["missing_columns"].get(table_key, ())

    def recovered(self):
        """The cell keys whose figure was placed by inference from text, not read from a cell."""
        return {key for entry in self.facts.get("recovered", {}).values() for key in entry["cells"]}

    def provenance(self):
        """{table: {row: {column: "read" | "recovered"}}} (table 二's single values {row: …}) for
        every cell holding a figure: how the number was obtained."""
        recovered = self.recovered()

        def how(*key):  # most reports recover nothing: no cell's key is built for them
            return "recovered" if recovered and v.cell_key(*key) in recovered else "read"

        result = {}
        for table in v.tables_for(self.format_version):
            values, rows = getattr(self, table.key), result.setdefault(table.key, {})
            for row, columns in table_layout(table):
                if columns is None:
                    if values[row] is not None:
                        rows[row] = how(table.key, row)
                elif held := {c: how(table.key, row, c) for c in columns if values[row][c] is not None}:
                    rows[row] = held
        return result

    def to_json(self, findings=()):
        """Spec §7; a 2019 report carries its table 二 under active_2019 instead of active."""
        tables = {t.key: getattr(self, t.key) for t in v.tables_for(self.format_version)}
        return {
            "agency": self.agency,
            "year": self.year,
            "format_version": self.format_version,
            "sections": self.sections,
            **{key: _json_value(values) for key, values in tables.items()},
            "provenance": self.provenance(),
            "findings": [f.to_json() for f in findings],
        }

    @classmethod
    def from_json(cls, data):
        """The inverse of to_json (with the facts a revision keeps); findings are recomputed."""
        shape = cls(agency=data.get("agency"), year=data.get("year"), format_version=data.get("format_version", "2021"))
        shape.sections.update(data.get("sections") or {})
        for table in v.ALL_TABLES:
            given = data.get(table.key) or {}
            for row, column in table.cells():
                value = given.get(row.key)
                if column is not None:
                    value = (value or {}).get(column.key)
                if value is not None and row.is_decimal(column):
                    value = Decimal(str(value))
                shape.set_cell(table.key, row.key, column and column.key, value)
        shape.facts.update(data.get("facts") or {})
        return shape


def begun(shape):
    """`shape` as a report begun here: every cell of its format still to be filled in (E14) but
    those it already holds."""
    cells = v.format_cells(shape.format_version)
    shape.facts["unfilled"] = [key for key in cells if shape.cell(*v.CELL_BY_KEY[key]) is None]
    return shape


def _json_value(table):
    """The table with its Decimals as strings, so 万元 amounts keep every digit. Through the C
    encoder and decoder: a table is hundreds of cells, nearly all ints or None."""
    return json.loads(json.dumps(table, default=str))

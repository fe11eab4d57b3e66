"""Table grids → canonical cells of tables 二/三/四, shared by every input format.

Real grids are ragged: merged label cells leave empty cells, text extraction shifts rows (003's
`3. 其他`, 004's `(七) 总计`) and drops header cells (000). So rows are identified by their label
text, never by position, and a row's values are fitted to the columns its table's header shows.
Values are stored as printed; what cannot be stored as a number is recorded for E6.
"""
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from itertools import chain

from reports import vocabulary as v
from reports.parsers.blocks import CJK, MINUS_SIGN, norm

BLANK_MARKERS = {"", "—", "——", "–", "-", "－", "/", "／", "\\", "无", "空"}
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
WHOLE = re.compile(r"^[+-]?\d+$")
UNITS = re.compile(r"(件|万元|元|项|个|次)$")
ENUMERATOR = re.compile(rf"^{v.ENUMERATOR}")  # where a label or a paragraph opens with one


@lru_cache(maxsize=8192)
def number_text(cell):
    return UNITS.sub("", norm(cell).replace(",", "").replace(MINUS_SIGN, "-"))


def in_yuan_text(text):
    """True for a figure printed in 元 (not 万元): 「6805947.43元」, 「1,200 元」."""
    text = norm(text)
    return text.endswith("元") and not text.endswith("万元")


@lru_cache(maxsize=8192)
def parse_value(cell, decimal=False):
    """(value, invalid text): None for a blank cell, an int (Decimal for 万元), or the bad text.

    A number the database cannot hold exactly (too long, too many decimals) is not rounded: it
    is kept as text for E6, so the stored report never differs from the published one; nor is an
    amount printed in 元 where the cell holds 万元 (「6805947.43元」), unless it is 0 either way.
    Cached, as norm is: the same few cell texts recur in every report (the results are immutable).
    """
    text = number_text(cell)
    if text in BLANK_MARKERS:
        return None, None
    if NUMBER.match(text) and len(text) <= 20:
        if decimal:
            value = Decimal(text)
            digits, places = len(value.as_tuple().digits), -value.as_tuple().exponent
            in_yuan = value and in_yuan_text(cell)
            if places <= v.FEE_PLACES and digits - max(places, 0) <= v.FEE_DIGITS - v.FEE_PLACES and not in_yuan:
                return value, None
        elif "." not in text and abs(int(text)) <= v.MAX_COUNT:
            return int(text), None
    return None, unicodedata.normalize("NFKC", cell).strip()[:100]


NUMBER_CELL, LABEL_CELL = 1, 2


@lru_cache(maxsize=8192)
def cell_kind(cell):
    """NUMBER_CELL, LABEL_CELL (Chinese text that is not a blank marker) or 0."""
    text = number_text(cell)
    if NUMBER.match(text):
        return NUMBER_CELL
    return LABEL_CELL if CJK.search(text) and text not in BLANK_MARKERS else 0


def split_row(cells):
    """(label cells, value cells): the label runs up to the last text cell before any number."""
    last_label = -1
    for i, cell in enumerate(cells):
        kind = cell_kind(cell)
        if kind == NUMBER_CELL:
            break
        if kind == LABEL_CELL:
            last_label = i
    return cells[: last_label + 1], cells[last_label + 1 :]


def fit(values, count, total_last=False):
    """Exactly `count` value cells: drop the empty cells merges leave at either end, pad blanks.

    Returns (fitted, extra) where extra are values beyond the header's columns (kept for I1).
    With `total_last` (table 三) the last printed value is the 总计 column's.
    """
    values = list(values)
    while len(values) > count and values and not norm(values[0]):
        values.pop(0)
    while len(values) > count and values and not norm(values[-1]):
        values.pop()
    if len(values) < count:
        values += [""] * (count - len(values))
    if len(values) <= count:
        return values, []
    if total_last:
        return values[: count - 1] + values[-1:], [x for x in values[count - 1 : -1] if norm(x)]
    return values[:count], [x for x in values[count:] if norm(x)]


# How much longer than a two-character fragment a label naming its row may be (「3.其他情形」),
# a note in brackets aside.
SHORT_FRAGMENT_SLACK = 4
BRACKETED = re.compile(r"\([^()]*\)|（[^（）]*）")


@lru_cache(maxsize=4096)
def row_key(table, label):
    """The official row a label names: the row whose distinctive fragment is the longest match;
    None when the text names two rows apart (「行政处罚 2行政强制」, a PDF's text running one row
    into the next: the figure between them is either's). A fragment of two characters (其他,
    总计, 规章) names its row only in a label little longer than itself, or at its end (a header
    run into the row: 「…现行有效件数规章」): it sits inside other labels (「2.其他法律…」, a
    wrapped label's second line 「，不计其他情形）」). Cached: every report repeats the same labels."""
    text = ENUMERATOR.sub("", norm(label))
    bare = BRACKETED.sub("", text)  # 「（七）总计（单位：件）」, 「3.其他（请注明）」
    found = [
        (len(f), f, row.key) for row in table.rows for f in map(norm, row.match)
        if f in text and (len(f) >= 3 or bare.endswith(f) or len(bare) <= len(f) + SHORT_FRAGMENT_SLACK)
    ]  # fmt: skip
    if not found:
        return None
    length, fragment, best = max(found, key=lambda item: item[0])
    start = text.find(fragment)
    for _, other, key in found:
        at = text.find(other)
        # another row named apart by a fragment of three characters or more (a shorter one, 其他
        # or 总计, sits inside longer labels: 「2.其他法律…」)
        if key != best and len(other) >= 3 and not (start <= at and at + len(other) <= start + length):
            return None
    return best


def classify(rows):
    """Which official table rows hold, by their labels (the section heading may be missing)."""
    text = "".join(map(norm, chain.from_iterable(rows)))
    if "本年新收" in text or "上年结转" in text:
        return v.APPLICATIONS.key
    if "行政复议" in text and ("行政诉讼" in text or "复议后起诉" in text):
        return v.REVIEW_LITIGATION.key
    if "第二十条" in text or "行政许可" in text or "行政处罚" in text:
        return v.ACTIVE.key
    return None


def _starts_table(cells):
    """True for the first header row of a table: where one table ends and the next begins."""
    text = "".join(map(norm, cells))
    return (
        "第二十条第(一)项" in text
        or "申请人情况" in text
        or "勾稽关系" in text
        or ("行政复议" in text and "行政诉讼" in text)
    )


def _filled(cells):
    """A row's texts without its empty cells: the same row however its merged cells were split."""
    return tuple(text for text in map(norm, cells) if text)


def split_tables(rows):
    """Rows of one grid cut where another official table starts (a sheet may hold all three)."""
    chunks = [[]]
    for cells in rows:
        if chunks[-1] and _starts_table(cells):
            chunks.append([])
        chunks[-1].append(cells)
    return [chunk for chunk in chunks if chunk]


def in_printed_order(keys, printed):
    """`keys` with those a header printed (`printed`, in its order) put in that order, each into
    one of their slots: the others keep theirs."""
    order = iter(printed)
    return [next(order) if key in printed else key for key in keys]


def _trimmed(values):
    """The value cells without the empty ones at either end (a merge's leftovers, a row padded)."""
    filled = [i for i, x in enumerate(values) if norm(x)]
    return values[filled[0] : filled[-1] + 1] if filled else []


def _unwrapped(table, rows):
    """Each row's (label cells, value cells), a label a narrow column wrapped onto the next row put
    back together: a row that names an official row but holds no value, followed by one whose
    label names no other row and holds the values (「2.申请人逾期未按收费通知」 over
    「要求缴纳费用、…申请 | 0 | 0 …」)."""
    split = [split_row(cells) for cells in rows]
    out = []
    for index, (labels, values) in enumerate(split):
        if index + 1 < len(split) and labels and not any(map(norm, values)):
            key = row_key(table, labels[-1])
            rest, figures = split[index + 1]
            if key and rest and row_key(table, rest[-1]) in (None, key) and any(cell_kind(x) == NUMBER_CELL for x in figures):
                split[index + 1] = (["".join(map(norm, labels + rest))], figures)
                continue
        out.append((labels, values))
    return out


def _under_header(cells, row, header):
    """(values, []) of a table 二 row read by where its block's header row prints each column,
    when the two rows are of one grid's width: a row narrower than the table has blank cells
    either side (2019's 「行政事业性收费 | | 3 |」: 本年增/减 3), which counting cannot place."""
    labels = [norm(c.label) for c in row.columns]
    if len(cells) != len(header) or not labels or not all(label in header for label in labels):
        return None
    at = [header.index(label) for label in labels]
    if any(norm(cell) and i not in at and cell_kind(cell) != LABEL_CELL for i, cell in enumerate(cells)):
        return None  # a figure under no column: left to fit, which notes it (I1)
    return [cells[i] for i in at], []


# What 表三's header prints besides its columns' labels: its groups' labels and its note.
APPLICATIONS_HEADER = frozenset(
    norm(label) for label in (v.APPLICANT_GROUP_LABEL, v.LEGAL_PERSON_GROUP_LABEL, *v.LEGAL_PERSON_GROUP_ALIASES)
) | {norm(x) for c in v.APPLICANT_COLUMNS for x in (c.label, *c.aliases)}


def _unknown_labels(header):
    """表三's header cells that name no column, group or note (「小计」, 「企业」)."""
    return [c for c in header if cell_kind(c) == LABEL_CELL and norm(c) not in APPLICATIONS_HEADER and "勾稽" not in c]


class TableReader:
    """Accumulates the grids of one report into a ReportShape, then records what was missing."""

    def __init__(self, shape):
        self.shape = shape
        self.seen = {t.key: set() for t in v.ALL_TABLES}
        self.found = set()
        self.open = None  # (kind, rows) of the table being collected, read once it is complete

    def read(self, grid):
        """Collect a grid; a part no table claims continues the open one (a table cut by a page),
        as does a part that repeats the open table's header (Word's 标题行重复, a browser's thead)."""
        for rows in split_tables(grid.rows):
            kind = classify(rows)
            repeated = self._repeated_header(rows) if self.open and kind in (None, self.open[0]) else 0
            if (kind is None or repeated) and self.open:
                self.open[1].extend(rows[repeated:])
                continue
            self.end_of_tables()
            if kind:
                self.open = (kind, list(rows))

    def _repeated_header(self, rows):
        """How many leading rows of `rows` the open table has already (its header printed again)."""
        printed = {_filled(cells) for cells in self.open[1]}
        count = 0
        while count < len(rows) and _filled(rows[count]) in printed and not any(
            cell_kind(cell) == NUMBER_CELL for cell in rows[count]
        ):
            count += 1
        return count

    def end_of_tables(self):
        """The open table is complete: read it (a paragraph or another table follows)."""
        if self.open:
            kind, rows = self.open
            self.open = None
            self.found.add(kind)
            getattr(self, f"_read_{kind}")(rows)

    def lacks(self, section):
        """True while an official row of the table printed in `section` has not been read."""
        table = next(t for t in v.tables_for(self.shape.format_version) if t.key.startswith(section))
        return any(r.key not in self.seen[table.key] for r in table.rows)

    def finish(self):
        """Record official rows no grid contained (E3); a table never found is missing whole."""
        self.end_of_tables()
        for table in v.tables_for(self.shape.format_version):
            missing = [r.key for r in table.rows if r.key not in self.seen[table.key]]
            if missing:
                self.shape.facts["missing_rows"][table.key] = missing

    # -- helpers --------------------------------------------------------------------------------

    def _store(self, table, row, columns, values):
        self.seen[table.key].add(row.key)
        cells = self.shape.table(table.key)
        # 万元 is rare: asked of each cell only in a row that may hold it
        decimal = row.decimal or any(c.decimal for c in row.columns or table.columns)
        for column, cell in zip(columns, values):
            value, invalid = parse_value(cell, decimal and row.is_decimal(table.column_by_key.get(column)))
            if column is None:
                cells[row.key] = value
            else:
                cells[row.key][column] = value
            if invalid is not None:
                self.shape.facts["invalid_cells"][v.cell_key(table.key, row.key, column)] = invalid

    def _extra(self, table, label, values=()):
        """Note a local row, or values beyond the header's columns, for I1 (never summed)."""
        text = f"「{label}」行" + (f"多出的数值「{'、'.join(values)}」" if values else "")
        self.shape.facts["extra_rows"].setdefault(table.key, []).append(text)

    def _header_columns(self, table, header_cells, columns):
        """The official columns a header shows, in official order; aliases noted for W17.

        Table 三's five 法人或其他组织 columns keep the order the header prints them in (a report
        that swaps 商业企业 and 科研机构 prints their figures swapped too); 自然人 and 总计 span
        the header's rows, so where their cells fall in reading order says nothing."""
        texts = [norm(c) for c in header_cells]
        present, at = [], {}
        for column in columns:
            named = next((name for name in (column.label, *column.aliases) if norm(name) in texts), None)
            if named is None:
                continue
            present.append(column.key)
            at[column.key] = texts.index(norm(named))
            if named != column.label:
                self.shape.facts["aliases"].append({"table": table.key, "column": column.key, "label": named})
        return in_printed_order(present, sorted((k for k in present if k in v.LEGAL_PERSON_PARTS), key=at.get))

    def _missing_columns(self, table, present, columns):
        missing = [c.key for c in columns if c.key not in present]
        if missing:
            known = self.shape.facts["missing_columns"].setdefault(table.key, [])
            known.extend(c for c in missing if c not in known)

    # -- table 二 -------------------------------------------------------------------------------

    def _read_active(self, rows):
        text = "".join(map(norm, chain.from_iterable(rows)))
        if any(norm(label) in text for label in v.LABELS_2019):
            self.shape.format_version = "2019"  # the trial format's own columns (spec §2)
        table = v.ACTIVE_2019 if self.shape.format_version == "2019" else v.ACTIVE
        under = ()  # the cells of the block's header row: where each column's figures stand
        for cells in rows:
            labels, values = split_row(cells)
            label = "".join(map(norm, labels))
            if not label or "第二十条" in label:
                continue
            if norm(v.ITEM_LABEL) in label or any(norm(c.label) in label for c in table.column_by_key.values()):
                under = [norm(c) for c in cells]
                header = [c for c in cells if norm(c)]
                if table is v.ACTIVE and any(norm(c.label) in {norm(h) for h in header} for c in v.DOCUMENT_COLUMNS):
                    present = self._header_columns(table, header, v.DOCUMENT_COLUMNS)
                    self._missing_columns(table, present, v.DOCUMENT_COLUMNS)
                continue
            key = row_key(table, labels[-1])
            if key is None:
                if any(norm(x) for x in values):
                    self._extra(table, label)
                continue
            row = table.row_by_key[key]
            columns = [c.key for c in row.columns] or [None]
            if len(values) < len(columns):
                # its label alone, or fewer cells than columns (text that drops a blank cell):
                # which cells are blank is a guess, so missing (E3), then recovered or E15, as
                # for table 三 (HTML's and Word's rows are padded: blank is blank there)
                continue
            fitted, extra = _under_header(cells, row, under) or fit(values, len(columns))
            self._store(table, row, columns, fitted)
            if extra:
                self._extra(table, row.label, extra)

    # -- table 三 -------------------------------------------------------------------------------

    def _read_applications(self, rows):
        table = v.tables_for(self.shape.format_version)[1]
        # the header ends at the first row (「一、本年新收…」, or the next when that is worded
        # otherwise or missing); a header cell is no row's label (「自然人 法人… 总计」)
        start = next(
            (i for i, cells in enumerate(rows)
             if row_key(table, "".join(split_row(cells)[0])) and not APPLICATIONS_HEADER & set(map(norm, cells))),
            0,
        )  # fmt: skip
        header = [c for cells in rows[:start] for c in cells]
        present = self._header_columns(table, header, table.columns) if header else []
        body = [(labels, values, _trimmed(values)) for labels, values in _unwrapped(table, rows[start:])]
        widths = {len(trimmed) for labels, values, trimmed in body if labels and trimmed}
        if len(present) < 2 or widths == {len(table.columns)}:
            # no readable header (one label is a page's piece of one: pdfminer's text prints 总计
            # alone over a column of figures), or one that names fewer columns than every row
            # prints (「公益组织」 for 社会公益组织): the official order
            present = in_printed_order(v.APPLICANT_KEYS, [k for k in present if k in v.LEGAL_PERSON_PARTS])
        self._missing_columns(table, present, table.columns)
        unknown = _unknown_labels(header)
        for labels, values, trimmed in body:
            if not labels:
                continue
            key = row_key(table, labels[-1])
            if key and not values:
                continue  # its label alone, the values not in this grid: missing (E3) or recovered, not blank
            if key and len(values) < len(present) and trimmed:
                # fewer cells than columns: which are blank is a guess; missing (E3), then
                # recovered or E15 (HTML's and Word's rows are padded: blank is blank there)
                continue
            if key is None or key in self.seen[table.key]:
                if trimmed or key:
                    self._extra(table, "".join(map(norm, labels)))
                continue
            if unknown and len(trimmed) > len(present):
                # more figures than named columns, and a header label naming none (a local 小计,
                # 「企业」): which figure is whose column is a guess; missing (E3), then E15
                continue
            fitted, extra = fit(values, len(present), total_last=True)
            self._store(table, table.row_by_key[key], present, fitted)
            if extra:
                self._extra(table, table.row_by_key[key].label, extra)

    # -- table 四 -------------------------------------------------------------------------------

    def _read_review_litigation(self, rows):
        table = v.REVIEW_LITIGATION
        header_text = ""
        data = None
        for cells in rows:
            labels, values = split_row(cells)
            if any(NUMBER.match(number_text(x)) for x in values):
                data = values
                break
            header_text += "".join(map(norm, cells))
        if data is None and all(any(map(norm, cells)) for cells in rows):
            return  # its header only (the figures printed apart): the rows are missing, not blank
        named_groups = [g.key for g in table.rows if any(norm(m) in header_text for m in g.match)]
        named_columns = [c.key for c in table.columns if norm(c.label) in header_text]
        groups = named_groups or [g.key for g in table.rows]
        columns = named_columns or [c.key for c in table.columns]
        positions = len(_trimmed(data or []))
        if len(named_columns) == len(table.columns) and positions == len(table.cells()):
            # every result named and a cell for each of the three groups: the official order,
            # however the groups' own labels are worded (「未经复议直接向法院起诉」)
            groups = [g.key for g in table.rows]
        elif data is not None and len(named_groups) * len(named_columns) < len(table.cells()):
            # A header that does not name every group and result places a row only when the row
            # has a cell for each cell it names (pdfminer's text gives another table's figures
            # after 「行政复议 结果维持 结果纠正 其他结果」): else the row is not read here, and
            # the recovery stage reads it or says why not.
            if positions != len(groups) * len(columns):
                return
        elif positions and len(data) < len(groups) * len(columns):
            return  # fewer cells than the header names (spaced text drops a blank one): a guess
        elif positions > len(groups) * len(columns):
            return  # more figures than cells (a page's number amid a row one cell a line): a guess
        self._missing_columns(table, columns, table.columns)
        width = len(columns)
        fitted, extra = fit(data or [], width * len(groups))
        for index, group in enumerate(groups):
            self._store(table, table.row_by_key[group], columns, fitted[index * width : (index + 1) * width])
        if extra:
            self._extra(table, table.rows[-1].label, extra)

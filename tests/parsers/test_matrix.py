"""Every seed in every damaged shape the renderers make: each official cell reads back as the seed
has it, or is blank with a finding (E3/E15) pointing at it — never a wrong figure without one.
Each shape prints the share of the seeds' cells it read, so a change that loses cells shows."""
import copy

import pytest

from reports import vocabulary as v
from reports.parsers import parse_bytes, parse_file
from reports.rules.engine import evaluate

from ..conftest import seed
from ..fixtures.figures import Figures, broken as broken_figures, consistent, with_blanks
from ..fixtures.render import pdf_as_text, to_browser_pdf, to_flat, to_markdown, to_ocr_text, to_pdf, to_spaced_text, to_text
from .test_markdown import DAMAGE, SPACED

SHAPES = {
    "text": (".txt", to_text),
    "flat joined": (".txt", lambda shape: to_flat(shape, "")),
    "flat spaced": (".txt", lambda shape: to_flat(shape, " ")),
    **{f"markdown {name}": (".md", lambda shape, d=damage: to_markdown(shape, **d)) for name, damage in DAMAGE.items()},
    **{f"spaced {name}": (".txt", lambda shape, d=damage: to_spaced_text(shape, **d)) for name, damage in SPACED.items()},
    "pdf ruled": (".pdf", to_pdf),
    "pdf unruled": (".pdf", lambda shape: to_pdf(shape, ruled=False)),
    "pdf across pages": (".pdf", lambda shape: to_pdf(shape, cell_size=9)),
    "pdf across pages, header repeated": (".pdf", lambda shape: to_pdf(shape, cell_size=9, repeat_header=True)),
    "pdf unruled across pages": (".pdf", lambda shape: to_pdf(shape, cell_size=9, ruled=False)),
    "ocr text": (".txt", to_ocr_text),
    "pdf as text": (".txt", lambda shape: pdf_as_text(to_pdf(shape))),
    "pdf as text across pages, header repeated": (".txt", lambda shape: pdf_as_text(to_pdf(shape, cell_size=9, repeat_header=True))),
    "pdf unruled as text across pages": (".txt", lambda shape: pdf_as_text(to_pdf(shape, cell_size=9, ruled=False))),
}
# pdfminer's text gives a ruled table column by column: which row a figure is in is no longer
# in the text, so those rows are left blank with E3/E15 (about 1% of cells read), never misread.
COLUMN_BY_COLUMN = {
    "pdf as pdfminer's text": (".txt", lambda shape: pdf_as_text(to_pdf(shape), "pdfminer")),
    "pdf as pdfminer's text across pages": (".txt", lambda shape: pdf_as_text(to_pdf(shape, cell_size=9), "pdfminer")),
}
# Chromium takes seconds a page: left out of the default run (pytest.ini), run with `-m slow`;
# test_pdf prints each seed by Chromium in the default run already.
SLOW = {"browser pdf": (".pdf", to_browser_pdf)}
# The browser's PDF as PDFium's text: 000 prints five applicant columns, and the browser wraps
# 商业/企业 beside 总/计, so its header names three of them and its 表三 (125 cells) is E15.
BROWSER_TEXT_FLOOR = 0.85
# Every shape reads at least this share of the seeds' cells (the rest blank with E3/E15): 003's
# rows 规章 and 行政规范性文件 print two figures for three columns (现行有效 blank), which spaces
# alone cannot place.
FLOOR = 0.99


def broken(shape):
    """The seed as a report that breaks its own accounting as corpus 06 does, with figures of two
    digits (so that a joined 总计 row has several splits): 18 more applications of 自然人 received,
    made public and processed, and one 商业企业 application counted in 部分公开 and 总计 that was
    never received (rows 部分公开 and 总计 no longer add up, nor does 商业企业 balance)."""
    shape = copy.deepcopy(shape)
    rows = shape.applications
    for key in ("new_received", "granted", "total_processed"):
        for column in ("natural_person", "total"):
            rows[key][column] = (rows[key][column] or 0) + 18
    for key in ("partially_granted", "total_processed"):
        rows[key]["commercial"] = (rows[key]["commercial"] or 0) + 1
    return shape


# The broken copies in the shapes that join or space a row's figures, where only the table's own
# accounting places them: a 总计 row its columns pin is read as published, never repaired.
BROKEN = {name: SHAPES[name] for name in ("flat joined", "flat spaced", "pdf unruled")}
# 002 publishes a break of its own (「1.本机关不掌握相关政府信息」 8 under 自然人, 总计 0), so 自然人's
# outcomes do not add up either: its 总计 row breaks two sums then, and a reading that keeps two
# breaks is never taken (E15). Nor are 一、本年新收 and （一）予以公开 (180000018, the one split
# that keeps each row's 总计): a row that shares a sum with one no reading fits may itself be
# the one that breaks its 总计, so the columns re-read it, and they cannot say (E15, 21 cells in 948).
BROKEN_FLOOR = 0.97


def check(render, suffix, alter=lambda shape: shape):
    """(cells read, cells the seeds have, wrong cells without a finding); `alter` changes each
    seed before it is rendered, and the read cells are compared with what it made."""
    read = total = 0
    wrong = []
    for number in range(5):
        original = alter(parse_file(seed(number)))
        shape = parse_bytes(render(original), f"seed{number}{suffix}")
        flagged = {(f.table, f.row, f.column) for f in evaluate(shape) if f.code in ("E3", "E15")}
        for table in v.tables_for(original.format_version):
            for row, column in table.cells():
                cell = (table.key, row.key, column and column.key)
                want, got = original.cell(*cell), shape.cell(*cell)
                total += want is not None
                if got == want:
                    read += want is not None
                elif got is not None or not {cell, cell[:2] + (None,), (cell[0], None, cell[2])} & flagged:
                    wrong.append((number, *cell, want, got))
    return read, total, wrong


def _assert_shape(name, suffix, render, alter=lambda shape: shape, floor=FLOOR):
    read, total, wrong = check(render, suffix, alter)
    print(f"\n{name}: {read}/{total} cells read ({read / total:.1%})")
    assert not wrong, wrong[:10]
    assert read / total >= floor, f"{name}: {read / total:.1%}"


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_seed_in_every_shape(name):
    suffix, render = SHAPES[name]
    _assert_shape(name, suffix, render)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SLOW))
def test_every_seed_printed_by_a_browser(name):
    suffix, render = SLOW[name]
    _assert_shape(name, suffix, render)


@pytest.mark.parametrize("name", list(BROKEN))
def test_every_seed_breaking_its_own_accounting(name):
    suffix, render = BROKEN[name]
    _assert_shape(f"{name}, accounting broken", suffix, render, broken, BROKEN_FLOOR)


@pytest.mark.parametrize("name", list(COLUMN_BY_COLUMN))
def test_tables_given_column_by_column_are_flagged_not_misread(name):
    suffix, render = COLUMN_BY_COLUMN[name]
    _assert_shape(name, suffix, render, floor=0)


@pytest.mark.slow
def test_every_seed_printed_by_a_browser_as_text():
    _assert_shape("browser pdf as text", ".txt", lambda shape: pdf_as_text(to_browser_pdf(shape)), floor=BROWSER_TEXT_FLOOR)


# Random figures in place of the seeds' (mostly 0: most joined rows then have one split), keeping
# every sum or breaking one as published reports do (tests.fixtures.figures).
ALTER = {"consistent": consistent, "broken": broken_figures}
# The shapes that print figures of any width whole. A PDF's narrow column prints a figure wider
# than itself over two lines (「13」 over 「10」 for 1310); its tables without ruling lines, and its
# text, then leave the rows beside those pieces unread (E15): WRAPPING reads them with figures of
# 0–3, which fit, and WRAPPED with figures of any width, where only no wrong cell is asked.
WRAPPING = [name for name in SHAPES if name.startswith("pdf") and name not in ("pdf ruled", "pdf across pages")]
RANDOM = [name for name in SHAPES if name not in WRAPPING]
# Repeating table 三's header over a page break needs a page for it and one wrapped row.
WRAPPED = [name for name in WRAPPING if "header repeated" not in name]
# Joined runs of random figures of several digits split many ways: a row several splits fit is
# E15 unless the columns single one out, and so is a row its own 总计 picks a split of when a row
# it shares a column sum with is not read (nothing could show the split wrong). PDFium's text of
# a table across pages leaves a row's figures beside the next page's header now and then (E15).
RANDOM_FLOOR = {"flat joined": 0.3, "pdf as text across pages, header repeated": 0.98}
# With zeros left blank, the shapes that keep a blank cell in its place read whole; those that
# drop it (spaces, one cell a line, joined figures) read the rows whose printed figures fill
# them or the sums settle (a third or more; joined figures a tenth), the rest E15.
KEEP_BLANKS = ("text", "markdown clean", "markdown no separator row", "markdown header cells wrapped",
               "markdown footers inside a table", "markdown one table per row", "markdown HTML tables",
               "pdf ruled", "pdf across pages", "pdf across pages, header repeated")  # fmt: skip
BLANKS_FLOOR = dict.fromkeys(KEEP_BLANKS, FLOOR) | {"flat joined": 0.05}


@pytest.mark.parametrize("kind", list(ALTER))
@pytest.mark.parametrize("name", RANDOM + WRAPPING)
def test_random_figures_are_read_or_flagged(name, kind):
    suffix, render = SHAPES[name]
    rng = Figures(f"{name} {kind}", small=name in WRAPPING)
    _assert_shape(f"{name}, random figures {kind}", suffix, render, lambda shape: ALTER[kind](shape, rng), RANDOM_FLOOR.get(name, FLOOR))


@pytest.mark.parametrize("kind", list(ALTER))
@pytest.mark.parametrize("name", WRAPPED)
def test_figures_a_narrow_column_wraps_are_flagged_not_misread(name, kind):
    suffix, render = SHAPES[name]
    rng = Figures(f"{name} {kind} wide")
    _assert_shape(f"{name}, random figures {kind} wrapped", suffix, render, lambda shape: ALTER[kind](shape, rng), floor=0.4)


@pytest.mark.parametrize("kind", list(ALTER))
@pytest.mark.parametrize("name", list(COLUMN_BY_COLUMN))
def test_random_figures_given_column_by_column_are_flagged_not_misread(name, kind):
    """pdfminer's column-by-column text with random figures of any width: the figures after a
    label are a column's, another table's, or the pieces of wrapped ones; never read as the row's."""
    suffix, render = COLUMN_BY_COLUMN[name]
    rng = Figures(f"{name} {kind}")
    _assert_shape(f"{name}, random figures {kind}", suffix, render, lambda shape: ALTER[kind](shape, rng), floor=0)


@pytest.mark.parametrize("name", RANDOM + WRAPPING)
def test_random_figures_with_blank_cells_are_read_or_flagged(name):
    """Zeros left blank: text that drops a blank cell (one cell a line, joined or spaced figures)
    prints 「规章 25 102」 for 25, —, 102, which reads as two figures run together as well (2, 5,
    102 kept W3's bound, and was taken). Such rows are read only where the sums leave one reading;
    text that marks a blank cell (「—」, a padded grid) reads whole."""
    suffix, render = SHAPES[name]
    rng = Figures(f"{name} blanks", small=name in WRAPPING)
    _assert_shape(f"{name}, random figures with blank cells", suffix, render, lambda shape: with_blanks(shape, rng), floor=BLANKS_FLOOR.get(name, 0.3))


# Flattened pages whose clerks mark a blank cell (「—」, 「/」, 「-」): each mark is a cell of its own.
MARKED = {
    f"flat {kind}, blank cells marked {mark}": (".txt", lambda shape, j=joiner, m=mark: to_flat(shape, j, m))
    for kind, joiner in (("joined", ""), ("spaced", " "))
    for mark in ("—", "/", "-")
}
MARKED_FLOOR = {"joined": RANDOM_FLOOR["flat joined"], "spaced": FLOOR}


@pytest.mark.parametrize("name", list(MARKED))
def test_random_figures_with_blank_cells_marked_are_read(name):
    suffix, render = MARKED[name]
    rng = Figures(name)
    floor = MARKED_FLOOR[name.split()[1].rstrip(",")]
    _assert_shape(f"{name}, random figures", suffix, render, lambda shape: with_blanks(shape, rng), floor)

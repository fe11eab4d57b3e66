"""The one rule that keeps text from running as a formula in a CSV, and gives it back on import."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.exporters.cells import FORMULA_STARTS, NUMBER, csv_field, csv_value


@pytest.mark.parametrize(
    "value, field",
    [
        ('=HYPERLINK("http://x","点我")', '\'=HYPERLINK("http://x","点我")'),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # an apostrophe of the text's own is kept, and told from the one added
        ("'abc", "'abc"),
        ("吴忠市利通区卫生健康局", "吴忠市利通区卫生健康局"),
        ("-3", "-3"),  # a number, not a formula
        ("+2.5", "+2.5"),
        ("-1e5", "-1e5"),
        ("-٣", "'-٣"),  # digits of another script make no number for a spreadsheet
        ("", ""),
        (-3, -3),
        (None, None),
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe_and_numbers_do_not(value, field):
    assert csv_field(value) == field
    assert csv_value(field) == value


@given(st.text())
def test_every_text_reads_back_as_written_and_none_runs(value):
    field = csv_field(value)
    assert csv_value(field) == value
    if field.startswith(FORMULA_STARTS):
        assert NUMBER.fullmatch(field)  # only a number may begin so


def test_a_field_the_product_did_not_write_is_read_as_it_is():
    assert csv_value("'-3") == "'-3" and csv_value("''abc") == "''abc"

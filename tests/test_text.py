"""Text as stored: what looks the same is stored the same, whichever path it came in by."""
import pytest

from reports.exporters.report_workbook import write_report_workbook
from reports.parsers import parse_bytes, parse_file
from reports.text import tidy

from .conftest import seed
from .fixtures.render import to_html


@pytest.mark.parametrize(
    "text, stored",
    [
        ("第一段\r\n第二段\r第三段", "第一段\n第二段\n第三段"),  # a browser's and an old Mac's line ends
        ("第一段\u3000\u3000\n第二段\u00a0 \t\n", "第一段\n第二段"),  # full-width, no-break spaces at line ends
        ("\ufeff总体\u200b情况\u200d\u2060\u00ad", "总体情况"),  # BOM, zero-width characters, soft hyphen
        ("第一段\u2028第二段\x0b\x00", "第一段\n第二段"),  # a line separator; control characters
        ("\n\n\u3000\u3000第一段\n\n\u3000\u3000第二段\n\n", "第一段\n\n\u3000\u3000第二段"),  # visible layout stays
        ("\u3000\u3000一行\u00a0\u3000 ", "一行"),  # one line: its spaces at either end, no character else
        ("一行\u200b\u3000\r\n", "一行"),  # invisible and line-break characters before the spaces at its end
        ("", ""),
    ],
)
def test_tidy_removes_only_what_cannot_be_seen(text, stored):
    assert tidy(text) == stored
    assert tidy(stored) == stored


def test_every_parser_stores_text_tidied():
    shape = parse_file(seed(1))
    shape.sections["overall"] = "第一段\u3000\u00a0\n\u200b第二段。"
    shape.sections["problems"] = ["问题一\u3000", "\u200b"]
    for name, data in (("a.html", to_html(shape)), ("a.xlsx", write_report_workbook(shape, fill_in=True))):
        read = parse_bytes(data, name)
        assert read.sections["overall"] == "第一段\n第二段。", name
        assert read.sections["problems"] == ["问题一"], name
    text = seed(1).read_bytes().replace("\n".encode(), "\u3000\r\n".encode())
    crlf = parse_bytes(text, "seed.txt")
    assert crlf.sections == parse_file(seed(1)).sections and "\r" not in crlf.facts["preamble"]

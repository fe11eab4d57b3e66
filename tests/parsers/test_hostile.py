"""Every format against hostile and real-world input: a parsed report or a clear error, never a
crash, never a half-saved import."""
import io
import os
import re
import stat
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.models.agency import OPERATOR
from reports.importing import import_upload
from reports.models import AnnualReport
from reports.parsers import MAX_BYTES, SUPPORTED, ParseError, archive, parse_bytes, parse_file
from reports.parsers.sandbox import parse_untrusted
from reports.rules.engine import evaluate

from ..conftest import seed
from ..fixtures.hostile import CORPUS, DTD_NAME, declare_size, html_dtd, rendered, replace_member
from ..fixtures.render import WRITERS
from .test_robustness import parse_or_refuse

SHAPE = parse_file(seed(1))
RENDERED = {suffix: rendered(suffix) for suffix in WRITERS}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", CORPUS)
def test_hostile_file_ends_in_a_clear_error_or_a_report(name):
    """Each ends, within the sandbox's limits, in the error of the limit or reader that stopped
    it (so not by the sandbox, but for the stream bomb), or in a report."""
    build, refusal = CORPUS[name]
    data = build()
    if refusal is None:
        assert parse_untrusted(data, name).year
        return
    with pytest.raises(ParseError, match=refusal) as refused:
        parse_untrusted(data, name)
    assert CJK.search(str(refused.value))


def test_a_dtd_inside_a_page_never_becomes_its_text():
    """Its internal subset declares a title, an agency and a narrative of its own; the HTML
    parser would end the doctype at the first ">" and read the rest as the page's text."""
    shape = parse_bytes(html_dtd(), "page.html")
    read = [shape.agency, shape.facts["title"], shape.facts["preamble"], *shape.sections.values()]
    assert DTD_NAME not in str(read) and "伪造" not in str(read) and "ENTITY" not in str(read)
    assert (shape.agency, shape.year, shape.active) == (SHAPE.agency, SHAPE.year, SHAPE.active)


def test_zip_bomb_by_declared_size_is_refused(monkeypatch):
    monkeypatch.setattr(archive, "MAX_UNCOMPRESSED", 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("word/document.xml", b"\0" * (2 * 1024 * 1024))
    with pytest.raises(ParseError, match="恶意"):
        parse_bytes(out.getvalue(), "bomb.docx")


def test_zip_member_that_lies_about_its_size_stops_at_the_limit():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("a.txt", b"0" * 50_000)
    data = declare_size(out.getvalue(), "a.txt", 10)  # the inflater must still stop
    with zipfile.ZipFile(io.BytesIO(data)) as lying:
        with pytest.raises(ParseError):
            archive.read_member(lying, lying.infolist()[0], limit=1000)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(sorted(RENDERED)), cut=st.floats(0, 1))
def test_truncated_files_parse_or_refuse(suffix, cut):
    data = RENDERED[suffix]
    parse_or_refuse(data[: int(len(data) * cut)], "cut" + suffix)


@settings(max_examples=60, deadline=None)
@given(magic=st.sampled_from([b"PK\x03\x04", b"%PDF-1.4\n", b"<html><body>", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
       tail=st.binary(max_size=4000))  # fmt: skip
def test_random_bytes_behind_real_magic_parse_or_refuse(magic, tail):
    for name in ("x.docx", "x.xlsx", "x.pdf", "x.html", "x.doc"):
        parse_or_refuse(magic + tail, name)
    try:
        list(archive.report_members(magic + tail, SUPPORTED, MAX_BYTES))
    except ParseError:
        pass


def test_content_must_match_the_extension():
    with pytest.raises(ParseError, match="不符"):
        parse_bytes(RENDERED[".pdf"], "report.docx")
    with pytest.raises(ParseError, match="不符"):
        parse_bytes(RENDERED[".docx"], "report.pdf")


def test_scanned_pdf_is_stored_with_w16_and_an_empty_narrative(db):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.rect(50, 50, 400, 600, fill=1)  # an "image": shapes, no text layer
    page.save()
    name = "泰山区卫生健康局2022年政府信息公开工作年度报告.pdf"
    shape = parse_bytes(out.getvalue(), name)
    assert [f.code for f in evaluate(shape)] == ["W16"]
    [outcome] = import_upload(out.getvalue(), name, OPERATOR)
    assert outcome.action == "created", outcome.message
    report = outcome.report
    assert (report.agency.name, report.year, report.overall) == ("泰山区卫生健康局", 2022, "")
    assert list(report.findings.values_list("code", flat=True)) == ["W16"]


def test_gbk_portal_page_declaring_gb2312():
    page = RENDERED[".html"].decode().replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    shape = parse_bytes(page.encode("gb18030"), "page.htm")
    assert shape.agency == "泰安市泰山区卫生健康局" and shape.active["penalty"] == 126


def test_wps_sheet_with_a_wrong_dimension_is_read_whole():
    with zipfile.ZipFile(io.BytesIO(RENDERED[".xlsx"])) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    wrong = re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1:A1"/>', sheet)
    assert wrong != sheet
    shape = parse_bytes(replace_member(RENDERED[".xlsx"], "xl/worksheets/sheet1.xml", wrong), "wps.xlsx")
    assert shape.applications == SHAPE.applications and shape.review_litigation == SHAPE.review_litigation


def test_web_page_saved_as_doc_is_read_as_a_page():
    shape = parse_bytes(RENDERED[".html"], "年报.doc")
    assert shape.active == SHAPE.active


def test_legacy_word_without_libreoffice_asks_to_save_as_docx(monkeypatch):
    monkeypatch.setattr("reports.parsers.legacy.converter", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    with pytest.raises(ParseError, match="另存为 .docx"):
        parse_bytes(ole, "年报.doc")
    with pytest.raises(ParseError, match="另存为 .xlsx"):
        parse_bytes(ole, "统计.et")


def test_legacy_word_is_converted_by_libreoffice(tmp_path, monkeypatch):
    """A stand-in soffice on PATH writes the converted file where LibreOffice would."""
    converted = tmp_path / "converted.docx"
    converted.write_bytes(RENDERED[".docx"])
    script = tmp_path / "bin" / "soffice"
    script.parent.mkdir()
    script.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        f'cp "{converted}" "$2/report.docx"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    shape = parse_bytes(ole, "年报.wps")
    assert shape.active == SHAPE.active and shape.agency == SHAPE.agency


def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return out.getvalue()


def test_zip_imports_each_report_and_reports_each_failure(db):
    data = _zip(
        {
            "二〇二二/泰山区.docx": RENDERED[".docx"],
            "呼兰区.txt": seed(2).read_bytes(),
            "说明.exe": b"MZ...",
            "嵌套.zip": _zip({"a.txt": b"x"}),
            "__MACOSX/._呼兰区.txt": b"junk",
            "空白.txt": b"   ",
        }
    )
    outcomes = {o.name.split("/")[-1]: o for o in import_upload(data, "一批.zip", OPERATOR)}
    assert set(outcomes) == {"泰山区.docx", "呼兰区.txt", "说明.exe", "嵌套.zip", "空白.txt"}
    assert outcomes["泰山区.docx"].action == "created" and outcomes["呼兰区.txt"].action == "created"
    assert "不支持的文件类型" in outcomes["说明.exe"].message
    assert "嵌套" in outcomes["嵌套.zip"].message
    assert "空" in outcomes["空白.txt"].message
    assert AnnualReport.objects.count() == 2


def test_a_zip_member_in_bzip2_is_refused_alone(db):
    """zipfile would inflate a bzip2 chunk whole, however little is read of it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("泰山区.txt", seed(1).read_bytes())
        bundle.writestr("bomb.txt", b"\0" * 100_000, compress_type=zipfile.ZIP_BZIP2)
    outcomes = {o.name.split("/")[-1]: o for o in import_upload(out.getvalue(), "一批.zip", OPERATOR)}
    assert outcomes["泰山区.txt"].action == "created"
    assert outcomes["bomb.txt"].action == "failed" and "不常见的压缩方式" in outcomes["bomb.txt"].message


def test_zip_member_names_written_in_gbk_are_read(db):
    name = "泰山区.txt"
    placeholder = "A" * len(name.encode("gbk")[:-4]) + ".txt"
    data = _zip({placeholder: seed(1).read_bytes()}).replace(placeholder.encode(), name.encode("gbk"))
    [outcome] = import_upload(data, "gbk.zip", OPERATOR)
    assert outcome.name == "gbk.zip/泰山区.txt" and outcome.action == "created"


def test_too_many_files_in_a_zip_are_refused(db, monkeypatch):
    monkeypatch.setattr(archive, "MAX_REPORTS", 2)
    [outcome] = import_upload(_zip({f"{i}.txt": b"x" for i in range(3)}), "many.zip", OPERATOR)
    assert outcome.action == "failed" and "过多" in outcome.message


def _docx_with(pattern, replacement):
    with zipfile.ZipFile(io.BytesIO(RENDERED[".docx"])) as book:
        xml = book.read("word/document.xml").decode()
    changed = re.sub(pattern, replacement, xml, count=1)
    assert changed != xml
    return replace_member(RENDERED[".docx"], "word/document.xml", changed)


@pytest.mark.parametrize(
    "data, name",
    [
        (lambda: replace_member(RENDERED[".xlsx"], "xl/worksheets/sheet1.xml", "<worksheet"), "broken.xlsx"),
        (lambda: _docx_with(r"<w:tc>", '<w:tc><w:tcPr><w:gridSpan w:val="abc"/></w:tcPr>'), "span.docx"),
    ],
)
def test_malformed_xml_inside_a_valid_container_is_a_clear_error(data, name):
    with pytest.raises(ParseError, match="损坏或格式异常"):
        parse_bytes(data(), name)


def test_absurd_spans_cannot_exhaust_memory():
    huge = _docx_with(r"<w:tc>", '<w:tc><w:tcPr><w:gridSpan w:val="2000000000"/></w:tcPr>')
    parse_or_refuse(huge, "huge.docx")  # finishes: the span is clamped
    cells = '<td rowspan="100" colspan="100">1</td>' * 200
    page = "<html><body><h1>一、总体情况</h1><table>" + f"<tr>{cells}</tr>" * 200 + "</table></body></html>"
    with pytest.raises(ParseError, match="表格过大"):
        parse_bytes(page.encode(), "spans.html")

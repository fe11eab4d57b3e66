"""Input formats → ReportShape. Each reader yields blocks; parsers.document assembles them
(the project's own .xlsx workbooks excepted: parsers.template reads those cell by cell).

The file's extension and its content must agree (magic bytes), except where real portals
disagree harmlessly: a "Word" .doc that is really a saved web page is read as one.
"""
import logging
from pathlib import Path

from reports.parsers import identity, legacy
from reports.parsers.blocks import ParseError
from reports.parsers.document import build_report
from reports.parsers.docx import read_docx
from reports.parsers.html import read_html
from reports.parsers.pdf import Unreadable, read_pdf
from reports.parsers.text import decode, read_text
from reports.parsers.xlsx import read_xlsx
from reports.rules.shape import ReportShape

logger = logging.getLogger(__name__)
MAX_BYTES = 20 * 1024 * 1024
MAX_ARCHIVE_BYTES = 100 * 1024 * 1024  # a .zip of a whole region's reports

# suffix → (reader, content kinds accepted for it)
READERS = {
    ".txt": (lambda data: read_text(decode(data)), {"text"}),
    ".md": (lambda data: read_text(decode(data)), {"text"}),
    ".html": (read_html, {"html", "text"}),
    ".htm": (read_html, {"html", "text"}),
    ".docx": (read_docx, {"zip"}),
    ".xlsx": (read_xlsx, {"zip"}),
    ".pdf": (read_pdf, {"pdf"}),
}
LEGACY = {".doc": ".docx", ".wps": ".docx", ".et": ".xlsx", ".xls": ".xlsx"}
SUPPORTED = (*READERS, *LEGACY)
ARCHIVES = (".zip",)

__all__ = ["ARCHIVES", "MAX_ARCHIVE_BYTES", "MAX_BYTES", "ParseError", "SUPPORTED", "parse_bytes", "parse_file", "read_file", "sniff"]


def sniff(data):
    """What the bytes are, whatever the file is called: zip, pdf, ole, html or text."""
    head = data[:2048]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<?xml", b"mime-version")) or b"<body" in probe:
        return "html"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head:
        return "text"
    return "binary"


KIND_NAMES = {"zip": "压缩包（含 .docx/.xlsx）", "pdf": "PDF", "ole": "旧版 Office 文档", "html": "网页", "text": "文本"}


def parse_bytes(data, filename):
    """The report in `data` (the file's bytes); ParseError with a Chinese message if unreadable."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        raise ParseError(f"不支持的文件类型「{suffix or filename}」，支持：{'、'.join(SUPPORTED)}。")
    if len(data) > MAX_BYTES:
        raise ParseError(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {MAX_BYTES // 1024 // 1024} MB。")
    if not data.strip():
        raise ParseError("文件是空的。")
    kind = sniff(data)
    if suffix in LEGACY:
        if kind == "html":  # a web page saved under a Word name
            return _parse(read_html, data, filename)
        if kind != "ole":
            raise ParseError(f"文件内容（{KIND_NAMES.get(kind, '未知格式')}）与扩展名「{suffix}」不符。")
        data, suffix = legacy.convert(data, suffix, LEGACY[suffix]), LEGACY[suffix]
        kind = sniff(data)
    reader, kinds = READERS[suffix]
    if kind not in kinds:
        raise ParseError(f"文件内容（{KIND_NAMES.get(kind, '未知格式')}）与扩展名「{suffix}」不符，请确认文件类型。")
    return _parse(reader, data, filename)


def _parse(reader, data, filename):
    try:
        read = reader(data)
        shape = read if isinstance(read, ReportShape) else build_report(read)
    except Unreadable:
        shape = ReportShape()
        shape.facts["unreadable"] = True
    except ParseError:
        raise
    except Exception as exc:
        # Third-party readers raise many types on damaged or hostile files (malformed XML inside a
        # valid zip, dangling references); to the clerk they all mean "this file cannot be read".
        logger.info("unreadable %s: %r", filename, exc)
        raise ParseError("文件内容已损坏或格式异常，无法读取；请在原软件中打开后重新保存再上传。") from exc
    identity.from_filename(shape, Path(filename).stem)
    return shape


def read_file(path):
    """The bytes of a report file, or ParseError if it is too large or cannot be read."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ParseError(f"文件过大，上限为 {MAX_BYTES // 1024 // 1024} MB。")
        return path.read_bytes()
    except OSError as exc:
        raise ParseError(f"无法读取文件「{path}」：{exc.strerror or exc}") from exc


def parse_file(path):
    return parse_bytes(read_file(path), Path(path).name)

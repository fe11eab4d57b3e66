"""Input formats → ReportShape. Each reader yields blocks; parsers.document assembles them."""
from pathlib import Path

from reports.parsers.blocks import ParseError
from reports.parsers.document import build_report
from reports.parsers.text import decode, read_text

MAX_BYTES = 20 * 1024 * 1024
READERS = {".txt": lambda data: read_text(decode(data)), ".md": lambda data: read_text(decode(data))}

__all__ = ["ParseError", "parse_bytes", "parse_file", "SUPPORTED"]
SUPPORTED = tuple(READERS)


def parse_bytes(data, filename):
    """The report in `data` (the file's bytes); ParseError with a Chinese message if unreadable."""
    suffix = Path(filename).suffix.lower()
    if suffix not in READERS:
        raise ParseError(f"不支持的文件类型「{suffix or filename}」，目前支持：{'、'.join(SUPPORTED)}。")
    if len(data) > MAX_BYTES:
        raise ParseError(f"文件过大（{len(data) // 1024 // 1024} MB），上限为 {MAX_BYTES // 1024 // 1024} MB。")
    if not data.strip():
        raise ParseError("文件是空的。")
    return build_report(READERS[suffix](data))


def parse_file(path):
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"无法读取文件「{path}」：{exc.strerror or exc}") from exc
    return parse_bytes(data, path.name)

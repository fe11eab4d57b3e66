"""Zip containers (.docx, .xlsx and uploaded .zip files) opened within limits.

A zip bomb is a small file that expands enormously; the sizes the archive declares are checked
before anything is decompressed, and reading stops at the limit in case they lie. A Word or
Excel file is held to what a report needs, much less than a .zip of a region's reports.
"""
import io
import zipfile

from reports.parsers.blocks import ParseError

MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
# Asked for n bytes, zipfile inflates a deflated member n bytes at a time and never past the size
# the member declares (a lying one then fails its CRC check); but a bzip2 or LZMA chunk it
# inflates whole, and 4 KB of bzip2 can be gigabytes. Word, WPS and Windows write deflate.
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# A Word or Excel report's parts are small: the document.xml of a seed is 70 KB, a long report's
# a few MB, its largest image a few MB. The readers hold every part in memory and build a tree
# of each XML part several times its size, so a part or a package beyond these is no report.
MAX_PART = 20 * 1024 * 1024
MAX_PACKAGE = 50 * 1024 * 1024
ODD_METHOD = "使用了不常见的压缩方式，无法安全读取；请在原软件中重新保存，或用常规 ZIP 格式重新压缩后再上传。"


def open_zip(data, what="文件"):
    """A ZipFile over `data` whose declared contents are within the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise ParseError(f"{what}已损坏或不是有效的压缩格式，无法打开。") from exc
    if len(members) > MAX_MEMBERS:
        raise ParseError(f"{what}包含的条目过多（{len(members)} 个），可能是恶意文件。")
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise ParseError(f"{what}解压后超过 {MAX_UNCOMPRESSED // 1024 // 1024} MB，可能是恶意文件。")
    return archive


def open_package(data, what):
    """A Word or Excel file whose parts are of a report's size, rewritten for its reader with
    every part as read here, within the size it declares, and stored: python-docx reads a part
    whole, which inflates all of it at once before zipfile cuts it to that size."""
    archive = open_zip(data, what)
    members = archive.infolist()
    odd = next((m for m in members if m.compress_type not in METHODS), None)
    if odd:
        raise ParseError(f"{what}中的「{odd.filename}」{ODD_METHOD}")
    largest = max(members, key=lambda m: m.file_size, default=None)
    if largest and largest.file_size > MAX_PART:
        raise ParseError(
            f"{what}中的「{largest.filename}」解压后有 {_mb(largest.file_size)}，超过 {_mb(MAX_PART)} 的上限；"
            "年度报告的正文只有几 MB，请确认文件。"
        )
    total = sum(m.file_size for m in members)
    if total > MAX_PACKAGE:
        raise ParseError(f"{what}解压后共 {_mb(total)}，超过 {_mb(MAX_PACKAGE)} 的上限；年度报告通常只有几 MB，请确认文件。")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        for member in members:
            package.writestr(member.filename, read_member(archive, member, member.file_size, what))
    return out.getvalue()


def _mb(size):
    return f"{size / 1024 / 1024:.0f} MB"


def read_member(archive, member, limit=MAX_UNCOMPRESSED, what="压缩包"):
    """A member's bytes, refusing to inflate past `limit` even if its header lies."""
    try:
        with archive.open(member) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ParseError(f"{what}中的「{member.filename}」已损坏或已加密，无法读取。") from exc
    if len(data) > limit:
        raise ParseError(f"{what}中的「{member.filename}」解压后过大。")
    return data


def member_name(member):
    """The member's real name: zips made on Chinese Windows store GBK names without saying so."""
    if member.flag_bits & 0x800:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return member.filename


MAX_REPORTS = 200


def report_members(data, supported, max_bytes):
    """(name, bytes or ParseError) for every report file inside an uploaded .zip.

    Folders, macOS metadata and hidden files are skipped; a nested archive or an oversized
    member is answered with its own error, so one bad member never hides the others.
    """
    archive = open_zip(data, "压缩包")
    members = [
        m
        for m in archive.infolist()
        if not m.is_dir() and not m.filename.startswith("__MACOSX/") and not member_name(m).split("/")[-1].startswith(".")
    ]
    if len(members) > MAX_REPORTS:
        raise ParseError(f"压缩包内文件过多（{len(members)} 个），一次最多导入 {MAX_REPORTS} 个。")
    for member in members:
        name = member_name(member)
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix == ".zip":
            yield name, ParseError("不支持压缩包内再嵌套压缩包，请解压后分别上传。")
        elif suffix not in supported:
            yield name, ParseError(f"不支持的文件类型「{suffix or name}」。")
        elif member.file_size > max_bytes:
            yield name, ParseError(f"文件过大，上限为 {max_bytes // 1024 // 1024} MB。")
        elif member.compress_type not in METHODS:
            yield name, ParseError(f"文件{ODD_METHOD}")
        else:
            try:
                yield name, read_member(archive, member, max_bytes)
            except ParseError as exc:
                yield name, exc

"""Zip containers (.docx, .xlsx and uploaded .zip files) opened within limits.

A zip bomb is a small file that expands enormously; the sizes the archive declares are checked
before anything is decompressed, and reading stops at the limit in case they lie.
"""
import io
import zipfile

from reports.parsers.blocks import ParseError

MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024


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


def read_member(archive, member, limit=MAX_UNCOMPRESSED):
    """A member's bytes, refusing to inflate past `limit` even if its header lies."""
    try:
        with archive.open(member) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ParseError(f"压缩包中的「{member.filename}」已损坏或已加密，无法读取。") from exc
    if len(data) > limit:
        raise ParseError(f"压缩包中的「{member.filename}」解压后过大。")
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
        else:
            try:
                yield name, read_member(archive, member, max_bytes)
            except ParseError as exc:
                yield name, exc

"""Legacy Office formats (.doc, .wps, .et, .xls) converted by LibreOffice when it is installed."""
import shutil
import subprocess
import tempfile
from pathlib import Path

from reports.parsers.blocks import ParseError

TIMEOUT = 20  # within the sandbox's deadline for the file, so that the message says what failed
SAVE_AS = {".docx": "Word 或 WPS 文字中“另存为 .docx”", ".xlsx": "Excel 或 WPS 表格中“另存为 .xlsx”"}


def converter():
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data, suffix, target):
    """`data` (a legacy `suffix` file) as `target` (.docx or .xlsx) bytes."""
    program = converter()
    if not program:
        raise ParseError(f"本系统未安装 LibreOffice，无法读取「{suffix}」文件；请在{SAVE_AS[target]}后再上传。")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"report{suffix}"
        source.write_bytes(data)
        command = [program, "--headless", "--norestore", "--convert-to", target[1:], "--outdir", folder, str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False, cwd=folder)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ParseError(f"转换「{suffix}」文件失败；请在{SAVE_AS[target]}后再上传。") from exc
        result = source.with_suffix(target)
        if not result.exists():
            raise ParseError(f"无法转换该「{suffix}」文件，文件可能已损坏；请在{SAVE_AS[target]}后再上传。")
        return result.read_bytes()

"""parse_report FILE [--json]: the report as read, with its findings; touches no database.

A .zip is read member by member: --json then prints an array of {"file", "report"} or
{"file", "error"} objects.
"""
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from reports.importing import upload_files
from reports.parsers import ARCHIVES, MAX_ARCHIVE_BYTES, ParseError, read_file
from reports.parsers.sandbox import parse_each, parse_untrusted
from reports.rules.context import context_for_shape
from reports.rules.engine import evaluate, skipped


class Command(BaseCommand):
    help = "解析年度报告文件（或 .zip 压缩包中的每份报告）并输出内容与校验结果（不写入数据库）。"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="按规范第7节的 JSON 格式输出")

    def handle(self, *args, file, **options):
        try:
            if Path(file).suffix.lower() in ARCHIVES:
                results = self._archive(file)
            else:
                results = [(file, parse_untrusted(read_file(file), Path(file).name))]
        except (ParseError, OSError) as exc:
            self.stderr.write(f"无法解析「{file}」：{getattr(exc, 'strerror', None) or exc}")
            sys.exit(1)
        failed = [(name, shape) for name, shape in results if isinstance(shape, ParseError)]
        for name, error in failed:
            self.stderr.write(f"无法解析「{name}」：{error}")
        # A file alone: no stored report is read, so the rules comparing with last year are not run.
        parsed = []
        for name, shape in results:
            if not isinstance(shape, ParseError):
                context = context_for_shape(shape)
                parsed.append((name, shape, evaluate(shape, context), skipped(context)))
        if options["json"]:
            if Path(file).suffix.lower() in ARCHIVES:
                data = [{"file": n, "report": s.to_json(f)} for n, s, f, _ in parsed]
                data += [{"file": n, "error": str(e)} for n, e in failed]
            else:
                data = parsed[0][1].to_json(parsed[0][2])
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            for *_, not_run in parsed:  # beside the JSON of spec §7, not inside it
                self._not_run(not_run, self.stderr)
        else:
            for name, shape, findings, not_run in parsed:
                self._summary(name, shape, findings)
                self._not_run(not_run, self.stdout)
        if failed:
            sys.exit(1)

    def _archive(self, file):
        path = Path(file)
        if path.stat().st_size > MAX_ARCHIVE_BYTES:
            raise ParseError(f"压缩包过大，上限为 {MAX_ARCHIVE_BYTES // 1024 // 1024} MB。")
        files = upload_files(path.read_bytes(), path.name)
        shapes = parse_each((Path(name).name, content) for name, content in files)
        return [(name, shape) for (name, _), shape in zip(files, shapes)]

    def _summary(self, name, shape, findings):
        self.stdout.write(f"{name}\n机关：{shape.agency or '未识别'}　年度：{shape.year or '未识别'}　格式：{shape.format_version}")
        for finding in findings:
            self.stdout.write(f"  [{finding.code} {finding.severity.label}] {finding.message}")
        if not findings:
            self.stdout.write("  未发现问题。")

    def _not_run(self, not_run, out):
        """The rules not run, grouped by why: what a file alone cannot tell."""
        reasons = {}
        for rule, reason in not_run:
            reasons.setdefault(reason, []).append(rule.code)
        for reason, codes in reasons.items():
            out.write(f"  未运行 {'、'.join(codes)}：{reason}")

"""parse_report FILE [--json]: the report as read, with its findings; touches no database."""
import json
import sys

from django.core.management.base import BaseCommand

from reports.parsers import ParseError, parse_file
from reports.rules.engine import evaluate


class Command(BaseCommand):
    help = "解析一份年度报告文件并输出其内容与校验结果（不写入数据库）。"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="按规范第7节的 JSON 格式输出")

    def handle(self, *args, file, **options):
        try:
            shape = parse_file(file)
        except ParseError as exc:
            self.stderr.write(f"无法解析「{file}」：{exc}")
            sys.exit(1)
        findings = evaluate(shape)
        if options["json"]:
            self.stdout.write(json.dumps(shape.to_json(findings), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"机关：{shape.agency or '未识别'}　年度：{shape.year or '未识别'}　格式：{shape.format_version}")
        for finding in findings:
            self.stdout.write(f"  [{finding.code} {finding.severity.label}] {finding.message}")
        if not findings:
            self.stdout.write("  未发现问题。")

"""import_reports PATH [PATH …]: import files or folders, each file atomically."""
import os
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from reports.importing import Outcome, import_paths
from reports.models.agency import OPERATOR


class Command(BaseCommand):
    help = "导入年度报告文件或文件夹；同一机关同一年度再次导入时更新该报告，旧版本保留在历史中。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, paths, **options):
        counts = Counter()
        # Parsing is CPU-bound and independent per file: every core parses while batches are written.
        for outcome in import_paths(paths, OPERATOR, workers=os.cpu_count() or 1):
            counts[outcome.action] += 1
            if outcome.action == "failed":
                self.stdout.write(f"{outcome.action_label}\t{outcome.name}\t{outcome.message}")
                continue
            report = outcome.report
            self.stdout.write(
                f"{outcome.action_label}\t{outcome.name}\t{report.agency.name} {report.year}年"
                f"\t错误 {report.error_count}，警告 {report.warning_count}"
            )
        summary = "，".join(f"{label} {counts[action]}" for action, label in Outcome.ACTIONS.items())
        self.stdout.write(f"共 {sum(counts.values())} 个文件：{summary}。")
        if not counts:
            raise CommandError("没有找到可导入的文件。")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} 个文件导入失败。")

"""validate_reports [--year Y] [--workers N] [--paragraphs]: re-run every rule over stored reports
and refresh their findings (with N > 1, the rules run in N processes beside the one reading and
writing). --paragraphs: after a change to how the narrative is cut into paragraphs, rewrite every
report's stored paragraphs (a re-validation rewrites those its findings point into only)."""
from django.core.management.base import BaseCommand

from reports.models import AnnualReport


class Command(BaseCommand):
    help = "按现行规则重新校验已存储的年度报告，并更新其校验结果。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="只校验该年度的报告")
        parser.add_argument("--workers", type=int, default=1, help="运行规则的进程数（默认 1：在本进程内运行）")
        parser.add_argument("--paragraphs", action="store_true", help="同时核对每份报告存储的正文段落，与现行分段不一致的予以重写")

    def handle(self, *args, year=None, workers=1, paragraphs=False, **options):
        reports = AnnualReport.objects.all()
        if year:
            reports = reports.filter(year=year)
        total, with_errors = reports.refresh_findings(workers=workers, all_paragraphs=paragraphs)
        self.stdout.write(f"已校验 {total} 份报告，其中 {with_errors} 份有错误。")

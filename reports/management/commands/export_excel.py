"""export_excel --year Y [--region CODE] [--status S] -o FILE.xlsx: the leadership workbook."""
from django.core.management.base import BaseCommand, CommandError

from reports import audit
from reports.choices import ReportStatus
from reports.exporters.summary import write_summary
from reports.models import AuditAction
from reports.selection import ReportSelection


class Command(BaseCommand):
    help = "导出领导用汇总工作簿（汇总、问题清单、报送进度、图表）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", help="行政区划代码：只导出该区划及其下级")
        parser.add_argument("--status", choices=ReportStatus.values)
        parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")

    def handle(self, *args, year, region=None, status=None, output, **options):
        # The selection of the 统计汇总 page and its download, over every report (no user here).
        selection = ReportSelection({"year": year, "region": region or "", "status": status or ""})
        if not selection.is_valid():
            errors = selection.form.errors
            raise CommandError("；".join(f"{selection.form[name].label}：{' '.join(e)}" for name, e in errors.items()))
        count = write_summary(selection.reports(), output, selection.agencies())
        selected = {"year": year, "region": region or "", "status": status or "", "output": str(output)}
        audit.record(AuditAction.EXPORT, "统计汇总工作簿", username="（命令行）", detail={"selection": selected, "reports": count})
        self.stdout.write(f"已导出 {count} 份报告到 {output}。")

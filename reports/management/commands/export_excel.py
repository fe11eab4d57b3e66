"""export_excel --year Y [--region CODE] [--status S] -o FILE.xlsx: the leadership workbook."""
from django.core.management.base import BaseCommand, CommandError

from reports.choices import ReportStatus
from reports.exporters.summary import write_summary
from reports.models import Agency, AnnualReport, Region


class Command(BaseCommand):
    help = "导出领导用汇总工作簿（汇总、问题清单、报送进度、图表）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", help="行政区划代码：只导出该区划及其下级")
        parser.add_argument("--status", choices=ReportStatus.values)
        parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")

    def handle(self, *args, year, region=None, status=None, output, **options):
        reports = AnnualReport.objects.filter(year=year)
        agencies = Agency.objects.all()
        if region:
            place = Region.objects.filter(code=region).first()
            if place is None:
                raise CommandError(f"没有行政区划代码为「{region}」的区划。")
            reports = reports.in_region(place)
            agencies = agencies.filter(region__path__startswith=place.path)
        if status:
            reports = reports.filter(status=status)
        count = write_summary(reports, output, agencies)
        self.stdout.write(f"已导出 {count} 份报告到 {output}。")

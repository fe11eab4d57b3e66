"""generate_demo --agencies N --years 2019-2025 [--seed S]: a province-sized demo database."""
import re
import time

from django.core.management.base import BaseCommand, CommandError

from reports.demo.generate import DEFECTS, generate


def year_range(text):
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text.strip())
    if not match:
        raise CommandError("年度应写作 2019-2025 或 2024。")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if not 2019 <= first <= last <= 2100:
        raise CommandError("年度范围应在 2019 年（现行格式）之后，且起始年不晚于结束年。")
    return range(first, last + 1)


class Command(BaseCommand):
    help = "生成一个省规模的演示数据库（示范省：区划、各类机关、各年度报告及其审核状态）；同一种子可重复运行，只补齐缺少的部分。"

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, required=True, help="机关数量")
        parser.add_argument("--years", default="2019-2025", help="报告年度范围，如 2019-2025")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--defects", type=float, default=0.12, help="带有常见问题的报告比例")

    def handle(self, *args, agencies, years, seed, defects, **options):
        if agencies < 1:
            raise CommandError("机关数量至少为 1。")
        if not 0 <= defects <= 1:
            raise CommandError("问题报告比例应在 0 到 1 之间。")
        started = time.perf_counter()

        def progress(count):
            elapsed = time.perf_counter() - started
            self.stdout.write(f"  已写入 {count} 份报告（{elapsed:.0f} 秒，{count / elapsed:.0f} 份/秒）")

        outcome = generate(agencies, year_range(years), seed=seed, defect_share=defects, progress=progress)
        elapsed = time.perf_counter() - started
        kinds = "，".join(f"{kind}（{'/'.join(DEFECTS[kind])}）{n}" for kind, n in sorted(outcome.defects.items()))
        self.stdout.write(
            f"示范省：{outcome.regions} 个区划，{outcome.agencies} 个机关；新写入 {outcome.reports} 份报告，"
            f"用时 {elapsed:.1f} 秒" + (f"，其中带问题的 {sum(outcome.defects.values())} 份：{kinds}" if kinds else "") + "。"
        )

"""cleanup_jobs: remove what background jobs leave behind once it is old (run it daily, e.g. cron)."""
from django.conf import settings
from django.core.management.base import BaseCommand

from reports import jobs


class Command(BaseCommand):
    help = "删除过期的后台任务及其结果文件、过期的暂存上传文件和任务队列中已完成的记录。"

    def handle(self, *args, **options):
        removed = jobs.cleanup()
        self.stdout.write(
            f"已删除 {removed['jobs']} 个 {settings.JOB_RETENTION_DAYS} 天前完成的任务（{removed['files']} 个结果文件）、"
            f"{removed['stagings']} 批过期的暂存上传、{removed['tasks']} 条队列记录。"
        )

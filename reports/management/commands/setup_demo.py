"""setup_demo: the seed reports as demo data, and one demo user per role (idempotent).

Every demo account gets the password of DEMO_PASSWORD, which must meet the password policy, and,
as any password an administrator sets, its user changes it at the first login.
"""
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports import roles
from reports.importing import import_paths
from reports.models import Agency, Profile, Region
from reports.models.agency import OPERATOR

SEEDS = Path(__file__).resolve().parents[2] / "demo" / "seeds"
DEFAULT_PASSWORD = "GovInfo-Demo-1"

# The demo accounts besides the clerks: one per role.
DEMO_STAFF = (
    ("admin", roles.SUPERUSER),
    ("reviewer", roles.REVIEWER),
    ("leader", roles.LEADER),
    ("xitong", roles.SYSTEM_ADMIN),
    ("anquan", roles.SECURITY_ADMIN),
    ("shenji", roles.AUDIT_ADMIN),
)
# The seed agencies in their 行政区划 (code, name) chains, and their demo clerks' usernames.
DEMO_AGENCIES = (
    ("吴忠市利通区卫生健康局", "litong", [("640000", "宁夏回族自治区"), ("640300", "吴忠市"), ("640302", "利通区")]),
    ("泰安市泰山区卫生健康局", "taishan", [("370000", "山东省"), ("370900", "泰安市"), ("370902", "泰山区")]),
    ("哈尔滨市呼兰区卫生健康局", "hulan", [("230000", "黑龙江省"), ("230100", "哈尔滨市"), ("230111", "呼兰区")]),
    ("原平市卫生健康局", "yuanping", [("140000", "山西省"), ("140900", "忻州市"), ("140981", "原平市")]),
    ("榆林市榆阳区卫生健康局", "yuyang", [("610000", "陕西省"), ("610800", "榆林市"), ("610802", "榆阳区")]),
)


class Command(BaseCommand):
    help = "导入五份样例报告并创建演示账号（可重复运行）。密码取自环境变量 DEMO_PASSWORD。"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="服务地址（只用于打印提示）")

    def handle(self, *args, url, **options):
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)
        self._check(password, [username for username, _ in DEMO_STAFF] + [user for _, user, _ in DEMO_AGENCIES])
        with transaction.atomic():
            groups = roles.ensure_groups()
            agencies = [self._agency(name, chain) for name, _, chain in DEMO_AGENCIES]
        failed = [o for o in import_paths([SEEDS], OPERATOR) if o.action == "failed"]
        if failed:
            raise CommandError("；".join(f"{o.name}：{o.message}" for o in failed))

        accounts = [(username, role, None) for username, role in DEMO_STAFF]
        accounts += [(user, roles.AGENCY_CLERK, agency) for (_, user, _), agency in zip(DEMO_AGENCIES, agencies)]
        for username, role, agency in accounts:
            user = self._user(username, password, role, groups)
            Profile.objects.update_or_create(
                user=user, defaults={"agency": agency, "region": None, "must_change_password": True}
            )
            self.stdout.write(f"{username}\t{role}\t{agency.name if agency else '全部区划'}")
        origin = url.rstrip("/")
        source = "环境变量 DEMO_PASSWORD" if "DEMO_PASSWORD" in os.environ else f"默认的 {DEFAULT_PASSWORD}"
        self.stdout.write(
            f"演示数据已就绪。填报员登录 {origin}/reports/ ，审核和管理登录 {origin}/admin/ 。\n"
            f"以上账号的密码均为{source}（见 README「Demo users」），首次登录须先修改密码。"
        )

    def _check(self, password, usernames):
        User = get_user_model()
        try:
            for username in usernames:
                validate_password(password, User(username=username))
        except ValidationError as exc:
            raise CommandError(f"DEMO_PASSWORD 不符合密码策略：{''.join(exc.messages)}") from exc

    def _agency(self, name, chain):
        parent = None
        for code, region_name in chain:
            parent, _ = Region.objects.update_or_create(code=code, defaults={"name": region_name, "parent": parent})
        agency, _ = Agency.objects.update_or_create(name=name, defaults={"region": parent})
        return agency

    def _user(self, username, password, role, groups):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.is_superuser = username == "admin"
        user.is_staff = user.is_superuser or role in roles.STAFF_ROLES
        user.save()
        user.groups.set([groups[role]] if role in groups else [])
        return user

"""The admin speaks Chinese: every page each role reaches, walked by its links, holds none of
the English or awkward strings Django's own translation leaves (issue 11)."""
import json
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reports.models import Profile

# What a reviewer or an administrator met before: Django's untranslated or awkward wording.
FORBIDDEN = [
    "以 ",  # 「以 报告年度」: filters read 按报告年度
    "After you", "Choose", "Remove", "Can add", "Can change", "Can delete", "Can view", "Django", "Welcome",
    "USER", "Axes", "object (", "工作人员状态", "超级用户状态", "欢迎， ", "个 用户",
]  # fmt: skip
AWKWARD = [
    re.compile(r"(增加|修改|查看|选择|可用|选中的|删除所选的) [\u4e00-\u9fff]"),  # 「增加 用户」: no space in Chinese
    re.compile(r"[\u4e00-\u9fff][.](\s|$)"),  # a half-width full stop
    re.compile(r"^\d+ [\u4e00-\u9fff]+$", re.M),  # 「12 用户」
]
# A label's half-width colon (Django writes the items of a delete confirmation with one in code).
COLON = re.compile(r"[\u4e00-\u9fff]:(\s|$)")
# Latin words a page may hold: file formats, product and key names.
ALLOWED_WORDS = {
    "Excel", "Word", "SHA-256", "SHA", "zip", "txt", "md", "html", "htm", "docx", "xlsx", "pdf", "doc", "wps",
    "et", "xls", "csv", "Control", "Command", "Mac", "IP", "MB",
}  # fmt: skip
# The statistics sheet's columns are named by canonical key, by design (README).
WORDS_UNCHECKED = (reverse("admin:reports_annualreport_import"), reverse("admin:reports_annualreport_export"))
SKIP = ("logout", "/download/", "/source/", "jsi18n", "password_change")
PAGES_PER_ROLE = 60


class Visible(HTMLParser):
    """The text a person sees (and hears: titles, labels, button values), without scripts, styles
    and the reports' own text (a report is stored as published, in whatever words it has)."""

    SKIPPED = ("script", "style")
    QUOTED = ("report-body", "revisions", "findings", "explanations", "transitions", "changes")

    def __init__(self):
        super().__init__()
        self.texts, self.links, self.skipping = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if self.skipping or tag in self.SKIPPED or any(c in self.QUOTED for c in classes):
            self.skipping.append(tag)
            return
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


def pattern(url):
    parts = urlsplit(url)
    return re.sub(r"/\d+/", "/N/", parts.path), tuple(sorted(k.split("=")[0] for k in parts.query.split("&") if k))


def walk(client, start):
    """(url, visible text) of every admin page reachable from `start` by links, a few per path."""
    seen, per_path, queue = set(), {}, deque(start)
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.popleft()
        key = pattern(url)
        if key in seen or per_path.get(key[0], 0) >= 2:
            continue
        seen.add(key)
        per_path[key[0]] = per_path.get(key[0], 0) + 1
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = Visible()
        page.feed(response.content.decode())
        yield url, "\n".join(page.texts)
        for href in page.links:
            target = urljoin(url, href)
            if target.startswith("/admin/") and not any(s in target for s in SKIP):
                queue.append(target)


def problems(url, text):
    found = [s for s in FORBIDDEN if s in text] + [m.group(0) for a in (*AWKWARD, COLON) for m in a.finditer(text)]
    if not url.startswith(WORDS_UNCHECKED):
        # Names of people and files, hashes, paths and codes are data, not the admin's words.
        users = set(get_user_model().objects.values_list("username", flat=True))
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9_\-]*", re.sub(r"\S*[/.]\S*", " ", text)))
        found += sorted(w for w in words - ALLOWED_WORDS - users if not re.search(r"\d", w))
    return found


@pytest.mark.parametrize("username", ["reviewer", "leader", "xitong", "anquan", "shenji", "admin"])
def test_every_admin_page_speaks_chinese(client, demo, username):
    waiting = get_user_model().objects.create_user("wangfang")  # waits for a role and a password
    waiting.set_unusable_password()
    waiting.save()
    Profile.objects.create(user=waiting, agency=demo[0].agency)
    client.force_login(get_user_model().objects.get(username=username))
    start = [reverse("admin:index"), reverse("admin:auth_user_add"), reverse("admin:reports_annualreport_upload"),
             *[reverse(f"admin:auth_user_{page}", args=[waiting.pk]) for page in ("change", "password_change")]]  # fmt: skip
    wrong = {url: found for url, text in walk(client, start) if (found := problems(url, text))}
    assert not wrong, wrong


def test_the_admins_scripts_speak_chinese(client, reviewer):
    """The two-box selector of roles and permissions is written by script, from this catalogue."""
    client.force_login(reviewer)
    script = client.get(reverse("admin:jsi18n")).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\n  \});", script, re.S).group(1))
    choose = 'Choose %s by selecting them and then select the "Choose" arrow button.'
    assert catalog[choose] == "在下框中选中%s，再点击「选择」箭头。"
    assert catalog["Available %s"] == "可选%s" and catalog["Chosen %s"] == "已选%s"
    assert catalog["%(sel)s of %(cnt)s selected"] == ["已选 %(sel)s 个，共 %(cnt)s 个"]
    assert not [key for key, text in catalog.items() if not re.search(r"[\u4e00-\u9fff]", str(text))]


def test_a_bulk_delete_confirmation_writes_labels_the_chinese_way(client, demo):
    client.force_login(get_user_model().objects.get(username="admin"))
    reports = [demo[0].pk, demo[1].pk]
    data = {"action": "delete_selected", "_selected_action": reports}
    page = client.post(reverse("admin:reports_annualreport_changelist"), data).content.decode()
    assert "年度报告：" in page and "：2" in page  # each item and the summary's count
    assert not COLON.findall(page)

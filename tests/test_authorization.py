"""Who may reach what: every URL of the site and the admin, every admin action and import path,
for every persona (issue 10: "a parametrized authorization test covers every URL … × every
persona"). A URL added without a line here fails test_every_url_is_covered.

Outcomes: "ok" (200), "done" (a redirect after a permitted action or to the page the user may
see instead), "login" (sent to a login page), "denied" (403, 404, or the admin's redirect to its
index for an object the user may not see). A denied request changes nothing and shows nothing: every
response is also searched for the narrative of each report the persona may not see.
"""
import re
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from reports import jobs, roles, staging
from reports.choices import ReportStatus
from reports.models import Acknowledgement, Agency, AnnualReport, AuditEvent, Finding, JobKind, Profile, Region, Transition

from .conftest import make_user, seed

ANON, LITONG, TAISHAN = "anonymous", "litong", "taishan"  # clerks of 利通区 (宁夏) and 泰山区 (山东)
REV_ALL, REV_NX, LEAD_NX = "reviewer", "ningxia", "lingdao"  # reviewer of all; reviewer, leader of 宁夏
SYS, SEC, AUD, ROOT = "xitong", "anquan", "shenji", "admin"  # 三员 and the superuser
PERSONAS = [ANON, LITONG, TAISHAN, REV_ALL, REV_NX, LEAD_NX, SYS, SEC, AUD, ROOT]
CLERKS = {LITONG, TAISHAN}
# Who may read each report: IN is 利通区's (inside 宁夏), OUT is 泰山区's.
READ_IN = {LITONG, REV_ALL, REV_NX, LEAD_NX, ROOT}
READ_OUT = {TAISHAN, REV_ALL, ROOT}
STAFF = {REV_ALL, REV_NX, LEAD_NX, SYS, SEC, AUD, ROOT}
STAFF_READERS = {REV_ALL, REV_NX, LEAD_NX, ROOT}  # view permission on reports
IMPORTERS = {REV_ALL, REV_NX, ROOT}
REGISTRY_READERS = {REV_ALL, REV_NX, LEAD_NX, SYS, ROOT}


def outcomes(ok=(), done=(), login=(), **extra):
    table = {persona: "ok" for persona in ok}
    table.update({persona: "done" for persona in done})
    table.update({persona: "login" for persona in login})
    table.update(extra)
    return table


@pytest.fixture
def world(demo):
    """The demo (its five seed reports, clerks and administrators) and a 宁夏 reviewer and leader;
    the objects each URL names."""
    ningxia = Region.objects.get(code="640000")
    for username, role in ((REV_NX, roles.REVIEWER), (LEAD_NX, roles.LEADER)):
        user = make_user(username, role)
        Profile.objects.create(user=user, region=ningxia, must_change_password=False)
    users = {u.username: u for u in get_user_model().objects.all()}
    report_in, report_out = demo[0], demo[1]
    staged = staging.stage(users[REV_NX], [(seed(0).name, seed(0).read_bytes())])
    jobs.start(users[REV_NX], JobKind.IMPORT_PREVIEW, "读取", token=staged)  # run at once in tests
    job = jobs.start(users[REV_NX], JobKind.SUMMARY, "汇总", query="year=2022", filename="汇总.xlsx")
    lock = AccessAttempt.objects.create(
        username="litong", ip_address="10.0.0.9", user_agent="x", failures_since_start=5, attempt_time=timezone.now()
    )
    return {
        "users": users,
        "in": report_in,
        "out": report_out,
        "token": staged,
        "job": job,
        "agency_in": report_in.agency,
        "agency_out": report_out.agency,
        "region": Region.objects.get(code="640302"),
        "group": Group.objects.get(name=roles.REVIEWER),
        "event": AuditEvent.objects.first(),
        "lock": lock,
        "narratives": {key: report.overall[20:60] for key, report in (("in", report_in), ("out", report_out))},
        # A warning of 泰山区's report for a reviewer to acknowledge (已核实).
        "warning": Finding.objects.create(
            report=report_out, code="W12", severity="warning", message="第五部分未写明具体的改进措施。",
            field="improvements", location="improvements",
        ),
    }


def admin(name, *args):
    return reverse(f"admin:{name}", args=args)


def changelist_action(action, pks):
    return {"action": action, "_selected_action": pks, "post": "yes", "confirm": "1", "comment": "请核对。"}


# (key, method, url(world), data(world) or None, outcomes). Admin URLs send clerks and
# anonymous users to the admin's login page; site URLs send anonymous users to the site's.
CASES = [
    # -- the agency site ------------------------------------------------------------------
    ("reports:list", "get", lambda w: reverse("reports:list"), None,
     outcomes(ok=set(PERSONAS) - {ANON})),
    ("reports:start", "post", lambda w: reverse("reports:start"), {},
     outcomes(done=CLERKS)),
    ("reports:edit", "get", lambda w: reverse("reports:edit", args=[w["in"].pk]), None,
     outcomes(ok={LITONG, ROOT}, done={REV_ALL, REV_NX, LEAD_NX})),
    ("reports:edit out", "get", lambda w: reverse("reports:edit", args=[w["out"].pk]), None,
     outcomes(ok={TAISHAN, ROOT}, done={REV_ALL})),
    ("reports:edit save", "post", lambda w: reverse("reports:edit", args=[w["out"].pk]), lambda w: {"title": "改"},
     outcomes(done={TAISHAN, ROOT, REV_ALL})),
    ("reports:submit", "get", lambda w: reverse("reports:submit", args=[w["in"].pk]), None,
     outcomes(ok={LITONG, ROOT})),
    ("reports:submit out", "post", lambda w: reverse("reports:submit", args=[w["out"].pk]), {},
     outcomes(ok={TAISHAN, ROOT})),
    ("reports:print", "get", lambda w: reverse("reports:print", args=[w["in"].pk]), None,
     outcomes(ok=READ_IN)),
    ("reports:print out", "get", lambda w: reverse("reports:print", args=[w["out"].pk]), None,
     outcomes(ok=READ_OUT)),
    ("reports:compare", "get", lambda w: reverse("reports:compare", args=[w["in"].pk]), None,
     outcomes(ok=READ_IN)),
    ("reports:compare out", "get", lambda w: reverse("reports:compare", args=[w["out"].pk]), None,
     outcomes(ok=READ_OUT)),
    *[(f"reports:download {kind}", "get", lambda w, kind=kind: reverse("reports:download", args=[w["out"].pk, kind]),
       None, outcomes(ok=READ_OUT)) for kind in ("xlsx", "docx", "template")],
    ("reports:template", "get", lambda w: reverse("reports:template"), None,
     outcomes(ok=set(PERSONAS) - {ANON})),
    ("login", "get", lambda w: reverse("login"), None, outcomes(ok=PERSONAS)),
    ("logout", "post", lambda w: reverse("logout"), {}, outcomes(login=PERSONAS)),
    ("password_change", "get", lambda w: reverse("password_change"), None,
     outcomes(ok=set(PERSONAS) - {ANON})),
    # -- the admin: pages of its own ----------------------------------------------------------
    ("admin:index", "get", lambda w: admin("index"), None, outcomes(ok=STAFF)),
    ("admin:login", "get", lambda w: admin("login"), None,
     outcomes(ok={ANON, LITONG, TAISHAN}, done=STAFF)),  # to the index
    # The admin's logout ends any session; a visitor without one is sent to the admin's index.
    ("admin:logout", "post", lambda w: admin("logout"), {}, outcomes(login=STAFF, done={ANON} | CLERKS)),
    ("admin:password_change", "get", lambda w: admin("password_change"), None, outcomes(done=PERSONAS)),
    ("admin:password_change_done", "get", lambda w: admin("password_change_done"), None,
     outcomes(ok=STAFF)),
    ("admin:jsi18n", "get", lambda w: admin("jsi18n"), None, outcomes(ok=STAFF)),
    ("admin:view_on_site", "get", lambda w: admin("view_on_site", 1, w["in"].pk), None, outcomes()),
    ("admin:app_list", "get", lambda w: reverse("admin:app_list", kwargs={"app_label": "reports"}), None,
     outcomes(ok=STAFF)),
    ("admin:autocomplete", "get",  # agency names, to whoever may view agencies (the registry)
     lambda w: admin("autocomplete") + "?app_label=reports&model_name=annualreport&field_name=agency&term=泰山", None,
     outcomes(ok=REGISTRY_READERS)),
    # -- reports in the admin --------------------------------------------------------------
    ("admin:reports_annualreport_changelist", "get", lambda w: admin("reports_annualreport_changelist"), None,
     outcomes(ok=STAFF_READERS)),
    ("admin:reports_annualreport_add", "get", lambda w: admin("reports_annualreport_add"), None, outcomes(ok={ROOT})),
    ("admin:reports_annualreport_change", "get", lambda w: admin("reports_annualreport_change", w["in"].pk), None,
     outcomes(ok=STAFF_READERS)),
    ("admin:reports_annualreport_change out", "get", lambda w: admin("reports_annualreport_change", w["out"].pk), None,
     outcomes(ok={REV_ALL, ROOT})),
    ("admin:reports_annualreport_change save", "post", lambda w: admin("reports_annualreport_change", w["out"].pk),
     lambda w: {"title": "改"}, outcomes(ok={ROOT})),
    ("admin:reports_annualreport_history", "get", lambda w: admin("reports_annualreport_history", w["out"].pk), None,
     outcomes(ok={REV_ALL, ROOT})),
    ("admin:reports_annualreport_delete", "get", lambda w: admin("reports_annualreport_delete", w["out"].pk), None,
     outcomes(ok={ROOT})),
    ("admin:reports_annualreport_source", "get", lambda w: admin("reports_annualreport_source", w["out"].pk), None,
     outcomes(ok={REV_ALL, ROOT})),
    ("admin:reports_annualreport_compare", "get", lambda w: admin("reports_annualreport_compare", w["in"].pk), None,
     outcomes(ok=STAFF_READERS)),
    ("admin:reports_annualreport_compare out", "get", lambda w: admin("reports_annualreport_compare", w["out"].pk),
     None, outcomes(ok={REV_ALL, ROOT})),
    ("admin:reports_annualreport_move", "post", lambda w: admin("reports_annualreport_move", w["out"].pk),
     {"to_status": ReportStatus.RETURNED, "comment": "请核对。"}, outcomes(done={REV_ALL, ROOT})),
    ("admin:reports_annualreport_acknowledge", "post", lambda w: admin("reports_annualreport_acknowledge", w["out"].pk),
     lambda w: {"finding": w["warning"].pk, "note": "已电话核实。"}, outcomes(done={REV_ALL, ROOT})),
    ("admin:reports_annualreport_progress", "get", lambda w: admin("reports_annualreport_progress") + "?year=2022",
     None, outcomes(ok=STAFF_READERS)),
    ("admin:reports_annualreport_leadership", "get", lambda w: admin("reports_annualreport_leadership"), None,
     outcomes(ok=STAFF_READERS)),
    ("admin:reports_annualreport_leadership_download", "get",
     lambda w: admin("reports_annualreport_leadership_download") + "?year=2022", None,
     outcomes(done=STAFF_READERS)),  # to the page of the job that writes the workbook
    # 我的任务: every admin user has the page, each sees only their own jobs (a superuser all).
    ("admin:reports_annualreport_jobs", "get", lambda w: admin("reports_annualreport_jobs"), None, outcomes(ok=STAFF)),
    ("admin:reports_annualreport_job", "get", lambda w: admin("reports_annualreport_job", w["job"].pk), None,
     outcomes(ok={REV_NX, ROOT})),
    ("admin:reports_annualreport_job_download", "get",
     lambda w: admin("reports_annualreport_job_download", w["job"].pk), None, outcomes(ok={REV_NX, ROOT})),
    ("admin:reports_annualreport_revalidate", "post", lambda w: admin("reports_annualreport_revalidate"),
     {"year": "2022"}, outcomes(done={REV_ALL, REV_NX, ROOT})),
    ("admin:reports_annualreport_upload", "get", lambda w: admin("reports_annualreport_upload"), None,
     outcomes(ok=IMPORTERS)),
    ("admin:reports_annualreport_upload post", "post", lambda w: admin("reports_annualreport_upload"),
     lambda w: {"files": [SimpleUploadedFile(seed(1).name, seed(1).read_bytes())]}, outcomes(done=IMPORTERS)),
    ("admin:reports_annualreport_upload_preview", "get",
     lambda w: admin("reports_annualreport_upload_preview", w["token"]), None, outcomes(ok={REV_NX}, done={REV_ALL, ROOT})),
    ("admin:reports_annualreport_upload_preview confirm", "post",
     lambda w: admin("reports_annualreport_upload_preview", w["token"]),
     {"0-include": "on", "0-agency": "other", "0-other_name": "泰安市泰山区卫生健康局", "0-year": "2022"},
     outcomes(ok={REV_NX}, done={REV_ALL, ROOT})),  # the page again, refusing 泰山区's agency: outside 宁夏;
    # another user's staging is as good as none: 已过期或不存在
    ("admin:reports_annualreport_import", "get", lambda w: admin("reports_annualreport_import"), None,
     outcomes(ok={ROOT})),
    ("admin:reports_annualreport_process_import", "post", lambda w: admin("reports_annualreport_process_import"), {},
     outcomes(ok={ROOT})),  # the form again: nothing was confirmed
    ("admin:reports_annualreport_export", "get", lambda w: admin("reports_annualreport_export"), None,
     outcomes(ok=STAFF_READERS)),
    # Bulk actions: whoever may not take one gets the list again (an action they do not have, or
    # a selection outside what they see, acts on nothing); test_denied_writes_change_nothing.
    *[(f"action {action}", "post", lambda w, a=action: admin("reports_annualreport_changelist"),
       lambda w, a=action: changelist_action(a, [w["out"].pk]), outcomes(ok={LEAD_NX}, done={REV_ALL, REV_NX, ROOT}))
      for action in ("approve", "send_back", "delete_selected")],
    # -- the registry --------------------------------------------------------------------
    *[case for model, obj in (("region", "region"), ("agency", "agency_out")) for case in (
        (f"admin:reports_{model}_changelist", "get", lambda w, m=model: admin(f"reports_{m}_changelist"), None,
         outcomes(ok=REGISTRY_READERS)),
        (f"admin:reports_{model}_add", "get", lambda w, m=model: admin(f"reports_{m}_add"), None, outcomes(ok={SYS, ROOT})),
        (f"admin:reports_{model}_change", "get", lambda w, m=model, o=obj: admin(f"reports_{m}_change", w[o].pk), None,
         outcomes(ok={SYS, ROOT} | ({REV_ALL, REV_NX, LEAD_NX} if model == "region" else {REV_ALL}))),
        (f"admin:reports_{model}_history", "get", lambda w, m=model, o=obj: admin(f"reports_{m}_history", w[o].pk), None,
         outcomes(ok={SYS, ROOT} | ({REV_ALL, REV_NX, LEAD_NX} if model == "region" else {REV_ALL}))),
        (f"admin:reports_{model}_delete", "get", lambda w, m=model, o=obj: admin(f"reports_{m}_delete", w[o].pk), None,
         outcomes(ok={SYS, ROOT})),
        (f"admin:reports_{model}_import", "get", lambda w, m=model: admin(f"reports_{m}_import"), None,
         outcomes(ok={SYS, ROOT})),
        (f"admin:reports_{model}_process_import", "post", lambda w, m=model: admin(f"reports_{m}_process_import"), {},
         outcomes(ok={SYS, ROOT})),
        (f"admin:reports_{model}_export", "get", lambda w, m=model: admin(f"reports_{m}_export"), None,
         outcomes(ok=REGISTRY_READERS)),
    )],
    # -- accounts, roles, locks, the audit log ---------------------------------------------------
    ("admin:auth_user_changelist", "get", lambda w: admin("auth_user_changelist"), None, outcomes(ok={SYS, SEC, ROOT})),
    ("admin:auth_user_add", "get", lambda w: admin("auth_user_add"), None, outcomes(ok={SYS, ROOT})),
    ("admin:auth_user_change", "get", lambda w: admin("auth_user_change", w["users"][LITONG].pk), None,
     outcomes(ok={SYS, SEC, ROOT})),
    ("admin:auth_user_change superuser", "get", lambda w: admin("auth_user_change", w["users"][ROOT].pk), None,
     outcomes(ok={ROOT})),
    ("admin:auth_user_history", "get", lambda w: admin("auth_user_history", w["users"][LITONG].pk), None,
     outcomes(ok={SYS, SEC, ROOT})),
    ("admin:auth_user_delete", "get", lambda w: admin("auth_user_delete", w["users"][LITONG].pk), None,
     outcomes(ok={ROOT})),
    ("admin:auth_user_password_change", "get", lambda w: admin("auth_user_password_change", w["users"][LITONG].pk),
     None, outcomes(ok={SEC, ROOT})),
    ("admin:auth_user_password_change own", "get", lambda w: admin("auth_user_password_change", w["users"][SEC].pk),
     None, outcomes(ok={ROOT})),
    ("admin:auth_group_changelist", "get", lambda w: admin("auth_group_changelist"), None, outcomes(ok={SEC, ROOT})),
    ("admin:auth_group_add", "get", lambda w: admin("auth_group_add"), None, outcomes(ok={ROOT})),
    ("admin:auth_group_change", "get", lambda w: admin("auth_group_change", w["group"].pk), None,
     outcomes(ok={SEC, ROOT})),
    ("admin:auth_group_history", "get", lambda w: admin("auth_group_history", w["group"].pk), None,
     outcomes(ok={SEC, ROOT})),
    ("admin:auth_group_delete", "get", lambda w: admin("auth_group_delete", w["group"].pk), None,
     outcomes()),  # a role of reports.roles: nobody deletes it
    ("admin:reports_auditevent_changelist", "get", lambda w: admin("reports_auditevent_changelist"), None,
     outcomes(ok={AUD, ROOT})),
    ("admin:reports_auditevent_change", "get", lambda w: admin("reports_auditevent_change", w["event"].pk), None,
     outcomes(ok={AUD, ROOT})),
    ("admin:reports_auditevent_change save", "post", lambda w: admin("reports_auditevent_change", w["event"].pk),
     {"username": "x"}, outcomes()),
    ("admin:reports_auditevent_history", "get", lambda w: admin("reports_auditevent_history", w["event"].pk), None,
     outcomes(ok={AUD, ROOT})),
    ("admin:reports_auditevent_add", "get", lambda w: admin("reports_auditevent_add"), None, outcomes()),
    ("admin:reports_auditevent_delete", "post", lambda w: admin("reports_auditevent_delete", w["event"].pk),
     {"post": "yes"}, outcomes()),
    ("admin:reports_auditevent_export", "get", lambda w: admin("reports_auditevent_export"), None,
     outcomes(ok={AUD, ROOT})),
    ("admin:reports_loginlock_changelist", "get", lambda w: admin("reports_loginlock_changelist"), None,
     outcomes(ok={SEC, ROOT})),
    ("admin:reports_loginlock_change", "get", lambda w: admin("reports_loginlock_change", w["lock"].pk), None,
     outcomes(ok={SEC, ROOT})),
    ("admin:reports_loginlock_history", "get", lambda w: admin("reports_loginlock_history", w["lock"].pk), None,
     outcomes(ok={SEC, ROOT})),
    ("admin:reports_loginlock_add", "get", lambda w: admin("reports_loginlock_add"), None, outcomes()),
    ("admin:reports_loginlock_delete", "get", lambda w: admin("reports_loginlock_delete", w["lock"].pk), None,
     outcomes()),
    ("action release", "post", lambda w: admin("reports_loginlock_changelist"),
     lambda w: changelist_action("release", [w["lock"].pk]), outcomes(done={SEC, ROOT})),
]  # fmt: skip
ADMIN_PREFIX = "/admin/"


def expected(key, url, table, persona):
    if persona in table:
        return table[persona]
    if persona == ANON or (persona in CLERKS and url.startswith(ADMIN_PREFIX)):
        return "login"
    return "denied"


def outcome(response):
    if response.status_code == 200:
        return "ok"
    if response.status_code in (403, 404):
        return "denied"
    if response.status_code == 302:
        location = urlsplit(response["Location"]).path
        if location in (reverse("login"), reverse("admin:login")):
            return "login"
        if location == reverse("admin:index"):  # the admin's answer for an object the user may not see
            return "index"
        return "done"
    return f"status {response.status_code}"


def request_as(client, world, persona, method, url, data):
    client.logout()
    if persona != ANON:
        client.force_login(world["users"][persona])
    if method == "get":
        return client.get(url)
    return client.post(url, data(world) if callable(data) else data)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_exactly_what_its_role_allows(client, world, persona):
    hidden = [text for key, text in world["narratives"].items()
              if persona not in (READ_IN if key == "in" else READ_OUT)]  # fmt: skip
    wrong = []
    for key, method, url_of, data, table in CASES:
        url = url_of(world)
        response = request_as(client, world, persona, method, url, data)
        want, got = expected(key, url, table, persona), outcome(response)
        if got != want and not (got == "index" and want in ("denied", "done")):
            wrong.append(f"{key}: {persona} expected {want}, got {got} ({response.status_code} {url})")
        body = b"".join(response) if response.streaming else response.content
        leaked = [text for text in hidden if text.encode() in body]
        if leaked:
            wrong.append(f"{key}: {persona} was shown another region's report ({leaked[0]}…)")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - {REV_ALL, ROOT}))
def test_denied_writes_change_nothing(client, world, persona):
    """泰山区's report, as every persona that may not act on it tries to."""
    report = world["out"]
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    before = (AnnualReport.objects.get(pk=report.pk).version, Transition.objects.count(), Agency.objects.count(),
              Acknowledgement.objects.count())
    for key, method, url_of, data, table in CASES:
        if method == "post" and persona not in table and key not in ("logout", "admin:logout"):
            request_as(client, world, persona, method, url_of(world), data)
    stored = AnnualReport.objects.get(pk=report.pk)
    if persona != TAISHAN:  # 泰山区's own clerk may edit a draft: the report is submitted here
        assert (stored.version, Transition.objects.count(), Agency.objects.count(),
                Acknowledgement.objects.count()) == before
        assert stored.status == ReportStatus.SUBMITTED and stored.title == report.title
    assert AuditEvent.objects.filter(username="x").count() == 0


def test_every_url_is_covered():
    def names(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from names(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    covered = {re.sub(r" .*", "", key) for key, *_ in CASES}
    missing = set(names(get_resolver().url_patterns)) - covered
    assert not missing, sorted(missing)


def test_autocomplete_offers_only_the_agencies_the_user_may_see(client, world):
    url = admin("autocomplete") + "?app_label=reports&model_name=annualreport&field_name=agency&term="
    client.force_login(world["users"][REV_NX])
    names = [item["text"] for item in client.get(url + "卫生健康局").json()["results"]]
    assert names == ["吴忠市利通区卫生健康局"]
    client.force_login(world["users"][REV_ALL])
    assert len(client.get(url + "卫生健康局").json()["results"]) == 5

"""导入年报: upload → preview (nothing stored) → confirm → result."""
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports import roles, staging
from reports.models import Agency, AnnualReport, Job, JobKind, ReportRevision

from ..conftest import make_user, seed

UPLOAD = reverse("admin:reports_annualreport_upload")


def upload(client, *files):
    return client.post(UPLOAD, {"files": [SimpleUploadedFile(name, data) for name, data in files]})


def preview_url(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def choices(html):
    """The form values the preview page starts with, as a browser would submit them."""
    data = {}
    for name, value in re.findall(r'<input type="(?:text|number)" name="([^"]+)" value="([^"]*)"', html):
        data[name] = value
    for name in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]* checked', html):
        data[name] = "on"
    for name, value in re.findall(r'<input type="radio" name="([^"]+)" value="([^"]*)"[^>]* checked', html):
        data[name] = value
    return data


@pytest.fixture
def importer(client, superuser):
    client.force_login(superuser)
    return client


def test_reviewers_import_documents_and_leaders_do_not(client, reviewer):
    client.force_login(reviewer)
    assert client.get(UPLOAD).status_code == 200
    assert "导入年报" in client.get(reverse("admin:reports_annualreport_changelist")).content.decode()
    client.force_login(make_user("lin", roles.LEADER))
    assert client.get(UPLOAD).status_code == 403
    assert "导入年报" not in client.get(reverse("admin:reports_annualreport_changelist")).content.decode()


def test_upload_preview_confirm_stores_nothing_until_confirmed(importer):
    assert "导入年报" in importer.get(reverse("admin:reports_annualreport_changelist")).content.decode()
    url = preview_url(upload(importer, (seed(2).name, seed(2).read_bytes()), (seed(1).name, seed(1).read_bytes())))
    page = importer.get(url).content.decode()
    assert not AnnualReport.objects.exists() and not Agency.objects.exists()
    assert page.count('class="import-action">新建') == 2
    assert "呼兰区卫生健康局" in page and "识别结果" in page
    # The tables in the official layout, with the findings on their cells.
    assert re.search(r'data-cell="applications__unable_not_held__total"[^>]*class="value finding-error"', page)
    assert "表三「1.本机关不掌握相关政府信息」行" in page

    result = importer.post(url, choices(page))
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert result.status_code == 302 and result["Location"] == reverse("admin:reports_annualreport_job", args=[job.pk])
    assert AnnualReport.objects.count() == 2
    # Refresh and Back show the import's job; a resubmit finds it, and imports nothing twice.
    for again in (importer.get(result["Location"]), importer.post(url, choices(page), follow=True)):
        rows = re.findall(r'<tr class="action-(\w+)"><td>([^<]+)</td>', again.content.decode())
        assert sorted(rows) == sorted([("created", seed(2).name), ("created", seed(1).name)])
    assert AnnualReport.objects.count() == 2 and ReportRevision.objects.count() == 2


def test_identical_reupload_is_recognised_and_not_preselected(importer):
    url = preview_url(upload(importer, (seed(1).name, seed(1).read_bytes())))
    importer.post(url, choices(importer.get(url).content.decode()))
    url = preview_url(upload(importer, (seed(1).name, seed(1).read_bytes())))
    page = importer.get(url).content.decode()
    assert 'class="import-action">未变化' in page and "完全相同" in page
    assert "0-include" not in choices(page)
    importer.post(url, choices(page))
    assert ReportRevision.objects.count() == 1


def test_replacement_shows_the_cells_that_change(importer):
    url = preview_url(upload(importer, (seed(2).name, seed(2).read_bytes())))
    importer.post(url, choices(importer.get(url).content.decode()))
    corrected = seed(2).read_text().replace("\t8\n", "\t0\n", 1).encode()
    url = preview_url(upload(importer, ("呼兰区更正.txt", corrected)))
    page = importer.get(url).content.decode()
    assert 'class="import-action">更新' in page
    assert "以下 1 处有变化" in page
    assert "表三「1.本机关不掌握相关政府信息」行「自然人」列</td><td>8</td><td>0</td>" in page
    importer.post(url, choices(page))
    report = AnnualReport.objects.get()
    assert report.application_rows.get(row="unable_not_held").natural_person == 0
    assert report.revisions.count() == 2


def test_ambiguous_agency_must_be_chosen(importer):
    first = Agency.objects.create(name="甲市利通区卫生健康局")
    Agency.objects.create(name="乙市利通区卫生健康局")
    text = seed(0).read_text().replace("吴忠市利通区卫生健康局", "利通区卫生健康局").encode()
    url = preview_url(upload(importer, ("利通.txt", text)))
    page = importer.get(url).content.decode()
    assert "该名称对应多个机关" in page and "已有：甲市利通区卫生健康局" in page
    data = choices(page)
    assert "0-agency" not in data  # nothing preselected: the reviewer must choose
    data["0-include"] = "on"
    response = importer.post(url, data)
    assert "请选择一个" in response.content.decode() and not AnnualReport.objects.exists()
    data.update({"0-agency": "new", "0-new_name": ""})
    assert "请填写新建机关的名称" in importer.post(url, data).content.decode()
    data["0-new_name"] = "利通区卫生健康局"  # the same agency, less its city: no silent duplicate
    assert "只差地名前缀" in importer.post(url, data).content.decode()
    data["0-agency"] = str(first.pk)
    importer.post(url, data)
    assert AnnualReport.objects.get().agency == first
    assert Agency.objects.count() == 2


def test_two_files_of_one_new_agency_create_it_once(importer):
    later = seed(3).read_text().replace("2024", "2023").replace("2025年1月22日", "2024年1月22日").encode()
    url = preview_url(upload(importer, (seed(3).name, seed(3).read_bytes()), ("原平2023.txt", later)))
    response = importer.post(url, choices(importer.get(url).content.decode()))
    assert response.status_code == 302
    assert Agency.objects.filter(name="原平市卫生健康局").count() == 1
    assert AnnualReport.objects.filter(agency__name="原平市卫生健康局").count() == 2


def test_unknown_agency_is_created_with_the_reviewers_name(importer):
    url = preview_url(upload(importer, (seed(3).name, seed(3).read_bytes())))
    page = importer.get(url).content.decode()
    assert "机关库中没有匹配的机关" in page
    data = choices(page)
    data["0-new_name"] = "忻州市原平市卫生健康局"
    importer.post(url, data)
    assert AnnualReport.objects.get().agency.name == "忻州市原平市卫生健康局"


def test_year_can_be_set_when_the_document_states_none(importer):
    text = seed(4).read_text().replace("2021年", "本年")
    url = preview_url(upload(importer, ("榆阳区.txt", text.encode())))
    data = choices(importer.get(url).content.decode())
    assert "请填写报告年度" in importer.post(url, {**data, "0-year": ""}).content.decode()
    importer.post(url, {**data, "0-year": "2021"})
    assert AnnualReport.objects.get().year == 2021


def test_bad_uploads_are_refused_clearly_each_on_its_own(importer, monkeypatch):
    monkeypatch.setattr("reports.admin.import_views.MAX_BYTES", 1000)
    files = [("病毒.exe", b"MZ"), ("空.txt", b""), (seed(1).name, seed(1).read_bytes()), ("短.txt", b"x" * 10)]
    page = importer.get(preview_url(upload(importer, *files))).content.decode()
    assert "文件类型「.exe」不受支持" in page and "MB 的上限" in page and "文件是空的" in page
    # Each file has its own outcome; the last is read (and found not to be a report) as usual.
    assert page.count("无法导入") == 4 and "未能识别" in page
    assert "请选择要导入的文件" in importer.post(UPLOAD, {"files": ""}).content.decode()


def test_zip_upload_previews_each_member_and_its_failures(importer):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        bundle.writestr("a/泰山区.txt", seed(1).read_bytes())
        bundle.writestr("坏文件.pdf", b"not a pdf")
    url = preview_url(upload(importer, ("一批.zip", out.getvalue())))
    page = importer.get(url).content.decode()
    assert "一批.zip/a/泰山区.txt" in page and 'class="import-action">新建' in page
    assert "一批.zip/坏文件.pdf" in page and "无法导入" in page
    importer.post(url, choices(page))
    assert AnnualReport.objects.count() == 1


def test_staged_uploads_belong_to_their_uploader(importer, client, db):
    url = preview_url(upload(importer, (seed(1).name, seed(1).read_bytes())))
    other = make_user("bob", superuser=True)
    client.force_login(other)
    for address in (url, f"{UPLOAD}{'0' * 32}/", f"{UPLOAD}not-a-token/"):
        response = client.get(address, follow=True)
        assert response.redirect_chain == [(UPLOAD, 302)] and "已过期或不存在" in response.content.decode()
    for token in ("../../etc", "..", "", url.rstrip("/").split("/")[-1] + "/../x"):
        with pytest.raises(LookupError):
            staging.load(other, token)


def test_the_preview_judges_each_file_once_and_again_only_when_its_choice_changes(importer, monkeypatch):
    """The preview job judges the files; refreshing the page and confirming judge nothing again,
    and a file whose stored agency or year the reviewer changes is judged again, alone."""
    from reports import importing

    judged = []
    context_for_storing = importing.context_for_storing
    monkeypatch.setattr(importing, "context_for_storing", lambda shape, *args: judged.append(shape.year) or
                        context_for_storing(shape, *args))  # fmt: skip
    first = Agency.objects.create(name="甲市利通区卫生健康局")
    Agency.objects.create(name="乙市利通区卫生健康局")
    ambiguous = seed(0).read_text().replace("吴忠市利通区卫生健康局", "利通区卫生健康局").encode()
    url = preview_url(upload(importer, ("利通.txt", ambiguous), (seed(1).name, seed(1).read_bytes())))
    assert judged == [2023, 2022]  # by the preview job
    page = importer.get(url).content.decode()
    importer.get(url)
    assert len(judged) == 2
    data = {**choices(page), "0-include": "on", "1-year": "2021"}  # the first still needs its agency
    response = importer.post(url, data).content.decode()
    assert "请选择一个" in response and judged == [2023, 2022]  # a new agency: judged as detected
    importer.post(url, {**data, "1-agency": "other", "1-other_name": first.name})
    assert judged == [2023, 2022, 2021]  # the second file, for the agency and year chosen
    importer.post(url, {**data, "0-agency": str(first.pk)})
    assert len(judged) == 3 and Job.objects.filter(kind=JobKind.IMPORT).exists()


def test_a_preview_kept_by_other_code_is_read_again(importer, monkeypatch, settings):
    """After a deploy, what the old code pickled is not unpickled: the preview is read again, and
    an import confirmed before the deploy parses its files itself."""
    url = preview_url(upload(importer, (seed(1).name, seed(1).read_bytes())))
    token = url.rstrip("/").split("/")[-1]
    reading = Job.objects.get(kind=JobKind.IMPORT_PREVIEW)
    monkeypatch.setattr(staging, "CODE", b"deployed")
    assert staging.parsed(reading.user, token) is None
    response = importer.get(url, follow=True)
    assert response.redirect_chain == [(url, 302)] and 'class="import-action">新建' in response.content.decode()
    reading.refresh_from_db()
    assert reading.state == "done" and reading.started_at is not None
    assert staging.parsed(reading.user, token) is not None
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    importer.post(url, choices(response.content.decode()))
    monkeypatch.setattr(staging, "CODE", b"deployed again")  # after the confirmation, before the import ran
    from ..test_jobs import work

    work()
    assert Job.objects.get(kind=JobKind.IMPORT).state == "done" and AnnualReport.objects.count() == 1

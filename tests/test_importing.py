"""Import: atomic per file, one report per agency and year, every version kept."""
import hashlib
from concurrent.futures import Future
from pathlib import Path

import pytest

from reports.models.agency import OPERATOR
from reports.importing import import_bytes, import_many
from reports.models.agency import AgencyRefused
from reports.parsers import ParseError
from reports.models import Agency, AnnualReport, ApplicationRow, AuditEvent, Finding, ReportRevision

from .conftest import seed


def test_seeds_are_stored_as_published(seeds):
    report = seeds[2]
    assert report.agency.name == "呼兰区卫生健康局"
    assert report.year == 2023
    row = report.application_rows.get(row="unable_not_held")
    assert (row.natural_person, row.total) == (8, 0)  # the report's own numbers, not "fixed"
    assert report.active.licensing == 160
    assert report.error_count == 2 and report.warning_count == 0
    assert set(report.findings.values_list("code", "row", "column")) == {
        ("E8", "total_processed", "natural_person"),
        ("E9", "unable_not_held", "total"),
    }
    data = seed(2).read_bytes()
    assert report.source_sha256 == hashlib.sha256(data).hexdigest()
    assert report.source_file.read() == data


def test_blank_cells_stay_null(seeds):
    active = seeds[3].active
    assert active.regulations_in_force is None and active.normative_documents_in_force is None
    assert active.regulations_issued == 0


def test_stored_report_round_trips_to_the_parsed_shape(seeds):
    from reports.parsers import parse_file

    for number, report in seeds.items():
        parsed = parse_file(seed(number))
        stored = AnnualReport.objects.with_sections().get(pk=report.pk).to_shape()
        assert stored.active == parsed.active
        assert stored.applications == parsed.applications
        assert stored.review_litigation == parsed.review_litigation
        assert stored.sections == parsed.sections
        assert [f.code for f in report.evaluate(stored)] == [f.code for f in report.evaluate(parsed)]


def test_reimport_same_file_is_unchanged(seeds):
    outcome = import_bytes(seed(2).read_bytes(), seed(2).name, OPERATOR)
    assert outcome.action == "unchanged"
    assert AnnualReport.objects.count() == 5
    assert ReportRevision.objects.filter(report=seeds[2]).count() == 1


def test_reimport_changed_file_updates_and_keeps_history(seeds):
    corrected = seed(2).read_text().replace("\t8\n", "\t0\n", 1)
    assert corrected != seed(2).read_text()
    outcome = import_bytes(corrected.encode(), "呼兰区2023更正.txt", OPERATOR)
    assert outcome.action == "updated"
    assert outcome.report.pk == seeds[2].pk
    assert AnnualReport.objects.count() == 5
    report = AnnualReport.objects.get(pk=seeds[2].pk)
    assert report.application_rows.get(row="unable_not_held").natural_person == 0
    assert report.error_count == 0 and not report.findings.exists()
    old, new = report.revisions.order_by("created_at", "id")
    assert old.data["applications"]["unable_not_held"]["natural_person"] == 8
    assert new.data["applications"]["unable_not_held"]["natural_person"] == 0
    assert ApplicationRow.objects.filter(report=report).count() == 25


def match_agency(name):
    return Agency.objects.resolver(OPERATOR).match(name)


def test_agency_matches_with_or_without_city_prefix(db):
    full = Agency.objects.create(name="吴忠市利通区卫生健康局")
    assert match_agency("利通区卫生健康局") == full
    short = Agency.objects.create(name="泰山区卫生健康局")
    assert match_agency("泰安市泰山区卫生健康局") == short
    assert match_agency("原平市卫生健康局") is None


def test_ambiguous_agency_is_refused_not_guessed(db):
    Agency.objects.create(name="甲市利通区卫生健康局")
    Agency.objects.create(name="乙市利通区卫生健康局")
    with pytest.raises(AgencyRefused, match="多个机关"):
        match_agency("利通区卫生健康局")
    # A report that names itself only by the short name cannot be placed.
    short = seed(0).read_text().replace("吴忠市利通区卫生健康局", "利通区卫生健康局")
    outcome = import_bytes(short.encode(), "利通.txt", OPERATOR)
    assert outcome.action == "failed" and "多个机关" in outcome.message
    assert not AnnualReport.objects.exists()


def test_seed_agency_is_matched_to_the_registry(db):
    registered = Agency.objects.create(name="哈尔滨市呼兰区卫生健康局")
    outcome = import_bytes(seed(2).read_bytes(), seed(2).name, OPERATOR)
    assert outcome.report.agency == registered
    assert Agency.objects.count() == 1


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "empty.txt", "空"),
        (b"\x00\x01\x02binary", "x.exe", "不支持的文件类型"),
        ("这是一封普通的信，没有年报的结构。".encode(), "letter.txt", "未能识别"),
        ("一、总体情况\n本年度工作正常开展。\n".encode(), "anonymous.txt", "机关名称"),
    ],
)
def test_bad_input_fails_clearly_and_stores_nothing(db, data, name, message):
    outcome = import_bytes(data, name, OPERATOR)
    assert outcome.action == "failed"
    assert message in outcome.message
    assert not AnnualReport.objects.exists() and not Finding.objects.exists()


def test_import_is_atomic(seeds, monkeypatch):
    """A failure at the last step of saving leaves the stored report exactly as it was."""
    before = seeds[2].to_shape()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(AuditEvent.objects, "bulk_create", broken)  # the last row a version writes
    corrected = seed(2).read_text().replace("\t8\n", "\t0\n", 1)
    with pytest.raises(RuntimeError):
        import_bytes(corrected.encode(), "x.txt", OPERATOR)
    after = AnnualReport.objects.get(pk=seeds[2].pk)
    assert after.to_shape().applications == before.applications
    assert after.error_count == 2 and after.findings.count() == 2
    assert after.revisions.count() == 1


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-8-sig", "utf-8"])
def test_encodings_are_detected(db, encoding):
    outcome = import_bytes(seed(1).read_text().encode(encoding), f"r.{encoding}.txt", OPERATOR)
    assert outcome.action == "created", outcome.message
    assert outcome.report.agency.name == "泰安市泰山区卫生健康局"
    assert outcome.report.application_rows.get(row="new_received").natural_person == 2
    assert outcome.report.problems.count() == 3


def test_names_match_only_at_region_boundaries(db):
    from reports.names import same_agency

    assert same_agency("利通区卫生健康局", "吴忠市利通区卫生健康局")
    assert same_agency("泰安市泰山区卫生健康局", "泰山区卫生健康局")
    assert not same_agency("东城区卫生健康局", "城区卫生健康局")
    Agency.objects.create(name="城区卫生健康局")
    assert match_agency("东城区卫生健康局") is None


def test_agency_matches_its_common_abbreviation_either_way(db):
    full = Agency.objects.create(name="吴忠市利通区卫生健康局")
    assert match_agency("利通区卫健局") == full
    assert match_agency("吴忠市利通区卫健局") == full
    short = Agency.objects.create(name="泰山区人社局")
    assert match_agency("泰安市泰山区人力资源和社会保障局") == short
    assert match_agency("利通区卫健委") is None  # 卫生健康委员会: another kind


def abbreviated(number):
    """Seed `number` as an agency writing its name with the abbreviation, and no city prefix."""
    return seed(number).read_text().replace("卫生健康局", "卫健局").replace("吴忠市", "").encode()


def test_a_file_naming_its_agency_by_abbreviation_fills_the_registered_agencys_report(seeds):
    outcome = import_bytes(abbreviated(0), "利通区卫健局.txt", OPERATOR)
    assert outcome.report == seeds[0] and outcome.action in ("updated", "unchanged"), outcome.message
    assert Agency.objects.count() == 5


def test_a_batch_matches_abbreviations_like_a_single_import(db):
    from reports.importing import import_many

    registered = Agency.objects.create(name="吴忠市利通区卫生健康局")
    taishan = seed(1).read_text()
    files = [("利通.txt", abbreviated(0)), ("泰山.txt", taishan.encode()),
             ("泰山简称.txt", taishan.replace("卫生健康局", "卫健局").replace("2022", "2021").encode())]  # fmt: skip
    outcomes = list(import_many(files, OPERATOR))
    assert [o.action for o in outcomes] == ["created"] * 3, [o.message for o in outcomes]
    assert outcomes[0].report.agency == registered
    assert outcomes[1].report.agency == outcomes[2].report.agency  # created once, found by its other spelling
    assert Agency.objects.count() == 2


def test_reimporting_an_approved_report_returns_it_to_draft(seeds):
    AnnualReport.objects.filter(pk=seeds[2].pk).update(status="approved")
    corrected = seed(2).read_text().replace("\t8\n", "\t0\n", 1)
    outcome = import_bytes(corrected.encode(), "x.txt", OPERATOR)
    assert outcome.action == "updated" and "已改回草稿" in outcome.message
    assert AnnualReport.objects.get(pk=seeds[2].pk).status == "draft"


def test_implausible_year_is_refused(db):
    text = seed(1).read_text().replace("2022", "1900")
    outcome = import_bytes(text.encode(), "old.txt", OPERATOR)
    assert outcome.action == "failed" and "1900" in outcome.message
    assert not AnnualReport.objects.exists()


def test_changed_narrative_is_shown_where_it_first_differs(seeds):
    from reports.importing import parse_or_error, preview_shape

    text = seed(2).read_text().replace("无涉及《政府信息公开信息处理费管理办法》", "有涉及《政府信息公开信息处理费管理办法》")
    [change] = preview_shape(parse_or_error(text.encode(), "x.txt"), "x.txt", OPERATOR).changes
    label, old, new = change
    assert label == "六、其他需要报告的事项"
    assert old.startswith("2023年，无涉及") and new.startswith("2023年，有涉及")


@pytest.mark.parametrize("workers", [1, 2], ids=["parsed-here", "parsed-in-2-processes"])
def test_many_files_in_one_batch_keep_order_and_each_outcome(seeds, workers):
    from reports.importing import import_many

    Agency.objects.create(name="甲市利通区卫生健康局")  # with 吴忠市利通区…: 利通区… is ambiguous
    corrected = seed(2).read_text().replace("\t8\n", "\t0\n", 1).encode()
    new = seed(1).read_text().replace("泰山区", "岱岳区").encode()
    ambiguous = seed(0).read_text().replace("吴忠市利通区卫生健康局", "利通区卫生健康局").encode()
    files = [
        ("new.txt", new),
        ("broken.txt", b"not a report"),
        ("corrected.txt", corrected),
        ("same-again.txt", new.replace("2022年12月31日".encode(), "2022年12月31日。".encode())),
        ("ambiguous.txt", ambiguous),
        ("identical.txt", seed(3).read_bytes()),
    ]
    outcomes = list(import_many(files, OPERATOR, workers=workers))
    assert [(o.name, o.action) for o in outcomes] == [
        ("new.txt", "created"),
        ("broken.txt", "failed"),
        ("corrected.txt", "updated"),
        ("same-again.txt", "updated"),  # the same agency and year twice in a batch: the later wins
        ("ambiguous.txt", "failed"),
        ("identical.txt", "unchanged"),
    ]
    assert "多个机关" in outcomes[4].message
    created = AnnualReport.objects.get(agency__name="泰安市岱岳区卫生健康局")
    assert created.revisions.count() == 2 and created.error_count == 0
    assert created.application_rows.count() == 25 and created.active.penalty == 126
    assert AnnualReport.objects.get(pk=seeds[2].pk).application_rows.get(row="unable_not_held").natural_person == 0


def test_batches_parsed_in_processes_while_the_one_before_is_written_keep_order(db, monkeypatch, tmp_path):
    from reports import importing

    for name, value in (("BATCH", 3), ("MIN_BATCH", 1), ("CHUNK", 2), ("AHEAD", 4)):
        monkeypatch.setattr(importing, name, value)
    folder = tmp_path / "reports"
    folder.mkdir()
    for n in range(5):
        (folder / seed(n).name).write_bytes(seed(n).read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    outcomes = list(importing.import_paths([folder], OPERATOR, workers=2))
    assert [Path(o.name).name for o in outcomes] == sorted(p.name for p in folder.iterdir())
    assert [o.action for o in outcomes] == ["created"] * 5 + ["failed"]
    assert "损坏" in outcomes[-1].message or "无法" in outcomes[-1].message


class FakePool:
    """Parses at once, but only the first `finished` chunks are done before they are waited for."""

    def __init__(self, finished):
        self.finished, self.submitted = finished, []

    def submit(self, parse, chunk):
        self.submitted.append(chunk)
        future = Future()
        if len(self.submitted) <= self.finished:
            future.set_result(parse(chunk))
        else:
            future.result = lambda: parse(chunk)  # still running: done once waited for
        return future


@pytest.mark.parametrize(
    "finished, sizes",
    [(99, [6, 6, 2]), (1, [2, 2, 2, 2, 2, 2, 2]), (2, [4, 2, 2, 2, 2, 2])],
    ids=["all-parsed", "writer-faster", "some-parsed"],
)
def test_a_batch_is_what_is_parsed_at_least_min_batch_at_most_batch(monkeypatch, finished, sizes):
    """The writer takes every file parsed so far (never waiting for a full batch) but no fewer
    than MIN_BATCH; the parsers run at most AHEAD files ahead of it."""
    from reports import importing

    for name, value in (("BATCH", 6), ("MIN_BATCH", 2), ("CHUNK", 2), ("AHEAD", 8)):
        monkeypatch.setattr(importing, name, value)
    files = [(f"{n}.txt", ParseError(str(n))) for n in range(14)]  # returned as they are
    pool, written = FakePool(finished), 0
    batches = []
    for batch, parsed in importing._parsed(iter(files), pool):
        assert [str(p) for p in parsed] == [name.removesuffix(".txt") for name, _ in batch]
        written += len(batch)
        assert sum(map(len, pool.submitted)) <= written + 8
        batches.append(batch)
    assert [len(b) for b in batches] == sizes
    assert [f for b in batches for f in b] == files


def test_a_batch_the_database_refuses_is_imported_file_by_file(db, monkeypatch):
    from django.db import IntegrityError

    from reports import importing

    def refuse(*args, **kwargs):
        raise IntegrityError("simulated conflict")

    monkeypatch.setattr(importing, "create_reports", refuse)
    outcomes = list(importing.import_many([(seed(n).name, seed(n).read_bytes()) for n in range(5)], OPERATOR))
    assert [o.action for o in outcomes] == ["created"] * 5
    assert AnnualReport.objects.count() == 5 and ReportRevision.objects.count() == 5


def test_a_batch_resolves_agencies_like_a_single_import(db):
    """Two spellings of one new agency make one agency; a 人民政府 is one (its deadline too)."""
    from datetime import date

    from reports.importing import import_many

    full = seed(0).read_bytes()
    short = seed(0).read_text().replace("吴忠市利通区卫生健康局", "利通区卫生健康局").replace("2023", "2022").encode()
    government = seed(1).read_text().replace("泰山区卫生健康局", "泰山区人民政府").encode()
    outcomes = list(import_many([("full.txt", full), ("short.txt", short), ("gov.txt", government)], OPERATOR))
    assert [o.action for o in outcomes] == ["created", "created", "created"], [o.message for o in outcomes]
    assert Agency.objects.filter(name__endswith="利通区卫生健康局").count() == 1
    town = AnnualReport.objects.get(agency__name="泰安市泰山区人民政府")
    assert town.agency.kind == "government" and town.deadline == date(2023, 3, 31)


def test_a_database_that_keeps_refusing_fails_files_not_the_import(db, monkeypatch):
    from django.db import DatabaseError

    from reports import importing

    def refuse(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(importing, "create_reports", refuse)
    monkeypatch.setattr(AuditEvent.objects, "bulk_create", refuse)
    outcomes = list(importing.import_many([(seed(n).name, seed(n).read_bytes()) for n in range(3)], OPERATOR))
    assert [o.action for o in outcomes] == ["failed"] * 3 and "disk full" in outcomes[0].message
    assert not AnnualReport.objects.exists()


def test_a_database_error_fails_that_file_alone_on_every_path(db, monkeypatch):
    """One guarded store for every path: a replacement the database refuses inside a batch fails
    on its own (the batch's new reports are stored), and a single import returns its failure."""
    from django.db import DatabaseError

    from reports import versions

    import_bytes(seed(2).read_bytes(), seed(2).name, OPERATOR)
    changed = seed(2).read_text().replace("\t8\n", "\t0\n", 1).encode()

    def refuse(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(versions, "store", refuse)
    files = [("更正.txt", changed), (seed(0).name, seed(0).read_bytes()), (seed(1).name, seed(1).read_bytes())]
    outcomes = list(import_many(files, OPERATOR))
    assert [o.action for o in outcomes] == ["failed", "created", "created"]
    assert outcomes[0].message == "数据库拒绝保存：disk full" and outcomes[0].name == "更正.txt"
    outcome = import_bytes(changed, "更正.txt", OPERATOR)
    assert (outcome.action, outcome.message) == ("failed", "数据库拒绝保存：disk full")
    assert AnnualReport.objects.count() == 3
    assert AuditEvent.objects.filter(target="更正.txt", result="failure").count() == 2

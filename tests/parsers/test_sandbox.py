"""The sandbox: whatever a reader does with a file, the caller gets a report or a clear error
within the limits, and goes on serving."""
import faulthandler
import os
import re
import resource
import signal
import time
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from reports.models.agency import OPERATOR
from reports import parsers
from reports.importing import import_bytes, import_many, parse_or_error, preview_shape
from reports.models import AnnualReport
from reports.parsers import ParseError, sandbox
from reports.parsers.sandbox import parse_each, parse_untrusted

from ..conftest import seed

REPORT = seed(1).read_bytes()
READ_TEXT = parsers.READERS[".txt"][0]


def forever(data):
    while True:
        pass


def hoard(data):
    """Up to 2 GB, 10 MB at a time: the limit stops it long before."""
    return [bytearray(10 * 1024 * 1024) for _ in range(200)]


def wait(data):
    time.sleep(60)


def crash(data):
    faulthandler.disable()  # pytest's would print the stack
    os.abort()


def show_limits(data):
    """Refuses every file, saying under which limits it was read."""
    cpu, memory = resource.getrlimit(resource.RLIMIT_CPU)[0], resource.getrlimit(resource.RLIMIT_AS)[0]
    raise ParseError(f"限制 {cpu} {memory}")


def limited(text):
    """Whether the limits show_limits names in `text` are finite."""
    limits = map(int, re.search(r"限制 (-?\d+) (-?\d+)", text).groups())
    return resource.RLIM_INFINITY not in limits


@pytest.fixture
def reader(monkeypatch):
    """Small limits; given a reader, .txt files are read by it (the files are ordinary reports)."""
    monkeypatch.setattr(sandbox, "CPU_SECONDS", 1)
    monkeypatch.setattr(sandbox, "DEADLINE", 3)
    monkeypatch.setattr(sandbox, "MEMORY_BYTES", 256 * 1024 * 1024)
    return lambda read: monkeypatch.setitem(parsers.READERS, ".txt", (read, {"text"}))


@pytest.mark.parametrize(
    "read, deadline, reason",
    [
        (forever, 10, "超出时间限制（1 秒）"),  # of processor time, however busy the machine
        (hoard, 3, "超出内存限制（256 MB）"),
        (wait, 3, "超出时间限制（3 秒）"),
        (crash, 3, "出错"),
    ],
    ids=["cpu", "memory", "deadline", "crash"],
)
def test_a_runaway_reader_ends_in_a_clear_error_and_the_caller_goes_on(reader, monkeypatch, read, deadline, reason):
    reader(read)
    monkeypatch.setattr(sandbox, "DEADLINE", deadline)
    with pytest.raises(ParseError, match=reason):
        parse_untrusted(REPORT, "泰山区.txt")
    reader(READ_TEXT)
    assert parse_untrusted(REPORT, "泰山区.txt").agency == "泰安市泰山区卫生健康局"


def test_files_after_one_that_ends_the_child_go_to_a_new_one(reader):
    reader(lambda data: forever(data) if b"LOOP" in data else READ_TEXT(data))
    refused = ParseError("读取时已拒绝。")
    files = [("a.txt", REPORT), ("b.txt", b"LOOP" + REPORT), ("c.txt", refused), ("d.txt", REPORT)]
    a, b, c, d = parse_each(files)
    assert a.agency == d.agency == "泰安市泰山区卫生健康局"
    assert "超出时间限制" in str(b) and c is refused


def test_results_come_back_in_order_however_many_files():
    """The child writes each result as soon as it is done, the next one often before the parent
    has read the one before."""
    files = [(f"{n}.txt", seed(n % 5).read_bytes()) for n in range(40)]
    agencies = [parse_untrusted(seed(n).read_bytes(), "x.txt").agency for n in range(5)]
    assert [shape.agency for shape in parse_each(files)] == agencies * 8


def test_a_kept_child_parses_call_after_call_and_is_replaced_if_it_ended(monkeypatch):
    monkeypatch.setattr(sandbox, "_keep", True)
    monkeypatch.setattr(sandbox, "_kept", None)
    try:
        parse_each([("a.txt", REPORT)])
        child = sandbox._kept
        parse_each([("b.txt", REPORT)])
        assert sandbox._kept is child
        os.kill(child.pid, signal.SIGKILL)  # as the kernel might, while it waits
        while Path(f"/proc/{child.pid}/stat").read_text().split()[2] != "Z":
            time.sleep(0.01)  # until it has ended
        [shape] = parse_each([("c.txt", REPORT)])
        assert shape.agency == "泰安市泰山区卫生健康局" and sandbox._kept is not child
    finally:
        sandbox._kept.end()


def test_a_runaway_file_in_a_batch_fails_alone(db, reader):
    reader(lambda data: forever(data) if b"LOOP" in data else READ_TEXT(data))
    files = [(seed(n).name, seed(n).read_bytes()) for n in range(5)]
    files.insert(2, ("loop.txt", b"LOOP"))
    for workers in (1, 2):
        outcomes = list(import_many(files, OPERATOR, workers=workers))
        assert [o.action for o in outcomes] == ["created"] * 2 + ["failed"] + ["created"] * 3
        assert "超出时间限制" in outcomes[2].message
        AnnualReport.objects.all().delete()


def test_the_child_leaves_the_database_connection_alone(db, reader):
    """It ends with os._exit: nothing of the parent's, its connection included, is closed."""
    AnnualReport.objects.count()  # the connection is open
    reader(crash)
    with pytest.raises(ParseError):
        parse_untrusted(REPORT, "x.txt")
    reader(READ_TEXT)
    parse_untrusted(REPORT, "x.txt")
    assert AnnualReport.objects.count() == 0  # the same connection, in the same transaction


def test_every_entry_point_parses_within_the_limits(client, demo, reader):
    """The clerk's 上传文件填充, the admin's preview and confirmation, batch imports in this
    process and in worker processes, and parse_report."""
    reader(show_limits)
    assert limited(import_bytes(REPORT, "x.txt", OPERATOR).message)
    assert limited(preview_shape(parse_or_error(REPORT, "x.txt"), "x.txt", OPERATOR).error)
    for workers in (1, 2):
        [outcome] = import_many([("x.txt", REPORT)], OPERATOR, workers=workers)
        assert limited(outcome.message)
    errors = StringIO()
    with pytest.raises(SystemExit):
        call_command("parse_report", str(seed(1)), stderr=errors)
    assert limited(errors.getvalue())
    client.force_login(get_user_model().objects.get(username="taishan"))
    upload = SimpleUploadedFile("泰山区.txt", REPORT)
    page = client.post(reverse("reports:edit", args=[demo[1].pk]), {"fill": "1", "file": upload})
    assert limited(page.content.decode())


def test_a_clerks_runaway_upload_is_a_message_on_the_page(client, demo, reader):
    reader(forever)
    client.force_login(get_user_model().objects.get(username="taishan"))
    upload = SimpleUploadedFile("泰山区.txt", REPORT)
    response = client.post(reverse("reports:edit", args=[demo[1].pk]), {"fill": "1", "file": upload})
    assert response.status_code == 200 and "超出时间限制" in response.content.decode()
    assert client.get(reverse("reports:list")).status_code == 200

"""Uploaded files held between the import preview and its confirmation, outside the tables.

The files wait in Django's default storage (settings.STORAGES; MEDIA_ROOT by default, which a
deployment of several servers puts on a shared volume or replaces with an object store), under
a random token that only their uploader can use, so that every web process and task worker sees
them. The preview job parses and judges them once and keeps the parsed reports and their findings
beside them, marked with the code that wrote them (a deploy reads them again); the import job
stores from those and then removes the files. `expire()` (run by the next upload and by
`cleanup_jobs`) removes a staging older than MAX_AGE: an abandoned preview, a finished import.
"""
import hashlib
import json
import pickle
import re
import secrets
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from reports.parsers import ParseError

MAX_AGE = timedelta(days=1)
ROOT = "staging"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
SALT = "reports.staging.parsed"


def _code_version():
    """A digest of the code whose objects the preview pickles (parsers, shapes, findings): what
    other code kept (before a deploy) is read again, never unpickled into changed classes."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted((*root.glob("parsers/**/*.py"), *root.glob("rules/**/*.py"))):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16].encode()


CODE = _code_version()


def stage(user, files):
    """Keep (name, bytes or ParseError) pairs for `user`; returns the token that finds them again."""
    expire()
    token = secrets.token_hex(16)
    errors = {str(i): str(content) for i, (_, content) in enumerate(files) if isinstance(content, ParseError)}
    manifest = {"user": user.pk, "names": [name for name, _ in files], "errors": errors}
    # The manifest first: expire() takes a folder without one for an abandoned upload.
    default_storage.save(f"{ROOT}/{token}/manifest.json", ContentFile(json.dumps(manifest, ensure_ascii=False).encode()))
    for index, (_, content) in enumerate(files):
        if not isinstance(content, ParseError):
            default_storage.save(f"{ROOT}/{token}/{index}", ContentFile(content))
    return token


def _manifest(user, token):
    if not TOKEN.match(token or ""):
        raise LookupError(token)
    try:
        with default_storage.open(f"{ROOT}/{token}/manifest.json") as file:
            manifest = json.loads(file.read().decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise LookupError(token) from exc
    if manifest["user"] != user.pk:
        raise LookupError(token)
    return manifest


def load(user, token):
    """The (name, bytes or ParseError) pairs staged under `token` by `user`; LookupError if none."""
    manifest = _manifest(user, token)
    errors = manifest["errors"]
    try:
        return [(name, ParseError(errors[str(i)]) if str(i) in errors else _read(f"{ROOT}/{token}/{i}"))
                for i, name in enumerate(manifest["names"])]  # fmt: skip
    except OSError as exc:  # removed since: imported, or expired
        raise LookupError(token) from exc


def names(user, token):
    return _manifest(user, token)["names"]


def _read(name):
    with default_storage.open(name) as file:
        return file.read()


def keep_parsed(user, token, results, findings):
    """Keep the preview's results with the files: per file, a ReportShape or ParseError, and the
    findings it was judged with. Signed: what is unpickled is only ever what a job of ours wrote;
    marked with the code that wrote it."""
    _manifest(user, token)
    payload = CODE + b"\n" + pickle.dumps((results, findings))
    signature = salted_hmac(SALT, payload).hexdigest().encode()
    name = f"{ROOT}/{token}/parsed"
    default_storage.delete(name)  # kept by other code, now read again: replaced, not saved beside
    default_storage.save(name, ContentFile(signature + b"\n" + payload))


def parsed(user, token):
    """(results, findings) as keep_parsed() kept them, or None while there are none: the preview
    job has not finished, or other code (before a deploy) wrote them."""
    _manifest(user, token)
    try:
        blob = _read(f"{ROOT}/{token}/parsed")
    except OSError:
        return None
    signature, _, payload = blob.partition(b"\n")
    if not constant_time_compare(signature, salted_hmac(SALT, payload).hexdigest().encode()):
        return None
    code, _, pickled = payload.partition(b"\n")
    if code != CODE:
        return None
    return pickle.loads(pickled)  # noqa: S301 — signed above with the server's key


def discard(token):
    """Remove a staging's files (after its import, or when it expires)."""
    if not TOKEN.match(token or ""):
        return
    folder = f"{ROOT}/{token}"
    try:
        _, files = default_storage.listdir(folder)
    except OSError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    _remove_folder(folder)


def expire(now=None):
    """Remove stagings whose upload is older than MAX_AGE; returns how many."""
    try:
        folders, _ = default_storage.listdir(ROOT)
    except OSError:
        return 0
    cutoff = (now or timezone.now()) - MAX_AGE
    removed = 0
    for token in folders:
        try:
            stale = default_storage.get_modified_time(f"{ROOT}/{token}/manifest.json") < cutoff
        except OSError:  # no manifest: an upload cut off while it was written
            stale = True
        if stale:
            discard(token)
            removed += 1
    return removed


def _remove_folder(folder):
    # A file system storage leaves the empty folder behind; object stores have none to remove.
    try:
        Path(default_storage.path(folder)).rmdir()
    except (OSError, NotImplementedError):
        pass

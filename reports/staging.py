"""Uploaded files held between the import preview and its confirmation, outside the database.

Nothing is written to the database before the reviewer confirms; the files wait on disk under a
random token that only their uploader can use. On confirmation they are replaced by the outcome
of each file, so that Back or Refresh shows the result again instead of importing twice; a
staging older than a day (an abandoned preview, an old result) is removed by the next upload.
"""
import json
import re
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings

from reports.parsers import ParseError

MAX_AGE = 24 * 3600
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _root():
    return Path(settings.MEDIA_ROOT) / "staging"


def stage(user, files):
    """Keep (name, bytes or ParseError) pairs for `user`; returns the token that finds them again."""
    _expire()
    token = secrets.token_hex(16)
    folder = _root() / token
    folder.mkdir(parents=True)
    errors = {}
    for index, (_, content) in enumerate(files):
        if isinstance(content, ParseError):
            errors[str(index)] = str(content)
        else:
            (folder / str(index)).write_bytes(content)
    manifest = {"user": user.pk, "names": [name for name, _ in files], "errors": errors}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return token


def load(user, token):
    """The (name, bytes) pairs staged under `token` by `user`; LookupError if there are none."""
    folder, manifest = _manifest(user, token)
    errors = manifest["errors"]
    return [
        (name, ParseError(errors[str(i)]) if str(i) in errors else (folder / str(i)).read_bytes())
        for i, name in enumerate(manifest["names"])
    ]


def _manifest(user, token):
    folder = _root() / token if TOKEN.match(token or "") else None
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, TypeError, ValueError) as exc:
        raise LookupError(token) from exc
    if manifest["user"] != user.pk:
        raise LookupError(token)
    return folder, manifest


def claim(user, token):
    """True for the one confirmation that may import the files staged under `token`; False for
    any other (a double click, a second tab), however close together they come."""
    try:
        folder, _ = _manifest(user, token)
        (folder / "claimed").touch(exist_ok=False)  # O_EXCL: one creator wins
    except (LookupError, OSError):
        return False
    return True


def finish(user, token, outcomes):
    """Keep the confirmed import's outcomes ({name, action, message, report} dicts) in place of
    the files."""
    folder, manifest = _manifest(user, token)
    (folder / "result.json").write_text(json.dumps(outcomes, ensure_ascii=False), encoding="utf-8")
    for index in range(len(manifest["names"])):
        (folder / str(index)).unlink(missing_ok=True)


def result(user, token):
    """The outcomes finish() kept for `token`, or None while it has not been confirmed."""
    try:
        folder, _ = _manifest(user, token)
        return json.loads((folder / "result.json").read_text(encoding="utf-8"))
    except (LookupError, OSError, ValueError):
        return None


def is_claimed(user, token):
    try:
        folder, _ = _manifest(user, token)
    except LookupError:
        return False
    return (folder / "claimed").exists()


def _expire():
    if not _root().exists():
        return
    cutoff = time.time() - MAX_AGE
    for folder in _root().iterdir():
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)

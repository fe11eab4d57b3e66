"""The suite's settings (pytest.ini): govinfo.settings as a developer runs them, loaded with
DJANGO_DEBUG=1 so that no secret key or HTTPS is needed (pytest-django still runs every test with
DEBUG off). Server-error logs go to a temporary folder, not the developer's logs/; background jobs
run at once, inside the request that starts them (tests/test_jobs.py runs the real worker too)."""
import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("GOVINFO_LOG_DIR", str(Path(tempfile.gettempdir()) / "govinfo-test-logs"))

from govinfo.settings import *  # noqa: E402,F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

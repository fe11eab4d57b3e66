import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Stored originals go to a per-test folder, never into the developer's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"

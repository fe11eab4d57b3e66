"""Admin registrations, one module per admin."""
from . import agency, report  # noqa: F401

"""Admin registrations, one module per admin."""
from . import accounts, agency, audit, lockout, report  # noqa: F401

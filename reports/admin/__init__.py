"""Admin registrations, one module per admin."""
from . import accounts, agency, audit, lockout, report, site  # noqa: F401

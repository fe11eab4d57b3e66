"""The records core: one module per concern (who reports, the report, its sections)."""
from .agency import Agency, AgencyNameEnding, Profile, Region
from .audit import AuditAction, AuditEvent, AuditResult
from .annual_report import AnnualReport, Finding, ReportRevision
from .lockout import LoginLock
from .submission import Transition, WarningExplanation
from .sections import (
    ActiveDisclosure,
    ActiveDisclosure2019,
    ApplicationRow,
    Improvement,
    Problem,
    ReviewLitigationRow,
)

__all__ = [
    "ActiveDisclosure",
    "ActiveDisclosure2019",
    "Agency",
    "AgencyNameEnding",
    "AnnualReport",
    "ApplicationRow",
    "AuditAction",
    "AuditEvent",
    "AuditResult",
    "Finding",
    "Improvement",
    "LoginLock",
    "Problem",
    "Profile",
    "Region",
    "ReportRevision",
    "ReviewLitigationRow",
    "Transition",
    "WarningExplanation",
]

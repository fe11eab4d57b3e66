"""The records core: one module per concern (who reports, the report, its sections)."""
from .agency import Agency, AgencyNameEnding, Profile, Region
from .audit import AuditAction, AuditEvent, AuditResult
from .annual_report import AnnualReport, Finding, ReportRevision
from .job import Job, JobKind, JobState
from .lockout import LoginLock
from .submission import Acknowledgement, Transition, WarningExplanation
from .sections import (
    ActiveDisclosure,
    ActiveDisclosure2019,
    ApplicationRow,
    Improvement,
    Paragraph,
    Problem,
    ReviewLitigationRow,
    SummaryFigures,
)

__all__ = [
    "Acknowledgement",
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
    "Job",
    "JobKind",
    "JobState",
    "LoginLock",
    "Paragraph",
    "Problem",
    "Profile",
    "Region",
    "ReportRevision",
    "ReviewLitigationRow",
    "SummaryFigures",
    "Transition",
    "WarningExplanation",
]

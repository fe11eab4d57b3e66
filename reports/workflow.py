"""The review workflow: 草稿 → 已报送 → 退回修改 → 已报送 … → 审核通过 → 已发布.

Every transition is decided here, once, for the agency site, the admin's buttons and its bulk
actions alike: who may make it, from which state, what blocks it (errors always; on submission
also warnings without an explanation), and the record it leaves.
"""
from django.db import transaction
from django.utils import timezone

from reports import audit, roles
from reports.choices import ReportStatus as S
from reports.choices import Severity
from reports.models import AnnualReport, AuditAction, Transition, WarningExplanation
from reports.models.submission import place_fields, place_of

# (from, to) → the role that may make the move (a superuser may make any).
MOVES = {
    (S.DRAFT, S.SUBMITTED): roles.AGENCY_CLERK,
    (S.RETURNED, S.SUBMITTED): roles.AGENCY_CLERK,
    (S.SUBMITTED, S.RETURNED): roles.REVIEWER,
    (S.SUBMITTED, S.APPROVED): roles.REVIEWER,
    (S.APPROVED, S.RETURNED): roles.REVIEWER,
    (S.APPROVED, S.PUBLISHED): roles.REVIEWER,
}
ACTION_LABELS = {S.SUBMITTED: "报送", S.RETURNED: "退回修改", S.APPROVED: "审核通过", S.PUBLISHED: "发布"}
EDITABLE = (S.DRAFT, S.RETURNED)  # the agency edits only before submitting, or when returned


class TransitionRefused(Exception):
    """The move is not allowed now; the message says why, in Chinese."""


def may_move(report, to_status, user):
    role = roles.role_of(user)
    required = MOVES.get((report.status, to_status))
    return required is not None and role in (required, roles.SUPERUSER) and _in_scope(report, user)


def allowed_moves(report, user):
    """The statuses `user` may move `report` to now (buttons to show)."""
    return [to for (source, to) in MOVES if source == report.status and may_move(report, to, user)]


def may_edit(report, user):
    """Only the agency edits its figures, and only in a draft or a returned report."""
    role = roles.role_of(user)
    return report.status in EDITABLE and role in (roles.AGENCY_CLERK, roles.SUPERUSER) and _in_scope(report, user)


def _in_scope(report, user):
    return AnnualReport.objects.visible_to(user).filter(pk=report.pk).exists()


def unexplained_warnings(report, findings):
    """The warnings among `findings` that have no written explanation yet."""
    explained = {place_of(e) for e in report.explanations.all() if e.text.strip()}
    return [f for f in findings if f.severity == Severity.WARNING and place_of(f) not in explained]


def move(report, to_status, user, comment=""):
    """Make the transition, or raise TransitionRefused saying why."""
    if not may_move(report, to_status, user):
        raise TransitionRefused(
            f"不能将「{report.get_status_display()}」的报告{ACTION_LABELS.get(to_status, to_status)}。"
        )
    if to_status == S.RETURNED and not comment.strip():
        raise TransitionRefused("退回修改必须填写意见，说明需要修改的内容。")
    if to_status in (S.SUBMITTED, S.APPROVED):
        findings = report.evaluate()
        errors = [f for f in findings if f.is_error]
        if errors:
            raise TransitionRefused(f"报告还有 {len(errors)} 处错误，改正后才能{ACTION_LABELS[to_status]}。")
        if to_status == S.SUBMITTED and unexplained_warnings(report, findings):
            raise TransitionRefused("每条警告都需要填写上报说明后才能报送。")
    with transaction.atomic():
        # Two people pressing at once: the second finds the report moved and is told so.
        current = AnnualReport.objects.select_for_update().filter(pk=report.pk).values_list("status", flat=True)
        if current.first() != report.status:
            raise TransitionRefused("报告状态已被他人更改，请刷新页面后再操作。")
        fields = ["status", "updated_at"]
        if to_status == S.SUBMITTED and report.submitted_at is None:
            report.submitted_at = timezone.now()
            fields.append("submitted_at")
        record_transition(report, to_status, user, comment)
        report.save(update_fields=fields)


def record_transition(report, to_status, user, comment=""):
    """Every status change, whoever or whatever makes it (a reviewer's button, a re-import), is
    recorded here: the Transition the report's history shows and the audit event. Sets the
    report's status; the caller saves the report in the same transaction."""
    Transition.objects.create(
        report=report, from_status=report.status, to_status=to_status, user=user, comment=comment.strip()
    )
    detail = {"from": report.status, "to": to_status, "comment": comment.strip()}
    audit.record(AuditAction.TRANSITION, report, user=user, detail=detail)
    report.status = to_status


def explain(report, finding, text):
    """Record (or replace) the agency's explanation of a warning."""
    WarningExplanation.objects.update_or_create(report=report, **place_fields(finding), defaults={"text": text.strip()})

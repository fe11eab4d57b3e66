"""Writing the audit log: `record()` is the one way an event gets in.

The request being served is remembered for the duration of the request (AuditContextMiddleware),
so code far from the view (the workflow, an import) records the source IP without being handed
the request; commands record with no IP and the name of the command's user, if any.
"""
import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.utils import timezone

from reports.models import AuditEvent, AuditResult

_request = ContextVar("audit_request", default=None)


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the proxy's X-Forwarded-For when the deployment says
    it sits behind one (settings.BEHIND_PROXY; a client could forge the header otherwise)."""
    if request is None:
        return None
    candidates = [request.META.get("REMOTE_ADDR", "")]
    if getattr(settings, "BEHIND_PROXY", False):
        candidates.insert(0, request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip())
    for candidate in candidates:
        try:  # a forged header may hold anything; the log keeps only an address
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def record(action, target="", *, user=None, result=AuditResult.SUCCESS, detail=None, request=None, username=None):
    """Append one event. `user` defaults to the request's user; `username` names someone who is not
    (or not yet) a user object, such as a failed login's typed name."""
    return AuditEvent.objects.create(**event_fields(action, target, user, result, detail, request, username))


def event_fields(action, target="", user=None, result=AuditResult.SUCCESS, detail=None, request=None, username=None):
    """An event's field values (record() saves them; a batch import inserts many at once)."""
    request = request or _request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return {
        "created_at": timezone.now(),
        "user_id": user.pk if authenticated else None,
        "username": (username if username is not None else (user.get_username() if authenticated else ""))[:150],
        "ip": client_ip(request),
        "action": action,
        "target": str(target)[:300],
        "result": result,
        "detail": detail or {},
    }


class AuditContextMiddleware:
    """Makes the current request known to record() for the time it is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)

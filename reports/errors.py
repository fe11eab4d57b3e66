"""What a failure shows the user (the CSRF page; 400/403/404/500 are templates/) and what it leaves
for the operator (the request's fields on each log record)."""
import logging

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: most often a form left open past the session's 30 minutes."""
    return render(request, "403_csrf.html", status=403)


class RequestFields(logging.Filter):
    """Puts the request's method, path, user and client address on a record (django.request's
    records carry the request; others get "-")."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.method = getattr(request, "method", None) or "-"
        record.path = getattr(request, "path", None) or "-"
        record.user = _username(request)
        record.ip = _client_ip(request) or "-"
        return True


def _username(request):
    user = getattr(request, "user", None)
    try:
        return user.get_username() if user is not None and user.is_authenticated else "-"
    except Exception:  # the user is loaded lazily, from the database that may be what failed
        return "?"


def _client_ip(request):
    if request is None:
        return None
    from reports.audit import client_ip  # loads the models: only once a request is being served

    return client_ip(request)

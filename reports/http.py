"""Requests refused before any view runs."""
from django.http import HttpResponseBadRequest

NUL = "\x00"


def _texts(request):
    """Every piece of text the request brings: path, query string, form fields and cookies."""
    yield request.path
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            yield key
            yield from values
    for key, value in request.COOKIES.items():
        yield key
        yield value


class RefuseNulMiddleware:
    """A NUL character has no place in a path, a query string, a form or a cookie, and PostgreSQL
    refuses it in any text it is sent: every filter or search fed one (?region=%00) would fail
    with a server error. Form fields refuse it already; here it is refused for all of them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(NUL in text for text in _texts(request)):
            return HttpResponseBadRequest("请求中含有不允许的空字符（NUL），已拒绝。", content_type="text/plain; charset=utf-8")
        return self.get_response(request)

"""Request ids: every request gets one, every log line written while serving it carries it.

A proxy in front may already have given the request an id in X-Request-ID; it is kept when
it looks like one, so the proxy's log and the archive's log name the request alike. The id
goes back to the client in the response's X-Request-ID header.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
# Ids from outside end up in log lines: letters, digits and a few separators only, bounded.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=-]{1,128}")

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` to each record ("-" outside a request) for the log format to show."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs a 4xx/5xx response after the middleware has returned, passing the request.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current_request_id.get() or "-"
        return True

"""Logs as JSON lines carrying the request id of the request (or the task a request queued) they
belong to, so one complaint's way through web and worker is one grep.

The id lives in a context variable: the middleware (operations/middleware.py) sets it for a request,
Celery's publish signal copies it into the headers of every task the request queues, and the
worker's prerun signal sets it again while the task runs (connected in CoreConfig.ready())."""
from __future__ import annotations

import contextvars
import json
import logging
import uuid
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
HEADER = "request_id"

# The attributes every LogRecord has; anything else was passed with extra= and is written too.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


def request_id_new() -> str:
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def task_headers_add(headers=None, **kwargs) -> None:
    """before_task_publish: a task queued while handling a request carries the request's id."""
    request_id = request_id_var.get()
    if headers is not None and request_id != "-" and HEADER not in headers:
        headers[HEADER] = request_id


def task_request_id_set(task=None, **kwargs) -> None:
    """task_prerun: the worker logs under the id of the request that queued the task, or a new one."""
    request = getattr(task, "request", None)
    # A worker puts a message's own headers on the request; Task.apply() keeps them in .headers.
    request_id = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    request_id_var.set(request_id or request_id_new())


def task_request_id_clear(**kwargs) -> None:
    request_id_var.set("-")

"""A logging filter that keeps secrets out of log lines: an `api_key=` value in a logged address
(the development server's request lines, a proxy's line passed on) is replaced before it is written.
Open311 clients are told to send the key in the body or a header; this catches those who do not."""
import logging
import re

SECRET_PARAMETER = re.compile(r"((?:api_key|apikey|token|access_token)=)[^&\s\"']+", re.IGNORECASE)


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class SecretRedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = SECRET_PARAMETER.sub(r"\1[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        # Extras too: django.request logs `request=<WSGIRequest: GET '/open311/...?api_key=...'>`,
        # which the JSON formatter writes as its text. Only a value that holds a secret is replaced
        # (by its redacted text), so a handler reading the request object otherwise still can.
        for key, value in list(vars(record).items()):
            if key in _STANDARD or key.startswith("_") or isinstance(value, int | float | bool | None):
                continue
            text = str(value)
            if SECRET_PARAMETER.search(text):
                setattr(record, key, SECRET_PARAMETER.sub(r"\1[redacted]", text))
        return True

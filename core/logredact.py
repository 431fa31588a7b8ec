"""A logging filter that keeps secrets out of log lines: an `api_key=` value in a logged address
(the development server's request lines, a proxy's line passed on) is replaced before it is written.
Open311 clients are told to send the key in the body or a header; this catches those who do not."""
import logging
import re

SECRET_PARAMETER = re.compile(r"((?:api_key|apikey|token|access_token)=)[^&\s\"']+", re.IGNORECASE)


class SecretRedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = SECRET_PARAMETER.sub(r"\1[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True

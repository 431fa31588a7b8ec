"""Where messages go, chosen by `settings.SMS_BACKEND`: the console or a file for `make run`, the
HTTP gateway for production. A backend sends one message and says what became of it; retrying and
recording are the outbox's (messaging/delivery.py). Logs show phones masked (138****1234)."""
import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from .models import mask_phone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    phone: str
    sign_name: str
    template_code: str
    params: dict
    out_id: str  # our message id, given back in the gateway's delivery report
    text: str  # the rendered text, for the backends that show it


@dataclass(frozen=True)
class SendResult:
    accepted: bool
    gateway_id: str = ""
    delivered: bool = False  # the backend knows it arrived (console, file)
    error: str = ""
    permanent: bool = False  # refused for good: trying again cannot help


def backend_get():
    return import_string(settings.SMS_BACKEND)()


class ConsoleBackend:
    """Writes each message to the log (the worker's console under `make run`)."""

    def send(self, message: Outgoing) -> SendResult:
        logger.warning("SMS → %s 【%s】%s", mask_phone(message.phone), message.sign_name, message.text)
        return SendResult(accepted=True, gateway_id=f"console-{message.out_id}", delivered=True)


class FileBackend:
    """Appends each message as a JSON line to `settings.SMS_FILE_PATH`, phone masked."""

    def send(self, message: Outgoing) -> SendResult:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {"to": mask_phone(message.phone), "sign": message.sign_name, "template": message.template_code,
                "params": message.params, "text": message.text, "out_id": message.out_id,
                "at": datetime.now(UTC).isoformat()}
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        return SendResult(accepted=True, gateway_id=f"file-{message.out_id}", delivered=True)


# --- Alibaba Cloud SMS (dysmsapi, SendSms, RPC signature version 1.0) ----------------------------

def percent_encode(value: str) -> str:
    """RFC 3986 encoding as Alibaba Cloud's RPC signature wants it (space %20, * %2A, ~ kept)."""
    return urllib.parse.quote(str(value), safe="~")


def aliyun_signature(*, params: dict, secret: str, method: str = "POST") -> str:
    """HMAC-SHA1 over "METHOD&%2F&<encoded canonical query>", keyed "<secret>&", base64."""
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items())
                         if k != "Signature")
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# Codes after which the same request will never succeed (bad number, template or parameters);
# anything else (flow control, the gateway's own errors, the network) is tried again later.
ALIYUN_PERMANENT_CODES = {
    "isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL", "isv.INVALID_PARAMETERS",
    "isv.PARAM_LENGTH_LIMIT", "isv.PARAM_NOT_SUPPORT_URL", "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.INVALID_JSON_PARAM", "isv.SMS_CONTENT_ILLEGAL", "isv.SMS_SIGN_ILLEGAL",
}


class AliyunBackend:
    """SendSms of Alibaba Cloud's SMS service: SignName, TemplateCode and TemplateParam (JSON) in a
    signed POST to `settings.SMS_GATEWAY_URL` with the AccessKey in `SMS_ACCESS_KEY_ID/SECRET`."""

    timeout = 10

    def request_params(self, message: Outgoing) -> dict:
        params = {
            "AccessKeyId": settings.SMS_ACCESS_KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": message.out_id,
            "PhoneNumbers": message.phone,
            "RegionId": settings.SMS_REGION,
            "SignName": message.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": message.template_code,
            "TemplateParam": json.dumps(message.params, ensure_ascii=False, separators=(",", ":")),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature(params=params, secret=settings.SMS_ACCESS_KEY_SECRET)
        return params

    def send(self, message: Outgoing) -> SendResult:
        body = urllib.parse.urlencode(self.request_params(message), quote_via=urllib.parse.quote).encode()
        request = urllib.request.Request(settings.SMS_GATEWAY_URL, data=body, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                answer = json.loads(exc.read() or b"{}")
            except ValueError:
                answer = {}
            code = answer.get("Code") or f"HTTP {exc.code}"
            logger.warning("SMS to %s refused by the gateway: %s", mask_phone(message.phone), code)
            return SendResult(accepted=False, error=f"HTTP {exc.code} {code}"[:300],
                              permanent=code in ALIYUN_PERMANENT_CODES)
        except Exception as exc:  # connection refused, timeout, bad JSON: try again later
            logger.warning("SMS to %s not sent: %s", mask_phone(message.phone), exc.__class__.__name__)
            return SendResult(accepted=False, error=f"{exc.__class__.__name__}: {exc}"[:300])
        code = answer.get("Code", "")
        if code == "OK":
            return SendResult(accepted=True, gateway_id=str(answer.get("BizId", "")))
        logger.warning("SMS to %s refused by the gateway: %s", mask_phone(message.phone), code)
        return SendResult(accepted=False, error=f"{code} {answer.get('Message', '')}".strip()[:300],
                          permanent=code in ALIYUN_PERMANENT_CODES)

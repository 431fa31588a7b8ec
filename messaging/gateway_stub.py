"""A small SMS gateway in Alibaba Cloud's SendSms shape, on 127.0.0.1, for the tests and bench/sms.py:
it checks each request's signature with the AccessKey secret it was given, records what it took,
and fails on demand (HTTP 500, flow control, a number refused for good; stopped, it refuses
connections). Not used in production."""
import base64
import hashlib
import hmac
import http.server
import json
import threading
import urllib.parse
import uuid
from dataclasses import dataclass, field


def _encode(value: str) -> str:
    # Alibaba Cloud's POP encoding, written out here on purpose rather than imported from the
    # backend, so that the stub checks the client instead of agreeing with it by construction.
    return urllib.parse.quote(value, safe="").replace("%7E", "~")


def signature_expected(params: dict, secret: str, method: str) -> str:
    pairs = sorted((k, v) for k, v in params.items() if k != "Signature")
    query = "&".join(_encode(k) + "=" + _encode(v) for k, v in pairs)
    string_to_sign = method + "&" + _encode("/") + "&" + _encode(query)
    return base64.b64encode(hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()).decode()


@dataclass
class Received:
    params: dict
    template_param: dict
    biz_id: str


@dataclass
class _State:
    key_id: str
    secret: str
    received: list = field(default_factory=list)
    failures: list = field(default_factory=list)  # "http500", "throttle" or "refuse", one per request
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 (http.server's naming)
        state: _State = self.server.state
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        params = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
        request_id = str(uuid.uuid4())
        with state.lock:
            failure = state.failures.pop(0) if state.failures else None
        if failure == "http500":
            return self._answer(500, {"Code": "isp.SYSTEM_ERROR", "Message": "系统错误", "RequestId": request_id})
        if failure == "refuse":
            return self._answer(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号",
                                      "RequestId": request_id})
        if failure == "throttle":
            return self._answer(200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控",
                                      "RequestId": request_id})
        if params.get("AccessKeyId") != state.key_id:
            return self._answer(404, {"Code": "InvalidAccessKeyId.NotFound", "RequestId": request_id})
        if params.get("Signature") != signature_expected(params, state.secret, "POST"):
            return self._answer(400, {"Code": "SignatureDoesNotMatch", "RequestId": request_id})
        missing = [name for name in ("Action", "PhoneNumbers", "SignName", "TemplateCode", "Timestamp",
                                     "SignatureNonce", "Version") if not params.get(name)]
        if missing or params["Action"] != "SendSms":
            return self._answer(400, {"Code": "MissingParameter", "Message": ",".join(missing),
                                      "RequestId": request_id})
        try:
            template_param = json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return self._answer(200, {"Code": "isv.INVALID_JSON_PARAM", "RequestId": request_id})
        biz_id = uuid.uuid4().hex[:20]
        with state.lock:
            state.received.append(Received(params=params, template_param=template_param, biz_id=biz_id))
        return self._answer(200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": request_id})

    def log_message(self, *args):
        pass


class GatewayStub:
    def __init__(self, *, key_id: str = "LTAI5tStubKeyId", secret: str = "stub-secret"):
        self.state = _State(key_id=key_id, secret=secret)
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.state = self.state
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "GatewayStub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, *failures: str) -> None:
        with self.state.lock:
            self.state.failures.extend(failures)

    @property
    def received(self) -> list[Received]:
        with self.state.lock:
            return list(self.state.received)

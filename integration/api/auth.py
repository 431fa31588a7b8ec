"""Who is calling: an external system by its API key (it then acts as its acting user, so that
user's unit and role apply), or a user by session or a staff token (hashed and expiring). HTTP Basic
is not accepted: each wrong password would cost the server a slow hash, a brute-force and
CPU-exhaustion path. Scopes narrow what a key may do.

Keys are read on every call of a system pushing hundreds of work orders a second, so each process
keeps a copy of the key table for RULES_CACHE_SECONDS (core/cache.py): revoking a key or
deactivating a system takes effect at once in the process that saved it and within those seconds
in the others. A key issued after the copy was taken is looked up directly."""
import hmac

from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from core.cache import TimedCopy

from ..models import ApiKey, ExternalSystem, StaffToken, api_key_hash

KEYWORD = "Api-Key"


def _keys_with_callers():
    return ApiKey.objects.select_related("system__acting_user__unit")


_key_table = TimedCopy(lambda: {key.prefix: key for key in _keys_with_callers()})


def _key_by_prefix(prefix: str) -> ApiKey | None:
    key = _key_table.get().get(prefix)
    if key is None:
        return _keys_with_callers().filter(prefix=prefix).first()
    return _private_copy(key)


def _private_copy(key: ApiKey) -> ApiKey:
    # A request may annotate its key, system or user (permission caches); the shared copy stays clean.
    key, system = _model_copy(key), _model_copy(key.system)
    system.acting_user = _model_copy(system.acting_user)
    key.system = system
    return key


def _model_copy(obj):
    """What copy.copy makes of a model instance (its fields and its own cache of related objects),
    made directly: copy.copy goes through pickling's protocol, several times the cost, on every call."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    state = object.__new__(ModelState)
    state.__dict__.update(obj._state.__dict__)
    state.fields_cache = dict(obj._state.fields_cache)
    new._state = state
    return new


def _authenticate_key(raw: str):
    prefix, _sep, secret = raw.strip().partition(".")
    if not prefix or not secret:
        raise exceptions.AuthenticationFailed(_("接口密钥格式错误。"))
    key = _key_by_prefix(prefix)
    if key is None or not hmac.compare_digest(key.hashed, api_key_hash(secret)):
        raise exceptions.AuthenticationFailed(_("接口密钥无效。"))
    if not key.is_active or not key.system.acting_user.is_active:
        raise exceptions.AuthenticationFailed(_("接口密钥已吊销或系统已停用。"))
    return key.system.acting_user, key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <prefix>.<secret>`."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _sep, raw = header.partition(" ")
        if keyword != KEYWORD:
            return None
        return _authenticate_key(raw)

    def authenticate_header(self, request):
        return KEYWORD


class Open311KeyAuthentication(ApiKeyAuthentication):
    """GeoReport v2 clients send `api_key` in the body (form or JSON) or in a header (`X-Api-Key`, or
    `Authorization: Api-Key`). Never in the address: a query string is written to every access log
    and proxy log on its way, so a key found there is refused (and the client told where to put it)."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None:
            return found
        if "api_key" in request.query_params:
            raise exceptions.AuthenticationFailed(
                _("api_key 不能放在网址中（会被写入访问日志）：请放在请求体或 X-Api-Key 请求头中。"))
        raw = request.META.get("HTTP_X_API_KEY") or request._request.POST.get("api_key")
        if not raw and request.content_type.startswith("application/json"):
            data = request.data if isinstance(request.data, dict) else {}
            raw = data.get("api_key")
        return _authenticate_key(raw) if raw else None


class StaffTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <prefix>.<secret>`, a token issued with `manage.py staff_token_issue`."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _sep, raw = header.partition(" ")
        if keyword != self.keyword:
            return None
        prefix, _sep, secret = raw.strip().partition(".")
        token = StaffToken.objects.select_related("user__unit").filter(prefix=prefix).first() if secret else None
        if token is None or not hmac.compare_digest(token.hashed, api_key_hash(secret)):
            raise exceptions.AuthenticationFailed(_("接口令牌无效。"))
        if not token.is_valid_at(timezone.now()):
            raise exceptions.AuthenticationFailed(_("接口令牌已过期或已吊销，请重新申请。"))
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class StaffTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integration.api.auth.StaffTokenAuthentication"
    name = "staffToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <prefix>.<secret>"}


def request_key(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


def request_system(request):
    key = request_key(request)
    return key.system if key else None


class HasScope(permissions.BasePermission):
    """A key may use a view only if its system holds the view's `required_scope`; users are
    governed by their role alone (checked by the services)."""

    message = _("该接口密钥未被授权使用此接口。")

    def has_permission(self, request, view):
        key = request_key(request)
        scope = getattr(view, "required_scope", None)
        if isinstance(scope, dict):
            scope = scope.get(request.method)
        return key is None or scope is None or key.system.has_scope(scope)


class MaySupplement(permissions.BasePermission):
    """Supplying what a case lacks (details, evidence) takes `cases:create` for the work orders the
    system filed itself (see require_own_work_order) or `cases:act` for any case its acting user
    sees. Users are governed by their role alone."""

    message = HasScope.message

    def has_permission(self, request, view):
        key = request_key(request)
        if key is None or request.method in permissions.SAFE_METHODS:
            return True
        return key.system.has_scope(ExternalSystem.Scope.CASES_CREATE) or key.system.has_scope(
            ExternalSystem.Scope.CASES_ACT)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "integration.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Api-Key <prefix>.<secret>"}


class Open311KeyScheme(ApiKeyScheme):
    target_class = "integration.api.auth.Open311KeyAuthentication"
    name = "open311ApiKey"

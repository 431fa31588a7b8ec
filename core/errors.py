"""Domain errors. The HTTP layers map them: ApplicationError → 400, TransitionRefused and
ConcurrentTransition → 409, PermissionDenied → 403, objects outside the caller's units → 404."""
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    def __init__(self, message, *, field: str | None = None, errors: dict | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.errors = errors or ({field: [self.message]} if field else {})


class TransitionRefused(ApplicationError):
    """The case is not in a state (or condition) that allows the action."""


STALE_MESSAGE = _("工单已被他人处理，状态已变化，请刷新后重试。")

"""The history of the rules themselves (规则变更记录): who changed a time limit, a routing rule, a unit,
a user's role, an external system's scopes, a holiday schedule, and what it was before."""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RuleChange(models.Model):
    """One creation, change or deletion of a rule row, with its values before and after. Written by
    audit/recording.py whenever a tracked model is saved or deleted, in the same transaction."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    # Where the change came from when no one was logged in: a management command, the worker, a migration.
    source = models.CharField(_("来源"), max_length=200, blank=True)
    content_type = models.ForeignKey(ContentType, verbose_name=_("规则表"), on_delete=models.PROTECT)
    object_id = models.CharField(_("记录编号"), max_length=64)
    object_repr = models.CharField(_("记录"), max_length=200)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    changed = models.JSONField(_("变更字段"), default=list)

    class Meta:
        verbose_name = _("规则变更记录")
        verbose_name_plural = _("规则变更记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="rulechange_object_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReplyDraft(models.Model):
    """A handler's reply waiting for the unit leader's sign-off (经办人 → 负责人), where the unit
    requires it (Unit.reply_needs_sign_off). Signed off, it becomes the case's reply (case_reply);
    returned, the handler revises it. At most one waits per case."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待签发")
        SIGNED = "signed", _("已签发")
        RETURNED = "returned", _("退回修改")

    case = models.ForeignKey("complaints.Case", on_delete=models.PROTECT, related_name="reply_drafts")
    text = models.TextField(_("答复内容"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("经办人"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    decision = models.CharField(_("签发结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("负责人"))
    decided_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    decision_note = models.TextField(_("签发意见"), blank=True)

    class Meta:
        verbose_name = _("待签发答复")
        verbose_name_plural = _("待签发答复")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(decision="pending"), name="replydraft_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_decision_display()}"

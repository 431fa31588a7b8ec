from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FormSubmission(models.Model):
    """A one-time token of an intake form, used once: the browser's back button and a second
    click send the same token again, and find the case the first submission created instead of
    creating another one (which would be flagged as a repeat and put on the red-line ledger)."""

    token = models.CharField(_("表单令牌"), max_length=64, unique=True)
    case = models.ForeignKey("complaints.Case", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("工单"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    # What the form said: "back" may fetch the form again with a new token while the browser
    # restores what was typed, so the same content from the same person shortly after is the same.
    fingerprint = models.CharField(_("内容摘要"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("表单提交记录")
        indexes = [models.Index(fields=["submitted_by", "fingerprint", "submitted_at"], name="formsubmission_same_idx")]
        verbose_name_plural = _("表单提交记录")

    def __str__(self) -> str:
        return self.token

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Satisfaction


class PublicRating(models.Model):
    """The complainant's own rating of the handling, given once on the public look-up page.

    Kept apart from the center's follow-up (回访) fields on the case: both are facts, from different
    people, and the KPIs of the follow-up must not change because a complainant also rated online.
    """

    class Choice(models.TextChoices):
        SATISFIED = Satisfaction.SATISFIED.value, Satisfaction.SATISFIED.label
        BASICALLY_SATISFIED = Satisfaction.BASICALLY_SATISFIED.value, Satisfaction.BASICALLY_SATISFIED.label
        DISSATISFIED = Satisfaction.DISSATISFIED.value, Satisfaction.DISSATISFIED.label

    case = models.OneToOneField("complaints.Case", on_delete=models.PROTECT, related_name="public_rating")
    satisfaction = models.CharField(_("满意度"), max_length=24, choices=Choice.choices)
    resolved = models.BooleanField(_("问题是否解决"))
    comment = models.TextField(_("评价意见"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("投诉人评价")
        verbose_name_plural = _("投诉人评价")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_satisfaction_display()}"

"""The rules registration applies to each case: the center's list of professional claimants
(职业索赔人), the repeat and cluster windows (登记规则) and the clusters of complaints about one
respondent (集中投诉) that registration forms and joins (complaints/services/repeats.py).

They were supervision's; they moved here because registration reads them, and supervision (the
clusters page, the batch action 专项行动) sits above complaints. The two tables kept their names
(supervision_professionalclaimant, supervision_casecluster) when they moved (migration 0023)."""
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import CaseKind
from core.models import SingleRowSettings

# The kinds that follow the registration system (登记制) unless the center says otherwise: all five
# elements before registration. A Weibo post or a mayor's-mailbox letter is a complaint or report
# in another dress, so it waits for its demand like one.
DEFAULT_FIVE_ELEMENT_KINDS = [CaseKind.COMPLAINT.value, CaseKind.REPORT.value, CaseKind.WEIBO.value,
                              CaseKind.MAYOR_MAILBOX.value]
# The levels 同城通办 may be judged at: county-level (区/县/县级市) by default, as the seeds' plan.
CROSS_REGION_LEVELS = [("district", _("区县（县级）")), ("street", _("街道/乡镇"))]


def default_five_element_kinds() -> list[str]:
    return list(DEFAULT_FIVE_ELEMENT_KINDS)


class IntakeSettings(SingleRowSettings):
    """One row (pk=1): the windows and threshold registration judges repeats and clusters by. Read
    with `current()`, or `cached()` on hot paths such as intake."""

    repeat_window_days = models.PositiveIntegerField(
        _("重复投诉认定期（天）"), default=30,
        help_text=_("同一投诉人就同一被投诉人、同一事项在此期限内再次投诉即为重复投诉")
    )
    cluster_window_days = models.PositiveIntegerField(_("集中投诉认定期（天）"), default=7)
    cluster_min_complainants = models.PositiveIntegerField(
        _("集中投诉最少投诉人数"), default=5, validators=[MinValueValidator(2)]
    )
    five_element_kinds = models.JSONField(
        _("登记需五要素齐全的工单类型"), default=default_five_element_kinds,
        help_text=_("这些类型的工单须何时、何地、何人、何事、何由齐全方可登记；其他类型只需写明何事"),
    )
    cross_region_level = models.CharField(
        _("同城通办判定层级"), max_length=10, choices=CROSS_REGION_LEVELS, default="district",
        help_text=_("受理单位与被投诉人所在地不属同一此级行政区划的，为同城通办；市中心及其科室受理的不算"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("登记规则")
        verbose_name_plural = _("登记规则")


def kinds_needing_five_elements() -> set[str]:
    """The kinds registration needs all five elements of (登记规则, read from the per-process copy)."""
    return set(IntakeSettings.cached().five_element_kinds)


class ProfessionalClaimant(models.Model):
    """A person the center lists as a professional claimant; their filings are flagged at intake."""

    name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True, db_index=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    added_at = models.DateTimeField(_("列入时间"), auto_now_add=True)

    class Meta:
        db_table = "supervision_professionalclaimant"
        verbose_name = _("职业索赔人")
        verbose_name_plural = _("职业索赔人名单")
        ordering = ["-added_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(phone="") | ~models.Q(id_number=""), name="claimant_phone_or_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.phone or self.id_number


class CaseCluster(models.Model):
    """Many complainants about one respondent in a short time (集中投诉), formed and joined at
    registration; the center may turn it into one batch action (专项行动) handled by one unit
    (supervision.services.cluster_action_start)."""

    class State(models.TextChoices):
        OPEN = "open", _("待处置")
        ACTION = "action", _("专项行动中")
        CLOSED = "closed", _("已结束")

    respondent_name = models.CharField(_("被投诉人"), max_length=200, db_index=True)
    created_at = models.DateTimeField(_("发现时间"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    # The membership table follows db_table: it is still supervision_casecluster_cases.
    cases = models.ManyToManyField("complaints.Case", verbose_name=_("工单"), related_name="clusters")
    action_title = models.CharField(_("专项行动名称"), max_length=200, blank=True)
    action_unit = models.ForeignKey(
        "routing.Unit", verbose_name=_("牵头单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action_started_at = models.DateTimeField(_("启动时间"), null=True, blank=True)
    action_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("启动人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        db_table = "supervision_casecluster"
        verbose_name = _("集中投诉")
        verbose_name_plural = _("集中投诉")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.respondent_name}（{self.get_state_display()}）"



"""The case (工单) and its lifecycle.

received → registered → dispatched → handling → replied → archived, with the side exits declined and
transferred and the loops return (dispatched → registered), redo (replied → handling) and reopen
(archived → handling). Transitions only change the case's own fields; services save, record history
and start or stop clocks. Each transition's permission is a predicate of `complaints.access`, so
django-fsm's `has_transition_perm` checks the role and the unit together.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, ConcurrentTransitionMixin, FSMField, transition

from core.legal_basis import LegalBasis, legal_basis_for
from deadlines.workdays import local_date
from routing.models import PlatformJurisdiction

from .. import access
from .choices import (
    CaseKind,
    Channel,
    ComplainantType,
    Grade,
    Satisfaction,
)
from .repeats import kinds_needing_five_elements

FIVE_ELEMENT_FIELDS = {
    "incident_time": _("何时"),
    "incident_place": _("何地"),
    "respondent_name": _("何人"),
    "facts": _("何事"),
    "demand": _("何由（诉求）"),
}


# What a user is told when a transition's condition does not hold.
CONDITION_MESSAGES = {
    "elements_complete": _("五要素不全，补充后方可登记。"),
    "is_consultation": _("只有咨询可以当场解答办结。"),
    "handled_by_district_center": _("只有区县受理中心可以二级分流。"),
    "no_pending_extension": _("已有延期申请待审批。"),
    "has_pending_extension": _("没有待审批的延期申请。"),
    "contact_done_or_impossible": _("答复前须先记录与投诉人的联系情况。"),
    "reply_not_yet_approved": _("答复已核查通过。"),
    "reply_approved": _("答复尚未核查通过。"),
    "reply_approved_and_followed_up": _("办结前须核查通过答复并完成回访（或记录无法回访的原因）。"),
    "was_handled": _("该工单未曾分流承办，不能二次交办。"),
    "redispatched_by_district_center": _("该工单不是由区县受理中心二级分流的。"),
    "is_complaint": _("只有投诉需要作出受理决定。"),
    "acceptance_undecided": _("该投诉已作出受理决定。"),
    "accepted_complaint": _("投诉受理后方可记录调解结果。"),
    "mediation_open": _("调解结果已记录。"),
    "is_report": _("只有举报需要作出立案决定。"),
    "report_undecided": _("该举报已作出处理决定。"),
    "mediation_concluded": _("已受理的投诉须先记录调解结果（达成协议或终止调解）方可办结。"),
    "is_merge_follower": _("该工单不是并案处理的从案。"),
    "decision_notice_owed": _("该工单没有待告知的决定。"),
    "no_reply_awaiting_sign_off": _("已有答复待负责人签发。"),
    "has_reply_awaiting_sign_off": _("没有待签发的答复。"),
    "is_sensitive": _("只有舆情敏感工单的答复需要报批。"),
}

# The clocks of a notice owed after a decision: to both parties after a terminated mediation, to a
# real-name reporter after the decision on the report.
DECISION_NOTICE_CLOCKS = ("statutory_termination_notice", "statutory_report_notice")


class CaseNumberSequence(models.Model):
    """Per-day counter behind case numbers; incremented under a row lock so numbers never repeat."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day:%Y%m%d}: {self.last}"


class Case(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", _("已接收")
        REGISTERED = "registered", _("已登记")
        DISPATCHED = "dispatched", _("已分流")
        HANDLING = "handling", _("办理中")
        REPLIED = "replied", _("已答复")
        ARCHIVED = "archived", _("已办结")
        DECLINED = "declined", _("不予登记")
        TRANSFERRED = "transferred", _("已移送")
        # The statutory end states (complaints/models/procedure.py): a complaint refused by the
        # bureau with jurisdiction, a report that repeats one already handled.
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        NOT_PROCESSED = "not_processed", _("重复举报不予处理")

    # Where a case has ended (no more work, evidence or deadlines), and where it lies with a
    # handling unit. Declined and transferred cases never went anywhere: repeat and cluster checks
    # leave them out, but count an archived case (a complaint made again after its reply).
    # Not accepted and not processed are "not taken up" like declined: a complaint made again after
    # a refusal is not a repeat of one the unit handled badly.
    ENDED_STATES = (State.ARCHIVED, State.DECLINED, State.TRANSFERRED, State.NOT_ACCEPTED, State.NOT_PROCESSED)
    NOT_TAKEN_UP_STATES = (State.DECLINED, State.TRANSFERRED, State.NOT_ACCEPTED, State.NOT_PROCESSED)
    # Where the statutory decisions are taken: by the center while it keeps the case, by the unit
    # with jurisdiction once dispatched (a platform's work order may arrive registered already).
    LEGAL_DECISION_STATES = (State.REGISTERED, State.DISPATCHED, State.HANDLING)
    AT_UNIT_STATES = (State.DISPATCHED, State.HANDLING)

    Kind = CaseKind
    Grade = Grade
    Channel = Channel
    ComplainantType = ComplainantType

    number = models.CharField(_("工单编号"), max_length=20, unique=True)
    query_code = models.CharField(_("查询码"), max_length=12)
    state = FSMField(_("状态"), max_length=20, choices=State.choices, default=State.RECEIVED, protected=True)
    # Optimistic lock for transitions that keep the state (contact, stage reply, extension ...).
    version = models.PositiveIntegerField(default=0, editable=False)

    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices)
    channel = models.CharField(_("渠道"), max_length=30, choices=Channel.choices)
    external_ref = models.CharField(_("外部系统编号"), max_length=64, blank=True)
    grade = models.CharField(_("等级"), max_length=10, choices=Grade.choices, default=Grade.GENERAL)
    enterprise_related = models.BooleanField(_("涉企"), default=False)
    sensitive = models.BooleanField(_("舆情敏感"), default=False)
    cross_region = models.BooleanField(_("同城通办"), default=False)
    is_repeat = models.BooleanField(_("重复投诉"), default=False)
    professional_claimant = models.BooleanField(_("职业索赔"), default=False)

    complainant_type = models.CharField(
        _("投诉人类型"), max_length=24, choices=ComplainantType.choices, default=ComplainantType.INDIVIDUAL
    )
    complainant_name = models.CharField(_("投诉人姓名/名称"), max_length=100, blank=True)
    complainant_phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    complainant_address = models.CharField(_("联系地址"), max_length=200, blank=True)
    complainant_id_number = models.CharField(_("证件号码"), max_length=30, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    # The complainant asked to be told nothing by SMS (短信): the messaging app sends them none.
    sms_opt_out = models.BooleanField(_("不接收短信"), default=False)

    respondent_name = models.CharField(_("被投诉/举报人"), max_length=200, blank=True)
    respondent_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    respondent_address = models.CharField(_("被投诉人地址"), max_length=200, blank=True)
    respondent_area = models.ForeignKey(
        "routing.Area", verbose_name=_("被投诉人所在区域"), null=True, blank=True, on_delete=models.PROTECT
    )
    respondent_phone = models.CharField(_("被投诉人电话"), max_length=30, blank=True)
    # A merchant on an e-commerce platform (平台内经营者): the platform and the shop. When the merchant
    # published no address or cannot be reached there, `platform_jurisdiction` says so and the case
    # goes to the platform operator's home bureau (Order 121; routing.selectors.platform_route_propose).
    respondent_platform = models.ForeignKey(
        "routing.Platform", verbose_name=_("电商平台"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
        # No index: building one locks a table of millions of cases, and nothing looks cases up by
        # platform except the rare deletion of a platform (which PROTECT then refuses).
        db_index=False,
    )
    respondent_shop = models.CharField(_("网店名称"), max_length=200, blank=True)
    platform_jurisdiction = models.CharField(
        _("按平台经营者住所地管辖"), max_length=20, choices=PlatformJurisdiction.choices, blank=True)

    incident_time = models.CharField(_("何时"), max_length=100, blank=True)
    incident_place = models.CharField(_("何地"), max_length=200, blank=True)
    facts = models.TextField(_("何事"), blank=True)
    demand = models.TextField(_("何由（诉求）"), blank=True)
    category = models.ForeignKey(
        "routing.Category", verbose_name=_("业务分类"), null=True, blank=True, on_delete=models.PROTECT
    )

    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    registered_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("首次分流时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("首次联系时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply_approved_at = models.DateTimeField(_("核查通过时间"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    registering_unit = models.ForeignKey(
        "routing.Unit", verbose_name=_("登记单位"), related_name="registered_cases", on_delete=models.PROTECT
    )
    dispatching_unit = models.ForeignKey(
        "routing.Unit", verbose_name=_("分流单位"), related_name="dispatched_cases",
        null=True, blank=True, on_delete=models.PROTECT,
    )
    handling_unit = models.ForeignKey(
        "routing.Unit", verbose_name=_("承办单位"), related_name="handled_cases",
        null=True, blank=True, on_delete=models.PROTECT,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), related_name="handled_cases",
        null=True, blank=True, on_delete=models.SET_NULL,
    )
    linked_case = models.ForeignKey(
        "self", verbose_name=_("关联工单"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    repeat_of = models.ForeignKey(
        "self", verbose_name=_("重复投诉的原工单"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="repeats",
    )

    handling_limit_amount = models.PositiveIntegerField(_("办理时限（中心指定）"), null=True, blank=True)
    handling_limit_unit = models.CharField(_("时限单位"), max_length=20, blank=True)
    extension_pending = models.BooleanField(_("延期申请待审批"), default=False)
    return_count = models.PositiveIntegerField(_("退回次数"), default=0)
    redo_count = models.PositiveIntegerField(_("重办次数"), default=0)

    decline_reason = models.ForeignKey(
        "complaints.DeclineReason", verbose_name=_("不予登记理由"), null=True, blank=True, on_delete=models.PROTECT
    )
    transfer_department = models.ForeignKey(
        "routing.Unit", verbose_name=_("移送部门"), related_name="transferred_cases",
        null=True, blank=True, on_delete=models.PROTECT,
    )
    outcome_text = models.TextField(_("处理结果/答复内容"), blank=True)
    # The statutory track's latest outcome per decision (the decisions themselves, with grounds,
    # notices and who decided, are complaints.LegalDecision rows); read by conditions and figures.
    acceptance = models.CharField(_("受理决定"), max_length=20, blank=True, choices=[
        ("accepted", _("受理")), ("not_accepted", _("不予受理"))])
    acceptance_decided_at = models.DateTimeField(_("受理决定时间"), null=True, blank=True)
    mediation_outcome = models.CharField(_("调解结果"), max_length=20, blank=True, choices=[
        ("agreement", _("达成调解协议")), ("terminated", _("终止调解")), ("entrusted", _("委托调解"))])
    mediation_ended_at = models.DateTimeField(_("调解结束时间"), null=True, blank=True)
    amount_recovered = models.DecimalField(_("挽回经济损失（元）"), max_digits=12, decimal_places=2,
                                           null=True, blank=True)
    report_decision = models.CharField(_("举报处理决定"), max_length=20, blank=True, choices=[
        ("case_opened", _("立案")), ("not_opened", _("不予立案")), ("repeat", _("重复举报不予处理"))])
    report_decided_at = models.DateTimeField(_("举报决定时间"), null=True, blank=True)
    # 并案处理: the lead case that carries the handling and the decision; this one closes with it.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并案主案"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    satisfaction = models.CharField(_("回访满意度"), max_length=24, choices=Satisfaction.choices, blank=True)
    resolved = models.BooleanField(_("是否解决"), null=True, blank=True)

    # The nearest due time of the case's counting clocks (running, not paused, counted) and the
    # nearest moment one of them turns yellow (its warn_at, or its due_at when it has none). Kept by
    # the database on PostgreSQL (complaints/inbox_tally_sql.py): every writer of clocks or cases,
    # bulk ones included, keeps them right, and a save() of a stale instance cannot undo them.
    next_due_at = models.DateTimeField(_("最近截止时间"), null=True, blank=True, editable=False)
    next_warn_at = models.DateTimeField(_("最近预警时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["handling_unit", "state"]),
            models.Index(fields=["state", "received_at"]),
            # Reports count the cases received in a period (dashboard, volume and hotspot analysis):
            # a range scan on the receipt time, whatever the states.
            models.Index(fields=["received_at"], name="case_received_at"),
            # The daily rollups rebuild a day from every event dated in it (reports/services_rollups.py);
            # partial, since most cases never have most of these events.
            *(models.Index(fields=[field], name=f"case_{field}", condition=Q(**{f"{field}__isnull": False}))
              for field in ("dispatched_at", "followed_up_at", "replied_at", "acceptance_decided_at",
                            "mediation_ended_at", "report_decided_at")),
            # Repeat and cluster look-ups at registration (services/repeats.py): range scans on the
            # receipt time within one respondent (and complainant).
            models.Index(fields=["respondent_name", "received_at"], name="case_respondent_received"),
            models.Index(fields=["complainant_phone", "respondent_name", "received_at"], name="case_repeat_lookup"),
            # The case list, newest first, paged by keyset (complaints/keyset.py).
            models.Index(fields=["-received_at", "-id"], name="case_received_keyset"),
            # A unit's inbox, nearest deadline first: its 25 rows are the first entries of this index.
            models.Index(fields=["handling_unit", "next_due_at", "id"], name="case_inbox_due",
                         condition=Q(state__in=["dispatched", "handling"])),
            # Its due-soon count: the cases whose nearest warning falls in the current hour.
            models.Index(fields=["handling_unit", "next_warn_at"], name="case_inbox_warn",
                         condition=Q(state__in=["dispatched", "handling"])),
            # The dashboard's overdue and due-soon figures (reports/selectors_today.py): the cases of
            # any state whose nearest due / warning time falls in the current hour (the earlier hours
            # are kept tallies). Partial: most cases have no running clock.
            *(models.Index(fields=[field], name=f"case_{field}", condition=Q(**{f"{field}__isnull": False}))
              for field in ("next_due_at", "next_warn_at")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_ref"], condition=~Q(external_ref=""), name="case_unique_external_ref"
            ),
        ]
        permissions = [
            ("receive_case", _("接收工单")),
            ("register_case", _("登记工单")),
            ("decline_case", _("不予登记")),
            ("answer_case", _("当场解答")),
            ("transfer_case", _("移送")),
            ("dispatch_case", _("分流")),
            ("redispatch_case", _("二级分流")),
            ("return_case", _("退回")),
            ("accept_case", _("签收")),
            ("contact_case", _("联系投诉人")),
            ("stage_reply_case", _("阶段性回复")),
            ("request_extension_case", _("申请延期")),
            ("decide_extension_case", _("审批延期")),
            ("reply_case", _("答复")),
            ("approve_reply_case", _("核查通过")),
            ("redo_case", _("发回重办")),
            ("follow_up_case", _("回访")),
            ("archive_case", _("办结归档")),
            ("reopen_case", _("二次交办")),
            ("add_evidence_case", _("补充证据")),
            ("reassign_case", _("单位内改派承办人")),
            ("decide_legal_case", _("法定程序决定（受理、调解、立案）")),
            ("sign_off_reply_case", _("签发答复（承办单位负责人）")),
            ("approve_sensitive_reply_case", _("审批舆情敏感工单的答复（中心主任）")),
        ]

    def __str__(self) -> str:
        return self.number

    # --- optimistic locking on the version as well as the state ---------------------------------
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded_version = self.version

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._loaded_version = self.version

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version = self._loaded_version + 1
        super().save(*args, **kwargs)
        self._loaded_version = self.version

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update, *args, **kwargs):
        updated = super()._do_update(
            base_qs.filter(version=self._loaded_version), using, pk_val, values, update_fields, forced_update,
            *args, **kwargs,
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise ConcurrentTransition(_("工单已被他人处理，请刷新后重试。"))
        return updated

    # --- derived facts used by conditions and pages ----------------------------------------------
    @property
    def legal_basis(self) -> str:
        """The order (20 or 121) the case's statutory track follows: chosen by the receipt date in
        core.legal_basis, and the receipt time is never edited, so it never changes after receipt."""
        return legal_basis_for(local_date(self.received_at))

    def get_legal_basis_display(self) -> str:
        return str(LegalBasis(self.legal_basis).label)

    @property
    def missing_elements(self) -> list[str]:
        """The five elements (五要素) still missing, as user-facing labels."""
        if self.kind not in kinds_needing_five_elements():
            return [] if self.facts.strip() else [str(FIVE_ELEMENT_FIELDS["facts"])]
        return [str(label) for field, label in FIVE_ELEMENT_FIELDS.items() if not getattr(self, field).strip()]

    def details_editable(self) -> bool:
        """Details are supplied or corrected (补充工单信息) until the case is dispatched."""
        return self.state in (Case.State.RECEIVED, Case.State.REGISTERED)

    def accepts_evidence(self) -> bool:
        """Evidence is added at any stage until the case has ended."""
        return self.state not in Case.ENDED_STATES

    def elements_complete(self) -> bool:
        return not self.missing_elements

    def is_consultation(self) -> bool:
        return self.kind == CaseKind.CONSULTATION

    def handled_by_district_center(self) -> bool:
        return self.handling_unit is not None and self.handling_unit.kind == "district_center"

    def no_pending_extension(self) -> bool:
        return not self.extension_pending

    def has_pending_extension(self) -> bool:
        return self.extension_pending

    def contact_done_or_impossible(self) -> bool:
        return self.contacted_at is not None or (self.anonymous and not self.complainant_phone)

    def reply_not_yet_approved(self) -> bool:
        return self.reply_approved_at is None

    def reply_approved(self) -> bool:
        return self.reply_approved_at is not None

    def reply_approved_and_followed_up(self) -> bool:
        return self.reply_approved_at is not None and self.followed_up_at is not None

    def was_handled(self) -> bool:
        return self.handling_unit_id is not None

    def redispatched_by_district_center(self) -> bool:
        return (self.dispatching_unit is not None and self.dispatching_unit.kind == "district_center"
                and self.dispatching_unit_id != self.handling_unit_id)

    def is_complaint(self) -> bool:
        return self.kind == CaseKind.COMPLAINT

    def is_report(self) -> bool:
        return self.kind == CaseKind.REPORT

    def acceptance_undecided(self) -> bool:
        return not self.acceptance

    def accepted_complaint(self) -> bool:
        return self.acceptance == "accepted"

    def mediation_open(self) -> bool:
        # An entrusted mediation (委托调解) is still open: the entrusted body's result is recorded later.
        return self.mediation_outcome in ("", "entrusted")

    def report_undecided(self) -> bool:
        return not self.report_decision

    def mediation_concluded(self) -> bool:
        """An accepted complaint is archived only with its mediation outcome (the reply carries it)."""
        return self.acceptance != "accepted" or self.mediation_outcome in ("agreement", "terminated")

    def is_merge_follower(self) -> bool:
        return self.merged_into_id is not None

    def decision_notice_owed(self) -> bool:
        # A clock row, not a field: the notice clocks are the record of what is owed (read through
        # the relation, the deadlines layer sits below this model).
        return self.clocks.filter(clock__in=DECISION_NOTICE_CLOCKS, stopped_at__isnull=True).exists()

    # --- transitions ------------------------------------------------------------------------------
    @transition(field=state, source=State.RECEIVED, target=State.REGISTERED,
                conditions=[elements_complete], permission=access.may_register)
    def register(self, *, at) -> None:
        self.registered_at = at

    @transition(field=state, source=State.RECEIVED, target=State.DECLINED, permission=access.may_decline)
    def decline(self, *, reason) -> None:
        self.decline_reason = reason

    @transition(field=state, source=[State.RECEIVED, State.REGISTERED], target=State.ARCHIVED,
                conditions=[is_consultation], permission=access.may_answer)
    def answer_on_the_spot(self, *, answer: str, at) -> None:
        self.outcome_text = answer
        self.replied_at = at
        self.archived_at = at

    @transition(field=state, source=[State.RECEIVED, State.REGISTERED], target=State.TRANSFERRED,
                permission=access.may_transfer)
    def transfer_out(self, *, department) -> None:
        self.transfer_department = department

    @transition(field=state, source=State.REGISTERED, target=State.DISPATCHED,
                permission=access.may_dispatch)
    def dispatch(self, *, unit, by_unit, at) -> None:
        self.handling_unit = unit
        self.dispatching_unit = by_unit
        self.handler = None
        # Deadlines run from the first dispatch, even after a return and a new dispatch.
        if self.dispatched_at is None:
            self.dispatched_at = at

    @transition(field=state, source=State.DISPATCHED, target=State.DISPATCHED,
                conditions=[handled_by_district_center], permission=access.may_redispatch)
    def redispatch(self, *, unit) -> None:
        self.dispatching_unit = self.handling_unit
        self.handling_unit = unit

    @transition(field=state, source=State.DISPATCHED, target=State.REGISTERED, permission=access.may_return)
    def return_to_dispatcher(self) -> None:
        self.handling_unit = None
        self.handler = None
        self.return_count += 1

    @transition(field=state, source=State.DISPATCHED, target=State.DISPATCHED,
                conditions=[redispatched_by_district_center], permission=access.may_return)
    def return_to_redispatcher(self, *, dispatched_by) -> None:
        # Back to the district center that redispatched it, which dispatches it on again.
        self.handling_unit = self.dispatching_unit
        self.dispatching_unit = dispatched_by
        self.handler = None
        self.return_count += 1
    @transition(field=state, source=State.HANDLING, target=State.HANDLING, permission=access.may_reassign)
    def reassign(self, *, handler) -> None:
        self.handler = handler

    @transition(field=state, source=State.DISPATCHED, target=State.HANDLING, permission=access.may_accept)
    def accept(self, *, handler, at) -> None:
        self.handler = handler
        self.accepted_at = at

    @transition(field=state, source=State.HANDLING, target=State.HANDLING, permission=access.may_contact)
    def record_contact(self, *, at) -> None:
        if self.contacted_at is None:
            self.contacted_at = at

    @transition(field=state, source=State.HANDLING, target=State.HANDLING,
                permission=access.may_stage_reply)
    def stage_reply(self) -> None:
        pass  # the progress report itself is history; the state and fields do not change

    @transition(field=state, source=State.HANDLING, target=State.HANDLING,
                conditions=[no_pending_extension], permission=access.may_request_extension)
    def request_extension(self) -> None:
        self.extension_pending = True

    @transition(field=state, source=State.HANDLING, target=State.HANDLING,
                conditions=[has_pending_extension], permission=access.may_decide_extension)
    def decide_extension(self) -> None:
        self.extension_pending = False

    @transition(field=state, source=State.HANDLING, target=State.REPLIED,
                conditions=[contact_done_or_impossible], permission=access.may_reply)
    def reply(self, *, text: str, at) -> None:
        self.outcome_text = text
        self.replied_at = at
        self.extension_pending = False

    @transition(field=state, source=State.REPLIED, target=State.REPLIED,
                conditions=[reply_not_yet_approved], permission=access.may_approve_reply)
    def approve_reply(self, *, at) -> None:
        self.reply_approved_at = at

    @transition(field=state, source=State.REPLIED, target=State.HANDLING,
                conditions=[reply_not_yet_approved], permission=access.may_redo)
    def return_for_redo(self) -> None:
        self.redo_count += 1
        self.replied_at = None

    @transition(field=state, source=State.REPLIED, target=State.REPLIED,
                conditions=[reply_approved], permission=access.may_follow_up)
    def follow_up(self, *, satisfaction: str, resolved: bool | None, at) -> None:
        self.satisfaction = satisfaction
        self.resolved = resolved
        self.followed_up_at = at

    @transition(field=state, source=State.REPLIED, target=State.ARCHIVED,
                conditions=[reply_approved_and_followed_up, mediation_concluded], permission=access.may_archive)
    def archive(self, *, at) -> None:
        self.archived_at = at

    @transition(field=state, source=State.ARCHIVED, target=State.HANDLING,
                conditions=[was_handled], permission=access.may_reopen)
    def reopen(self) -> None:
        # A second assignment (二次交办) is a new round: reply, review and follow-up start over.
        self.replied_at = None
        self.reply_approved_at = None
        self.followed_up_at = None
        self.archived_at = None
        self.satisfaction = ""
        self.resolved = None

    # --- the statutory track (decisions: complaints/models/procedure.py) ---------------------------
    # target=None keeps the state: the decision is recorded along the main line, not as a state.
    @transition(field=state, source=LEGAL_DECISION_STATES, target=None,
                conditions=[is_complaint, acceptance_undecided], permission=access.may_decide_legal)
    def accept_complaint(self, *, at) -> None:
        self.acceptance, self.acceptance_decided_at = "accepted", at

    # A unit refuses what it finds outside its remit after dispatch too, and a platform's work
    # order registered automatically; the intake clerk may refuse it while still received.
    @transition(field=state, source=[State.RECEIVED, *LEGAL_DECISION_STATES], target=State.NOT_ACCEPTED,
                conditions=[is_complaint, acceptance_undecided], permission=access.may_decide_legal)
    def refuse_acceptance(self, *, at) -> None:
        self.acceptance, self.acceptance_decided_at = "not_accepted", at
        self.archived_at = at
        self.extension_pending = False

    @transition(field=state, source=[State.HANDLING], target=None,
                conditions=[accepted_complaint, mediation_open], permission=access.may_decide_legal)
    def record_mediation(self, *, outcome: str, amount_recovered, at) -> None:
        self.mediation_outcome = outcome
        if outcome != "entrusted":
            self.mediation_ended_at = at
            self.amount_recovered = amount_recovered

    @transition(field=state, source=LEGAL_DECISION_STATES, target=None,
                conditions=[is_report, report_undecided], permission=access.may_decide_legal)
    def decide_report(self, *, opened: bool, at) -> None:
        self.report_decision, self.report_decided_at = ("case_opened" if opened else "not_opened"), at

    # 重复举报不予处理 (Order 121): no new handling obligation, so the case ends here.
    @transition(field=state, source=[State.RECEIVED, *LEGAL_DECISION_STATES], target=State.NOT_PROCESSED,
                conditions=[is_report, report_undecided], permission=access.may_decide_legal)
    def mark_repeat_report(self, *, earlier, at) -> None:
        self.report_decision, self.report_decided_at = "repeat", at
        self.repeat_of = earlier
        self.archived_at = at
        self.extension_pending = False

    # 并案处理: the follower keeps its state (it waits for its lead) but carries no handling itself.
    @transition(field=state, source=[State.RECEIVED, *LEGAL_DECISION_STATES], target=None,
                conditions=[is_report, report_undecided], permission=access.may_decide_legal)
    def merge_into(self, *, lead) -> None:
        self.merged_into = lead

    # The lead's side of a merge (并案): whoever may decide on the lead report gathers followers in.
    @transition(field=state, source=LEGAL_DECISION_STATES, target=None,
                conditions=[is_report, report_undecided], permission=access.may_decide_legal)
    def lead_merge(self) -> None:
        pass  # the followers change (merge_into); the lead's fields do not

    # Closed with the lead when the lead is archived (called by the lead's archive, no permission of
    # its own: whoever archives the lead closes its followers).
    @transition(field=state, source=[State.RECEIVED, *LEGAL_DECISION_STATES, State.REPLIED], target=State.ARCHIVED,
                conditions=[is_merge_follower])
    def close_with_lead(self, *, at) -> None:
        self.archived_at = at
        self.report_decision = self.merged_into.report_decision
        self.report_decided_at = at

    @transition(field=state, source=[*LEGAL_DECISION_STATES, State.REPLIED, State.ARCHIVED], target=None,
                conditions=[decision_notice_owed], permission=access.may_decide_legal)
    def record_decision_notice(self) -> None:
        pass  # the notice is history and stops its clock; the case's fields do not change
    # --- sign-off inside the unit and 报批 (complaints/services/signoff.py) ----------------------
    def no_reply_awaiting_sign_off(self) -> bool:
        return not self.reply_drafts.filter(decision="pending").exists()

    def has_reply_awaiting_sign_off(self) -> bool:
        return self.reply_drafts.filter(decision="pending").exists()

    def is_sensitive(self) -> bool:
        return self.sensitive

    @transition(field=state, source=State.HANDLING, target=State.HANDLING,
                conditions=[contact_done_or_impossible, no_reply_awaiting_sign_off],
                permission=access.may_submit_reply)
    def submit_reply(self) -> None:
        pass  # the draft is a row of its own (ReplyDraft); the version moves with the save

    @transition(field=state, source=State.HANDLING, target=State.HANDLING,
                conditions=[has_reply_awaiting_sign_off], permission=access.may_sign_off_reply)
    def return_reply_draft(self) -> None:
        pass

    @transition(field=state, source=State.REPLIED, target=State.REPLIED,
                conditions=[is_sensitive, reply_not_yet_approved], permission=access.may_refer_reply)
    def refer_reply(self) -> None:
        pass  # the referral (报批) is history and a notice to the director

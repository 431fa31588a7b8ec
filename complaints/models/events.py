"""History (履历) and evidence. History is append-only: rows are written once and never changed."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.notes import KEY as NOTE_KEY
from core.notes import render as note_render

from ..history_chain import chain_link, event_digest_of


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("case history cannot be changed")

    def delete(self):
        raise AppendOnlyError("case history cannot be deleted")


class CaseEvent(models.Model):
    """One thing that happened to a case: who did it, when, from which state to which, and why."""

    class Action(models.TextChoices):
        RECEIVE = "receive", _("接收")
        REGISTER = "register", _("登记")
        DECLINE = "decline", _("不予登记")
        ANSWER = "answer", _("当场解答")
        TRANSFER = "transfer", _("移送")
        DISPATCH = "dispatch", _("分流")
        REDISPATCH = "redispatch", _("二级分流")
        RETURN = "return", _("退回")
        ACCEPT = "accept", _("签收")
        CONTACT = "contact", _("联系投诉人")
        STAGE_REPLY = "stage_reply", _("阶段性回复")
        REQUEST_EXTENSION = "request_extension", _("申请延期")
        DECIDE_EXTENSION = "decide_extension", _("延期审批")
        REPLY = "reply", _("答复")
        APPROVE_REPLY = "approve_reply", _("核查通过")
        REDO = "redo", _("发回重办")
        FOLLOW_UP = "follow_up", _("回访")
        ARCHIVE = "archive", _("办结归档")
        REOPEN = "reopen", _("二次交办")
        EVIDENCE = "evidence", _("补充证据")
        UPDATE = "update", _("补充信息")
        LINK = "link", _("关联工单")
        DEADLINE = "deadline", _("时限变更")
        NOTICE = "notice", _("知会")
        CROSS_REGION = "cross_region", _("同城通办告知")
        ASSIGN = "assign", _("指定协办")
        FINDINGS = "findings", _("协办意见")
        REASSIGN = "reassign", _("改派承办人")
        PUBLIC_RATING = "public_rating", _("投诉人评价")
        SUPERVISE = "supervise", _("督办")
        NOTIFY_COMPLAINANT = "notify_complainant", _("告知投诉人")
        PAUSE = "pause", _("时限暂停")
        RESUME = "resume", _("时限恢复")
        BATCH_ACTION = "batch_action", _("专项行动")
        DOCUMENT = "document", _("签发文书")
        # The statutory track (complaints/services/procedure.py); stable names that notices
        # (SMS) and webhooks key on. "accept" is the unit signing for a case (签收), not 受理.
        LEGAL_ACCEPT = "legal_accept", _("受理")
        NOT_ACCEPT = "not_accept", _("不予受理")
        MEDIATION_ENTRUST = "mediation_entrust", _("委托调解")
        MEDIATION_END = "mediation_end", _("调解结果")
        REPORT_DECIDE = "report_decide", _("举报立案决定")
        REPORT_REPEAT = "report_repeat", _("重复举报不予处理")
        MERGE = "merge", _("并案处理")
        DECISION_NOTICE = "decision_notice", _("告知决定")
        SUBMIT_REPLY = "submit_reply", _("答复提交负责人签发")
        RETURN_REPLY_DRAFT = "return_reply_draft", _("答复稿退回修改")
        REFER_REPLY = "refer_reply", _("答复报批")

    case = models.ForeignKey("complaints.Case", on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_unit = models.ForeignKey(
        "routing.Unit", verbose_name=_("操作单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField(_("操作"), max_length=30, choices=Action.choices)
    source_state = models.CharField(_("原状态"), max_length=20, blank=True)
    target_state = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    # Internal notes are kept from the public look-up.
    internal = models.BooleanField(_("内部信息"), default=False)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    # Chained to the case's previous row (complaints/history_chain.py); blank on rows older than the chain.
    chain_hash = models.CharField(_("校验链"), max_length=64, blank=True, default="", editable=False)

    objects = AppendOnlyQuerySet.as_manager()
    # Set by case_event_seal_first when the case's id is not known before both are written.
    chain_first = False

    class Meta:
        # Partitioned by month on `at` on PostgreSQL (core/partitions.py, migration 0031): the
        # database's primary key is (id, at), as partitions require; ids come from one sequence, so
        # `id` stays Django's pk. Nothing may point here with a foreign key (none does).
        verbose_name = _("工单履历")
        verbose_name_plural = _("工单履历")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["case", "at"]),
            # Returns per unit over a period (退回统计) read only returns, a small share of the history.
            models.Index(fields=["at"], condition=models.Q(action="return"), name="caseevent_return_at"),
            # A case's last row, the head its next row chains to (complaints/history_chain.py): one
            # probe, where (case) alone made the sweep's chained insert walk the history backwards.
            models.Index(fields=["case", "id"], name="caseevent_chain_head"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("case history cannot be changed")
        if self.chain_first and not self.chain_hash:
            self.chain_hash = chain_link(previous="", case_id=self.case.pk, digest=event_digest_of(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("case history cannot be deleted")

    @property
    def display_note(self) -> str:
        """The note in the reader's language when the system wrote it (core/notes.py);
        what people typed is shown as typed."""
        stored = self.data.get(NOTE_KEY) if isinstance(self.data, dict) else None
        return note_render(stored) if stored else self.note

    @property
    def source_state_label(self) -> str:
        return _state_label(self.source_state)

    @property
    def target_state_label(self) -> str:
        return _state_label(self.target_state)


def _state_label(value: str) -> str:
    from .case import Case

    return str(dict(Case.State.choices).get(value, value))


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"evidence/{instance.case.number}/{filename}"


class Attachment(models.Model):
    """Evidence added by the clerk or the unit at any stage before archive."""

    case = models.ForeignKey("complaints.Case", on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    # Measured from the bytes received (complaints/evidence_rules.py), so a copy can be checked against them.
    size = models.BigIntegerField(_("文件大小（字节）"), null=True, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256 摘要"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]

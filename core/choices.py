"""Choices every layer shares: the kind of a case (the law handles complaints and reports on
separate tracks) and its grade. Routing rules, time limits and the case itself all name them."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    CONSULTATION = "consultation", _("咨询")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")
    MAYOR_MAILBOX = "mayor_mailbox", _("市长信箱")
    WEIBO = "weibo", _("微博")


class Grade(models.TextChoices):
    GENERAL = "general", _("一般")
    URGENT = "urgent", _("紧急")
    MAJOR = "major", _("重大")

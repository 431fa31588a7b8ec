from django.db import models
from django.utils.translation import gettext_lazy as _

# Case kinds and grades are shared by every layer (core) and re-exported for the case model.
from core.choices import CaseKind, Grade  # noqa: F401
from deadlines.models import LimitUnit


class Channel(models.TextChoices):
    PHONE = "phone", _("12315电话")
    HOTLINE_12345 = "hotline_12345", _("12345热线转办")
    NATIONAL_PLATFORM = "national_platform", _("全国12315平台")
    WEB = "web", _("网站")
    WECHAT = "wechat", _("微信")
    WEIBO = "weibo", _("微博")
    APP = "app", _("APP")
    LETTER = "letter", _("信件")
    VISIT = "visit", _("来访")
    EVENT_BOOTH = "event_booth", _("现场活动")
    API = "api", _("接口")


class ComplainantType(models.TextChoices):
    INDIVIDUAL = "individual", _("个人")
    ENTERPRISE = "enterprise", _("企业")
    SOCIAL_ORGANISATION = "social_organisation", _("社会团体")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    UNREACHABLE = "unreachable", _("无法回访")


class ContactMeans(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    VISIT = "visit", _("上门")
    IN_PERSON = "in_person", _("来访面谈")
    ONLINE = "online", _("网络")


# The units of a handling limit the center sets on dispatch (urgent and major cases): the policy's
# own units, less "the same working day", which only the policy table uses.
HANDLING_LIMIT_UNITS = [(unit.value, unit.label) for unit in (LimitUnit.HOURS, LimitUnit.WORKING_DAYS, LimitUnit.DAYS)]

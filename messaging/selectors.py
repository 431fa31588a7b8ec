from .models import SmsMessage


def case_sms_messages(*, case) -> list[SmsMessage]:
    """The case's messages, newest first (a case has a handful)."""
    return list(SmsMessage.objects.filter(case=case).select_related("template", "resent_by").order_by("-id"))

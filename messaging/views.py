"""The case page's SMS panel, the clerk's receipt by SMS, the center's resend, and the gateway's
delivery reports. Each view checks who may act and calls one service."""
import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from complaints import access, selectors
from complaints.inputs import typed_id
from complaints.models import Case
from core.errors import ApplicationError

from .delivery import sms_reports_record
from .models import SmsMessage
from .outbox import RECEIPT_KIND, sms_receipt_send, sms_recipient, sms_resend
from .selectors import case_sms_messages


def case_sms_panel(*, request, case, now) -> dict:
    """What the case page's SMS panel shows (registered with complaints.case_panels)."""
    rows = case_sms_messages(case=case)
    recipient = sms_recipient(case)
    return {
        "case": case,
        "sms_rows": rows,
        "sms_recipient": SmsMessage(phone=recipient).masked_phone if recipient else "",
        "may_send_receipt": recipient is not None and access.may_receive(request.user),
        "receipt_sent": any(message.kind == RECEIPT_KIND for message in rows),
        "may_resend": access.may_act_for_center(request.user),
    }


def _case(request, number: str) -> Case:
    try:
        return selectors.case_detail(visible_to=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404(_("工单不存在或您无权查看。")) from None


@login_required
@require_POST
def case_sms_receipt(request, number):
    access.require_receive(request.user)
    case = _case(request, number)
    try:
        message = sms_receipt_send(case=case, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("回执短信已排队发送至 %(phone)s。") % {"phone": message.masked_phone})
    return redirect("case-detail", number=case.number)


@login_required
@require_POST
def case_sms_resend(request, number, message_id):
    access.require_act_for_center(request.user)
    case = _case(request, number)
    message = get_object_or_404(SmsMessage, pk=typed_id(message_id), case=case)
    sms_resend(message=message, by=request.user)
    messages.success(request, _("短信已重新排队发送至 %(phone)s。") % {"phone": message.masked_phone})
    return redirect("case-detail", number=case.number)


@csrf_exempt
@require_POST
def sms_reports(request, token):
    """The gateway pushes delivery reports here (Alibaba Cloud's SmsReport HTTP push: a JSON list),
    at the address with the secret token set in `SMS_REPORT_TOKEN`."""
    expected = settings.SMS_REPORT_TOKEN
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Http404
    try:
        reports = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("invalid JSON")
    if not isinstance(reports, list):
        reports = [reports]
    sms_reports_record(reports=reports)
    return JsonResponse({"code": 0, "msg": "成功"})

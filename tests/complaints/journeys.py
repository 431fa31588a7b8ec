"""Bring a case to a given point of its life through the real services."""
from complaints import services
from complaints.models import Case, DeclineReason
from tests.factories import case_received


def to_registered(org, **fields) -> Case:
    return case_received(by=org.clerk, **fields)


def to_dispatched(org, **fields) -> Case:
    return services.case_dispatch(case=to_registered(org, **fields), unit=org.station, by=org.supervisor)


def to_handling(org, *, contacted=True, **fields) -> Case:
    case = services.case_accept(case=to_dispatched(org, **fields), by=org.handler)
    if contacted:
        services.case_record_contact(case=case, by=org.handler, means="phone", content="已电话联系投诉人")
    return case


def to_replied(org, **fields) -> Case:
    return services.case_reply(case=to_handling(org, **fields), by=org.handler,
                               text="经调查,商家已同意退还预付卡余额3000元,投诉人无异议。")


def to_approved(org) -> Case:
    return services.case_approve_reply(case=to_replied(org), by=org.supervisor)


def to_followed_up(org) -> Case:
    return services.case_follow_up(case=to_approved(org), by=org.supervisor, satisfaction="satisfied",
                                   resolved=True, note="投诉人表示满意")


def to_archived(org) -> Case:
    return services.case_archive(case=to_followed_up(org), by=org.supervisor)


def to_declined(org) -> Case:
    case = case_received(by=org.clerk, register=False)
    return services.case_decline(case=case, by=org.clerk, reason=DeclineReason.objects.get(code="in_petition"))


def to_transferred(org) -> Case:
    return services.case_transfer_out(case=to_registered(org), by=org.clerk, department=org.external,
                                      note="属住建部门职责")


def to_received(org) -> Case:
    return case_received(by=org.clerk, register=False)


SETUPS = {
    "received": to_received,
    "registered": to_registered,
    "dispatched": to_dispatched,
    "handling": to_handling,
    "replied": to_replied,
    "archived": to_archived,
    "declined": to_declined,
    "transferred": to_transferred,
}

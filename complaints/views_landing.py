"""Where a user lands after login, from what they may do (complaints.access), not from role names."""
from django.urls import reverse

from . import access


def landing_url(user) -> str:
    # The center and district centers' supervisors: what waits for them (supervision's to-do page).
    if access.oversees_units(user) and (user.has_perm("complaints.dispatch_case")
                                        or user.has_perm("complaints.approve_reply_case")):
        return reverse("todo")
    if access.may_receive(user):
        return reverse("case-new")
    if access.may_open_inbox(user) and user.has_perm("complaints.accept_case"):
        return reverse("inbox")
    return reverse("case-list")

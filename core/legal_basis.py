"""Which order governs a case's statutory procedure: the one place that decides it.

SAMR Order No. 121 (《市场监督管理投诉举报处理办法》, published 2025-12-30) replaced Order No. 20 of 2019
(《市场监督管理投诉举报处理暂行办法》) from 2026-04-15. A case is held to the order in force on the day
it was received, and the receipt time never changes after intake, so a case's legal basis never
changes either. The grounds (complaints.StatutoryGround) and time limits (deadlines.TimeLimit) of
each order are rows with their own effective dates; this module only names the order.
"""
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalBasis(models.TextChoices):
    ORDER_20 = "order_20", _("市场监管总局令第20号（2019）")
    ORDER_121 = "order_121", _("市场监管总局令第121号（2025）")


# The day Order 121 came into force (its Article on entry into force); cases received earlier stay
# under Order 20 to their end.
ORDER_121_IN_FORCE = date(2026, 4, 15)


def legal_basis_for(received_on: date) -> str:
    """The order a case received on `received_on` (Beijing date) is handled under."""
    return LegalBasis.ORDER_121 if received_on >= ORDER_121_IN_FORCE else LegalBasis.ORDER_20

"""The draft of a consumer warning (消费警示) written from a hotspot's figures: a title and a body the
official edits before publishing. Pure text: the figures come from selectors_hotspots.warning_figures.

The advice paragraphs are the usual ones of 12315 warnings; the official adapts them to the matter."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .selectors import Period


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def _subject(metric: str, subject: str) -> str:
    if metric == "respondent":
        return _("涉及“%(name)s”的消费") % {"name": subject}
    if metric in ("area", "area_exact"):
        return _("%(name)s的消费") % {"name": subject}
    return _("“%(name)s”类消费") % {"name": subject}


def consumer_warning_draft(
    *, metric: str, subject: str, figures: dict, period: Period, issuer: str, today: date
) -> dict:
    """`{"title": ..., "body": ...}` for a warning about one rising item."""
    topic = _subject(metric, subject)
    title = _("消费警示：警惕%(topic)s风险") % {"topic": topic}
    previous = period.previous
    figures_text = _("%(start)s至%(end)s，%(issuer)s共接到%(topic)s投诉举报%(n)s件") % {
        "start": _day(period.start), "end": _day(period.end), "issuer": issuer, "topic": topic, "n": figures["current"],
    }
    if figures["previous"]:
        figures_text += _("，较上一周期（%(start)s至%(end)s）的%(p)s件增加%(d)s件，增长%(g)s%%。") % {
            "start": _day(previous.start), "end": _day(previous.end), "p": figures["previous"],
            "d": figures["change"], "g": f"{figures['change_percent']:g}",
        }
    else:
        figures_text += _("，而上一周期（%(start)s至%(end)s）未收到同类投诉举报。") % {
            "start": _day(previous.start), "end": _day(previous.end)}
    paragraphs = [_("近期，%(topic)s投诉举报明显增多。") % {"topic": topic} + figures_text]
    joiner = _("、")
    related = joiner.join(_("%(name)s（%(n)s件）") % row for row in figures["related"])
    if related:
        lead = _("投诉主要涉及以下业务分类：") if metric == "respondent" else _("投诉较为集中的经营者有：")
        paragraphs.append(lead + related + _("。"))
    if figures["demands"]:
        demands = joiner.join(f"“{text}”" for text in figures["demands"])
        paragraphs.append(_("消费者的主要诉求包括%(demands)s等。") % {"demands": demands})
    paragraphs.append(_("%(issuer)s提醒广大消费者：") % {"issuer": issuer})
    paragraphs += [
        _("一、选择证照齐全、信誉良好的经营者，消费前了解商品或服务的价格、质量和售后条款，不轻信夸大宣传和口头承诺。"),
        _("二、签订书面合同，索要并保存发票、收据、付款记录和聊天记录等凭证，以便发生纠纷时维护自身权益。"),
        _("三、办理预付卡、会员卡要量力而行，不一次性大额充值，警惕以“低价”“优惠”为名诱导预付。"),
        _("四、合法权益受到侵害时，可先与经营者协商；协商不成的，可拨打12315热线或登录全国12315平台投诉举报。"),
    ]
    signature = f"{issuer}\n{_day(today)}"
    return {"title": title, "body": "\n\n".join(paragraphs) + "\n\n" + signature}

from django.utils.translation import gettext as _

from .replica import current_reading


def replica_freshness(request) -> dict:
    """The notice on a page served from a replica that is behind (core/replica.py decides when)."""
    reading = getattr(request, "replica_reading", None) or current_reading()
    minutes = reading.stale_minutes if reading else None
    if not minutes:
        return {}
    return {"replica_notice": _("本页数据来自只读副本，比实时数据晚约%(minutes)s分钟；刚做的办理可能尚未显示。")
            % {"minutes": minutes}}

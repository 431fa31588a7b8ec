"""Demo external system and Open311 services for `make run`. Idempotent. The demo key is fixed so
it can be printed on every start; a real system's key is random and shown once."""
from django.db import transaction

from routing.models import Category, Unit, User

from .models import ApiKey, ExternalSystem, Open311Service, api_key_hash

DEMO_KEY_PREFIX, DEMO_KEY_SECRET = "demo1234", "demo-12315-api-key"

SERVICES = [
    # service_code, name, kind, category code, group
    ("food", "食品安全投诉", "complaint", "01", "投诉"),
    ("prepaid-card", "预付卡消费投诉", "complaint", "02", "投诉"),
    ("online-shopping", "网络购物投诉", "complaint", "0301", "投诉"),
    ("report", "违法行为举报", "report", None, "举报"),
    ("consultation", "消费咨询", "consultation", None, "咨询"),
]


@transaction.atomic
def demo_integration_load() -> str:
    """Create the demo 12345 platform and the Open311 services; return the demo API key."""
    center = Unit.objects.get(code="C")
    user, created = User.objects.get_or_create(
        username="svc_12345", defaults={"first_name": "12345平台接口", "unit": center, "role": User.Role.CLERK}
    )
    if created:
        user.set_unusable_password()
        user.save()
    system, _ = ExternalSystem.objects.get_or_create(
        code="demo-12345",
        defaults={"name": "12345热线平台（演示）", "acting_user": user, "channel": "hotline_12345",
                  "scopes": [scope.value for scope in ExternalSystem.Scope]},
    )
    ApiKey.objects.get_or_create(prefix=DEMO_KEY_PREFIX,
                                 defaults={"system": system, "hashed": api_key_hash(DEMO_KEY_SECRET)})
    for code, name, kind, category, group in SERVICES:
        Open311Service.objects.get_or_create(service_code=code, defaults={
            "service_name": name, "kind": kind, "group": group,
            "category": Category.objects.filter(code=category).first() if category else None,
        })
    return f"{DEMO_KEY_PREFIX}.{DEMO_KEY_SECRET}"

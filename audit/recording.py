"""Recording the rules' history: the tracked models (RULE_HISTORY_MODELS in settings, each with the
fields that are rules; a user's password or last login is not one) are snapshotted before each save
and compared after it; a difference, a creation or a deletion is one RuleChange row in the same
transaction. The actor is the logged-in user of the request (RuleChangeActorMiddleware); outside a
request it is named by its source (the command or task).

This is the SQLite path (`make run`): signals see only save() and delete(), not QuerySet.update,
bulk_create or raw SQL. On PostgreSQL the triggers of audit/triggers.py record every write instead,
and these signals are not connected (one row per change, never two)."""
import sys

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save

from .models import RuleChange
from .triggers import connect_wrapper, current_request, install_after_migrate, tracked_models

_ENCODER = DjangoJSONEncoder()


def _snapshot(instance, names) -> dict:
    fields = [f for f in instance._meta.concrete_fields if names is None or f.name in names]
    values = {}
    for f in fields:
        value = f.value_from_object(instance)
        values[f.name] = _ENCODER.default(value) if not isinstance(value, (str, int, float, bool, list, dict,
                                                                            type(None))) else value
    if names is not None:
        for name in names:
            field = instance._meta.get_field(name)
            if field.many_to_many and instance.pk:
                values[name] = sorted(str(o) for o in getattr(instance, name).all())
    return values


def _record(instance, *, action, before, after) -> None:
    changed = sorted(k for k in set(before or {}) | set(after or {}) if (before or {}).get(k) != (after or {}).get(k))
    if action == RuleChange.Action.UPDATE and not changed:
        return
    request = current_request.get()
    actor = getattr(request, "user", None)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    RuleChange.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        source="" if actor is not None else " ".join(sys.argv[:2])[:200],
        content_type=ContentType.objects.get_for_model(type(instance), for_concrete_model=False),
        object_id=str(instance.pk), object_repr=str(instance)[:200], action=action,
        before=before, after=after, changed=changed,
    )


def _names_for(sender):
    return _tracked_models.get(sender, "untracked")


_tracked_models: dict = {}


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    names = _names_for(sender)
    if names == "untracked" or raw:
        return
    if update_fields is not None and names is not None and not set(update_fields) & set(names):
        instance._rule_before = None  # a login's last_login: not a rule
        instance._rule_skip = True
        return
    instance._rule_skip = False
    old = sender._base_manager.filter(pk=instance.pk).first() if instance.pk else None
    instance._rule_before = _snapshot(old, names) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    names = _names_for(sender)
    if names == "untracked" or raw or getattr(instance, "_rule_skip", False):
        return
    before = getattr(instance, "_rule_before", None)
    action = RuleChange.Action.CREATE if created or before is None else RuleChange.Action.UPDATE
    _record(instance, action=action, before=before, after=_snapshot(instance, names))


def _after_delete(sender, instance, **kwargs):
    names = _names_for(sender)
    if names != "untracked":
        _record(instance, action=RuleChange.Action.DELETE, before=_snapshot(instance, names), after=None)


def _group_permissions_changed(sender, instance, action, **kwargs):
    """What a role may do is its Group's permissions (routing/auth.py): a change of them is a rule change."""
    if not isinstance(instance, Group) or action not in {"pre_add", "pre_remove", "pre_clear", "post_add",
                                                         "post_remove", "post_clear"}:
        return
    current = sorted(instance.permissions.values_list("codename", flat=True))
    if action.startswith("pre_"):
        instance._rule_permissions_before = current
        return
    before = getattr(instance, "_rule_permissions_before", None)
    _record(instance, action=RuleChange.Action.UPDATE, before={"permissions": before},
            after={"permissions": current})


def rule_history_connect(app_config) -> None:
    if connections["default"].vendor == "postgresql":
        post_migrate.connect(install_after_migrate, sender=app_config, dispatch_uid="rule-history-triggers")
        connection_created.connect(connect_wrapper, dispatch_uid="rule-history-actor")
        return
    _tracked_models.update(tracked_models())
    for model in _tracked_models:
        uid = f"rule-history-{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(_group_permissions_changed, sender=Group.permissions.through,
                        dispatch_uid="rule-history-group-permissions")


class RuleChangeActorMiddleware:
    """Names the logged-in user as the actor of whatever rule the request changes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)

"""The organisation: units in a tree, their staff, the areas they cover and the case categories."""
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from core.choices import CaseKind


class Unit(models.Model):
    """A node of the organisation tree; `path` lets a district center see its subtree in one query."""

    class Kind(models.TextChoices):
        CENTER = "center", _("市12315指挥中心")
        DISTRICT_CENTER = "district_center", _("区县12315受理中心")
        STATION = "station", _("市场监管所")
        SQUAD = "squad", _("执法中队")
        DEPARTMENT = "department", _("职能科室")
        EXTERNAL = "external", _("外部部门")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True, default="")
    email = models.EmailField(_("邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    # A unit's own rule (经办人 → 负责人): its handlers' replies go to the center only once signed off.
    reply_needs_sign_off = models.BooleanField(
        _("答复须经负责人签发"), default=False, db_default=False,
        help_text=_("勾选后，本单位承办人的答复须经承办单位负责人签发后才报送中心核查"),
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The path is derived from the parent's; external departments stand outside the tree.
        old_path = self.path
        prefix = self.parent.path if self.parent_id else ""
        self.path = f"{prefix}{self.code}/"
        if self.pk and old_path and old_path != self.path and self.path.startswith(old_path):
            raise ValueError("a unit cannot be moved below itself")
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moving or recoding a unit moves its whole subtree with it, in the same transaction:
                # a district center keeps seeing its stations' cases (visibility is by path prefix).
                path_subtree_move(Unit, old_path=old_path, new_path=self.path, root_pk=self.pk)

    @property
    def oversees(self) -> bool:
        """The city center, or a district center: they dispatch, review and supervise (their own units)."""
        return self.kind in OVERSEEING_KINDS

    @property
    def is_center(self) -> bool:
        return self.kind == self.Kind.CENTER

    def is_within(self, other: "Unit") -> bool:
        """True when this unit is `other` or lies below it."""
        return self.path.startswith(other.path)


def path_subtree_move(model: type[models.Model], *, old_path: str, new_path: str, root_pk: int) -> int:
    """Rewrite the stored path of every row below `old_path` to lie below `new_path`, in one statement."""
    return model.objects.filter(path__startswith=old_path).exclude(pk=root_pk).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)))


# The kinds of unit that dispatch, review and supervise, and for which reports are published.
OVERSEEING_KINDS = (Unit.Kind.CENTER, Unit.Kind.DISTRICT_CENTER)


class User(AbstractUser):
    """A member of staff. The role names a Group whose permissions the role grants (see RoleBackend)."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("登记员")
        HANDLER = "handler", _("承办人")
        UNIT_LEADER = "unit_leader", _("承办单位负责人")
        SUPERVISOR = "supervisor", _("督办员")
        DIRECTOR = "director", _("中心主任")

    unit = models.ForeignKey(Unit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    # Set for people created by an import: they log in with a one-time password and must choose
    # their own before anything else (routing.auth.FirstPasswordMiddleware).
    must_set_password = models.BooleanField(_("首次登录须设置密码"), default=False, db_default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_center_staff(self) -> bool:
        return self.unit is not None and self.unit.kind == Unit.Kind.CENTER



class Area(models.Model):
    """An administrative division (down to street/village) or a named zone, and the unit covering it."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        DISTRICT = "district", _("区县")
        STREET = "street", _("街道/乡镇")
        VILLAGE = "village", _("社区/村")
        ZONE = "zone", _("特定区域")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("管辖单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="areas"
    )
    # Codes from the root down ("440703/440703001/"): a case's area names all its ancestors without
    # walking the tree, so routing costs the same few queries at any depth.
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        old_path = self.path
        prefix = self.parent.path if self.parent_id else ""
        self.path = f"{prefix}{self.code}/"
        if self.pk and old_path and old_path != self.path and self.path.startswith(old_path):
            raise ValueError("an area cannot be moved below itself")
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moving or renaming an area moves its whole subtree, and the routing rules on it
                # change depth by as much as the area did (the most specific rule wins by depth).
                path_subtree_move(Area, old_path=old_path, new_path=self.path, root_pk=self.pk)
                shift = self.path.count("/") - old_path.count("/")
                if shift:
                    RoutingRule.objects.filter(area__path__startswith=self.path).update(
                        area_depth=F("area_depth") + shift)

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes of this area and every area above it, nearest last."""
        return [code for code in self.path.split("/") if code]


class Coverage(models.Model):
    """A unit covers an area in a role (辖区). One area may be covered by several units, each in its
    own role: a county's district center covers the county, its law-enforcement squad the zone
    inside the ring road, a station its township. The county-level division a unit belongs to,
    which decides 同城通办, is read from what it covers (routing/divisions.py); which unit a case
    goes to is the routing rules' and `Area.unit`'s business, not this table's."""

    class Role(models.TextChoices):
        INTAKE = "intake", _("投诉举报受理")
        SUPERVISION = "supervision", _("属地监管")
        ENFORCEMENT = "enforcement", _("执法")
        DEPARTMENT = "department", _("业务主管")

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="coverages")
    area = models.ForeignKey("routing.Area", verbose_name=_("区域"), on_delete=models.CASCADE,
                             related_name="coverages")
    role = models.CharField(_("职责"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("单位辖区")
        verbose_name_plural = _("单位辖区")
        constraints = [models.UniqueConstraint(fields=["unit", "area", "role"], name="coverage_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.area}（{self.get_role_display()}）"


class RoutingRule(models.Model):
    """Area and/or category and/or kind → the unit with jurisdiction (管辖规则).

    A rule matches a case when each of its set conditions holds: the respondent's area is the rule's
    area or lies inside it, the case's category is the rule's or a sub-category of it, the kind is
    the rule's. Among matching rules the lowest sequence number wins (顺序号: 1 first, as officials
    number their rule tables); at an equal number the most specific (deeper area, then
    sub-category, then kind), then the oldest rule.
    """

    area = models.ForeignKey(
        Area, verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="rules",
        help_text=_("留空表示任何区域；含下级区域"),
    )
    # Depth of the area in the tree, kept with the rule so the database can order by specificity.
    area_depth = models.PositiveSmallIntegerField(_("区域层级深度"), default=0, editable=False)
    category = models.ForeignKey(
        "routing.Category", verbose_name=_("业务分类"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="rules", help_text=_("留空表示任何分类；一级分类含其下级分类"),
    )
    category_depth = models.PositiveSmallIntegerField(_("分类层级深度"), default=0, editable=False)
    case_kind = models.CharField(
        _("工单类型"), max_length=20, choices=CaseKind.choices, blank=True, help_text=_("留空表示所有类型")
    )
    unit = models.ForeignKey(Unit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="rules")
    sequence = models.PositiveIntegerField(
        _("顺序号"), default=100,
        help_text=_("1 最先：顺序号小的规则先匹配；顺序号相同时越具体的规则越优先"))
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("分流规则")
        verbose_name_plural = _("分流规则")
        ordering = ["sequence", "-area_depth", "-category_depth", "pk"]
        indexes = [
            models.Index(fields=["area", "is_active"], name="routing_rule_area_idx"),
            models.Index(fields=["category", "is_active"], name="routing_rule_category_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} → {self.unit}"

    def clean(self) -> None:
        if self.area_id is None and self.category_id is None and not self.case_kind:
            raise ValidationError(_("规则至少要指定区域、业务分类或工单类型之一。"))
        if self.unit_id and self.unit.kind == Unit.Kind.EXTERNAL:
            raise ValidationError({"unit": _("规则不能指向外部部门，外部部门请用“移送”。")})

    def save(self, *args, **kwargs):
        self.area_depth = len(self.area.ancestor_codes) if self.area_id else 0
        self.category_depth = (2 if self.category.parent_id else 1) if self.category_id else 0
        super().save(*args, **kwargs)


class Category(models.Model):
    """Business category (业务分类), a two-level tree used for routing and hotspot analysis."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("业务分类")
        verbose_name_plural = _("业务分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name


class Platform(models.Model):
    """An e-commerce platform (电子商务平台) and its operator (平台经营者), reference data the center
    keeps. Under Order 121 a complaint about a merchant on the platform who published no address
    there, or cannot be reached at it, goes to the bureau of the operator's home (住所地); see
    `routing.selectors.platform_route_propose`.

    `operator_area` is set only when the operator's home lies in this system's area tree; otherwise
    the case has no unit here and the center transfers it to the bureau of `operator_home`."""

    code = models.SlugField(_("编码"), max_length=40, unique=True, help_text=_("接口中使用，如：tmall"))
    name = models.CharField(_("平台名称"), max_length=100, unique=True)
    operator_name = models.CharField(_("平台经营者"), max_length=200)
    operator_credit_code = models.CharField(_("平台经营者统一社会信用代码"), max_length=18, blank=True)
    operator_home = models.CharField(_("平台经营者住所地"), max_length=200, help_text=_("如：浙江省杭州市余杭区"))
    operator_division_code = models.CharField(_("住所地行政区划代码"), max_length=12, blank=True)
    operator_area = models.ForeignKey(
        Area, verbose_name=_("住所地所属本系统区域"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="platforms", help_text=_("住所地在本系统辖区内时选择，案件据此分流"),
    )
    source = models.CharField(_("来源"), max_length=200, blank=True,
                              help_text=_("如：平台公示的经营者信息、国家企业信用信息公示系统"))
    to_verify = models.BooleanField(_("待核实"), default=False,
                                    help_text=_("经营者信息未经中心核实（如示例数据、信用代码未填）"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("电子商务平台")
        verbose_name_plural = _("电子商务平台")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlatformJurisdiction(models.TextChoices):
    """Why a platform merchant's case goes to the operator's home bureau (Order 121)."""

    NO_ADDRESS = "no_address", _("平台内经营者未在平台公示地址")
    UNREACHABLE = "unreachable", _("按平台公示地址无法联系平台内经营者")
class ImportJob(models.Model):
    """A file being imported in the background (a province's 600,000 village codes): its dry run
    first, then, once confirmed, the import itself. Progress is kept in the cache while it runs
    (the import is one transaction, so rows written here would not be seen until it ends)."""

    class State(models.TextChoices):
        CHECKING = "checking", _("校验中")
        CHECKED = "checked", _("已校验，待确认")
        REJECTED = "rejected", _("有错误，未导入")
        IMPORTING = "importing", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")

    what = models.CharField(_("导入内容"), max_length=20)
    file = models.FileField(_("文件"), upload_to="imports/")
    filename = models.CharField(_("文件名"), max_length=200)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.CHECKING)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_by = models.ForeignKey("routing.User", verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.what} {self.filename}"

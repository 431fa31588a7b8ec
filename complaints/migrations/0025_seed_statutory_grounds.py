"""Seed the statutory grounds (法定情形) of Order No. 20 (cases received before 2026-04-15) and Order
No. 121 (received from 2026-04-15), and give the roles that decide the statutory track its permission.

Order 20's article numbers are those of 《市场监督管理投诉举报处理暂行办法》 (2019): Art. 15 (不予受理),
Art. 22 (终止调解). The report decisions follow 《市场监督管理行政处罚程序规定》 Arts. 19-20 under both
orders. Order 121's grounds are the ones the center's issue lists; their article numbers have not
been checked against the official text, so those rows are marked 待核实 for the legal staff.
"""
from datetime import date

from django.db import migrations

ORDER_20_FROM = date(2020, 1, 1)
ORDER_121_FROM = date(2026, 4, 15)
O20 = "市场监管总局令第20号"
O121 = "市场监管总局令第121号"
PENALTY = "《市场监督管理行政处罚程序规定》"

# (code, title, notice, order 20 source or None, in Order 121)
NOT_ACCEPT = [
    ("out_of_remit", "投诉事项不属于市场监督管理部门职责,或者本行政机关不具有处理权限",
     "您投诉的事项不属于市场监督管理部门职责范围(或本机关无处理权限),本机关依法不予受理。请向有权处理的部门反映。",
     "第十五条第(一)项", True),
    ("handled_elsewhere", "法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会或者依法成立的其他调解组织已经受理或者处理过同一消费者权益争议",
     "您投诉的同一消费者权益争议已由人民法院、仲裁机构、行政机关、消费者协会或其他调解组织受理或处理,本机关依法不予受理。",
     "第十五条第(二)项", True),
    ("not_consumer_dispute", "不是为生活消费需要购买、使用商品或者接受服务,或者不能证明与被投诉人之间存在消费者权益争议",
     "您投诉的事项不属于为生活消费需要购买、使用商品或接受服务产生的消费者权益争议(或不能证明与被投诉人之间存在消费者权益争议),本机关依法不予受理。",
     "第十五条第(三)项", True),
    ("over_three_years", "投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年",
     "您知道或者应当知道权益受到侵害之日起已超过三年,本机关依法不予受理。",
     "第十五条第(四)项", True),
    ("materials_missing", "未按要求提供投诉材料,或者经告知补正后仍未补正、提供的材料不真实",
     "您的投诉经告知补充后仍未提供规定的材料(或所提供的材料不真实),本机关依法不予受理。",
     "第十五条第(五)项", True),
    ("identity_unverified", "冒用他人名义投诉,或者拒绝配合核实身份",
     "您的投诉无法核实投诉人身份(冒用他人名义或拒绝配合核实),本机关依法不予受理。",
     None, True),
    ("improper_gain", "滥用投诉权利谋取不正当利益",
     "经核查,您的投诉属于滥用投诉权利谋取不正当利益的情形,本机关依法不予受理。",
     None, True),
    ("other_legal", "法律、法规、规章规定不予受理的其他情形",
     "您的投诉属于法律、法规、规章规定不予受理的情形,本机关依法不予受理。",
     "第十五条第(六)项", True),
]
MEDIATION_END = [
    ("withdrawn_or_settled", "投诉人撤回投诉或者双方自行和解",
     "因投诉人撤回投诉(或双方已自行和解),本机关终止调解。", "第二十二条第(一)项", True),
    ("testing_no_agreement", "投诉人与被投诉人对委托承担检定、检验、检测、鉴定工作的技术机构或者费用承担无法协商一致",
     "因双方对检定、检验、检测、鉴定机构或费用承担无法协商一致,本机关终止调解,您可依法通过其他途径解决。",
     "第二十二条第(二)项", True),
    ("party_absent", "投诉人或者被投诉人无正当理由不参加调解,或者被投诉人明确拒绝调解",
     "因一方当事人无正当理由不参加调解(或被投诉人明确拒绝调解),本机关终止调解,您可依法通过其他途径解决。",
     "第二十二条第(三)项", True),
    ("no_agreement_possible", "经组织调解,投诉人或者被投诉人明确表示无法达成调解协议",
     "经组织调解,一方当事人明确表示无法达成调解协议,本机关终止调解,您可依法通过其他途径解决。",
     "第二十二条第(四)项", True),
    ("limit_expired", "自投诉受理之日起在调解期限内投诉人和被投诉人未能达成调解协议",
     "自投诉受理之日起在法定调解期限内双方未能达成调解协议,本机关终止调解,您可依法通过其他途径解决。",
     "第二十二条第(五)项", True),
    ("not_accept_ground_found", "受理投诉后,发现存在不予受理情形",
     "本机关受理投诉后发现存在依法不予受理的情形,终止调解。", "第二十二条第(六)项", True),
    ("other_legal", "法律、法规、规章规定的应当终止调解的其他情形",
     "因存在法律、法规、规章规定应当终止调解的情形,本机关终止调解。", "第二十二条第(七)项", False),
]
REPORT_NOT_OPEN = [
    ("no_violation_evidence", "经核查,没有证据初步证明存在违反市场监督管理法律、法规、规章的行为",
     "经核查,未发现您举报的违法行为的初步证据,本机关决定不予立案。感谢您对市场监管工作的支持。", "第十九条"),
    ("minor_corrected", "违法行为轻微并及时改正,没有造成危害后果",
     "经核查,被举报人的违法行为轻微并已及时改正,没有造成危害后果,本机关依法决定不予立案。", "第二十条第一款第(一)项"),
    ("first_minor", "初次违法且危害后果轻微并及时改正",
     "经核查,被举报人属初次违法且危害后果轻微并已及时改正,本机关依法决定不予立案。", "第二十条第一款第(二)项"),
    ("no_fault", "当事人有证据足以证明没有主观过错",
     "经核查,被举报人有证据足以证明其没有主观过错,本机关依法决定不予立案。", "第二十条第一款第(三)项"),
    ("time_barred", "违法行为已超过给予行政处罚的法定期限",
     "经核查,您举报的违法行为已超过给予行政处罚的法定期限,本机关依法决定不予立案。", "第十九条第(四)项"),
    ("other_legal", "依法可以不予立案的其他情形",
     "经核查,您举报的事项属于依法可以不予立案的情形,本机关决定不予立案。", "第二十条第一款第(四)项"),
]


def rows():
    for track, grounds in (("not_accept", NOT_ACCEPT), ("mediation_end", MEDIATION_END)):
        for order, (code, title, notice, o20_article, in_121) in enumerate(grounds):
            if o20_article:
                yield dict(track=track, code=code, title=title, notice_text=notice, legal_basis="order_20",
                           source=f"{O20}{o20_article}", effective_from=ORDER_20_FROM, unverified=False,
                           order=order)
            if in_121:
                yield dict(track=track, code=code, title=title, notice_text=notice, legal_basis="order_121",
                           source=f"{O121}(条款序号待核实)", effective_from=ORDER_121_FROM, unverified=True,
                           order=order)
    for order, (code, title, notice, article) in enumerate(REPORT_NOT_OPEN):
        for basis, effective_from in (("order_20", ORDER_20_FROM), ("order_121", ORDER_121_FROM)):
            yield dict(track="report_not_open", code=code, title=title, notice_text=notice, legal_basis=basis,
                       source=f"{PENALTY}{article}", effective_from=effective_from, unverified=False, order=order)


def seed(apps, schema_editor):
    StatutoryGround = apps.get_model("complaints", "StatutoryGround")
    for row in rows():
        key = {name: row.pop(name) for name in ("track", "legal_basis", "code", "effective_from")}
        StatutoryGround.objects.get_or_create(**key, defaults=row)
    # The roles that decide the statutory track (complaints.roles) get its permission in existing groups.
    from complaints.migrations_support import role_groups_ensure

    role_groups_ensure(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(content_type__app_label="complaints", codename="decide_legal_case").first()
    if permission is not None:
        for group in Group.objects.filter(name__in=["handler", "unit_leader", "supervisor", "director"]):
            group.permissions.add(permission)


def unseed(apps, schema_editor):
    apps.get_model("complaints", "StatutoryGround").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0024_statutory_procedure")]
    operations = [migrations.RunPython(seed, unseed)]

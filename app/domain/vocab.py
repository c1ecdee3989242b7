"""The fixed vocabularies of the domain, each with the Chinese a resident or clerk reads.

Keys are stable identifiers stored in the database and sent to clients; labels are for display.
"""

from __future__ import annotations

PROGRAMS = {
    "dibao": "最低生活保障（低保）",
    "tekun": "特困人员救助供养（特困）",
    "linshi_jinan": "临时救助（急难型）",
    "linshi_zhichu": "临时救助（支出型）",
}

CHANNELS = {"wechat": "微信公众号", "counter": "窗口申请", "field": "入户采集"}

HOUSEHOLD_TYPES = {"urban": "城镇", "rural": "农村"}

RELATIONS = {
    "self": "本人",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandparent": "（外）祖父母",
    "grandchild": "（外）孙子女",
    "sibling": "兄弟姐妹",
    "child_in_law": "儿媳/女婿",
    "other": "其他",
}

# Who may apply for someone else, and how they relate to the applicant.
PROXY_RELATIONS = {
    "family": "亲属",
    "neighbour": "邻居",
    "village_cadre": "村（居）干部",
    "guardian": "监护人",
    "other": "其他",
}

WORK_CAPACITY = {"full": "有劳动能力", "partial": "部分丧失劳动能力", "none": "无劳动能力"}

DISABILITY_GRADES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}

INCOME_CATEGORIES = {
    "wages": "工资性收入",
    "business": "经营净收入",
    "property": "财产净收入",
    "transfer": "转移净收入（养老金、赡养费等）",
    "pension": "养老金",
    "support_payment": "赡养（抚养、扶养）费",
    "special_care_benefit": "优抚对象抚恤补助",
    "award": "奖励性收入",
    "scholarship": "助学金、奖学金",
    "disability_allowance": "残疾人两项补贴",
    "other": "其他收入",
}

PERIODS = {"monthly": "每月", "yearly": "每年", "once": "一次性"}

ASSET_KINDS = {
    "housing": "房产",
    "vehicle": "机动车",
    "deposit": "存款及理财",
    "business": "经营性资产",
    "other": "其他财产",
}

EXPENSE_KINDS = {
    "medical": "医疗费用（自付部分）",
    "rehabilitation": "残疾康复费用",
    "education": "非义务教育阶段学费",
    "pension_contribution": "个人缴纳的养老保险费",
    "other": "其他刚性支出",
}

ATTACHMENT_KINDS = {
    "id_card_portrait": "身份证人像面",
    "id_card_emblem": "身份证国徽面",
    "household_register": "户口簿",
    "income_proof": "收入证明",
    "medical_receipt": "医疗费用票据",
    "disability_certificate": "残疾证",
    "house_photo": "住房照片",
    "authorization_form": "核对授权书",
    "checkin_selfie": "打卡照片",
    "other": "其他材料",
}

STAFF_ROLES = {
    "village_assistant": "村（居）协理员",
    "township_clerk": "乡镇（街道）经办人",
    "township_reviewer": "乡镇（街道）审核人",
    "county_officer": "县级民政工作人员",
    "admin": "系统管理员",
}

# Roles whose work needs full ID numbers (economic verification, decisions, supervision).
ROLES_SEEING_ID_NUMBERS = frozenset({"township_clerk", "township_reviewer", "county_officer"})

AREA_LEVELS = ("county", "township", "village")


def all_vocabularies() -> dict[str, dict[str, str]]:
    """Every vocabulary by name, keys as strings, for clients to label choices."""
    from app.domain.stages import STAGES

    named = {
        "programs": PROGRAMS,
        "channels": CHANNELS,
        "household_types": HOUSEHOLD_TYPES,
        "relations": RELATIONS,
        "proxy_relations": PROXY_RELATIONS,
        "work_capacity": WORK_CAPACITY,
        "disability_grades": DISABILITY_GRADES,
        "income_categories": INCOME_CATEGORIES,
        "periods": PERIODS,
        "asset_kinds": ASSET_KINDS,
        "expense_kinds": EXPENSE_KINDS,
        "attachment_kinds": ATTACHMENT_KINDS,
        "staff_roles": STAFF_ROLES,
        "stages": STAGES,
    }
    return {name: {str(k): v for k, v in values.items()} for name, values in named.items()}

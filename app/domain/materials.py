"""What each program asks a household to provide, in the words of the notice a resident reads.

These are the national defaults; an area may list its own under the policy key `materials`.
"""

from __future__ import annotations

_COMMON = (
    "申请人及家庭成员身份证（可拍照上传）",
    "户口簿",
    "家庭经济状况核对授权书（全体家庭成员签字或按手印）",
)

DEFAULT_MATERIALS = {
    "dibao": (*_COMMON, "收入情况说明（工资、养老金等）", "因病、因残等刚性支出的票据或证明（如有）", "本人银行卡"),
    "tekun": (*_COMMON, "无劳动能力的证明（残疾证、病历等，如有）", "法定赡养、抚养、扶养义务人情况说明", "本人银行卡"),
    "linshi_jinan": ("申请人身份证", "遭遇火灾、交通事故、突发重病等情况的说明或证明"),
    "linshi_zhichu": ("申请人身份证", "医疗、教育等大额必需支出的票据或证明", "家庭经济状况核对授权书"),
}


def materials_for(program: str, overrides: dict[str, list[str]] | None = None) -> list[str]:
    """The materials a program needs in an area: the area's own list when it has one."""
    if overrides and program in overrides:
        return list(overrides[program])
    return list(DEFAULT_MATERIALS[program])

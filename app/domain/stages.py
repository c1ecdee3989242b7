"""The application lifecycle: stages, allowed transitions and who may take them.

Pure: takes and returns plain values. Services record each transition in the stage history.
"""

from __future__ import annotations

from dataclasses import dataclass

RESIDENT = "resident"  # the applicant or their proxy, acting through the WeChat pages
PUBLIC = "public"  # anyone filing an objection to a public notice

STAGES = {
    "draft": "填写中",
    "submitted": "已提交，等待乡镇（街道）受理",
    "needs_materials": "需要补充材料",
    "not_accepted": "不予受理",
    "accepted": "已受理",
    "investigating": "入户调查和家庭经济状况核对中",
    "reviewing": "乡镇（街道）审核中",
    "hearing": "民主评议中",
    "county_review": "报县级民政部门审批中",
    "approved": "已批准",
    "rejected": "不予批准",
    "withdrawn": "已撤回",
}

FINAL_STAGES = frozenset({"not_accepted", "approved", "rejected", "withdrawn"})
OPEN_STAGES = frozenset(STAGES) - FINAL_STAGES

# Who acts next in each open stage, as the resident reads it.
NEXT_ACTOR = {
    "draft": "您（填写完整后提交）",
    "submitted": "乡镇（街道）经办人",
    "needs_materials": "您（按通知补齐材料后重新提交）",
    "accepted": "乡镇（街道）经办人",
    "investigating": "村（居）协理员和乡镇（街道）工作人员",
    "reviewing": "乡镇（街道）审核人",
    "hearing": "村（居）民主评议小组",
    "county_review": "县级民政部门",
}


@dataclass(frozen=True)
class Transition:
    """One allowed move: an action from some stages to one stage, by some roles."""

    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    needs_opinion: bool = False


def _t(action: str, sources: set[str], target: str, roles: set[str], needs_opinion: bool = False) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), needs_opinion)


_TOWNSHIP = {"township_clerk", "township_reviewer"}
TRANSITIONS = {
    t.action: t
    for t in (
        _t("submit", {"draft", "needs_materials"}, "submitted", {RESIDENT, "township_clerk", "village_assistant"}),
        _t("withdraw", set(OPEN_STAGES), "withdrawn", {RESIDENT}),
        _t("accept", {"submitted"}, "accepted", _TOWNSHIP),
        _t("request_materials", {"submitted"}, "needs_materials", _TOWNSHIP, needs_opinion=True),
        _t("refuse", {"submitted"}, "not_accepted", _TOWNSHIP, needs_opinion=True),
        _t("start_investigation", {"accepted"}, "investigating", _TOWNSHIP),
        _t("finish_investigation", {"investigating"}, "reviewing", _TOWNSHIP),
        _t("send_back", {"reviewing", "hearing"}, "investigating", _TOWNSHIP, needs_opinion=True),
        _t("call_hearing", {"reviewing"}, "hearing", _TOWNSHIP),
        _t("finish_hearing", {"hearing"}, "reviewing", _TOWNSHIP),
        _t("approve", {"reviewing"}, "approved", {"township_reviewer"}),
        _t("reject", {"reviewing"}, "rejected", {"township_reviewer"}, needs_opinion=True),
        # An objection to the public notice sends the case (back) to investigation.
        _t("objection", {"accepted", "investigating", "reviewing", "hearing"}, "investigating", {PUBLIC}),
        # Temporary assistance above the township's limit goes to the county.
        _t("refer_to_county", {"reviewing"}, "county_review", {"township_reviewer"}, needs_opinion=True),
        _t("county_approve", {"county_review"}, "approved", {"county_officer"}),
        _t("county_reject", {"county_review"}, "rejected", {"county_officer"}, needs_opinion=True),
    )
}


class TransitionRefused(Exception):
    """The action is not allowed from this stage, or not by this role; `code` says which."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def next_stage(current: str, action: str, role: str, opinion: str | None = None) -> str:
    """The stage an action leads to, or TransitionRefused explaining why it cannot be taken."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused("unknown_action", "没有这个办理操作")
    if role not in transition.roles:
        raise TransitionRefused("action_not_allowed_for_role", "您的岗位不能进行这个操作")
    if current not in transition.sources:
        raise TransitionRefused(
            "action_not_allowed_in_stage", f"申请当前处于“{STAGES.get(current, current)}”，不能进行这个操作"
        )
    if transition.needs_opinion and not (opinion or "").strip():
        raise TransitionRefused("opinion_required", "这个操作需要填写意见或理由")
    return transition.target


def is_open(stage: str) -> bool:
    """True while the application is still being handled (and so can be withdrawn)."""
    return stage in OPEN_STAGES

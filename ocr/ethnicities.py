"""The 56 ethnic groups as printed on the ID card (民族 field, without the trailing 族)."""

from __future__ import annotations

ETHNIC_GROUPS: tuple[str, ...] = (
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西",
    "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌",
    "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
    "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)  # fmt: skip

_GROUP_SET = frozenset(ETHNIC_GROUPS)
# Traditional forms the recogniser may return for characters of the group names: the same
# character, so mapping them is not a guess.
_SIMPLIFIED = str.maketrans(
    "漢維爾壯鮮滿瑤薩東鄉納頗達錫烏別羅溫獨龍倫門諾",
    "汉维尔壮鲜满瑶萨东乡纳颇达锡乌别罗温独龙伦门诺",
)


def canonical_ethnicity(text: str) -> str | None:
    """The group named by `text` ("汉", "汉族", " 维吾尔 "), or None when it names none of the 56."""
    cleaned = "".join(text.split()).translate(_SIMPLIFIED)
    if cleaned in _GROUP_SET:
        return cleaned
    if cleaned.endswith("族") and cleaned[:-1] in _GROUP_SET:
        return cleaned[:-1]
    return None


def closest_ethnicity(text: str) -> str | None:
    """The one group that `text` is a one-character misreading of, or None when that is not unique."""
    cleaned = "".join(text.split()).translate(_SIMPLIFIED).removesuffix("族")
    if not cleaned:
        return None
    exact = canonical_ethnicity(cleaned)
    if exact:
        return exact
    matches = [group for group in ETHNIC_GROUPS if _within_one_edit(cleaned, group)]
    return matches[0] if len(matches) == 1 else None


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))

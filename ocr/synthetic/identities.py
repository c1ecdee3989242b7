"""Fake people for synthetic ID cards: names, addresses and numbers that belong to no one.

Names are drawn from syllable pools (with rare characters such as 翀 䶮 旻 甦 龑), places are
made-up stems under real province names, and the number's check character is computed, so it
passes GB 11643 while the sequence digits are random.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.id_numbers import check_character
from ocr.ethnicities import ETHNIC_GROUPS

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任"
    "卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "皇甫", "令狐", "慕容", "端木")
GIVEN_CHARACTERS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉萍飞鹏宇浩然欣怡子轩梓涵雨婷晨阳思远"
    "博文嘉怡佳琪一诺若曦俊杰天佑家豪淑珍德胜海燕春梅秋菊冬生永福金凤银花正清学成立新卫东向荣"
)
RARE_GIVEN_CHARACTERS = "翀䶮旻甦龑喆堃淼焱垚昇玥彧祎曌赟昶晞璟珺琮昳炅旸暐頔"
MINORITY_NAME_PARTS = (
    "阿依古丽",
    "买买提",
    "热依拉",
    "艾力",
    "古丽娜",
    "吐尔逊",
    "巴特尔",
    "其其格",
    "扎西",
    "卓玛",
)

PROVINCES = {
    "11": "北京市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省", "22": "吉林省",
    "23": "黑龙江省", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
    "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "61": "陕西省", "62": "甘肃省",
    "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}  # fmt: skip
# Place stems are syllables glued at random, so no generated address names a real village or street.
PLACE_CHARACTERS = "青禾石桥柳溪松岭枫林丰泽安平兴隆永和宁远清河白沙新田长乐东湖西山南塘北坡金竹银杏梅岗桃源"
ROAD_SUFFIXES = ("路", "街", "大道", "巷")


@dataclass(frozen=True)
class FakeIdentity:
    """Everything printed on both faces of one fake card."""

    name: str
    sex: str  # "male" | "female"
    ethnicity: str
    birth_date: date
    address: str
    id_number: str
    issuing_authority: str
    valid_from: date
    valid_to: date | None  # None prints as 长期

    @property
    def printed_sex(self) -> str:
        """The sex as printed on the card."""
        return "男" if self.sex == "male" else "女"

    @property
    def printed_validity(self) -> str:
        """The validity period as printed: 2015.03.01-2035.03.01 or 2015.03.01-长期."""
        end = "长期" if self.valid_to is None else self.valid_to.strftime("%Y.%m.%d")
        return f"{self.valid_from.strftime('%Y.%m.%d')}-{end}"

    def expected_fields(self, side: str) -> dict[str, str]:
        """The fields a perfect reading of `side` returns, in the CLI's format."""
        if side == "emblem":
            return {
                "issuing_authority": self.issuing_authority,
                "valid_from": self.valid_from.isoformat(),
                "valid_to": "长期" if self.valid_to is None else self.valid_to.isoformat(),
            }
        return {
            "name": self.name,
            "sex": self.sex,
            "ethnicity": self.ethnicity,
            "birth_date": self.birth_date.isoformat(),
            "address": self.address,
            "id_number": self.id_number,
        }


def make_identity(rng: random.Random, *, today: date = date(2025, 6, 1)) -> FakeIdentity:
    """Draw one fake identity; everything derives from `rng`, so a seed gives the same person."""
    sex = rng.choice(("male", "female"))
    birth = date(1935, 1, 1) + timedelta(days=rng.randrange((date(2012, 12, 31) - date(1935, 1, 1)).days))
    province_code = rng.choice(sorted(PROVINCES))
    region_code = f"{province_code}{rng.randrange(1, 100):02d}{rng.randrange(1, 100):02d}"
    sequence = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if sex == "male" else (0, 2, 4, 6, 8))
    first17 = f"{region_code}{birth.strftime('%Y%m%d')}{sequence:03d}"
    ethnicity = "汉" if rng.random() < 0.7 else rng.choice(ETHNIC_GROUPS)
    name = _make_name(rng, ethnicity)
    county = _place(rng)
    valid_from = birth + timedelta(days=rng.randrange(16 * 365, max(16 * 365 + 1, (today - birth).days)))
    valid_from = min(valid_from, today - timedelta(days=30))
    return FakeIdentity(
        name=name,
        sex=sex,
        ethnicity=ethnicity,
        birth_date=birth,
        address=_make_address(rng, PROVINCES[province_code], county),
        id_number=first17 + check_character(first17),
        issuing_authority=_make_authority(rng, county),
        valid_from=valid_from,
        valid_to=_valid_to(birth, valid_from),
    )


def _make_name(rng: random.Random, ethnicity: str) -> str:
    if ethnicity in ("维吾尔", "哈萨克", "蒙古", "藏") and rng.random() < 0.6:
        first, second = rng.sample(MINORITY_NAME_PARTS, 2)
        return f"{first}·{second}"
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.06 else rng.choice(SURNAMES)
    given_length = 1 if rng.random() < 0.3 else 2
    given = [rng.choice(GIVEN_CHARACTERS) for _ in range(given_length)]
    if rng.random() < 0.3:
        given[rng.randrange(given_length)] = rng.choice(RARE_GIVEN_CHARACTERS)
    return surname + "".join(given)


def _place(rng: random.Random) -> str:
    return "".join(rng.sample(PLACE_CHARACTERS, 2))


def _make_address(rng: random.Random, province: str, county: str) -> str:
    city = _place(rng)
    prefix = province if province.endswith("市") else f"{province}{city}市"
    if rng.random() < 0.5:
        return f"{prefix}{county}县{_place(rng)}镇{_place(rng)}村{rng.randrange(1, 12)}组{rng.randrange(1, 200)}号"
    road = _place(rng) + rng.choice(ROAD_SUFFIXES)
    building = (
        f"{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元{rng.randrange(1, 33)}0{rng.randrange(1, 5)}室"
    )
    return f"{prefix}{county}区{road}{rng.randrange(1, 999)}号{building if rng.random() < 0.7 else ''}"


def _make_authority(rng: random.Random, county: str) -> str:
    if rng.random() < 0.5:
        return f"{county}县公安局"
    return f"{_place(rng)}市公安局{county}分局"


def _valid_to(birth: date, valid_from: date) -> date | None:
    age = valid_from.year - birth.year - ((valid_from.month, valid_from.day) < (birth.month, birth.day))
    years = 5 if age < 16 else 10 if age < 26 else 20 if age < 46 else None
    if years is None:
        return None
    try:
        return valid_from.replace(year=valid_from.year + years)
    except ValueError:  # 29 February
        return valid_from.replace(year=valid_from.year + years, day=28)

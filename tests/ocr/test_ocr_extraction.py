"""Field extraction from recorded engine output: no engine, no image."""

from __future__ import annotations

from datetime import date

from ocr.engines.base import TextLine
from ocr.idcard import classify_side, extract_id_card

TODAY = date(2025, 6, 1)


def _line(text: str, score: float, box: list[list[int]]) -> TextLine:
    return TextLine(text, score, tuple((float(x), float(y)) for x, y in box))  # type: ignore[arg-type]


# PaddleOCR 3.7 (PP-OCRv6 small, onnxruntime) on a generated portrait face, recorded verbatim:
# note 性別 with a traditional 別, and the address wrapped over three lines.
RECORDED_PORTRAIT = [
    _line("姓名", 1.0, [[166, 158], [252, 161], [251, 211], [164, 208]]),
    _line("邱俊娜", 1.0, [[311, 161], [480, 165], [479, 227], [309, 224]]),
    _line("性別", 0.752, [[164, 250], [251, 254], [248, 305], [161, 300]]),
    _line("男", 1.0, [[307, 258], [361, 258], [361, 307], [307, 307]]),
    _line("民族", 1.0, [[448, 259], [537, 262], [535, 309], [447, 306]]),
    _line("东乡", 1.0, [[555, 257], [669, 260], [668, 318], [554, 315]]),
    _line("出生", 1.0, [[160, 348], [244, 348], [244, 395], [160, 395]]),
    _line("1967年10月4日", 1.0, [[304, 353], [652, 358], [651, 403], [303, 397]]),
    _line("住址", 1.0, [[153, 439], [240, 439], [240, 490], [153, 490]]),
    _line("贵州省长永市枫清区石", 1.0, [[301, 444], [756, 451], [755, 500], [300, 493]]),
    _line("林街634号5栋3单元260", 1.0, [[297, 507], [775, 514], [774, 562], [296, 554]]),
    _line("4室", 1.0, [[290, 566], [374, 566], [374, 624], [290, 624]]),
    _line("公民身份号码", 1.0, [[145, 691], [374, 695], [373, 737], [144, 734]]),
    _line("527694196710044074", 1.0, [[440, 696], [1110, 705], [1109, 756], [439, 747]]),
]
RECORDED_EMBLEM = [
    _line("★★", 0.638, [[212, 137], [250, 135], [255, 219], [217, 221]]),
    _line("中华人民共和国", 1.0, [[345, 139], [790, 137], [790, 187], [345, 189]]),
    _line("居民身份证", 1.0, [[306, 241], [857, 239], [858, 328], [306, 330]]),
    _line("签发机关", 1.0, [[199, 466], [327, 466], [327, 504], [199, 504]]),
    _line("桥宁市公安局沙柳分局", 1.0, [[372, 463], [727, 463], [727, 503], [372, 503]]),
    _line("有效期限", 1.0, [[197, 543], [327, 543], [327, 582], [197, 582]]),
    _line("2017.07.24-2027.07.24", 1.0, [[370, 542], [741, 540], [742, 578], [370, 580]]),
]


def test_recorded_portrait_reads_every_field_with_derived_sex_and_birth():
    reading = extract_id_card(RECORDED_PORTRAIT, today=TODAY).to_dict()
    assert reading["side"] == "portrait"
    assert reading["fields"] == {
        "name": "邱俊娜",
        "sex": "male",
        "ethnicity": "东乡",
        "birth_date": "1967-10-04",
        "address": "贵州省长永市枫清区石林街634号5栋3单元2604室",
        "id_number": "527694196710044074",
    }
    assert reading["source"]["sex"] == reading["source"]["birth_date"] == "derived_from_id_number"
    assert reading["warnings"] == []
    assert all(0.9 <= value <= 1 for value in reading["confidence"].values())


def test_recorded_emblem_reads_authority_and_dated_period():
    reading = extract_id_card(RECORDED_EMBLEM, today=TODAY).to_dict()
    assert reading["side"] == "emblem"
    assert reading["fields"] == {
        "issuing_authority": "桥宁市公安局沙柳分局",
        "valid_from": "2017-07-24",
        "valid_to": "2027-07-24",
    }
    assert reading["warnings"] == []


def test_multi_line_address_is_joined_and_text_beside_it_ignored(lines_factory):
    lines = lines_factory([
        ["姓名", "王小明"],
        ["性别", "男", ("民族", 500), ("汉", 650)],
        ["出生", "1990年1月1日"],
        ["住址", "广东省深圳市福田区华"],
        [("富路1088号6栋2单元", 300), ("手田", 1300, 0.6)],
        [("1502室", 300)],
        ["公民身份号码", ("440304199001011233", 600)],
    ])  # fmt: skip
    fields = extract_id_card(lines, today=TODAY).to_dict()["fields"]
    assert fields["address"] == "广东省深圳市福田区华富路1088号6栋2单元1502室"


def test_rare_name_characters_are_kept(lines_factory):
    for name in ("李䶮", "张翀", "陈旻", "刘甦", "赵龑"):
        lines = lines_factory([["姓名", name], ["性别", "女"], ["公民身份号码", ("130102198811300028", 600)]])
        reading = extract_id_card(lines, today=TODAY)
        assert reading.fields["name"].value == name
        assert not reading.flagged("name")


def test_minority_name_dot_read_as_bullet_becomes_middle_dot(lines_factory):
    lines = lines_factory([["姓名", "阿依古丽•买买提"], ["公民身份号码", ("650101197002280013", 600)]])
    assert extract_id_card(lines, today=TODAY).fields["name"].value == "阿依古丽·买买提"


def test_labels_glued_to_values(lines_factory):
    lines = lines_factory([
        ["姓名张翀"],
        ["性别男民族维吾尔"],
        ["出生1985年6月12日"],
        ["住址贵州省贵阳市南明区"],
        [("花果园3栋1201室", 175)],
        ["公民身份号码520102198506123451"],
    ])  # fmt: skip
    reading = extract_id_card(lines, today=TODAY).to_dict()
    assert reading["fields"] == {
        "name": "张翀",
        "sex": "male",
        "ethnicity": "维吾尔",
        "birth_date": "1985-06-12",
        "address": "贵州省贵阳市南明区花果园3栋1201室",
        "id_number": "520102198506123451",
    }
    assert reading["warnings"] == []


def test_missing_labels_fall_back_on_line_order_with_lower_confidence(lines_factory):
    lines = lines_factory([
        [("陈旻", 300)],
        [("女", 300), ("汉", 650)],
        [("1988年11月30日", 300)],
        [("河北省石家庄市长安区", 300)],
        [("建设北大街5号", 300)],
        [("130102198811300028", 600)],
    ])  # fmt: skip
    reading = extract_id_card(lines, today=TODAY)
    assert reading.side == "portrait"
    values = {name: field.value for name, field in reading.fields.items()}
    assert values == {
        "name": "陈旻",
        "sex": "female",
        "ethnicity": "汉",
        "birth_date": "1988-11-30",
        "address": "河北省石家庄市长安区建设北大街5号",
        "id_number": "130102198811300028",
    }
    assert reading.fields["name"].confidence < 0.9


def test_letters_read_for_digits_are_corrected_when_one_candidate_is_valid(lines_factory):
    # 440304199001011233 read with O for 0 and l for 1.
    lines = lines_factory([["姓名", "王小明"], ["公民身份号码", ("44O3O4l99OOlOl1233", 600)]])
    reading = extract_id_card(lines, today=TODAY)
    number = reading.fields["id_number"]
    assert (number.value, number.source) == ("440304199001011233", "corrected")
    assert number.confidence <= 0.85
    assert [w.code for w in reading.warnings if w.field == "id_number"] == ["id_number_corrected"]
    assert reading.fields["birth_date"].value == "1990-01-01"


def test_full_width_digits_and_times_sign_are_plain_normalisation(lines_factory):
    lines = lines_factory([["姓名", "王芳"], ["公民身份号码", ("１１０１０５１９４９１２３１００２×", 600)]])
    reading = extract_id_card(lines, today=TODAY)
    assert reading.fields["id_number"].value == "11010519491231002X"
    assert reading.fields["id_number"].source == "ocr"
    assert not reading.flagged("id_number")


def test_wrong_check_digit_is_flagged_never_a_fact(lines_factory):
    lines = lines_factory([
        ["姓名", "王小明"],
        ["性别", "男", ("民族", 500), ("汉", 650)],
        ["出生", "1990年1月1日"],
        ["公民身份号码", ("440304199001011234", 600)],
    ])  # fmt: skip
    reading = extract_id_card(lines, today=TODAY)
    number = reading.fields["id_number"]
    assert number.value == "440304199001011234"
    assert number.confidence <= 0.3
    assert [w.code for w in reading.warnings if w.field == "id_number"] == ["id_number_checksum"]
    # Sex and birth date come from the print, unverified.
    assert reading.fields["sex"].source == reading.fields["birth_date"].source == "ocr"
    assert reading.fields["birth_date"].confidence <= 0.8


def test_digit_for_digit_errors_are_not_corrected(lines_factory):
    # A wrong digit could be "fixed" into some valid number: that must never happen.
    lines = lines_factory([["姓名", "王小明"], ["公民身份号码", ("440304199001011283", 600)]])
    reading = extract_id_card(lines, today=TODAY)
    assert reading.fields["id_number"].value == "440304199001011283"
    assert reading.flagged("id_number")


def test_a_missing_digit_is_flagged_not_completed(lines_factory):
    lines = lines_factory([["姓名", "王小明"], ["公民身份号码", ("44030419900101123", 600)]])
    reading = extract_id_card(lines, today=TODAY)
    assert reading.fields["id_number"].value == "44030419900101123"
    assert [w.code for w in reading.warnings if w.field == "id_number"] == ["id_number_length"]


def test_number_split_by_the_detector_is_joined(lines_factory):
    lines = lines_factory([["姓名", "王小明"], ["公民身份号码", ("44030419900", 600), ("1011233", 1030)]])
    assert extract_id_card(lines, today=TODAY).fields["id_number"].value == "440304199001011233"


def test_printed_birth_date_disagreeing_with_number_flags_both(lines_factory):
    lines = lines_factory(
        [["姓名", "王小明"], ["出生", "1990年7月1日"], ["公民身份号码", ("440304199001011233", 600)]]
    )
    reading = extract_id_card(lines, today=TODAY)
    assert reading.fields["birth_date"].value == "1990-01-01"
    assert {w.field for w in reading.warnings if w.code == "birth_date_mismatch"} == {
        "birth_date",
        "id_number",
    }
    assert reading.fields["id_number"].confidence <= 0.5


def test_printed_sex_disagreeing_with_number_is_warned(lines_factory):
    lines = lines_factory([["姓名", "王小明"], ["性别", "女"], ["公民身份号码", ("440304199001011233", 600)]])
    reading = extract_id_card(lines, today=TODAY)
    assert reading.fields["sex"].value == "male"
    assert any(w.code == "sex_mismatch" for w in reading.warnings)


def test_ethnicity_is_checked_against_the_56_groups(lines_factory):
    def ethnicity_of(printed: str):
        lines = lines_factory([["姓名", "王芳"], ["性别", "女", ("民族", 500), (printed, 650)],
                               ["公民身份号码", ("130102198811300028", 600)]])  # fmt: skip
        reading = extract_id_card(lines, today=TODAY)
        return reading.fields["ethnicity"], [w.code for w in reading.warnings if w.field == "ethnicity"]

    assert ethnicity_of("漢")[0].value == "汉"
    assert ethnicity_of("漢")[1] == []
    corrected, codes = ethnicity_of("柯尔克汝")
    assert (corrected.value, corrected.source, codes) == ("柯尔克孜", "corrected", ["ethnicity_corrected"])
    unknown, codes = ethnicity_of("火星")
    assert unknown.value == "火星" and unknown.confidence <= 0.3 and codes == ["ethnicity_unknown"]


def test_emblem_with_long_term_validity(lines_factory):
    lines = lines_factory([[("中华人民共和国", 300)], [("居民身份证", 300)],
                           ["签发机关", "松岭县公安局"], ["有效期限", "2010.05.06-长期"]])  # fmt: skip
    reading = extract_id_card(lines, today=TODAY).to_dict()
    assert reading["side"] == "emblem"
    assert reading["fields"] == {
        "issuing_authority": "松岭县公安局",
        "valid_from": "2010-05-06",
        "valid_to": "长期",
    }
    assert reading["warnings"] == []


def test_emblem_period_read_without_its_dash_or_labels(lines_factory):
    lines = lines_factory(
        [[("居民身份证", 300)], [("青山市公安局溪东分局", 300)], [("2019.03.012039.03.01", 300)]]
    )
    fields = extract_id_card(lines, today=TODAY).to_dict()["fields"]
    assert fields == {
        "issuing_authority": "青山市公安局溪东分局",
        "valid_from": "2019-03-01",
        "valid_to": "2039-03-01",
    }


def test_emblem_period_of_an_impossible_length_is_a_suggestion(lines_factory):
    lines = lines_factory([["签发机关", "松岭县公安局"], ["有效期限", "2019.03.01-2026.03.01"]])
    reading = extract_id_card(lines, today=TODAY)
    assert reading.fields["valid_to"].confidence <= 0.5
    assert {w.code for w in reading.warnings} == {"validity_unusual"}


def test_a_slightly_tilted_card_still_groups_its_rows(lines_factory):
    lines = lines_factory([
        ["姓名", "李䶮"],
        ["性别", "男", ("民族", 500), ("汉", 650)],
        ["出生", "1970年2月28日"],
        ["住址", "新疆维吾尔自治区乌鲁木"],
        [("齐市天山区1号", 300)],
        ["公民身份号码", ("650101197002280013", 600)],
    ], tilt_degrees=7)  # fmt: skip
    fields = extract_id_card(lines, today=TODAY).to_dict()["fields"]
    assert fields["name"] == "李䶮"
    assert fields["address"] == "新疆维吾尔自治区乌鲁木齐市天山区1号"
    assert fields["id_number"] == "650101197002280013"


def test_text_that_is_no_id_card_gives_unknown_and_no_fields(lines_factory):
    lines = lines_factory([["今日菜单"], ["红烧肉", "38元"], ["清炒时蔬", "18元"]])
    reading = extract_id_card(lines, today=TODAY).to_dict()
    assert reading["side"] == "unknown"
    assert reading["fields"] == {} and reading["confidence"] == {}
    assert classify_side(lines) == "unknown"


def test_no_number_on_a_portrait_face_is_warned_not_invented(lines_factory):
    lines = lines_factory([["姓名", "王芳"], ["性别", "女"], ["出生", "1988年11月30日"]])
    reading = extract_id_card(lines, today=TODAY)
    assert reading.side == "portrait"
    assert "id_number" not in reading.fields
    assert [w.code for w in reading.warnings] == ["id_number_not_found"]


# PaddleOCR on a blurred low-resolution photo (generated card 5020, hard set): the labels are
# illegible, read as "8", "81" or merged into the value boxes, and 年 and 日 are lost.
RECORDED_BLURRED_PORTRAIT = [
    TextLine.from_rectangle("8", 0.67, 95, 21, 170, 55),
    TextLine.from_rectangle("付芳", 1.0, 156, 21, 218, 58),
    TextLine.from_rectangle("女汉", 0.97, 94, 64, 316, 99),
    TextLine.from_rectangle("81", 0.33, 97, 110, 138, 137),
    TextLine.from_rectangle("194212月118", 0.91, 159, 109, 335, 140),
    TextLine.from_rectangle("福建省桥水市柳兴县岗", 0.94, 160, 153, 376, 184),
    TextLine.from_rectangle("降镇梅东村6组134号", 0.94, 160, 183, 358, 213),
    TextLine.from_rectangle("实统身份号码", 0.49, 95, 267, 206, 296),
    TextLine.from_rectangle("354020194212113988", 1.0, 228, 267, 538, 297),
]


def test_blurred_labels_fall_back_on_layout():
    reading = extract_id_card(RECORDED_BLURRED_PORTRAIT, today=TODAY)
    values = {name: field.value for name, field in reading.fields.items()}
    assert values == {
        "name": "付芳",
        "sex": "female",
        "ethnicity": "汉",
        "birth_date": "1942-12-11",
        "address": "福建省桥水市柳兴县岗降镇梅东村6组134号",  # 永 and 隆 misread: reported as read
        "id_number": "354020194212113988",
    }
    assert reading.fields["name"].confidence < 0.9  # found by position, not by its label


def test_specks_beside_a_name_are_trimmed_but_lower_the_confidence(lines_factory):
    lines = lines_factory([["姓名☑卢建"], ["公民身份号码", ("440304199001011233", 600)]])
    name = extract_id_card(lines, today=TODAY).fields["name"]
    assert name.value == "卢建"
    assert name.confidence <= 0.75


def test_a_misread_ethnicity_label_is_dropped_from_the_value(lines_factory):
    lines = lines_factory(
        [["姓名", "王芳"], ["性别", "女", ("R族畲", 500)], ["公民身份号码", ("130102198811300028", 600)]]
    )
    assert extract_id_card(lines, today=TODAY).fields["ethnicity"].value == "畲"


def test_half_read_labels_are_not_taken_for_values(lines_factory):
    lines = lines_factory([
        [("名付芳", 230)],
        [("别女", 230), ("民", 500)],
        [("1942年12月11日", 300)],
        [("公民身份号码", 100), ("354020194212113988", 600)],
    ])  # fmt: skip
    reading = extract_id_card(lines, today=TODAY)
    assert reading.fields["name"].value == "付芳"
    assert "ethnicity" not in reading.fields
    assert not any(w.code == "sex_mismatch" for w in reading.warnings)


def test_emblem_label_with_two_misread_characters_is_still_split_off(lines_factory):
    lines = lines_factory(
        [[("居民身份证", 300)], ["重发机美柳林县公安局"], ["有效期限", "2019.03.01-2039.03.01"]]
    )
    assert extract_id_card(lines, today=TODAY).fields["issuing_authority"].value == "柳林县公安局"


def test_address_line_starting_like_a_label_stays_in_the_address(lines_factory):
    lines = lines_factory([
        ["姓名", "王芳"],
        ["性别", "女", ("民族", 500), ("汉", 650)],
        ["出生", "1988年11月30日"],
        ["住址", "云南省昆明市五华区"],
        [("民族路12号", 300)],
        ["公民身份号码", ("130102198811300028", 600)],
    ])  # fmt: skip
    assert extract_id_card(lines, today=TODAY).fields["address"].value == "云南省昆明市五华区民族路12号"

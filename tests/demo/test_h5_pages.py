"""The resident H5 demo pages, driven in a real headless Chromium as a resident would use them.

Skipped when Chromium is not installed (`apt-get install chromium`; or point DOUDI_CHROMIUM at a binary).
Set DOUDI_H5_SCREENSHOTS to a folder to keep 390×844 screenshots of the main screens.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from app import create_app
from app.extensions import db
from app.wechat.serving import RunningServer, serve_in_thread
from app.wechat.standin import DEFAULT_APPID, DEFAULT_SECRET
from tests.conftest import TEST_KEYS
from tests.demo.chromium import CHROMIUM, Browser
from tests.support import id_number

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path("/bin/bash").exists()),
    reason=f"needs a Chromium at {CHROMIUM} (apt-get install chromium) to drive the H5 pages",
)

SHOTS = os.environ.get("DOUDI_H5_SCREENSHOTS")


@pytest.fixture
def site(tmp_path: Path, sqlite_template: Path, standin: RunningServer, wechat_control) -> Iterator[str]:  # noqa: ANN001
    """The API with the demo pages on a free port, on a fresh seeded SQLite copy; yields the /h5/ URL."""
    database = tmp_path / "h5.sqlite3"
    shutil.copy(sqlite_template, database)
    app = create_app(
        {
            **TEST_KEYS,
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "STORAGE_DIR": str(tmp_path / "files"),
            "REDIS_URL": None,
            "WECHAT_APPID": DEFAULT_APPID,
            "WECHAT_SECRET": DEFAULT_SECRET,
            "WECHAT_API_BASE": standin.api_base,
            "WECHAT_OPEN_BASE": standin.open_base,
            "DEMO_PAGES": True,
        }
    )
    server = serve_in_thread(app)
    app.config["RESIDENT_H5_URL"] = f"{server.base_url}/h5/"
    yield app.config["RESIDENT_H5_URL"]
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def browser() -> Iterator[Browser]:
    """A fresh headless Chromium sized like a phone."""
    with Browser(width=390, height=844) as running:
        yield running
        assert not [line for line in running.console if line.startswith("EXCEPTION")], running.console


def shot(browser: Browser, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        browser.screenshot(Path(SHOTS) / f"{name}.png")


def heading(browser: Browser, text: str) -> None:
    browser.wait(
        f"(document.querySelector('h1') || {{}}).innerText === {json.dumps(text)} && !document.querySelector('.loading')",
        what=f"the screen {text!r}",
    )


def pick_area(browser: Browser, level: int, code: str) -> None:
    select = f"document.querySelectorAll('[data-field=area_code] select')[{level}]"
    browser.wait(f"{select} && {select}.querySelector('option[value=\"{code}\"]')", what=f"area {code}")
    browser.js(
        f"(() => {{ const s = {select}; s.value = '{code}'; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()"
    )


def errors_on_screen(browser: Browser) -> dict[str, str]:
    return browser.js(
        "Object.fromEntries([...document.querySelectorAll('.field-error')]"
        ".map(e => [e.closest('[data-path]').dataset.path, e.innerText]))"
    )


def sign_in_as_new_user(browser: Browser, site: str) -> None:
    browser.goto(site)
    browser.wait(
        "location.href.includes('/connect/oauth2/') && document.querySelector('button[data-openid]')",
        what="the WeChat stand-in's chooser",
    )
    browser.click_text("新用户")
    heading(browser, "您好")
    assert "code=" not in browser.js("location.href")
    assert browser.js("sessionStorage.getItem('doudi.token')")


def choose_dibao_in_dongguan(browser: Browser) -> None:
    """From the home screen: a 低保 application for oneself, living in 东关社区 (the draft is not made yet)."""
    browser.click_text("申请救助")
    heading(browser, "选择救助类型")
    browser.click_text("最低生活保障", "label")
    browser.click_text("下一步")
    heading(browser, "为谁申请")
    browser.click_text("下一步")
    heading(browser, "住在哪里")
    pick_area(browser, 1, "341602100")
    pick_area(browser, 2, "341602100201")


def test_resident_applies_fixes_every_problem_submits_and_withdraws(
    site: str, browser: Browser, tmp_path: Path
) -> None:
    photo = tmp_path / "id.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (200, 180, 150)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    applicant_id = id_number("19580402", male=False)

    sign_in_as_new_user(browser, site)
    shot(browser, "home")

    # Program, for whom, where (with the local policy), then the draft is made.
    choose_dibao_in_dongguan(browser)
    browser.wait(
        "document.body.innerText.includes('每人每月 650 元') && document.body.innerText.includes('户口簿')",
        what="the area policy",
    )
    browser.click_text("开始填写申请")

    # A part save refused field by field: each message sits under its field.
    heading(browser, "申请人是谁")
    browser.fill("[data-field=name] input", "张桂兰")
    browser.fill(
        "[data-field=id_number] input", applicant_id[:-1] + ("0" if applicant_id[-1] != "0" else "1")
    )
    browser.fill("[data-field=phone] input", "1380000")
    browser.set_files("[data-path='attachments.id_card_portrait'] input[capture]", [str(photo)])
    browser.wait("document.body.innerText.includes('身份证照片已上传')", what="the photo upload")
    browser.click_text("保存并继续")
    browser.wait("document.querySelectorAll('.field-error').length === 2", what="two field errors")
    errors = errors_on_screen(browser)
    assert "校验位" in errors["applicant.id_number"]
    assert "手机号" in errors["applicant.phone"]
    shot(browser, "step-errors")
    browser.fill("[data-field=id_number] input", applicant_id)
    browser.fill("[data-field=phone] input", "13800001111")
    browser.click_text("保存并继续")

    # Resumable: the saved area comes back into the cascade.
    heading(browser, "住在哪里")
    browser.wait(
        "document.querySelectorAll('[data-field=area_code] select')[2].value === '341602100201'",
        what="the saved village",
    )
    browser.fill("[data-field=registered_address] textarea", "城关镇东关街12号")
    browser.click_text("保存并继续")
    heading(browser, "身体和劳动能力")

    # Submitting too early lists every problem at once, grouped by step.
    browser.js("location.hash = location.hash.replace(/step\\/\\d+$/, 'review')")
    heading(browser, "检查并提交")
    browser.click_text("提交申请")
    browser.wait("document.getElementById('submit-problems')", what="the submit summary")
    summary = browser.js("document.getElementById('submit-problems').innerText")
    for expected in ("户籍类型", "现居住地址", "开户银行", "银行卡号", "户名", "困难的原因", "核对"):
        assert expected in summary, summary
    assert browser.js("document.querySelectorAll('#submit-problems .review-problems li').length") == 7
    shot(browser, "submit-summary")

    # ...and each problem is shown next to its field on its step.
    browser.click_text("去修改“住在哪里”")
    heading(browser, "住在哪里")
    browser.wait("document.querySelectorAll('.field-error').length === 2", what="the step's problems")
    assert set(errors_on_screen(browser)) == {"applicant.household_type", "applicant.current_address"}
    browser.click_text("城镇", "label")
    browser.click_text("现在就住在户口本上的地址", "label")
    browser.click_text("保存并继续")
    heading(browser, "身体和劳动能力")

    browser.js("location.hash = location.hash.replace(/step\\/\\d+$/, 'step/8')")
    for title, fill, following in (
        (
            "收钱用的银行卡",
            {"bank_name": "示范县农村商业银行", "account": "6222 0000 1111 2222 333", "holder": "张桂兰"},
            "为什么需要帮助",
        ),
        ("为什么需要帮助", {"reason": "老伴去年中风，常年吃药，我没有工作。"}, "同意核对家庭经济状况"),
    ):
        heading(browser, title)
        for field, value in fill.items():
            browser.fill(f"[data-field={field}] input, [data-field={field}] textarea", value)
        browser.click_text("保存并继续")
        heading(browser, following)
    browser.click_text("我同意核对", "label")
    browser.click_text("保存并继续")
    heading(browser, "拍照上传证明材料")
    browser.set_files("[data-path=attachments] input[capture]", [str(photo)])
    browser.wait("document.querySelector('[data-path=\"attachments.kind\"] .field-error')", what="kind first")
    browser.fill("[data-field=kind] select", "household_register")
    browser.set_files("[data-path=attachments] input[capture]", [str(photo)])
    browser.wait(
        "document.body.innerText.includes('户口簿的照片已上传')", what="the household register photo"
    )
    browser.click_text("下一步：检查并提交")
    heading(browser, "检查并提交")
    assert "户口簿 1 张" in browser.text()
    assert not browser.js("document.getElementById('submit-problems')")
    browser.click_text("提交申请")

    # Progress, then withdrawal after a confirmation.
    browser.wait("document.body.innerText.includes('申请已经提交')", what="the progress view")
    text = browser.text()
    assert "已提交，等待乡镇（街道）受理" in text and "乡镇（街道）经办人" in text
    assert browser.js("document.querySelectorAll('.timeline li').length") == 2
    shot(browser, "progress")
    browser.click_text("撤回这份申请")
    browser.wait("document.querySelector('.modal')", what="the confirmation")
    browser.click_text("确定撤回", ".modal button")
    browser.wait("document.body.innerText.includes('申请已撤回')", what="the withdrawn state")
    assert not browser.js(
        "[...document.querySelectorAll('button')].some(b => b.innerText.includes('撤回这份申请'))"
    )


def test_a_planted_sign_in_link_is_never_used(site: str, browser: Browser) -> None:
    # Someone sends a link carrying their own sign-in code: this tab did not ask for it, so the page starts
    # its own sign-in instead (otherwise the victim would fill in an application inside the sender's account).
    browser.goto(site + "?code=someone-elses-code&state=abc")
    browser.wait(
        "location.href.includes('/connect/oauth2/') && document.querySelector('button[data-openid]')",
        what="a sign-in of the tab's own",
    )
    assert "someone-elses-code" not in browser.js("location.href")
    assert not browser.js("sessionStorage.getItem('doudi.token')")


def test_sign_in_problems_are_explained(site: str, browser: Browser) -> None:
    browser.goto(site + "?state=abc")  # what WeChat sends back when the person refuses
    browser.wait("document.body.innerText.includes('还没有登录')", what="the refusal")

    browser.js("sessionStorage.setItem('doudi.oauthState', 'abc')")  # as if this tab had started it
    browser.goto(site + "?code=not-a-real-code&state=abc")
    browser.wait("document.body.innerText.includes('没能登录')", what="the failed sign-in")
    assert "重新进入" in browser.text()
    assert "code=" not in browser.js("location.href")

    browser.goto(site + "?state=abc")
    browser.wait("document.body.innerText.includes('还没有登录')", what="the refusal again")

    browser.click_text("用微信登录")
    browser.wait("document.querySelector('button[data-openid]')", what="the chooser")
    browser.click_text("快照页用户")
    browser.wait(
        "document.body.innerText.includes('没能登录') && document.body.innerText.includes('使用完整服务')",
        what="the snapshot-user refusal",
    )
    assert not browser.js("sessionStorage.getItem('doudi.token')")


def test_the_id_card_photo_fills_empty_boxes_and_only_offers_what_was_typed(
    site: str, browser: Browser, tmp_path: Path
) -> None:
    from difflib import SequenceMatcher

    from ocr.synthetic import make_card

    card = make_card(101)  # a generated card of a made-up person (real OCR reads it: no stub)
    expected = card.expected_fields
    photo = tmp_path / "card.jpg"
    photo.write_bytes(card.image_bytes)

    sign_in_as_new_user(browser, site)
    choose_dibao_in_dongguan(browser)
    browser.click_text("开始填写申请")

    heading(browser, "申请人是谁")
    browser.fill("[data-field=name] input", "李某")  # typed before the photo, and not what the card says
    browser.set_files("[data-path='attachments.id_card_portrait'] input[capture]", [str(photo)])
    browser.wait("document.body.innerText.includes('已从身份证照片填入')", timeout=120, what="the card reading")
    # The empty box is filled (marked to check); the typed name is kept and the card's only offered.
    assert browser.js("document.querySelector('[data-field=id_number] input').value") == expected["id_number"]
    assert browser.js("!!document.querySelector('[data-field=id_number].from-card')")
    assert browser.js("document.querySelector('[data-field=name] input').value") == "李某"
    assert expected["name"] in browser.js("document.querySelector('.card-offer').innerText")
    shot(browser, "id-card-read")
    browser.click_text("用照片上的")
    assert browser.js("document.querySelector('[data-field=name] input').value") == expected["name"]

    browser.fill("[data-field=phone] input", "13800001111")
    browser.click_text("保存并继续")
    heading(browser, "住在哪里")
    address = browser.js("document.querySelector('[data-field=registered_address] textarea').value")
    assert SequenceMatcher(None, address, expected["address"]).ratio() > 0.9, address
    assert "从身份证照片读到的地址" in browser.text()

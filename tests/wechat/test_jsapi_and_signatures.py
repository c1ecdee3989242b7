"""JS-SDK ticket and signature, and WeChat's server push signature."""

from __future__ import annotations

from app.wechat.signing import compute_jsapi_signature, compute_server_signature, verify_server_signature

TICKET = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
NONCE = "Wm3WZYTPz0wzccnW"
TIMESTAMP = 1414587457
URL = "http://mp.weixin.qq.com?params=value"
EXPECTED = "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


def test_jsapi_signature_matches_test_vector():
    assert compute_jsapi_signature(TICKET, NONCE, TIMESTAMP, URL) == EXPECTED
    assert compute_jsapi_signature(TICKET, NONCE, str(TIMESTAMP), URL + "#/step/2") == EXPECTED


def test_gateway_signs_with_the_ticket_from_wechat(gateway, control):
    control.configure(jsapi_ticket=TICKET)

    assert gateway.jsapi_signature(URL, NONCE, TIMESTAMP) == EXPECTED
    assert gateway.jsapi_signature(URL + "#wechat_redirect", NONCE, TIMESTAMP) == EXPECTED
    assert control.request_count("cgi-bin/ticket/getticket") == 1


def test_jsapi_config_is_self_consistent(gateway):
    config = gateway.jsapi_config("https://doudi.example.cn/apply?id=7")

    assert config["appId"] == gateway.appid
    expected = compute_jsapi_signature(
        gateway.jsapi_ticket(), config["nonceStr"], config["timestamp"], "https://doudi.example.cn/apply?id=7"
    )
    assert config["signature"] == expected


def test_server_signature_verification():
    signature = compute_server_signature("doudi-token", "1700000000", "nonce42")

    assert verify_server_signature("doudi-token", "1700000000", "nonce42", signature)
    assert not verify_server_signature("doudi-token", "1700000001", "nonce42", signature)
    assert not verify_server_signature("other-token", "1700000000", "nonce42", signature)
    assert not verify_server_signature("doudi-token", "1700000000", "nonce42", None)
    assert not verify_server_signature("doudi-token", "1700000000", "nonce42", "签名")


def test_server_signature_is_sha1_of_sorted_parts():
    import hashlib

    parts = sorted(["tok", "123", "abc"])
    assert compute_server_signature("tok", "123", "abc") == hashlib.sha1("".join(parts).encode()).hexdigest()

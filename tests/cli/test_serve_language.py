"""What a browser reads of `watchdesk serve` is in the UI language: textual-serve's page (Start,
Session ended., Restart), a refused page or websocket (403), a page or download not found (404).
In process, through aiohttp's test client: no console is started."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer

from watchdesk.cli.serve import make_server
from watchdesk.i18n import set_language

WS = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}
ENGLISH = ["Start<", "Session ended.", "Restart<", "is not this", "Not Found", "not found"]


async def _fetch(lang: str) -> dict[str, tuple[int, str]]:
    set_language(lang)
    server = make_server("python -m watchdesk", "127.0.0.1", 8000)
    async with TestClient(TestServer(await server._make_app())) as client:
        host = f"127.0.0.1:{client.port}"
        got = {}
        for name, path, headers in [
            ("page", "/", {}),
            ("rebinding", "/", {"Host": "evil.example"}),
            ("other_origin", "/ws", {**WS, "Origin": "http://evil.example"}),
            ("no_origin", "/ws", WS),
            ("missing", "/nothing-here", {}),
            ("download", "/download/abc123", {}),
        ]:
            r = await client.get(path, headers={"Host": host, **headers})
            got[name] = (r.status, await r.text())
        return got


@pytest.fixture
def fetch():
    def run(lang: str) -> dict[str, tuple[int, str]]:
        try:
            return asyncio.run(_fetch(lang))
        finally:
            set_language("en")

    return run


def test_a_browser_reads_the_server_in_chinese(fetch):
    got = fetch("zh")
    status, page = got["page"]
    assert status == 200
    assert '<html lang="zh-CN">' in page
    assert ">开始</button>" in page and "会话已结束。" in page and ">重新开始</button>" in page
    assert (
        got["rebinding"][0] == 403 and "已拒绝：地址 'evil.example' 不是本机" in got["rebinding"][1]
    )
    assert got["other_origin"][0] == 403
    assert "页面 'http://evil.example' 不是本控制台的页面" in got["other_origin"][1]
    assert got["no_origin"] == (403, got["no_origin"][1]) and "缺少 Origin" in got["no_origin"][1]
    assert got["missing"][0] == 404 and got["missing"][1].startswith("未找到")
    assert got["download"][0] == 404 and "下载 'abc123' 不存在" in got["download"][1]
    for name, (_, text) in got.items():
        shown = text if name != "page" else text.split("<body", 1)[1]
        assert not [w for w in ENGLISH if w in shown], (name, shown[:300])


def test_a_browser_reads_the_server_in_english(fetch):
    got = fetch("en")
    status, page = got["page"]
    assert status == 200 and '<html lang="en">' in page
    assert ">Start</button>" in page and "Session ended." in page and ">Restart</button>" in page
    assert got["rebinding"][0] == 403
    assert "the address 'evil.example' is not this machine's" in got["rebinding"][1]
    assert got["other_origin"][0] == 403 and "'http://evil.example'" in got["other_origin"][1]
    assert got["no_origin"][0] == 403 and "no Origin" in got["no_origin"][1]
    assert got["missing"][0] == 404 and got["missing"][1].startswith("Not found")
    assert got["download"][0] == 404 and "No download 'abc123'" in got["download"][1]

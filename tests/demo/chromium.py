"""Drive a headless Chromium through the DevTools protocol over `--remote-debugging-pipe`.

Standard library only (no Playwright, no websocket client): Chromium reads NUL-terminated JSON
commands on fd 3 and writes replies and events on fd 4. Enough to open pages, run JavaScript,
pick files and take screenshots — what the H5 page checks need.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("DOUDI_CHROMIUM", "/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--lang=zh-CN",
)


def _above(fd: int, lowest: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, lowest)
    os.close(fd)
    return moved


class BrowserError(RuntimeError):
    """The browser answered a command with an error, died, or a wait ran out."""


class Browser:
    """One headless Chromium with one page, emulating a phone screen."""

    def __init__(
        self, width: int = 390, height: int = 844, scale: float = 1.0, binary: str = CHROMIUM
    ) -> None:
        self.profile = tempfile.mkdtemp(prefix="doudi-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Keep the child's ends clear of 3 and 4, so moving them there cannot clobber one another.
        to_browser_r, from_browser_w = (_above(fd, 10) for fd in (to_browser_r, from_browser_w))
        # bash (dash takes one-digit fds only) moves the pipe ends onto fd 3 and 4, where
        # --remote-debugging-pipe expects them.
        script = f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w} {to_browser_r}<&- {from_browser_w}>&-'
        self.process = subprocess.Popen(
            [
                "/bin/bash",
                "-c",
                script,
                binary,
                *FLAGS,
                "--remote-debugging-pipe",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            pass_fds=(to_browser_r, from_browser_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.console: list[str] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page.enable", "Runtime.enable"):
            self.call(domain, session=True)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": True},
            session=True,
        )
        self.call("Emulation.setTouchEmulationEnabled", {"enabled": True}, session=True)

    # --- protocol ---------------------------------------------------------------------------------

    def _read_message(self, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                return None
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("the browser closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if message.get("method") == "Runtime.consoleAPICalled":
            args = message["params"].get("args", [])
            self.console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in args))
        if message.get("method") == "Runtime.exceptionThrown":
            details = message["params"]["exceptionDetails"]
            self.console.append(
                "EXCEPTION " + str(details.get("exception", {}).get("description", details.get("text")))
            )
        return message

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: bool = False, timeout: float = 10
    ) -> Any:
        """Send one command and wait for its answer (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(max(0.0, deadline - time.monotonic()))
            if reply is None:
                raise BrowserError(f"no answer to {method} within {timeout}s")
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def pump(self, seconds: float = 0.0) -> None:
        """Collect events for a while."""
        deadline = time.monotonic() + seconds
        while True:
            message = self._read_message(max(0.0, deadline - time.monotonic()))
            if message is None:
                return
            if "method" in message:
                self.events.append(message)

    # --- page helpers ----------------------------------------------------------------------------

    def goto(self, url: str) -> None:
        """Open a URL (and let it load)."""
        self.call("Page.navigate", {"url": url}, session=True)

    def reload(self) -> None:
        """Load the page again, as a pull-to-refresh would."""
        self.call("Page.reload", {"ignoreCache": True}, session=True)

    def js(self, expression: str, timeout: float = 10) -> Any:
        """Evaluate JavaScript in the page (promises awaited) and return its JSON value."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True, "userGesture": True},
            session=True,
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            raise BrowserError(
                f"page script failed: {result['exceptionDetails'].get('exception', {}).get('description')}"
            )
        return result.get("result", {}).get("value")

    def wait(self, expression: str, timeout: float = 10, what: str | None = None) -> Any:
        """Poll a JavaScript expression until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                value = self.js(
                    f"(() => {{ const v = ({expression}); return v instanceof Node ? true : v; }})()"
                )
                if value:
                    return value
            except BrowserError as exc:  # the page may be between documents
                last_error = exc
            self.pump(0.1)
        text = self.js("document.body ? document.body.innerText.slice(0, 600) : ''")
        raise BrowserError(
            f"timed out waiting for {what or expression}; page says: {text!r}; last error: {last_error}"
        )

    def text(self) -> str:
        """The visible text of the page."""
        return self.js("document.body.innerText")

    def click_text(self, text: str, selector: str = "button, a, label") -> None:
        """Click the first visible element matching selector whose text contains `text`."""
        found = self.js(
            f"(() => {{ const els = [...document.querySelectorAll({json.dumps(selector)})]"
            f".filter(e => e.offsetParent !== null && e.innerText.includes({json.dumps(text)}));"
            " if (!els.length) return false; els[0].scrollIntoView({block: 'center'}); els[0].click(); return true; })()"
        )
        if not found:
            raise BrowserError(f"nothing to click with text {text!r}")

    def fill(self, selector: str, value: str) -> None:
        """Put a value in a field the way typing would (input and change events)."""
        done = self.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return false; e.focus();"
            f" e.value = {json.dumps(value)}; e.dispatchEvent(new Event('input', {{bubbles: true}}));"
            " e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()"
        )
        if not done:
            raise BrowserError(f"no field {selector!r}")

    def set_files(self, selector: str, paths: list[str]) -> None:
        """Choose files in an <input type=file> as the file picker would."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": f"document.querySelector({json.dumps(selector)})"},
            session=True,
        )
        object_id = result["result"].get("objectId")
        if not object_id:
            raise BrowserError(f"no file input {selector!r}")
        self.call("DOM.setFileInputFiles", {"files": paths, "objectId": object_id}, session=True)

    def screenshot(self, path: str | Path, full_page: bool = False) -> Path:
        """Save a PNG of the viewport (or of the whole page)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.js(
                "({w: document.documentElement.clientWidth, h: document.documentElement.scrollHeight})"
            )
            params["clip"] = {"x": 0, "y": 0, "width": size["w"], "height": size["h"], "scale": 1}
        data = self.call("Page.captureScreenshot", params, session=True, timeout=20)["data"]
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Stop the browser and remove its profile."""
        with contextlib.suppress(BrowserError, OSError):
            self.call("Browser.close", timeout=3)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

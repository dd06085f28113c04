"""The evidence capture driver: headless Chromium (Debian's, through Playwright) renders the page
while every request it makes is fetched here, through the address policy, and recorded for the WARC.

How the browser is kept inside the policy. Chromium is launched with the crawler's flags
(``crawler.settings.BROWSER_ARGS``) plus ``--host-resolver-rules=MAP * ~NOTFOUND``: it cannot resolve
any name itself. Every request of the page (document, CSS, images, scripts, XHR, iframes) is
intercepted (``context.route``) and fetched by ``evidence.fetch.Fetcher``, which resolves, checks the
address (``presswatch.netpolicy``, with ``evidence_allow_internal``) and connects to the address it
checked, follows redirects itself hop by hop, and the browser gets the final response (it never
sees a redirect it could follow on its own). ``file:``, pop-ups, navigations away from the page
after it started loading, and methods other than GET/HEAD are refused; WebSockets are closed;
service workers are blocked. Limits: ``evidence_timeout`` for the whole capture, ``evidence_max_bytes``
downloaded, ``evidence_max_requests``, and ``evidence_max_height`` pixels of screenshot.

What a refused request, a limit reached or a page that never finished loading did is written in the
capture's ``notes``; the capture is still made from what loaded. The main page refused by the policy
raises ``CaptureRefused``; a network failure of the main page, a time-out before anything rendered or
a browser crash raise ``CaptureFailed`` (the queue retries).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Request, Route, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

import presswatch
from crawler.settings import BROWSER_ARGS, CHROMIUM
from evidence.fetch import Exchange, Fetcher, PolicyRefusedError
from evidence.files import sha256
from evidence.records import Capture
from evidence.warc import write_warc
from presswatch.errors import CaptureFailed, CaptureRefused
from presswatch.netpolicy import AddressPolicy

VIEWPORT = {"width": 1280, "height": 900}
NO_RESOLVING = "--host-resolver-rules=MAP * ~NOTFOUND"
ALLOW_SETTING = "evidence_allow_internal"
SETTLE_SECONDS = 2.0  # after "load": time for late requests before the screenshot
STOP_GRACE = 10.0  # past the time limit: seconds the document itself may still take to arrive
HARD_MARGIN = 60.0  # past both: seconds for the screenshot, PDF and closing before the capture is abandoned
Extractor = Callable[[str, str], tuple[str, str] | None]  # (html, url) → (title, text), None: no article


@dataclass(frozen=True)
class Limits:
    timeout: float = 60.0
    max_bytes: int = 50_000_000
    max_requests: int = 300
    max_height: int = 20_000


@dataclass
class _Session:
    """What one capture saw: the exchanges for the WARC, and its notes."""

    limits: Limits
    deadline: float
    fetcher: Fetcher
    page: Page | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cached: dict[str, Exchange] = field(default_factory=dict)
    downloaded: int = 0
    requests: int = 0
    navigations: int = 0

    def note(self, text: str) -> None:
        if text not in self.notes and len(self.notes) < 50:
            self.notes.append(text)

    def refusal(self, request: Request) -> str | None:
        """Why this request of the browser is not made, or None."""
        if not request.url.lower().startswith(("http://", "https://")):
            return f"chặn yêu cầu không phải http(s): {request.url[:200]}"
        try:
            frame = request.frame
        except PlaywrightError:  # a navigation before its frame exists: a new window
            return "chặn cửa sổ bật lên (pop-up)"
        if self.page is None or frame.page != self.page:
            return "chặn cửa sổ bật lên (pop-up)"
        if request.is_navigation_request() and frame == self.page.main_frame:
            self.navigations += 1
            if self.navigations > 1:
                return f"chặn trang tự chuyển sang địa chỉ khác: {request.url[:200]}"
        if request.method not in ("GET", "HEAD"):
            return f"chặn yêu cầu {request.method} (bằng chứng chỉ đọc, không gửi dữ liệu): {request.url[:200]}"
        if request.url in self.cached:  # the page itself, fetched already
            return None
        if time.monotonic() > self.deadline:
            return f"hết thời gian lưu ({self.limits.timeout:.0f} giây): bỏ các yêu cầu còn lại"
        if self.requests >= self.limits.max_requests:
            return f"quá {self.limits.max_requests} yêu cầu: bỏ các yêu cầu còn lại"
        if self.downloaded >= self.limits.max_bytes:
            return f"quá {self.limits.max_bytes} byte: bỏ các yêu cầu còn lại"
        return None

    async def handle(self, route: Route, request: Request) -> None:
        try:
            await self._handle(route, request)
        except Exception as exc:  # an error here must not stop the capture: the request fails, noted
            self.note(f"lỗi khi xử lý yêu cầu {request.url[:200]}: {type(exc).__name__}")
            await _quietly(route.abort("failed"))

    async def _handle(self, route: Route, request: Request) -> None:
        reason = self.refusal(request)
        if reason is not None:
            self.note(reason)
            if self.navigations > 1 and request.is_navigation_request():
                # "204 No Content" keeps the page where it is; an aborted navigation would show an error page.
                await _quietly(route.fulfill(status=204, body=b""))
            else:
                await _quietly(route.abort("blockedbyclient"))
            return
        self.requests += 1
        final = self.cached.pop(request.url, None)
        if final is None:
            try:
                fetched = await self.fetcher.fetch(request.url, request.headers.items(),
                                                   max_bytes=max(1, self.limits.max_bytes - self.downloaded),
                                                   # past the page's own limit: "load" never comes before it
                                                   deadline=self.deadline + STOP_GRACE)
            except PolicyRefusedError as exc:
                self.note(exc.refusal.message(request.url[:200], ALLOW_SETTING))
                await _quietly(route.abort("blockedbyclient"))
                return
            except Exception as exc:  # network, time-out, httpcore's errors
                self.note(f"không tải được {request.url[:200]}: {type(exc).__name__}")
                await _quietly(route.abort("failed"))
                return
            self.exchanges.extend(fetched.exchanges)
            self.downloaded += sum(len(e.raw) for e in fetched.exchanges)
            final = fetched.final
        if final.truncated:
            self.note(f"nội dung quá giới hạn {self.limits.max_bytes} byte, chỉ lưu phần đầu: {final.url[:200]}")
        await _quietly(route.fulfill(status=final.status, headers=final.browser_headers(), body=final.body))


async def _quietly(action: Any) -> None:
    """A route answered after its page closed (pop-up, time-out) raises; nothing is lost by that."""
    try:
        await action
    except PlaywrightError:
        pass


def tool_versions(chromium: str) -> dict[str, str]:
    versions = {"presswatch": presswatch.__version__, "chromium": chromium}
    for package in ("playwright", "warcio", "httpcore", "trafilatura"):
        try:
            versions[package] = version(package)
        except Exception:  # not installed: said so
            versions[package] = "?"
    return versions


async def capture_async(url: str, *, policy: AddressPolicy, limits: Limits, user_agent: str,
                        extractor: Extractor, metadata: dict[str, Any] | None = None) -> Capture:
    """Capture ``url`` (see the module docstring). ``metadata``: the social post's (or article's)
    metadata, kept in the capture's manifest."""
    started = time.monotonic()
    deadline = started + limits.timeout
    captured_at = datetime.now(UTC)
    fetcher = Fetcher(policy, user_agent=user_agent, timeout=limits.timeout)
    session = _Session(limits, deadline, fetcher)
    try:
        try:  # the page itself first, redirects resolved here: the browser opens the final address
            first = await fetcher.fetch(url, max_bytes=limits.max_bytes, deadline=deadline)
        except PolicyRefusedError as exc:
            raise CaptureRefused(exc.refusal.message(url, ALLOW_SETTING)) from exc
        except ValueError as exc:
            raise CaptureRefused(str(exc)) from exc
        except Exception as exc:  # network, time-out, httpcore's errors
            raise CaptureFailed(f"không tải được {url}: {type(exc).__name__}: {exc}") from exc
        session.exchanges.extend(first.exchanges)
        session.downloaded += sum(len(e.raw) for e in first.exchanges)
        final = first.final
        session.cached[final.url] = final
        try:  # a bound on everything, Chromium's own calls included: the service must go on
            return await asyncio.wait_for(_render(session, url, final, captured_at, extractor, user_agent, metadata),
                                          limits.timeout + STOP_GRACE + HARD_MARGIN)
        except TimeoutError as exc:
            raise CaptureFailed(f"lưu {url} quá {limits.timeout + STOP_GRACE + HARD_MARGIN:.0f} giây: bỏ dở") from exc
    finally:
        await fetcher.close()


async def _render(session: _Session, url: str, final: Exchange, captured_at: datetime, extractor: Extractor,
                  user_agent: str, metadata: dict[str, Any] | None) -> Capture:
    limits = session.limits
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                       args=[*BROWSER_ARGS, NO_RESOLVING])
            try:
                context = await browser.new_context(service_workers="block", user_agent=user_agent,
                                                    viewport=VIEWPORT,  # type: ignore[arg-type]
                                                    locale="vi-VN", accept_downloads=False)
                await context.route("**/*", session.handle)
                await context.route_web_socket("**/*", lambda ws: ws.close())
                page = await context.new_page()
                session.page = page
                context.on("page", lambda other: None if other == page else asyncio.ensure_future(other.close()))
                page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
                remaining = max(1.0, session.deadline - time.monotonic())
                try:
                    await page.goto(final.url, wait_until="load", timeout=remaining * 1000)
                except PlaywrightTimeout:
                    session.note(f"trang chưa tải xong sau {limits.timeout:.0f} giây: lưu phần đã tải")
                    await _stop_loading(page)
                try:
                    await page.wait_for_load_state("networkidle", timeout=SETTLE_SECONDS * 1000)
                except PlaywrightTimeout:
                    pass
                files, title, text = await _files(page, session, final, extractor)
                chromium = browser.version
            finally:
                await _quietly(browser.close())
    except (PlaywrightError, TimeoutError) as exc:
        raise CaptureFailed(f"trình duyệt Chromium lỗi khi lưu {url}: {str(exc).splitlines()[0][:300]}") from exc
    tools = tool_versions(chromium)
    files["warc"] = write_warc(session.exchanges, url=url, software=f"presswatch {presswatch.__version__}",
                               captured_at=captured_at)
    files["text"] = f"{title}\n\n{text}\n".encode()
    manifest = {"url": url, "final_url": final.url, "http_status": final.status, "title": title,
                "captured_at": captured_at.isoformat(), "tools": tools, "notes": session.notes,
                "requests": len(session.exchanges), "bytes": session.downloaded,
                "sha256": {kind: sha256(data) for kind, data in sorted(files.items())}, "metadata": metadata}
    files["meta"] = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    return Capture(url=url, final_url=final.url, http_status=final.status, title=title, text=text,
                   captured_at=captured_at, tools=tools, files=files, notes=list(session.notes))


async def _stop_loading(page: Page) -> None:
    """Past the time limit: let the document itself arrive (a few seconds more), then stop what is
    still loading, so that the page holds still for the screenshot."""
    try:
        await page.wait_for_load_state("domcontentloaded", timeout=STOP_GRACE * 1000)
    except PlaywrightTimeout:
        pass
    try:
        await page.evaluate("window.stop()")
    except PlaywrightError:
        pass


async def _files(page: Page, session: _Session, final: Exchange, extractor: Extractor
                 ) -> tuple[dict[str, bytes], str, str]:
    limits = session.limits
    height = await page.evaluate("Math.max(document.documentElement.scrollHeight, document.body ? "
                                 "document.body.scrollHeight : 0)")
    height = int(height or VIEWPORT["height"])
    if height > limits.max_height:
        session.note(f"trang cao {height} điểm ảnh: ảnh chụp chỉ lấy {limits.max_height} điểm ảnh đầu")
    # The whole page up to the limit, as tall a viewport as that (Playwright's full_page would lay out
    # and paint the whole page first, too slow for a huge one); as wide as the usual viewport.
    await page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(height, 1), limits.max_height)})
    screenshot_timeout = max(5.0, session.deadline - time.monotonic() + 20) * 1000
    png = await page.screenshot(timeout=screenshot_timeout)
    files = {"png": png}
    # A page taller than the screenshot limit is printed up to about as far (A4: about 1,000 CSS pixels a page).
    pages = {"page_ranges": f"1-{limits.max_height // 1000 + 1}"} if height > limits.max_height else {}
    try:
        files["pdf"] = await asyncio.wait_for(page.pdf(print_background=True, **pages),  # type: ignore[arg-type]
                                              timeout=screenshot_timeout / 1000)
    except (TimeoutError, PlaywrightError) as exc:
        session.note(f"không tạo được bản PDF ({type(exc).__name__}); ảnh chụp và WARC vẫn được lưu")
    html = await page.content()
    extracted = extractor(html, final.url)
    if extracted is None:  # no article found: the visible text is the record
        title = await page.title()
        text = await page.inner_text("body") if await page.locator("body").count() else ""
    else:
        title, text = extracted
    return files, title.strip(), text.strip()


def capture(url: str, *, policy: AddressPolicy, limits: Limits, user_agent: str, extractor: Extractor,
            metadata: dict[str, Any] | None = None) -> Capture:
    """``capture_async`` in its own event loop (for the CLI and the service's thread)."""
    return asyncio.run(capture_async(url, policy=policy, limits=limits, user_agent=user_agent, extractor=extractor,
                                     metadata=metadata))

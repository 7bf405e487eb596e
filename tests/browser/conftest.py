"""A real Chromium, driven by Playwright, against pytest-django's live server.

Debian's chromium is used as is: Playwright never downloads a browser. Every test gets a fresh
browser context, so cookies, sessions and the language never leak from one test to the next.
"""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.ci import require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
# Long enough for a cold live server on a slow CI machine, short enough to fail a hang quickly.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for the browser tests, stopped when the last of them has run.

    Package scope, not session scope: while Playwright runs, its asyncio loop counts as running
    in the main thread, and the flag below must not outlive these tests. It would leak into
    later tests and their subprocesses (`check --deploy` rejects it as async.E001).
    """
    require(
        CHROMIUM.exists(),
        f"The browser tests need Chromium at {CHROMIUM}: install Debian's chromium "
        "(apt-get install chromium). Playwright must not download its own.",
    )
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API runs an asyncio loop in the main thread; without this the ORM
        # calls a test makes (factories, rows, pytest-django's flush) raise
        # SynchronousOnlyOperation. Nothing is actually concurrent: the test waits for
        # Playwright while the live server answers in its own thread.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context: `new_page(locale="fr-BE")`, or with extra headers."""
    contexts: list[BrowserContext] = []

    def open_page(*, locale: str = "nl-BE", extra_http_headers: dict | None = None) -> Page:
        context = browser.new_context(locale=locale, extra_http_headers=extra_http_headers)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


def screenshot(page: Page, name: str) -> None:
    """Keep a full-page picture in test-artifacts/screenshots/ for humans to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    page.screenshot(path=SCREENSHOTS / f"{safe_name}.png", full_page=True)


def axe_violations(page: Page, *, skip_rules: tuple[str, ...] = ()) -> list[str]:
    """axe-core's violations on the page, one readable line each: rule, target, help."""
    options = {
        "resultTypes": ["violations"],
        "rules": {rule: {"enabled": False} for rule in skip_rules},
    }
    results = Axe().run(page, options=options)
    return [
        f"{violation['id']} at {violation['nodes'][0]['target']}: {violation['help']}"
        for violation in results.response["violations"]
    ]


def no_violations(page: Page, name: str, *, skip_rules: tuple[str, ...] = ()) -> None:
    """Screenshot the page under `name`, then fail with the list of what axe finds."""
    screenshot(page, name)
    violations = axe_violations(page, skip_rules=skip_rules)
    assert violations == [], "\n".join([name, *violations])

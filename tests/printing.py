"""PDFs made in the tests, printed by Debian's Chromium: none is kept in the project."""

from __future__ import annotations

import base64
import html
import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# A page number in the footer of every page, as printed reports have.
_FOOTER = '<div style="font-size:9pt;width:100%;text-align:center">— <span class="pageNumber"></span> —</div>'
_STYLE = "body{font-family:'Noto Serif CJK SC','Noto Sans CJK SC';font-size:14pt} p{text-indent:2em;margin:0 0 .3em}"


def print_pdfs(*bodies: str) -> list[bytes]:
    """Each HTML body printed to A4 PDF bytes.

    Playwright runs an event loop in this thread while it is open, and Django refuses ORM calls
    beside one; so the browser is opened and closed here, before the test touches the database.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk (make test does it)")
    pdfs = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for body in bodies:
            page = browser.new_page()
            page.set_content(
                f'<html><head><meta charset="utf-8"><style>{_STYLE}</style></head><body>{body}</body></html>'
            )
            pdfs.append(
                page.pdf(
                    format="A4",
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=_FOOTER,
                    margin={"top": "2cm", "bottom": "2cm", "left": "2cm", "right": "2cm"},
                )
            )
            page.close()
        browser.close()
    return pdfs


def text_html(text: str) -> str:
    """The text one paragraph a line, as a word processor would print it."""
    return "".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


def scanned_html(pages: int = 2) -> str:
    """Pages that are only a picture, as a scanner makes them: no text layer."""
    image = base64.b64encode(png(400, 560)).decode()
    return "".join(
        f'<img src="data:image/png;base64,{image}" style="width:16cm;page-break-after:always">' for _ in range(pages)
    )


def png(width: int, height: int) -> bytes:
    """A grey-striped PNG, written by hand so no image library is needed."""
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")

#!/usr/bin/env python3
"""Checks an announcement page with a conforming HTML parser (html5lib).

  check_announcement_html.py PAGE [TEXT...]

The page must parse without a single parse error, be one self-contained
document in bokmål (no external scripts, styles, images, fonts or frames),
carry a title, and show every TEXT in its visible text (whitespace
collapsed). Prints what failed and exits 1, or exits 0.
"""
import re
import sys

import html5lib

EXTERNAL_ATTRS = ("src", "srcset", "data", "poster", "background")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    raw = open(sys.argv[1], "rb").read()
    problems = []
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        doc = parser.parse(raw, transport_encoding="utf-8")
    except html5lib.html5parser.ParseError as e:
        print(f"{sys.argv[1]}: not conforming HTML: {e}", file=sys.stderr)
        return 1
    if not raw.lstrip().lower().startswith(b"<!doctype html>"):
        problems.append("does not start with <!DOCTYPE html>")
    if doc.get("lang") != "nb":
        problems.append(f"<html lang> is {doc.get('lang')!r}, not 'nb'")
    title = doc.find("head/title")
    if title is None or not (title.text or "").strip():
        problems.append("has no <title>")
    if doc.find("head/meta[@charset]") is None:
        problems.append("declares no charset")
    for el in doc.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "iframe", "object", "embed", "img", "link", "video", "audio"):
            problems.append(f"has a <{tag}> element")
        for attr in EXTERNAL_ATTRS:
            if el.get(attr):
                problems.append(f"<{tag} {attr}=...> loads something")
        href = el.get("href") or ""
        if tag == "a" and href and not href.startswith("#"):
            problems.append(f"links outside the page: {href[:60]}")
        if tag == "style" and re.search(r"url\(|@import", el.text or ""):
            problems.append("its style loads something (url() or @import)")
    body = doc.find("body")
    visible = " ".join("".join(body.itertext()).split()) if body is not None else ""
    for text in sys.argv[2:]:
        if " ".join(text.split()) not in visible:
            problems.append(f"does not show {text!r}")
    for p in problems:
        print(f"{sys.argv[1]}: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

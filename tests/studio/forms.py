"""Post a page's form as a browser would: every input, textarea and selected option it holds."""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, testid: str) -> None:
        super().__init__(convert_charrefs=True)
        self.testid = testid
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and found.get("data-testid") == self.testid:
            self.inside = True
        if not self.inside:
            return
        name = found.get("name")
        if tag == "input" and name and found.get("type") not in ("submit", "button"):
            if found.get("type") in ("checkbox", "radio") and "checked" not in found:
                return
            self.fields.append((name, found.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in found:
            self.fields.append((self._select, found.get("value") or ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # A browser drops the one line break that follows <textarea>.
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, testid: str) -> list[tuple[str, str]]:
    """The (name, value) pairs the form with this data-testid submits."""
    parser = _Form(testid)
    parser.feed(html)
    assert parser.fields, f"no form {testid!r} on the page"
    return parser.fields


def changed(fields: list[tuple[str, str]], **changes: str) -> dict[str, list[str]]:
    """The fields with some values replaced (names with dashes written as ``prompt__nl``), ready to post."""
    wanted = {name.replace("__", "-"): value for name, value in changes.items()}
    posted: dict[str, list[str]] = {}
    for name, value in fields:
        posted.setdefault(name, []).append(wanted.pop(name, value))
    for name, value in wanted.items():
        posted[name] = [value]
    return posted

"""Hostile Markdown and HTML (OWASP XSS filter-evasion style) and a parser-based safety check."""

import re
from html.parser import HTMLParser

LINK_REL = "nofollow noopener ugc"
FORBIDDEN_ELEMENTS = frozenset(
    {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "meta", "base", "link"}
)
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "data", "cite"}
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")

B64_SCRIPT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
JS_DECIMAL = "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;"

CORPUS: list[str] = [
    # script elements, in many casings and shapes
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    '<ScRiPt src="http://evil.example/x.js"></ScRiPt>',
    '<script/xss src="http://evil.example/x.js"></script>',
    "<<script>alert(1);//<</script>",
    '<img """><script>alert("XSS")</script>">',
    "</title><script>alert(1)</script>",
    "<textarea><script>alert(1)</script></textarea>",
    "<plaintext><script>alert(1)",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<BODY ONLOAD=alert('XSS')>",
    '<div onmouseover="alert(1)">hover</div>',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<a href="http://ok.example" onclick="alert(1)">x</a>',
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    # dangerous elements
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    f'<embed src="data:text/html;base64,{B64_SCRIPT}">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    # style injection
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1));">x</div>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    # raw HTML links with hostile schemes
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JAVASCRIPT:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="&#14;javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    f'<a href="{JS_DECIMAL}alert(1)">x</a>',
    f'<a href="data:text/html;base64,{B64_SCRIPT}">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    f"<IMG SRC={JS_DECIMAL}alert('XSS')>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    '<img srcset="javascript:alert(1)">',
    # Markdown links and images with hostile schemes
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav&#x0A;ascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    f"[x]({JS_DECIMAL}alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](&#14;javascript:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](<jav\tascript:alert(1)>)",
    "[x](vbscript:msgbox(1))",
    f"[x](data:text/html;base64,{B64_SCRIPT})",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](vbscript:msgbox(1))",
    # autolinks
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    # HTML comments and conditional comments
    "<!-- <script>alert(1)</script> -->",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    # attribute breakouts with quotes
    '[x](http://ok.example/" onmouseover="alert(1))',
    '[x](http://ok.example "t" onmouseover="alert(1)")',
    '[x](http://ok.example "t\\" onmouseover=\\"alert(1)")',
    '![x" onerror="alert(1)](http://ok.example/i.png)',
    '![x](http://ok.example/i.png "\\" onerror=\\"alert(1)")',
    "[<img src=x onerror=alert(1)>](http://ok.example)",
    '```python" onmouseover="alert(1)\nprint(1)\n```',
    '```"><script>alert(1)</script>\nx\n```',
    "<img src='x' onerror='alert(1)'",
    '<a href="http://ok.example/"onclick="alert(1)">x</a>',
]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def elements(fragment: str) -> list[tuple[str, dict[str, str]]]:
    """The start tags of an HTML fragment with their (unescaped) attributes."""
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return [
        (tag, {name: value or "" for name, value in attrs}) for tag, attrs in collector.elements
    ]


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see: control characters and whitespace do not hide it."""
    match = _SCHEME.match(_CONTROL_OR_SPACE.sub("", url))
    return match.group(1).lower() if match else None


def problems(fragment: str) -> list[str]:
    """Everything unsafe in `fragment`; an empty list means it is safe to serve."""
    found = []
    for tag, attrs in elements(fragment):
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"event handler {name} on <{tag}>")
            if name == "style":
                found.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES or name == "srcset":
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"{scheme}: URL in {name} of <{tag}>")
        if tag == "a" and attrs.get("rel") != LINK_REL:
            found.append(f"<a> with rel={attrs.get('rel')!r}")
    return found

"""One navigation for every page the service serves: the chat page's views, the vocabulary
reference and the API documentation, so each page has a way back."""

import re

NAVIGATION = (
    '<a class="skip" href="#main">Aller au contenu</a>'
    '<header class="top"><p class="brand">VirtuKG '
    '<span class="subtitle">assistant du cours de virtualisation</span></p>'
    '<nav aria-label="Pages"><ul class="tabs">'
    '<li><a href="/#chat">Discussion</a></li>'
    '<li><a href="/#explore">Explorer</a></li>'
    '<li><a href="/#course">Le cours</a></li>'
    '<li><a href="/#sparql">SPARQL</a></li>'
    '<li><a href="/api/ontology/reference"{vocabulary}>Vocabulaire</a></li>'
    '<li><a href="/docs"{docs}>API</a></li>'
    "</ul></nav></header>"
)
_BODY = re.compile(r"<body[^>]*>")


_OWN_STYLE = (
    "<style>.top{background:#1d4e89;color:#fff;padding:.75rem 1rem;"
    "font-family:system-ui,sans-serif}.top .brand{margin:0 0 .5rem;font-size:1.3rem;"
    "font-weight:700}.tabs{display:flex;"
    "flex-wrap:wrap;gap:.25rem;list-style:none;margin:0;padding:0}.tabs a{color:#fff;"
    "padding:.35rem .75rem;border-radius:.4rem;text-decoration:none;display:inline-block}"
    '.tabs a[aria-current="page"]{background:#fff;color:#1d4e89;font-weight:600}'
    ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff}</style>"
)


def with_navigation(html: str, current: str, stylesheet: bool = True) -> str:
    """A page with the shared navigation at the top of its body; ``current`` ("vocabulary" or
    "docs") is marked as the current page. A page with its own look (the API
    documentation) gets the navigation's style alone rather than the site's stylesheet."""
    marks = {
        name: ' aria-current="page"' if name == current else "" for name in ("vocabulary", "docs")
    }
    head = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    head += '<link rel="stylesheet" href="/static/style.css">' if stylesheet else _OWN_STYLE
    html = html.replace("</head>", f"{head}</head>", 1)
    found = _BODY.search(html)
    assert found is not None
    return html[: found.end()] + NAVIGATION.format(**marks) + html[found.end() :]

"""Reading the pages the tests get back, the way a reader sees them."""


def field_error(response, field: str) -> str:
    """The text of the error list Django 5.2 renders next to `field`, or "" when none."""
    html = response.content.decode()
    marker = f'id="id_{field}_error"'
    if marker not in html:
        return ""
    start = html.index(marker)
    return html[start : html.index("</ul>", start)]

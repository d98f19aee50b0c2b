"""HTTP content negotiation: the Accept header's media types, best first."""

from kg.sparql import media_matches


def parse_accept(header: str | None) -> list[str]:
    """Media types by decreasing q-value (ties keep their order); q=0 means refused."""
    if not header or not header.strip():
        return ["*/*"]
    entries: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            entries.append((-quality, position, media))
    return [media for _, _, media in sorted(entries)]


def best_match(header: str | None, available: list[str]) -> str | None:
    """The first of ``available`` (in the server's order of preference) the client accepts best."""
    for pattern in parse_accept(header):
        for media in available:
            if media_matches(pattern, media):
                return media
    return None

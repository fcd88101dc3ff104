"""Extract the main text of an HTML page with trafilatura, one paragraph per block.

Navigation, headers, footers, comments and other boilerplate are dropped by trafilatura; tables are
kept as text rows. Paragraphs are separated by blank lines so the chunker sees them. Images, links
and formatting are left out, and nothing is fetched: the page is read as the bytes on disk.
"""

from __future__ import annotations

from assistant.ingest.extracted import Extracted, Unreadable, title_of


def read_html(data: bytes) -> Extracted:
    """Main text and title of an HTML page; Unreadable when no main text is found."""
    # Imported here so folders without HTML do not pay trafilatura's start-up cost.
    import trafilatura

    result = trafilatura.bare_extraction(
        data,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
    )
    raw = getattr(result, "text", None) or ""
    paragraphs = [line.strip() for line in raw.splitlines() if line.strip()]
    if not paragraphs:
        raise Unreadable("no main text found in the HTML")
    text = "\n\n".join(paragraphs)
    title = " ".join((getattr(result, "title", None) or "").split())
    return Extracted(text=text, title=title or title_of(text))

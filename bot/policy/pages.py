"""Long policy lists shown a page at a time, the same in the console and in Discord."""

from __future__ import annotations

from bot import texts

ALLOW_PAGE_SIZE = 15


def allow_page(
    allow: tuple[str, ...], page: int, next_hint: str = str(texts.POLICY_ALLOW_NEXT)
) -> list[str]:
    """One page of the allow-list, one phrase a line, with the way to the next page
    (`next_hint`: how this front-end asks for page {page})."""
    if not allow:
        return [str(texts.POLICY_ALLOW_EMPTY)]
    pages = -(-len(allow) // ALLOW_PAGE_SIZE)
    page = min(page, pages)
    start = (page - 1) * ALLOW_PAGE_SIZE
    lines = [texts.POLICY_ALLOW_PAGE_HEADER.format(count=len(allow), page=page, pages=pages)]
    lines += [f"  • {phrase}" for phrase in allow[start : start + ALLOW_PAGE_SIZE]]
    if page < pages:
        lines.append(next_hint.format(page=page + 1))
    return lines

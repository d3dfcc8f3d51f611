"""Email domains an agent lets in: how they are written, and whether an address is among them."""

import re

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_DOMAINS = 20


def parse_domains(text: str) -> tuple[list[str], str | None]:
    """(the domains, lower-cased, without "@" and duplicates; the problem with them or None).
    Spaces, commas or new lines separate them."""
    domains = list(dict.fromkeys(d.lstrip("@").lower() for d in re.split(r"[\s,;]+", text or "")))
    domains = [d for d in domains if d]
    if bad := [d for d in domains if not DOMAIN.match(d)]:
        return domains, f"“{bad[0][:60]}” is not an email domain (like example.com)."
    if len(domains) > MAX_DOMAINS:
        return domains, f"List at most {MAX_DOMAINS} domains."
    return domains, None


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def listed_domains(domains: list[str]) -> str:
    """ "@a.example, @b.example", as the pages and refusals name them."""
    return ", ".join(f"@{domain}" for domain in domains)

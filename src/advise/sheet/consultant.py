"""The consultant's profile: who gives the advice, printed on every report they sign.

`consultant.yaml` (in the working folder, or the file named by `--consultant` or by the
ADVISE_CONSULTANT environment variable):

    name: Claire Martin — Conseil web          # required
    contact: claire@martin-conseil.fr · 06 12 34 56 78
    website: https://martin-conseil.fr
    logo: logo.svg                             # SVG or PNG, next to this file
    closing:                                   # a closing paragraph, one text or one per language
      fr: Je reste à votre disposition pour en parler.
      en: I am happy to talk it over with you.

It is read like a fact sheet: strictly, every problem at once with its file, line and
field, and nothing in it can run code. The logo is read once, bounded in size, checked to
be what its name says, and kept as a data: URL that the HTML report shows in an <img>
(where an SVG can run no script); an SVG with a script, an event handler, an external
reference or a DOCTYPE is refused all the same. Only the file's name (never its folder)
appears in a message meant for a client.
"""

from __future__ import annotations

import base64
import functools
import os
import re
from pathlib import Path
from typing import Any, Mapping

from ..errors import LANGS, InputError, Problem, did_you_mean, register_messages
from ..records import Record
from .yamlload import describe, load_yaml

register_messages({
    "consultant-logo-kind": {
        "en": "the logo must be an SVG or PNG file (.svg, .png), not '{value}'",
        "fr": "le logo doit être un fichier SVG ou PNG (.svg, .png), pas « {value} »",
    },
    "consultant-logo-missing": {
        "en": "the logo file '{value}' is not found next to the profile",
        "fr": "le fichier de logo « {value} » est introuvable à côté du profil",
    },
    "consultant-logo-too-large": {
        "en": "the logo is {size} bytes; the limit is {limit} bytes",
        "fr": "le logo fait {size} octets ; la limite est de {limit} octets",
    },
    "consultant-logo-content": {
        "en": "the logo is not a plain {kind} image: {reason}",
        "fr": "le logo n'est pas une simple image {kind} : {reason}",
    },
    "consultant-website": {
        "en": "the website must start with https:// or http://, found '{value}'",
        "fr": "le site web doit commencer par https:// ou http://, trouvé « {value} »",
    },
    "consultant-missing": {
        "en": "no consultant profile here: {value}",
        "fr": "pas de profil de consultant ici : {value}",
    },
})

PROFILE_NAME = "consultant.yaml"
ENVIRONMENT_VARIABLE = "ADVISE_CONSULTANT"
KEYS = ("name", "contact", "website", "logo", "closing")
LIMITS = {"name": 120, "contact": 200, "website": 200, "logo": 200, "closing": 1500}
LOGO_MAX_BYTES = 256 * 1024
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
@functools.cache
def _control() -> re.Pattern[str]:
    """Control characters but tab and line feed (compiled when a profile is read, not by every run)."""
    return re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What an SVG shown as a logo never needs: scripts, event handlers, embedded documents,
# anything fetched from elsewhere, entity declarations. Patterns compiled when a logo is
# read (by re's own cache), not by every run that imports this module. Case ignored.
_SVG_REFUSED: tuple[tuple[str, str], ...] = (
    (r"<!DOCTYPE|<!ENTITY", "a DOCTYPE or entity declaration"),
    (r"<\s*script\b", "a script"),
    (r"<\s*foreignObject\b", "a foreignObject"),
    (r"\son[a-z]+\s*=", "an event handler (on...=)"),
    (r"(?:href|src)\s*=\s*[\"']\s*(?!#|data:image/)", "a link to another file or site"),
    (r"javascript:", "a javascript: address"),
    (r"@import|url\(\s*[\"']?\s*(?!#)", "a style that fetches another file"),
)


class ConsultantError(InputError):
    """The consultant's profile cannot be read or does not follow its format."""


class Consultant(Record):
    """Who gives the advice. `closing` has a text per language (the same one when the
    profile gave a single text). `logo` is a data: URL (image/svg+xml or image/png)."""

    def __init__(self, name: str, contact: str = "", website: str = "", logo: str = "",
                 closing: Mapping[str, str] | None = None) -> None:
        self.__dict__.update(name=name, contact=contact, website=website, logo=logo, closing=closing)

    def closing_in(self, lang: str) -> str:
        return (self.closing or {}).get(lang, "")

    @property
    def website_shown(self) -> str:
        """The website without its scheme, as printed: 'martin-conseil.fr'."""
        return re.sub(r"^https?://", "", self.website).rstrip("/")


def find_profile(option: str | None, environ: Mapping[str, str] | None = None,
                 folder: str | os.PathLike[str] | None = None) -> str | None:
    """The profile to read: the option's file, else ADVISE_CONSULTANT's, else consultant.yaml
    in the working folder if there is one; None when there is none."""
    environ = os.environ if environ is None else environ
    if option:
        return option
    if environ.get(ENVIRONMENT_VARIABLE):
        return environ[ENVIRONMENT_VARIABLE]
    candidate = Path(folder if folder is not None else os.getcwd()) / PROFILE_NAME
    return str(candidate) if candidate.is_file() else None


def load_consultant(path: str | os.PathLike[str]) -> Consultant:
    """Read and check a profile; raises ConsultantError with every problem found."""
    name = str(path)
    if not Path(path).exists():
        raise ConsultantError(Problem("consultant-missing", {"value": _bounded(name)}, file=name))
    data, positions = load_yaml(path, error=ConsultantError)
    problems: list[Problem] = []

    def problem(code: str, field: str | None, **params: Any) -> None:
        line = positions.line((field,)) if field else 1
        problems.append(Problem(code, params, file=name, line=line or 1, field=field))

    if not isinstance(data, dict):
        raise ConsultantError(Problem("not-a-mapping", {"found": describe(data)}, file=name, line=1))
    for key in data:
        if key not in KEYS:
            problems.append(Problem("unknown-key", {"key": _bounded(str(key))}, file=name,
                                    line=positions.line((key,)) or 1, field=str(key),
                                    **did_you_mean(str(key), KEYS)))
    texts: dict[str, str] = {}
    for key in ("name", "contact", "website", "logo"):
        value = data.get(key)
        if value is None:
            if key == "name":
                problem("missing-field", key)
            continue
        if not isinstance(value, str) or not value.strip():
            problem("wrong-type", key, expected="text", found=describe(value))
            continue
        text = " ".join(value.split())
        if _control().search(text) or len(text) > LIMITS[key]:
            problem("text-length" if len(text) > LIMITS[key] else "wrong-type", key,
                    **({"min": 1, "max": LIMITS[key], "length": len(text)} if len(text) > LIMITS[key]
                       else {"expected": "text", "found": "control characters"}))
            continue
        texts[key] = text
    website = texts.get("website", "")
    if website and not re.match(r"^https?://[^\s\"'<>]+$", website):
        problem("consultant-website", "website", value=_bounded(website))
        website = ""
    closing = _closing(data.get("closing"), problem)
    logo = ""
    if "logo" in texts:
        logo = _logo(Path(path).parent, texts["logo"], problem)
    if problems:
        raise ConsultantError(problems)
    return Consultant(name=texts["name"], contact=texts.get("contact", ""), website=website, logo=logo,
                      closing=closing)


def _closing(value: Any, problem: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {lang: value for lang in LANGS}
    if not isinstance(value, dict):
        problem("wrong-type", "closing", expected="a text per language (en:, fr:)", found=describe(value))
        return None
    closing = {}
    for lang, text in value.items():
        if lang not in LANGS:
            problem("unknown-key", "closing", key=_bounded(str(lang)), **{})
            continue
        if not isinstance(text, str) or not text.strip():
            problem("wrong-type", "closing", expected="text", found=describe(text))
            continue
        text = "\n\n".join(" ".join(part.split()) for part in text.strip().split("\n\n"))
        if len(text) > LIMITS["closing"]:
            problem("text-length", "closing", min=1, max=LIMITS["closing"], length=len(text))
            continue
        closing[lang] = text
    for lang in LANGS:  # one language given: the other reads the same text rather than nothing
        if lang not in closing and closing:
            closing[lang] = next(iter(closing.values()))
    return closing or None


def _logo(folder: Path, name: str, problem: Any) -> str:
    """The logo as a data: URL, or "" after reporting why it cannot be used."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".svg", ".png"):
        problem("consultant-logo-kind", "logo", value=_bounded(name))
        return ""
    path = folder / name
    if not path.is_file():
        problem("consultant-logo-missing", "logo", value=_bounded(name))
        return ""
    size = path.stat().st_size
    if size > LOGO_MAX_BYTES:
        problem("consultant-logo-too-large", "logo", size=size, limit=LOGO_MAX_BYTES)
        return ""
    raw = path.read_bytes()[: LOGO_MAX_BYTES + 1]
    if suffix == ".png":
        if not raw.startswith(_PNG_MAGIC):
            problem("consultant-logo-content", "logo", kind="PNG", reason="it does not start like a PNG file")
            return ""
        return "data:image/png;base64," + base64.b64encode(raw).decode("ascii")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problem("consultant-logo-content", "logo", kind="SVG", reason="it is not UTF-8 text")
        return ""
    if not re.search(r"<svg[\s>]", text):
        problem("consultant-logo-content", "logo", kind="SVG", reason="it has no <svg> element")
        return ""
    for pattern, what in _SVG_REFUSED:
        if re.search(pattern, text, re.IGNORECASE):
            problem("consultant-logo-content", "logo", kind="SVG", reason=f"it contains {what}")
            return ""
    return "data:image/svg+xml;base64," + base64.b64encode(raw).decode("ascii")


def _bounded(text: str, limit: int = 60) -> str:
    text = _control().sub("?", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["Consultant", "ConsultantError", "find_profile", "load_consultant", "PROFILE_NAME",
           "ENVIRONMENT_VARIABLE"]

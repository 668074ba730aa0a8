"""Render the chapter templates (Jinja, sandboxed, strict) into document blocks.

Templates are looked up first in the user's folder (``--templates DIR``), then in the package, so a user
copies one template, edits it, and keeps the rest. Any error - a syntax error, an unknown variable, a
template function called wrongly - becomes a TemplateError naming the template file and its line.
"""
from __future__ import annotations

import re
import traceback
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import (ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError as JinjaError,
                    TemplateNotFound, TemplateSyntaxError, UndefinedError)
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.model import Renja
from renja_xl.chapters import blocks
from renja_xl.chapters.context import TemplateUsageError, build_context, template_functions
from renja_xl.chapters.filters import FILTERS

MAIN_TEMPLATE = "renja.j2"


class TemplateError(RenjaError):
    """A chapter template cannot be rendered; the message names the file and the line."""

    def __init__(self, message: str, filename: str | None = None, lineno: int | None = None):
        where = f"templat '{filename}'" if filename else "templat"
        if lineno:
            where += f" baris {lineno}"
        super().__init__(f"{where}: {message}")
        self.filename = filename
        self.lineno = lineno


def package_templates() -> Path:
    return Path(str(resources.files("renja_xl.chapters").joinpath("templates")))


def make_environment(templates_dir: str | Path | None = None) -> ImmutableSandboxedEnvironment:
    loaders = []
    if templates_dir is not None:
        folder = Path(templates_dir)
        if not folder.is_dir():
            raise TemplateError(f"folder templat '{folder}' tidak ditemukan.")
        loaders.append(FileSystemLoader(str(folder)))
    loaders.append(FileSystemLoader(str(package_templates())))
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders), undefined=StrictUndefined, autoescape=False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        finalize=lambda v: "" if v is None else v,
    )
    env.filters.update(FILTERS)
    return env


def _template_frame(exc: BaseException, env: ImmutableSandboxedEnvironment) -> tuple[str | None, int | None]:
    """The innermost frame of the traceback that runs a template file: (file, line)."""
    found: tuple[str | None, int | None] = (None, None)
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        name = frame.f_code.co_filename
        if name.endswith((".j2", ".jinja", ".md", ".txt")) or frame.f_globals.get("__jinja_template__") is not None:
            found = (name, lineno)
    return found


SYNTAX = (
    (re.compile(r"^unexpected '([^']+)', expected '([^']+)'$"), "tanda '{0}' tidak pada tempatnya (diharapkan '{1}')"),
    (re.compile(r"^unexpected '([^']+)'$"), "tanda '{0}' tidak pada tempatnya"),
    (re.compile(r"^unexpected char '(.+)'.*$"), "karakter '{0}' tidak pada tempatnya"),
    (re.compile(r"^Encountered unknown tag '(\w+)'\..*$", re.S), "tag '{0}' tidak dikenal atau tidak pada tempatnya"),
    (re.compile(r"^Unexpected end of template\..*$", re.S),
     "templat berakhir sebelum bloknya ditutup (misalnya {{% endfor %}} atau {{% endif %}} hilang)"),
    (re.compile(r"^unexpected end of template.*$", re.S), "templat berakhir di tengah ungkapan"),
    (re.compile(r"^No filter named '(.+)'\.?$"), "filter '{0}' tidak dikenal"),
    (re.compile(r"^No test named '(.+)'\.?$"), "uji '{0}' tidak dikenal"),
    (re.compile(r"^expected token '(.+)', got '(.+)'$"), "diharapkan '{0}', tertulis '{1}'"),
)


def _syntax_message(text: str) -> str:
    for pattern, template in SYNTAX:
        m = pattern.match(text.strip())
        if m:
            return template.format(*m.groups())
    return text


def _message(exc: BaseException) -> str:
    if isinstance(exc, UndefinedError):
        text = str(exc)
        if text.endswith(" is undefined"):
            subject = text[:-len(" is undefined")]
            if " has no attribute " in subject:
                owner, attr = subject.split(" has no attribute ", 1)
                return f"atribut {attr} tidak ada pada {owner}"
            return f"nama {subject} tidak dikenal (bukan variabel, filter atau fungsi templat)"
        m = re.match(r"^'?(.+?)'? has no attribute '(.+)'$", text)
        if m:
            owner = "data ini" if m.group(1) == "dict object" else m.group(1)
            return f"atribut '{m.group(2)}' tidak ada pada {owner} (periksa ejaannya)"
        return f"nilai tidak terdefinisi: {text}"
    if isinstance(exc, SecurityError):
        return f"operasi tidak diizinkan di templat (sandbox): {exc}"
    if isinstance(exc, TemplateNotFound):
        return f"templat '{exc.name}' tidak ditemukan"
    if isinstance(exc, TemplateUsageError):
        return str(exc)
    if isinstance(exc, (ValueError, TypeError, ArithmeticError, KeyError, IndexError)):
        return f"gagal menghitung ungkapan ({type(exc).__name__}: {exc})"
    return f"{type(exc).__name__}: {exc}"


def render_markup(renja: Renja, templates_dir: str | Path | None = None, template: str = MAIN_TEMPLATE) -> str:
    env = make_environment(templates_dir)
    context: dict[str, Any] = build_context(renja)
    context.update(template_functions(renja))
    try:
        return env.get_template(template).render(context)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"kesalahan sintaks: {_syntax_message(exc.message or '')}", exc.filename or exc.name,
                            exc.lineno) from None
    except TemplateNotFound as exc:
        filename, lineno = _template_frame(exc, env)
        raise TemplateError(_message(exc), filename, lineno) from None
    except (JinjaError, TemplateUsageError, ValueError, TypeError, ArithmeticError, KeyError, IndexError,
            AttributeError) as exc:
        filename, lineno = _template_frame(exc, env)
        raise TemplateError(_message(exc), filename, lineno) from None


def render_blocks(renja: Renja, templates_dir: str | Path | None = None) -> list[blocks.Block]:
    return blocks.parse(render_markup(renja, templates_dir))

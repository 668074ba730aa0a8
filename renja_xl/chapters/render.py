"""Render the chapter templates (Jinja, sandboxed, strict) into document blocks.

Templates are looked up first in the user's folder (``--templates DIR``), then in the package, so a user
copies one template, edits it, and keeps the rest. Any error - a syntax error, an unknown variable, a
template function called wrongly - becomes a TemplateError naming the template file and its line.
"""
from __future__ import annotations

import re
import signal
import threading
import traceback
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import (ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError as JinjaError,
                    TemplateNotFound, TemplateSyntaxError, UndefinedError)
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from renja_xl.domain.cells import cell_ref

from renja_xl.domain.errors import RenjaError
from renja_xl.domain.model import Renja
from renja_xl.chapters import blocks
from renja_xl.chapters.context import TemplateUsageError, build_context, template_functions
from renja_xl.chapters.filters import FILTERS
from renja_xl.chapters.outline import Outline, load_outline
from renja_xl.domain.layout import sheet

MAIN_TEMPLATE = "renja.j2"
# Bounds of a user's template (issue 12): what the seed's document needs, many times over
MAX_OUTPUT_CHARS = 50_000_000
MAX_VALUE_CHARS = 5_000_000  # a string or list a template builds ('x' * n, [0] * n)
MAX_POWER_BITS = 10_000  # 10 ** n with n beyond this is refused before Python computes it
RENDER_SECONDS = 120
MAX_CELL_CHARS = 32_767  # Excel's limit for a cell; longer text comes only from a hostile file


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


class FolderLoader(FileSystemLoader):
    """A user's template folder: a file that resolves outside it (a symlink to /etc/passwd) is refused."""

    def __init__(self, folder: Path):
        super().__init__(str(folder))
        self.root = folder.resolve()

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not real.is_relative_to(self.root):
            raise TemplateError(f"templat '{template}' menunjuk ke luar folder templat ({real}); tautan seperti "
                                "itu tidak diikuti.", template)
        if real.stat().st_size > MAX_VALUE_CHARS:
            raise TemplateError("berkas templat terlalu besar", template)
        return source, filename, uptodate


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox with sizes bounded: 'x' * 10**10 or 10 ** (10**10) are refused instead of exhausting memory
    (or running in C where Ctrl-C cannot stop them)."""

    intercepted_binops = frozenset(["*", "**", "+"])

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and not isinstance(left, bool):
            if right > 0 and abs(left) > 1 and right * max(abs(left).bit_length(), 1) > MAX_POWER_BITS:
                raise SecurityError(f"pangkat {right} terlalu besar")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_VALUE_CHARS:
                    raise SecurityError(f"hasil perkalian terlalu panjang (lebih dari {MAX_VALUE_CHARS} unsur)")
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, type(left)):
            if len(left) + len(right) > MAX_VALUE_CHARS:
                raise SecurityError("hasil penjumlahan teks terlalu panjang")
        return super().call_binop(context, operator, left, right)


def make_environment(templates_dir: str | Path | None = None) -> ImmutableSandboxedEnvironment:
    loaders = []
    if templates_dir is not None:
        folder = Path(templates_dir)
        if not folder.is_dir():
            raise TemplateError(f"folder templat '{folder}' tidak ditemukan.")
        loaders.append(FolderLoader(folder))
    loaders.append(FileSystemLoader(str(package_templates())))
    env = BoundedSandbox(
        loader=ChoiceLoader(loaders), undefined=StrictUndefined, autoescape=False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        finalize=lambda v: "" if v is None else v,
    )
    env.filters.update(FILTERS)
    return env


def check_text_sizes(renja: Renja) -> None:
    """A cell longer than Excel allows (only a hostile or broken file has one) is named, not written: Word's XML
    library refuses text nodes over 10 MB with a traceback."""
    for key, block in (renja.blocks or {}).items():
        for i, line in enumerate(block):
            for j, value in enumerate(line):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    raise RenjaError(f"sheet '{sheet(key).name}' sel {cell_ref(i + 1, j + 1)}: teks {len(value):,} "
                                     f"karakter, melebihi batas sel Excel {MAX_CELL_CHARS:,}; perpendek dulu, "
                                     "narasi tidak dibuat.".replace(",", "."))


class _Timeout(Exception):
    pass


def _with_time_limit(seconds: int, work):
    """Run work() with an alarm where the platform has one (the main thread on Unix): a template that loops
    for ever stops with a message. Elsewhere (Windows, a worker thread) the size bounds still hold."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return work()

    def alarm(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return work()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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


def _generate(env, template: str, context: dict[str, Any]) -> str:
    parts, size = [], 0
    for piece in env.get_template(template).generate(context):
        size += len(piece)
        if size > MAX_OUTPUT_CHARS:
            raise SecurityError(f"dokumen lebih dari {MAX_OUTPUT_CHARS:,} karakter".replace(",", "."))
        parts.append(piece)
    return "".join(parts)


def render_markup(renja: Renja, templates_dir: str | Path | None = None, template: str = MAIN_TEMPLATE,
                  outline: Outline | None = None, seconds: int = RENDER_SECONDS) -> str:
    check_text_sizes(renja)
    outline = outline or load_outline(None)
    env = make_environment(templates_dir)
    context: dict[str, Any] = build_context(renja, outline)

    def caption(text: str) -> str:
        return env.from_string(text).render(context)

    context.update(template_functions(renja, outline, caption))
    try:
        return _with_time_limit(seconds, lambda: _generate(env, template, context))
    except _Timeout:
        raise TemplateError(f"templat berjalan lebih dari {seconds} detik (perulangan tanpa akhir?); dihentikan",
                            template) from None
    except RecursionError:
        raise TemplateError("templat memanggil dirinya sendiri tanpa akhir (include atau macro berulang)",
                            template) from None
    except MemoryError:
        raise TemplateError("templat membutuhkan memori terlalu besar", template) from None
    except TemplateError:
        raise
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


def render_blocks(renja: Renja, templates_dir: str | Path | None = None,
                  outline: Outline | None = None) -> list[blocks.Block]:
    return blocks.parse(render_markup(renja, templates_dir, outline=outline))

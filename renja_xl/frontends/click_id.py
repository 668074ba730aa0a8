"""click in Bahasa Indonesia: its own texts (Usage:, Options:, Error: Missing argument ...) and metavars.

click marks its texts for gettext (``from gettext import gettext as _`` in each module) but ships no catalogue,
and a gettext catalogue would need a compiled .mo file and the process-wide text domain. Instead each click
module's ``_`` and ``ngettext`` are pointed at the table below (looked up at call time, so texts click builds
while a command runs are translated too). ``install()`` must run before the commands are declared: a few texts
(the --help and --versi option help) are taken when the decorators run. Unknown texts stay as click wrote them.
"""
from __future__ import annotations

import importlib

import click

TEXTS: dict[str, str] = {
    # help pages
    "Usage:": "Cara pakai:",
    "Options": "Opsi",
    "Commands": "Perintah",
    "Show this message and exit.": "Tampilkan bantuan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "%(prog)s, version %(version)s": "%(prog)s, versi %(version)s",
    "default: {default}": "bawaan: {default}",
    "required": "wajib",
    "env var: {var}": "variabel lingkungan: {var}",
    "(dynamic)": "(dinamis)",
    "deprecated": "usang",
    "Choose from:\n\t{choices}": "Pilih dari:\n\t{choices}",
    "file": "berkas",
    "directory": "folder",
    "path": "jalur",
    # errors
    "Error: {message}": "Galat: {message}",
    "Try '{command} {option}' for help.": "Coba '{command} {option}' untuk bantuan.",
    "Missing argument": "Argumen belum diisi",
    "Missing option": "Opsi belum diisi",
    "Missing parameter": "Parameter belum diisi",
    "Missing {param_type}": "{param_type} belum diisi",
    "Missing parameter: {param_name}": "Parameter belum diisi: {param_name}",
    "Missing command.": "Perintah belum disebut.",
    "No such option {name!r}.": "Tidak ada opsi {name!r}.",
    "No such command {name!r}.": "Tidak ada perintah {name!r}.",
    "Invalid value: {message}": "Nilai tidak sah: {message}",
    "Invalid value for {param_hint}: {message}": "Nilai tidak sah untuk {param_hint}: {message}",
    "Option {name!r} does not take a value.": "Opsi {name!r} tidak menerima nilai.",
    "Argument {name!r} takes {nargs} values.": "Argumen {name!r} memerlukan {nargs} nilai.",
    "Invalid start character for option ({option})": "Karakter awal opsi tidak sah ({option})",
    "Could not open file {filename!r}: {message}": "Berkas {filename!r} tidak dapat dibuka: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan {number_type} yang sah.",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} bukan nilai ya/tidak yang sah. Nilai yang dikenal: {states}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas, bukan folder.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah folder, bukan berkas.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} tidak dapat dibaca.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} tidak dapat ditulis.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} tidak dapat dijalankan.",
    "Aborted!": "Dibatalkan.",
    "unknown error": "galat tidak dikenal",
    "Do you want to continue?": "Lanjutkan?",
    "Error: invalid input": "Galat: isian tidak sah",
}

PLURALS: dict[str, tuple[str, str]] = {  # English singular -> Indonesian (one form serves both numbers)
    "Got unexpected extra argument ({args})": ("Ada argumen berlebih yang tidak dikenal ({args})",) * 2,
    "Option {name!r} requires an argument.": ("Opsi {name!r} memerlukan nilai.", "Opsi {name!r} memerlukan {nargs} nilai."),
    "{value!r} is not {choice}.": ("{value!r} bukan {choice}.", "{value!r} bukan salah satu dari {choices}."),
    "Did you mean {possibility}?": ("Maksud Anda {possibility}?", "(Maksud Anda salah satu dari: {possibilities}?)"),
    "Takes {nargs} values but 1 was given.": ("Memerlukan {nargs} nilai tetapi diberi 1.",
                                              "Memerlukan {nargs} nilai tetapi diberi {len}."),
    "{len_type} values are required, but {len_value} was given.": (
        "Diperlukan {len_type} nilai, tetapi diberi {len_value}.",) * 2,
}

OPTIONS_METAVAR = "[OPSI]"
SUBCOMMAND_METAVAR = "PERINTAH [ARGUMEN]..."
MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils", "shell_completion")


def gettext(message: str) -> str:
    return TEXTS.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if singular in PLURALS:
        one, many = PLURALS[singular]
        return one if n == 1 else many
    return singular if n == 1 else plural


def install() -> None:
    """Point click's translation functions at the Indonesian table (idempotent)."""
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


class Command(click.Command):
    """A command whose usage line says [OPSI]."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)


class Group(click.Group):
    """A group whose usage line says [OPSI] PERINTAH [ARGUMEN]... and whose commands say [OPSI]."""

    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)


Group.group_class = type  # subgroups are of the same class as their parent group

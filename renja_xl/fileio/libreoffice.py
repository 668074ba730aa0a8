"""LibreOffice headless: run a small Basic Sub from a fresh, private profile.

One profile per run, so two conversions never share (and silently break) one LibreOffice instance. The Sub
lives in the profile's Standard library and is started through a macro:/// URL; the caller checks the
files the Sub was to produce (LibreOffice exits 0 even when nothing was done).
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from renja_xl.domain.errors import RenjaError
from renja_xl.support import settings

_MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="{name}" script:language="StarBasic">
{source}
</script:module>
"""
_LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Module1"/>
 <library:element library:name="{name}"/>
</library:library>
"""


def find_soffice() -> str | None:
    return settings.soffice() or shutil.which("soffice") or shutil.which("libreoffice")


def _escape(source: str) -> str:
    return source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _run(cmd: list[str], timeout: int, what: str) -> None:
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise RenjaError(f"LibreOffice tidak selesai dalam {timeout} detik saat {what}.") from exc
    except subprocess.CalledProcessError as exc:
        err = (exc.stderr or b"").decode("utf-8", "replace").strip()[-400:]
        raise RenjaError(f"LibreOffice gagal saat {what} (status {exc.returncode}): {err}") from exc


class PrivateOffice:
    """A temporary folder with a private LibreOffice profile; `run_sub` starts a Basic Sub in it."""

    def __init__(self, soffice: str, what: str, timeout: int = 300):
        self.soffice, self.what, self.timeout = soffice, what, timeout
        self.work = Path(tempfile.mkdtemp(prefix="renja-lo-"))
        profile = self.work / "profil"
        self.base = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--invisible"]
        self.library = profile / "user" / "basic" / "Standard"

    def __enter__(self) -> "PrivateOffice":
        _run(self.base + ["--terminate_after_init"], self.timeout, self.what)  # the first start writes basic/
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    def run_sub(self, module: str, basic_source: str, sub: str, *args: str) -> None:
        """Install `basic_source` as module `module` of the Standard library and run `sub(args...)`."""
        self.library.mkdir(parents=True, exist_ok=True)
        (self.library / f"{module}.xba").write_text(
            _MODULE.format(name=module, source=_escape(basic_source)), encoding="utf-8")
        (self.library / "script.xlb").write_text(_LIBRARY.format(name=module), encoding="utf-8")
        quoted = ",".join(f'"{a}"' for a in args)
        _run(self.base + [f"macro:///Standard.{module}.{sub}({quoted})"], self.timeout, self.what)

    def convert(self, source: Path, fmt: str) -> None:
        _run(self.base + ["--convert-to", fmt, "--outdir", str(self.work), str(source)], self.timeout, self.what)

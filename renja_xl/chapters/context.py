"""What the chapter templates see: the identity, the facts counted from the tables, the user's texts.

Every number a sentence states comes from here, computed from the in-memory Renja, so the narrative
cannot disagree with the tables.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from renja_xl.domain.hierarchy import HierTable
from renja_xl.domain.kode import Level
from renja_xl.domain.errors import RenjaError
from renja_xl.domain.layout import IDENTITAS_FIELDS, TEKS_BAGIAN, sheet
from renja_xl.domain.model import Renja
from renja_xl.chapters import blocks
from renja_xl.chapters.filters import huruf
from renja_xl.chapters.outline import Outline
from renja_xl.chapters.tables import BUILDERS, SHEET_OF, has_data

BAGIAN = {name.lower(): name for name, _ in TEKS_BAGIAN}
ORIENTATION = {"tabel1": True, "tabel2": False, "tabel3": False, "tabel4": True, "tabel5": False, "tabel6": True,
               "lampiran": True, "tc30": True, "tc32": True}
SUMBER = "Sumber Tabel"  # the Teks Bab section whose rows (Rujukan = the table, e.g. 'Tabel 2') print under it


class TemplateUsageError(ValueError):
    """A template function called wrongly; the message is Indonesian, the line is added by the renderer."""


def _top_rows(t: HierTable):
    if not t.rows:
        return []
    top = min(r.level for r in t.rows)
    return [r for r in t.rows if r.is_first and r.level == top]


def _total(t: HierTable, key: str) -> Decimal:
    return sum((t.money(r, key) for r in _top_rows(t)), start=Decimal(0))


def _programs(t: HierTable) -> list[dict[str, Any]]:
    out = []
    for p in t.nodes(Level.PROGRAM):
        kegiatan = []
        for k in t.children(p, Level.KEGIATAN):
            subs = [{"kode": s.kode.text, "nama": t.text(s, "uraian"), "no": s.no,
                     "pagu": t.money(s, "jumlah")} for s in t.children(k, Level.SUB_KEGIATAN)]
            kegiatan.append({"kode": k.kode.text, "nama": t.text(k, "uraian"), "no": k.no,
                             "pagu": t.money(k, "jumlah"), "sub_kegiatan": subs})
        out.append({"kode": p.kode.text, "nama": t.text(p, "uraian"), "no": p.no, "pagu": t.money(p, "jumlah"),
                    "kegiatan": kegiatan})
    return out


def _distinct(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(v, None)
    return list(seen)


REQUIRED = ("nama_perangkat_daerah", "tahun_rencana", "tahun_evaluasi")


def check_identitas(renja: Renja) -> None:
    """The few Identitas values every chapter states; missing ones are named by their label."""
    labels = {f.key: f.label for f in IDENTITAS_FIELDS}
    missing = [labels[k] for k in REQUIRED if renja.identitas.get(k) is None]
    if missing:
        raise RenjaError(f"sheet '{sheet('identitas').name}' belum lengkap: isi " + ", ".join(
            f"'{m}'" for m in missing) + " sebelum membuat narasi.")


def _outline_data(outline: Outline) -> dict[str, Any]:
    return {"nama": outline.nama, "depan": outline.depan, "bab": outline.bab, "belakang": outline.belakang}


def build_context(renja: Renja, outline: Outline) -> dict[str, Any]:
    check_identitas(renja)
    t6, t1 = renja.tabel6, renja.tabel1
    programs = _programs(t6)
    col = renja.tabel2.spec.col
    sasaran_iku = [{
        "no": g.no, "nama": g.sasaran, "rerata": g.rerata,
        "indikator": [{"no": r.cells[col("no_iku")] or "", "nama": r.cells[col("iku")] or "",
                       "satuan": r.cells[col("satuan")] or "", "target": r.target, "realisasi": r.realisasi,
                       "kemajuan": r.kemajuan} for r in g.rows],
    } for g in renja.tabel2.groups]
    anggaran, realisasi = _total(t1, "anggaran"), _total(t1, "realisasi")
    tahun_evaluasi = renja.identitas.get("tahun_evaluasi")
    identitas = {k: ("" if v is None else v) for k, v in renja.identitas.values.items()}
    identitas["singkatan"] = identitas.get("singkatan") or identitas["nama_perangkat_daerah"]
    return {
        "sistematika": _outline_data(outline),
        "identitas": identitas,
        "program": programs,
        "jumlah_program": len(programs),
        "jumlah_kegiatan": sum(len(p["kegiatan"]) for p in programs),
        "jumlah_sub_kegiatan": len([r for r in t6.rows if r.is_first and r.is_leaf]),
        "pendanaan": _total(t6, "jumlah"),
        "evaluasi": {
            "anggaran": anggaran, "realisasi": realisasi,
            "persen": (realisasi / anggaran * 100) if anggaran else None,
            "jumlah_sub_kegiatan": len([r for r in t1.rows if r.is_first and r.is_leaf]),
        },
        "iku": {"sasaran": sasaran_iku, "total": renja.tabel2.total,
                "nomor": [i["no"] for s in sasaran_iku for i in s["indikator"]]},
        "tahun_tren": [tahun_evaluasi - 2 + i for i in range(3)] if isinstance(tahun_evaluasi, int) else [],
        "tujuan": _distinct([r["tujuan"] for r in renja.tabel5]),
        "sasaran": _distinct([r["sasaran"] for r in renja.tabel5]),
        "indikator_sasaran": [r["indikator"] for r in renja.tabel5],
        "usulan": {"pagu": _total(renja.sipd, "pagu"),
                   "jumlah": len([r for r in renja.sipd.rows if r.is_leaf])},
    }


def _table_ref(text: str) -> str:
    """'Tabel 2', 'tabel2', 'TABEL 2' -> 'tabel2' (the Rujukan of a Sumber row)."""
    return "".join(str(text).split()).lower()


def template_functions(renja: Renja, outline: Outline, caption: Any) -> dict[str, Any]:
    """The functions the templates call: the user's texts, tables, indexes, signature, page breaks.

    `caption` renders an outline's caption (a Jinja string) with the document's context."""
    placed: set[str] = set()
    numbered = [0]

    def _bagian(name: str) -> str:
        key = str(name).strip().lower()
        if key not in BAGIAN:
            raise TemplateUsageError(
                f"bagian teks '{name}' tidak dikenal; yang ada: " + ", ".join(n for n, _ in TEKS_BAGIAN) + ".")
        return BAGIAN[key]

    def teks(bagian: str, rujukan: str | None = None) -> str:
        """The rows of a section of the 'Teks Bab' sheet as markup: paragraphs, numbered and lettered items."""
        return _markup(renja.teks_bagian(_bagian(bagian), None if rujukan is None else str(rujukan)))

    def teks_kecuali(bagian: str, rujukan: list[str]) -> str:
        """The rows of a section whose Rujukan is none of the given ones (so no typed text is lost)."""
        known = {str(r) for r in rujukan}
        return _markup([r for r in renja.teks_bagian(_bagian(bagian)) if r.rujukan not in known])

    def _markup(rows) -> str:
        lines: list[str] = []
        counter, prev = 0, None
        for r in rows:
            jenis = (r.jenis or "Paragraf").strip().lower()
            counter = counter + 1 if jenis == prev else 1
            prev = jenis
            text = blocks.escape_line(r.teks)
            if jenis == "butir angka":
                lines.append(f"{counter}. {text.lstrip(chr(92))}")
            elif jenis == "butir huruf":
                lines.append(f"{huruf(counter)}. {text.lstrip(chr(92))}")
            else:
                lines += ["", text, ""]
        return "\n".join(lines) + "\n"

    def ada_teks(bagian: str, rujukan: str | None = None) -> bool:
        return bool(renja.teks_bagian(_bagian(bagian), None if rujukan is None else str(rujukan)))

    def tabel(kunci: str, judul: str | None = None, sumber: str | None = None) -> str:
        """A table where the outline places it, numbered and captioned as the outline says (once only)."""
        spec = outline.tabel.get(kunci)
        if spec is None and kunci not in BUILDERS:
            raise TemplateUsageError(f"tabel '{kunci}' tidak dikenal; yang ada: {', '.join(BUILDERS)}.")
        if kunci in placed:
            return ""
        placed.add(kunci)
        if spec is not None:
            nomor, title = spec.nomor, caption(spec.judul)
        else:
            numbered[0] += 1
            nomor, title = str(numbered[0]), str(judul or kunci)
        notes = [r.teks for r in renja.teks_bagian(SUMBER) if _table_ref(r.rujukan) == kunci]
        note = str(sumber) if sumber else " ".join(notes) or (spec.sumber if spec else "")
        return blocks.directive("table", key=kunci, number=nomor, title=title, note=note,
                                landscape=ORIENTATION.get(kunci, True), empty=not has_data(renja, kunci),
                                sheet=SHEET_OF.get(kunci, ""))

    def nomor_tabel(kunci: str) -> str:
        spec = outline.tabel.get(kunci)
        return (spec.nomor or "") if spec else ""

    def ada_data(kunci: str) -> bool:
        return has_data(renja, kunci)

    def data_belum_diisi(kunci: str) -> str:
        where = SHEET_OF.get(kunci)
        return (f"Data bagian ini belum diisi pada sheet '{where}'." if where else
                "Data bagian ini belum diisi.") + "\n"

    def ada_teks_dari(bagian: list[str]) -> bool:
        return any(renja.teks_bagian(_bagian(b)) for b in bagian)

    def belum_diisi(bagian: list[str]) -> str:
        names = " / ".join(f"'{_bagian(b)}'" for b in bagian)
        return (f"Teks bagian ini belum diisi (sheet '{sheet('teks').name}', Bagian {names})." if names else
                "Bagian ini belum diisi.") + "\n"

    def mulai_depan() -> str:
        return blocks.directive("front_start")

    def mulai_isi() -> str:
        return blocks.directive("body_start")

    def daftar_isi() -> str:
        return blocks.directive("toc")

    def daftar_tabel() -> str:
        return blocks.directive("tables_list")

    def tanda_tangan() -> str:
        return blocks.directive("signature")

    def halaman_baru() -> str:
        return blocks.directive("page_break")

    return {"teks": teks, "teks_kecuali": teks_kecuali, "ada_teks": ada_teks, "tabel": tabel, "daftar_isi": daftar_isi,
            "daftar_tabel": daftar_tabel, "tanda_tangan": tanda_tangan, "halaman_baru": halaman_baru,
            "nomor_tabel": nomor_tabel, "ada_data": ada_data, "data_belum_diisi": data_belum_diisi,
            "ada_teks_dari": ada_teks_dari, "belum_diisi": belum_diisi, "mulai_depan": mulai_depan,
            "mulai_isi": mulai_isi}

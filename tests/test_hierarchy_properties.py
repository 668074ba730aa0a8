"""Property tests over generated code trees (hypothesis), plus one tree recomputed by LibreOffice.

A tree of bidang / program / kegiatan / sub kegiatan is generated with random money, written into a fresh
template as a user would type it (rows shuffled, some parent rows typed and some missing, blank rows
between, Tabel 6 parents with several indicators each with its own share), recalculated and saved. The
expectations are computed here from the generated data by code prefix, independently of the toolkit.
"""
from __future__ import annotations

import random
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renja_xl.engines.openpyxl_engine import OpenpyxlBook
from renja_xl.engines.openpyxl_template import build_template
from renja_xl.domain.kode import parse_kode
from renja_xl.domain.layout import FIRST_DATA_ROW, OWNED_ROLES, sheet
from renja_xl.workbook.reader import read_renja
from renja_xl.workbook.recalc import recalc

from conftest import libreoffice_convert

TABLES = ("tabel1", "tabel4", "tabel6", "sipd")
SUMMED = {"tabel1": {"anggaran": "anggaran", "realisasi": "realisasi"},  # total column -> leaf input column
          "tabel4": {},
          "tabel6": {"jumlah": "pendanaan"},
          "sipd": {"pagu": "pagu"}}
NAME_PRIORITY = ("tabel6", "tabel4", "tabel1", "sipd")  # where recalc looks up the name of a row it inserts
PROPERTY_SETTINGS = settings(max_examples=25, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- the generated tree -------------------------------------------------------------------------

@dataclass
class Tree:
    digits: int
    leaves: dict[str, dict[str, int | None]]  # sub kegiatan code -> money per input column
    parents: set[str]  # every code from bidang down to kegiatan
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)  # sheet key -> rows as typed

    def leaves_under(self, parent: str) -> list[str]:
        return [k for k in self.leaves if k.startswith(parent + ".")]


def _level(code: str) -> int:
    return {1: 1, 2: 2, 3: 3, 5: 4, 6: 5}[code.count(".") + 1]


def _row(key: str, **values: Any) -> list[Any]:
    return sheet(key).make_row(**values)


def make_tree(rng: random.Random, digits: int, bidang: int = 2, programs: int = 3, kegiatan: int = 3,
              subs: int = 4, blanks: int = 2, full: bool = False) -> Tree:
    """A random tree; each node has 1..n children (exactly n with `full`)."""
    def count(n: int) -> int:
        return n if full else rng.randint(1, n)

    urusan = rng.choice("1234578")
    leaves: dict[str, dict[str, int | None]] = {}
    parents: set[str] = set()
    for b in rng.sample(range(1, 13), count(bidang)):
        b_code = f"{urusan}.{b:02d}"
        parents.add(b_code)
        for p in rng.sample(range(1, 30), count(programs)):
            p_code = f"{b_code}.{p:02d}"
            parents.add(p_code)
            for auth, k in rng.sample([(a, n) for a in "12" for n in range(1, 15)], count(kegiatan)):
                k_code = f"{p_code}.{auth}.{k:02d}"
                parents.add(k_code)
                for s in rng.sample(range(1, 40), count(subs)):
                    anggaran = rng.choice([0, rng.randint(1, 10**6), rng.randint(1, 10**12)])
                    leaves[f"{k_code}.{s:0{digits}d}"] = {
                        "anggaran": anggaran,
                        "realisasi": None if rng.random() < 0.15 else rng.randint(0, anggaran),
                        "pendanaan": rng.randint(0, 10**12),
                        "pagu": rng.randint(0, 10**11),
                    }
    tree = Tree(digits, leaves, parents)

    def typed_parents() -> list[str]:
        return [p for p in sorted(parents) if rng.random() < 0.5]

    def typed(code: str) -> str:
        """Now and then a code pasted with stray spaces: read as the same code (and warned about)."""
        r = rng.random()
        return f" {code}" if r < 0.04 else f"{code} " if r < 0.08 else code

    rows1 = [_row("tabel1", kode=typed(k), uraian=f"Sub Kegiatan {k}", indikator=f"Jumlah Dokumen {k}",
                  target=rng.randint(1, 12), satuan="Dokumen", anggaran=m["anggaran"], realisasi=m["realisasi"])
             for k, m in leaves.items()]
    rows1 += [_row("tabel1", kode=typed(p), uraian=f"Uraian Tabel 1 {p}") for p in typed_parents()]

    rows4 = [_row("tabel4", kode=typed(k), uraian=f"Sub Kegiatan {k}", indikator=f"Jumlah Paket {k}", satuan="Paket",
                  target=rng.randint(1, 12), lokasi="Provinsi", waktu="Januari - Desember")
             for k in leaves]
    rows4 += [_row("tabel4", kode=p, uraian=f"Uraian Tabel 4 {p}", indikator=f"Indikator {p}")
              for p in typed_parents()]

    rows6 = [_row("tabel6", kode=typed(k), uraian=f"Sub Kegiatan {k}", indikator=f"Jumlah Laporan {k}", satuan="Laporan",
                  target=rng.randint(1, 12), pendanaan=m["pendanaan"], lokasi="Provinsi",
                  waktu="Januari - Desember")
             for k, m in leaves.items()]
    for p in typed_parents():
        n = 1 if _level(p) == 2 else rng.randint(1, 3)  # programs and kegiatan: several indicators
        for i in range(n):
            rows6.append(_row("tabel6", kode=typed(p), uraian=f"Uraian Tabel 6 {p}" if i == 0 else None,
                              indikator=f"Indikator {i + 1} dari {p}", satuan="Persen", target=100,
                              pendanaan=rng.randint(0, 10**11)))

    rows_sipd = [_row("sipd", kode=typed(k), uraian=f"Sub Kegiatan {k}", usulan=f"Usulan {k}", lokasi="(Kalbar)",
                      volume=rng.randint(1, 5), satuan="Paket", pagu=m["pagu"], status="Dalam Pembahasan")
                 for k, m in leaves.items()]
    rows_sipd += [_row("sipd", kode=p, uraian=f"Uraian SIPD {p}") for p in typed_parents()]

    for key, rows in (("tabel1", rows1), ("tabel4", rows4), ("tabel6", rows6), ("sipd", rows_sipd)):
        for line in rows:
            if rng.random() < 0.15:
                line.append(f"catatan pengguna di luar tabel {rng.randint(1, 10**6)}")  # a column beyond the layout
        rng.shuffle(rows)
        for _ in range(rng.randint(0, blanks)):
            rows.insert(rng.randint(0, len(rows)), [None] * len(sheet(key).columns))
        tree.rows[key] = rows
    return tree


HALF_CENT_CASES = [(100000, 12345), (100000, 1005), (100000, 2675), (100000, 100005), (800, 1), (80000, 7),
                   (160000, 33), (3, 1), (7, 5)]  # % at or near a half cent: 12.345 -> 12.35, 2.675 -> 2.68, ...


def add_half_cent_cases(tree: Tree, kegiatan: str = "9.99.99.1.99") -> None:
    """Sub kegiatan whose % realisasi sits on a rounding boundary, in a kegiatan of their own (every table)."""
    parts = kegiatan.split(".")
    tree.parents |= {".".join(parts[:2]), ".".join(parts[:3]), kegiatan}
    for i, (anggaran, realisasi) in enumerate(HALF_CENT_CASES, start=1):
        code = f"{kegiatan}.{i:0{tree.digits}d}"
        tree.leaves[code] = {"anggaran": anggaran, "realisasi": realisasi, "pendanaan": anggaran, "pagu": realisasi}
        tree.rows["tabel1"].append(_row("tabel1", kode=code, uraian="Batas", anggaran=anggaran, realisasi=realisasi))
        tree.rows["tabel4"].append(_row("tabel4", kode=code, uraian="Batas"))
        tree.rows["tabel6"].append(_row("tabel6", kode=code, uraian="Batas", pendanaan=anggaran))
        tree.rows["sipd"].append(_row("sipd", kode=code, uraian="Batas", pagu=realisasi))


def write_and_recalc(tree: Tree, path: Path):
    book = OpenpyxlBook(path, build_template())
    for key, rows in tree.rows.items():
        book.write(sheet(key).name, FIRST_DATA_ROW, 1, rows)
    report = recalc(book)
    book.save()
    return report


# --- independent expectations -------------------------------------------------------------------

def expected_totals(tree: Tree, key: str) -> dict[str, dict[str, Decimal]]:
    out = {}
    for code in tree.parents:
        under = tree.leaves_under(code)
        out[code] = {total: sum((Decimal(tree.leaves[k][source] or 0) for k in under), Decimal(0))
                     for total, source in SUMMED[key].items()}
    return out


def typed_names(tree: Tree) -> dict[str, str]:
    """The name of each code as typed somewhere, by the priority of the tables recalc looks in."""
    names: dict[str, str] = {}
    for key in NAME_PRIORITY:
        spec = sheet(key)
        for line in tree.rows[key]:
            code, name = line[spec.col("kode")], line[spec.col("uraian")]
            if code is not None and name and str(code).strip() not in names:
                names[str(code).strip()] = name
    return names


def half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def projection(key: str, line: list[Any]) -> tuple:
    """The cells of a row that belong to the user: never written by recalc."""
    spec = sheet(key)
    leaf = _level(str(line[spec.col("kode")]).strip()) == 5
    extra = list(line[len(spec.columns):])
    while extra and extra[-1] is None:
        extra.pop()
    return tuple(None if v == "" else v for j, (c, v) in enumerate(zip(spec.columns, line))
                 if c.role not in OWNED_ROLES and (leaf or c.role != "jumlah")) + tuple(extra)


def data_rows(block: list[list[Any]], width: int) -> list[list[Any]]:
    rows = [list(r) + [None] * (width - len(r)) for r in block[FIRST_DATA_ROW - 1:]]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


_SUBTOTAL = re.compile(r"=SUBTOTAL\(9,([A-Z]+)(\d+):([A-Z]+)(\d+)\)")
_REF = re.compile(r"=([A-Z]+)(\d+)")


def evaluate(block: list[list[Any]], row: int, col: int) -> Decimal:
    """The value of a cell whose formula recalc wrote (SUBTOTAL(9, range) skips nested SUBTOTALs, as Excel does)."""
    line = block[row - 1] if row - 1 < len(block) else []
    v = line[col - 1] if col - 1 < len(line) else None
    if v is None:
        return Decimal(0)
    if isinstance(v, str) and v.startswith("="):
        m = _SUBTOTAL.fullmatch(v)
        if m:
            assert m[1] == m[3], v
            c = _col_index(m[1])
            total = Decimal(0)
            for r in range(int(m[2]), int(m[4]) + 1):
                w = block[r - 1][c - 1] if c - 1 < len(block[r - 1]) else None
                if isinstance(w, str) and w.upper().startswith("=SUBTOTAL("):
                    continue
                total += evaluate(block, r, c)
            return total
        m = _REF.fullmatch(v)
        assert m, f"rumus tak terduga {v}"
        return evaluate(block, int(m[2]), _col_index(m[1]))
    return Decimal(v)


# --- the properties -----------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(rng=st.randoms(use_true_random=False), digits=st.sampled_from([2, 4]))
def test_generated_trees(rng: random.Random, digits: int) -> None:
    tree = make_tree(rng, digits)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "renja.xlsx"
        write_and_recalc(tree, path)

        saved = OpenpyxlBook(path)
        renja = read_renja(saved)
        before = {name: saved.read(name) for name in saved.sheet_names()}
        tables = {"tabel1": renja.tabel1, "tabel4": renja.tabel4, "tabel6": renja.tabel6, "sipd": renja.sipd}
        names = typed_names(tree)

        for key, table in tables.items():
            spec = sheet(key)
            width = len(spec.columns)
            expected = expected_totals(tree, key)
            block = before[spec.name]
            rows = data_rows(block, width)
            kode_col = spec.col("kode")

            # every parent exists once (missing ones inserted), every total equals the sum of its leaves
            parents = [r for r in table.rows if r.is_first and not r.is_leaf]
            assert sorted(r.kode.text for r in parents) == sorted(tree.parents)
            for r in parents:
                for total_key, want in expected[r.kode.text].items():
                    assert table.money(r, total_key) == want, (key, r.kode.text, total_key)
                    # the live formula in the saved file gives the same total
                    assert evaluate(block, r.source_row, spec.col(total_key) + 1) == want, (key, r.kode.text)
            for r in table.rows:
                if r.is_leaf:
                    for total_key, source in SUMMED[key].items():
                        assert table.money(r, total_key) == Decimal(tree.leaves[r.kode.text][source] or 0)

            # rows are compacted and in code order
            assert all(any(v is not None for v in line) for line in rows), "baris kosong tersisa"
            codes = [parse_kode(line[kode_col]).kode for line in rows]
            assert codes == sorted(codes)

            # every typed row is there unchanged (its code too, stray spaces and all); the only other rows are
            # the missing parents, once each, named from another table where one was typed
            typed = [line for line in tree.rows[key] if any(v is not None for v in line)]
            typed_raw = {line[kode_col] for line in typed}
            assert Counter(projection(key, line) for line in typed) == Counter(
                projection(key, line) for line in rows if line[kode_col] in typed_raw)
            added = [line for line in rows if line[kode_col] not in typed_raw]
            typed_clean = {str(c).strip() for c in typed_raw}
            assert sorted(line[kode_col] for line in added) == sorted(tree.parents - typed_clean)
            for line in added:
                if line[kode_col] in names:
                    assert line[spec.col("uraian")] == names[line[kode_col]], (key, line[kode_col])

        # % realisasi of Tabel 1, computed here from the generated money
        for r in renja.tabel1.rows:
            if r.is_leaf:
                m = tree.leaves[r.kode.text]
                want = (None if not m["anggaran"] or m["realisasi"] is None
                        else half_up(Decimal(m["realisasi"]) / m["anggaran"] * 100))
            else:
                t = expected_totals(tree, "tabel1")[r.kode.text]
                want = None if not t["anggaran"] else half_up(t["realisasi"] / t["anggaran"] * 100)
            assert r.persen == want, r.kode.text

        # numbering as the seed prints it: I, II under a bidang; A, B under a program; 1, 2 under a kegiatan
        for r in renja.tabel6.rows:
            if not r.is_first or r.level < 3:
                continue
            siblings = sorted((k for k in (tree.parents | set(tree.leaves))
                               if _level(k) == r.level and k.rsplit(".", 2 if r.level == 4 else 1)[0]
                               == r.kode.parent.text), key=lambda k: parse_kode(k).kode)
            n = siblings.index(r.kode.text) + 1
            want = {3: ["I", "II", "III", "IV", "V"][n - 1] if n <= 5 else None,
                    4: chr(64 + n), 5: str(n)}[r.level]
            assert r.no == want, r.kode.text

        # recalc of the saved file: nothing to write, every cell identical (idempotent)
        report = recalc(saved)
        assert report.writes == 0
        assert report.restructured == []
        assert {name: saved.read(name) for name in saved.sheet_names()} == before


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rng=st.randoms(use_true_random=False), digits=st.sampled_from([2, 4]))
def test_adding_rows_later_equals_typing_them_at_once(rng: random.Random, digits: int) -> None:
    """Recalc, then type more sub kegiatan below the table and recalc again: the same sheets as typing
    everything first and recalculating once."""
    first = make_tree(rng, digits)
    extra = make_tree(rng, digits, blanks=0)
    new_leaves = {k: v for k, v in extra.leaves.items() if k not in first.leaves}
    later = {}
    for key in TABLES:
        spec = sheet(key)
        later[key] = [line for line in extra.rows[key]
                      if line[spec.col("kode")] is not None and str(line[spec.col("kode")]).strip() in new_leaves]
    with tempfile.TemporaryDirectory() as tmp:
        step = Path(tmp) / "bertahap.xlsx"
        write_and_recalc(first, step)
        book = OpenpyxlBook(step)
        for key in TABLES:
            name = sheet(key).name
            used = len(data_rows(book.read(name), len(sheet(key).columns)))
            if later[key]:
                book.write(name, FIRST_DATA_ROW + used, 1, later[key])
        recalc(book)
        book.save()

        once = Path(tmp) / "sekaligus.xlsx"
        together = Tree(digits, {**first.leaves, **new_leaves}, set(first.parents),
                        {key: first.rows[key] + later[key] for key in TABLES})
        write_and_recalc(together, once)

        a, b = OpenpyxlBook(step), OpenpyxlBook(once)
        for key in TABLES:
            name = sheet(key).name
            width = len(sheet(key).columns)
            assert data_rows(a.read(name), width) == data_rows(b.read(name), width), key


def test_shuffled_input_gives_the_same_workbook(tmp_path: Path) -> None:
    """The order in which rows are typed does not matter: the same rows give the same sheets."""
    tree = make_tree(random.Random(7), 4, blanks=0)
    blocks = []
    for i in range(2):
        random.Random(i).shuffle(tree.rows["tabel1"])
        write_and_recalc(tree, tmp_path / f"r{i}.xlsx")
        blocks.append(OpenpyxlBook(tmp_path / f"r{i}.xlsx").read(sheet("tabel1").name))
    assert blocks[0] == blocks[1]


_KODE = st.builds(
    lambda u, b, p, a, k, s, digits, depth: ".".join(
        [u, f"{b:02d}", f"{p:02d}", a, f"{k:02d}", f"{s:0{digits}d}"][:depth]),
    st.sampled_from("123456789"), st.integers(1, 99), st.integers(1, 99), st.sampled_from("123"),
    st.integers(1, 99), st.integers(1, 99), st.sampled_from([2, 4]), st.sampled_from([1, 2, 3, 5, 6]),
)


@settings(max_examples=200, deadline=None)
@given(text=_KODE, spaces=st.lists(st.sampled_from([" ", "\t", "\u00a0"]), max_size=3), data=st.data())
def test_code_round_trips(text: str, spaces: list[str], data) -> None:
    parsed = parse_kode(text)
    assert parsed.kode.text == text
    assert not parsed.had_stray_spaces
    assert parse_kode(str(parsed.kode)).kode == parsed.kode
    # its ancestors are exactly its prefixes, each a code that round-trips too
    ancestors = [a.text for a in parsed.kode.ancestors()]
    assert all(text.startswith(a + ".") for a in ancestors)
    assert [parse_kode(a).kode.text for a in ancestors] == ancestors
    # stray spaces anywhere: the same code, flagged
    if spaces:
        padded = text
        for sp in spaces:
            pos = data.draw(st.integers(0, len(padded)))
            padded = padded[:pos] + sp + padded[pos:]
        again = parse_kode(padded)
        assert again.kode == parsed.kode
        assert again.had_stray_spaces


@pytest.mark.libreoffice
def test_libreoffice_subtotals_of_a_generated_tree(soffice: str, tmp_path: Path) -> None:
    """A few hundred rows (fixed seed): LibreOffice's SUBTOTAL at every parent row equals Python's total."""
    tree = make_tree(random.Random(20240), 4, bidang=2, programs=3, kegiatan=4, subs=8, blanks=3,
                     full=True)
    add_half_cent_cases(tree)
    path = tmp_path / "pohon.xlsx"
    write_and_recalc(tree, path)
    renja = read_renja(OpenpyxlBook(path))
    assert len(renja.tabel6.rows) >= 200

    from python_calamine import CalamineWorkbook

    out = libreoffice_convert(soffice, path, "xlsx", tmp_path / "lo")
    wb = CalamineWorkbook.from_path(str(out))
    checked = 0
    for key, table in (("tabel1", renja.tabel1), ("tabel6", renja.tabel6), ("sipd", renja.sipd)):
        spec = sheet(key)
        lo = wb.get_sheet_by_name(spec.name).to_python(skip_empty_area=False)
        expected = expected_totals(tree, key)
        for r in table.rows:
            if key == "tabel1":  # % realisasi at every row, sub kegiatan too
                got = lo[r.source_row - 1][spec.col("persen")]
                assert (got == "" and r.persen is None) or Decimal(repr(got)) == r.persen, (r.kode.text, got)
            if not r.is_first or r.is_leaf:
                continue
            for total_key in SUMMED[key]:
                got = lo[r.source_row - 1][spec.col(total_key)]
                assert isinstance(got, float), (key, r.kode.text, got)
                assert Decimal(repr(got)) == table.money(r, total_key) == expected[r.kode.text][total_key], \
                    (key, r.kode.text, total_key)
                checked += 1
    assert checked >= 3 * len(tree.parents)
    boundary = [r.persen for r in renja.tabel1.rows if r.kode.text.startswith("9.99.99.1.99.")]
    assert boundary == [Decimal(x) for x in ("12.35", "1.01", "2.68", "100.01", "0.13", "0.01", "0.02", "33.33",
                                              "71.43")]

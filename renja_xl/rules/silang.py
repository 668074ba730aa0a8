"""Across tables: the same sub kegiatan in the Rancangan (Tabel 4), the Rencana (Tabel 6) and the SIPD lampiran."""
from __future__ import annotations

from typing import Iterable

from renja_xl.domain.findings import Finding, RuleInfo, Severity, declare, emits
from renja_xl.domain.fmt import rupiah
from renja_xl.domain.hierarchy import HierRow, HierTable
from renja_xl.nomenklatur import name_key
from renja_xl.rules.context import Context, text

SILANG_RANCANGAN_RENCANA = declare("silang.rancangan_rencana", Severity.WARNING,
                                   "Sub kegiatan ada di Tabel 4 tetapi tidak di Tabel 6, atau sebaliknya")
SILANG_RANCANGAN_SIPD = declare("silang.rancangan_sipd", Severity.WARNING,
                                "Sub kegiatan ada di Tabel 4 tetapi tidak di Usulan SIPD, atau sebaliknya")
SILANG_RENCANA_SIPD = declare("silang.rencana_sipd", Severity.WARNING,
                              "Sub kegiatan ada di Tabel 6 tetapi tidak di Usulan SIPD, atau sebaliknya")
SILANG_TARGET = declare("silang.target", Severity.INFO,
                        "Target sub kegiatan berubah antara Tabel 4, Tabel 6 dan Usulan SIPD")
SILANG_SATUAN = declare("silang.satuan", Severity.INFO,
                        "Satuan sub kegiatan berubah antara Tabel 4, Tabel 6 dan Usulan SIPD")
SILANG_KEBUTUHAN_DANA = declare("silang.kebutuhan_dana", Severity.INFO,
                                "Kebutuhan dana hasil analisis (Tabel 4, T-C.31) berbeda dari pagu sub kegiatan di "
                                "Tabel 6")

_LABEL = {"tabel4": "Tabel 4 (Rancangan)", "tabel6": "Tabel 6 (Rencana)", "sipd": "Usulan SIPD"}


def _leaves(ctx: Context, table: HierTable) -> dict[str, HierRow]:
    """Code text -> first typed row of each sub kegiatan (built once per run and table)."""
    cache = ctx.cache.setdefault("silang.leaves", {})
    out = cache.get(table.spec.key)
    if out is None:
        out = cache[table.spec.key] = {}
        for r in ctx.leaves(table):
            out.setdefault(r.kode.text, r)
    return out


def _pair(ctx: Context, rule: RuleInfo, a_key: str, a: HierTable, b_key: str, b: HierTable,
          index: dict[str, dict[str, HierRow]]) -> Iterable[Finding]:
    if not ctx.leaves(a) or not ctx.leaves(b):
        return  # a table not filled yet is not a difference
    la, lb = _leaves(ctx, a), _leaves(ctx, b)
    for mine, other, table, mine_key, other_key in ((la, lb, a, a_key, b_key), (lb, la, b, b_key, a_key)):
        for kode, r in mine.items():
            if kode not in other:
                name = text(ctx.value(table, r, "uraian"))
                yield rule(table.spec.name, ctx.where(table, r, "kode"), kode,
                              f"sub kegiatan {kode}{' ' + repr(name) if name else ''} ada di {_LABEL[mine_key]} "
                              f"tetapi tidak di {_LABEL[other_key]}.")


@emits(SILANG_RANCANGAN_RENCANA, SILANG_RANCANGAN_SIPD, SILANG_RENCANA_SIPD)
def presence(ctx: Context) -> Iterable[Finding]:
    renja = ctx.renja
    index: dict = {}
    yield from _pair(ctx, SILANG_RANCANGAN_RENCANA, "tabel4", renja.tabel4, "tabel6", renja.tabel6, index)
    yield from _pair(ctx, SILANG_RANCANGAN_SIPD, "tabel4", renja.tabel4, "sipd", renja.sipd, index)
    yield from _pair(ctx, SILANG_RENCANA_SIPD, "tabel6", renja.tabel6, "sipd", renja.sipd, index)


def _target(value):
    """A target as compared: the number itself (int/float from the engine), else the trimmed text; None if empty."""
    if value is None or value.__class__ is bool:
        return None
    if value.__class__ in (int, float):
        return value
    text_ = str(value).strip()
    return text_ or None


def _shown(value) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return str(value)


@emits(SILANG_SATUAN, SILANG_TARGET)
def changes(ctx: Context) -> Iterable[Finding]:
    """Target and satuan of a sub kegiatan in Tabel 6 and the SIPD lampiran against the Rancangan (Tabel 4)."""
    renja = ctx.renja
    if not ctx.leaves(renja.tabel4):
        return
    base = _leaves(ctx, renja.tabel4)
    t4 = renja.tabel4
    seen: dict[tuple[str, str], bool] = {}
    jt4, js4 = ctx.col(t4, "target"), ctx.col(t4, "satuan")
    for key, table, target_key in (("tabel6", renja.tabel6, "target"), ("sipd", renja.sipd, "volume")):
        if not ctx.leaves(table):
            continue
        jt, js = ctx.col(table, target_key), ctx.col(table, "satuan")
        for kode, r in _leaves(ctx, table).items():
            b = base.get(kode)
            if b is None:
                continue
            raw_new, raw_old = r.cells[jt], b.cells[jt4]
            if raw_new != raw_old:
                t_new, t_old = _target(raw_new), _target(raw_old)
            else:
                t_new = t_old = None
            if t_new is not None and t_old is not None and t_new != t_old and not (
                    isinstance(t_new, str) and isinstance(t_old, str) and t_new.casefold() == t_old.casefold()):
                yield SILANG_TARGET(table.spec.name, ctx.where(table, r, target_key), kode,
                                    f"target {_shown(t_new)} berbeda dari Tabel 4 ({_shown(t_old)}, sel "
                                    f"{ctx.where(t4, b, 'target')}).")
            raw_new, raw_old = r.cells[js], b.cells[js4]
            if raw_new == raw_old:
                continue
            s_new, s_old = text(raw_new), text(raw_old)
            differs = seen.get((s_new, s_old))
            if differs is None:
                differs = seen[(s_new, s_old)] = bool(s_new and s_old and name_key(s_new) != name_key(s_old))
            if differs:
                yield SILANG_SATUAN(table.spec.name, ctx.where(table, r, "satuan"), kode,
                                    f"satuan '{s_new}' berbeda dari Tabel 4 ('{s_old}', sel {ctx.where(t4, b, 'satuan')}).")


@emits(SILANG_KEBUTUHAN_DANA)
def kebutuhan_dana(ctx: Context) -> Iterable[Finding]:
    """T-C.31's kebutuhan dana of a sub kegiatan against the pagu the Rencana (Tabel 6) gives it: a review that
    ended elsewhere than the plan is worth a look, not an error (the pagu may have been cut after the review)."""
    renja = ctx.renja
    t4, t6 = renja.tabel4, renja.tabel6
    if not ctx.leaves(t4) or not ctx.leaves(t6):
        return
    rencana = _leaves(ctx, t6)
    for kode, r in _leaves(ctx, t4).items():
        need = r.amounts.get("kebutuhan_dana")
        other = rencana.get(kode)
        if need is None or other is None:
            continue  # not reviewed, or not in the plan (silang.rancangan_rencana says so)
        pagu = t6.money(other, "jumlah")
        if need != pagu:
            yield SILANG_KEBUTUHAN_DANA(t4.spec.name, ctx.where(t4, r, "kebutuhan_dana"), kode,
                                        f"kebutuhan dana hasil analisis {rupiah(need)} berbeda dari pagu sub "
                                        f"kegiatan di Tabel 6 ({rupiah(pagu)}, sel {ctx.where(t6, other, 'pendanaan')}"
                                        f"); selisih {rupiah(need - pagu)}.")


RULES = [presence, changes, kebutuhan_dana]

#!/usr/bin/env bash
# Wheel smoke test (issue 10): build the wheel, install it in a fresh venv outside the checkout, and in an empty
# folder run every command once as a user would. Fails on a non-zero exit where success is due, on any traceback
# or "Exception ignored" on stderr, on a macro workbook without its VBA module or button drawing, and when a
# shipped .xlsm differs from the committed one (the one the test suite checks with olevba and LibreOffice).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unset PYTHONPATH  # the installed package only, never the checkout
export RENJA_XL_HOME="$work/home"  # nomenclature store of this run, not the user's

echo "== wheel"
"$python" -m pip wheel "$repo" --no-deps -q -w "$work/dist"
wheel="$(ls "$work"/dist/renja_xl-*.whl)"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install -q "${wheel}[xlsm]" "oletools>=0.60"
bin="$work/venv/bin"

mkdir "$work/kosong"
cd "$work/kosong"
step() {  # step EXPECTED_STATUS ARGS...: run renja-xl, check status and stderr
    local want="$1"; shift
    echo "== renja-xl $*"
    set +e
    "$bin/renja-xl" "$@" >out.txt 2>err.txt
    local got=$?
    set -e
    cat out.txt err.txt | tail -n 3
    if [ "$got" != "$want" ]; then echo "GAGAL: status $got, seharusnya $want"; exit 1; fi
    if grep -q -e Traceback -e "Exception ignored" out.txt err.txt; then echo "GAGAL: traceback"; exit 1; fi
}
cat > usulan.csv <<'CSV'
USULAN BADAN KEPEGAWAIAN DAERAH,,,,,,,
NO,KODE,URAIAN URUSAN / BIDANG / PROGRAM / KEGIATAN / SUB KEGIATAN / USULAN,LOKASI,VOLUME / SATUAN,JUMLAH PAGU (Rp),STATUS DISETUJUI,CATATAN
(1),(2),(3),(4),(5),(6),(7),(8)
,5.03,KEPEGAWAIAN,,,"5.000.000,00",,
,5.03.01,PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH PROVINSI,,,"5.000.000,00",,
,5.03.01.1.01,"Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah",,,"5.000.000,00",,
,5.03.01.1.01.01,Penyusunan Dokumen Perencanaan Perangkat Daerah - Penyusunan Renja,(BKD),1 Dokumen,"5.000.000,00",Disetujui,
,,JUMLAH,,,"5.000.000,00",,
CSV

step 0
step 0 --version
step 0 new x.xlsx
step 0 new x.xlsm
step 0 example c.xlsm
step 0 recalc x.xlsx
step 0 recalc c.xlsm
step 1 validate c.xlsm          # the seed holds errors on purpose: status 1, findings listed
grep -q "galat," out.txt
step 0 chapters c.xlsm -o c_narasi.docx
step 0 import-sipd usulan.csv x.xlsx
step 0 nomenklatur list
step 0 build-xlsm -o dibangun
step 2 new x.txt                # refused, one line
test ! -e x.txt

echo "== buku kerja bermakro"
for f in x.xlsm c.xlsm dibangun/renja_template.xlsm dibangun/renja_contoh_bkd_kalbar_2024.xlsm; do
    "$bin/python" - "$f" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    names = set(z.namelist())
    missing = {"xl/vbaProject.bin", "xl/drawings/vmlDrawing1.vml"} - names
    assert not missing, (sys.argv[1], missing)
    assert b"HitungUlang" in z.read("xl/drawings/vmlDrawing1.vml"), sys.argv[1]
PY
    "$bin/olevba" --decode "$f" >olevba.txt 2>&1 || true
    grep -q "Sub HitungUlang" olevba.txt || { echo "GAGAL: olevba tidak membaca modul RenjaXL di $f"; exit 1; }
done
cmp x.xlsm "$repo/templates_xlsx/renja_template.xlsm"
cmp dibangun/renja_template.xlsm "$repo/templates_xlsx/renja_template.xlsm"
cmp dibangun/renja_contoh_bkd_kalbar_2024.xlsm "$repo/templates_xlsx/renja_contoh_bkd_kalbar_2024.xlsm"
"$bin/python" -c "import renja_xl.fileio.resources as r, pathlib; p = r.macros_dir(); assert 'site-packages' in str(p), p; assert (p / 'lite' / 'main.py').is_file(); print('macros:', p)"
echo "wheel smoke: semua perintah berjalan dari paket terpasang."

"""Codes as typed in a cell: both sub kegiatan forms, the authority digit, stray spaces, numbers, malformed codes."""
from __future__ import annotations

import pytest

from renja_xl.domain.kode import Kode, KodeError, Level, parse_kode


def kode(text: str) -> Kode:
    return parse_kode(text).kode


@pytest.mark.parametrize("text, level", [
    ("5", Level.URUSAN),
    ("5.03", Level.BIDANG),
    ("5.03.01", Level.PROGRAM),
    ("5.03.01.1.01", Level.KEGIATAN),
    ("5.03.01.1.01.01", Level.SUB_KEGIATAN),
    ("5.03.02.2.01.0001", Level.SUB_KEGIATAN),
])
def test_level_of_each_code(text: str, level: Level) -> None:
    parsed = parse_kode(text)
    assert parsed.kode.level == level
    assert parsed.kode.text == text
    assert str(parsed.kode) == text
    assert parsed.had_stray_spaces is False


def test_two_and_four_digit_sub_kegiatan() -> None:
    old, new = kode("5.03.01.1.01.01"), kode("5.03.02.2.01.0001")
    assert old.sub_digits == 2
    assert new.sub_digits == 4
    assert kode("5.03.01.1.01").sub_digits is None


def test_authority_digit() -> None:
    assert kode("5.03.01.1.01.01").authority_digit == "1"  # provinsi
    assert kode("5.03.02.2.01.0001").authority_digit == "2"  # kabupaten/kota
    assert kode("5.03.01.1.01").authority_digit == "1"
    assert kode("5.03.01").authority_digit is None


def test_generic_penunjang_code() -> None:
    generic = kode("X.XX.01.1.01.01")
    assert generic.level == Level.SUB_KEGIATAN
    assert generic.parent == kode("X.XX.01.1.01")
    assert [a.text for a in generic.ancestors()] == ["X", "X.XX", "X.XX.01", "X.XX.01.1.01"]
    # the generic code sorts before any real bidang
    assert generic < kode("1.01.01.1.01.01")


def test_parent_and_ancestors() -> None:
    sub = kode("5.03.01.1.01.0002")
    assert sub.parent == kode("5.03.01.1.01")
    assert sub.parent.parent == kode("5.03.01")
    assert kode("5.03").parent == kode("5")
    assert kode("5").parent is None
    assert [a.text for a in sub.ancestors()] == ["5", "5.03", "5.03.01", "5.03.01.1.01"]
    assert kode("5").ancestors() == []


def test_order_follows_the_hierarchy() -> None:
    texts = ["5.03.02", "5.03.01.1.01.10", "5.03", "5.03.01.1.01.02", "5.03.01", "5.03.01.1.02", "5.03.01.1.01"]
    ordered = [k.text for k in sorted(kode(t) for t in texts)]
    assert ordered == ["5.03", "5.03.01", "5.03.01.1.01", "5.03.01.1.01.02", "5.03.01.1.01.10",
                       "5.03.01.1.02", "5.03.02"]


@pytest.mark.parametrize("raw, clean", [
    (" 5.03.01.1.01.01", "5.03.01.1.01.01"),
    ("5.03.01.1.01.01 ", "5.03.01.1.01.01"),
    ("5.03. 01", "5.03.01"),
    ("5.03.01.1.01.01\n", "5.03.01.1.01.01"),
    ("5.03.01.1.01.01\u00a0", "5.03.01.1.01.01"),  # non-breaking space pasted from a web page
])
def test_stray_spaces_are_accepted_and_flagged(raw: str, clean: str) -> None:
    parsed = parse_kode(raw)
    assert parsed.kode.text == clean
    assert parsed.had_stray_spaces is True


@pytest.mark.parametrize("number, shown", [(5.1, "5.1"), (5, "5"), (5.03, "5.03"), (5.0301, "5.0301")])
def test_number_is_rejected_never_guessed(number: float, shown: str) -> None:
    with pytest.raises(KodeError) as info:
        parse_kode(number)
    assert info.value.rule == "kode.angka"
    message = str(info.value)
    assert f"({shown})" in message
    assert "sebagai angka" in message and "teks" in message


def test_boolean_is_rejected_as_a_number() -> None:
    with pytest.raises(KodeError) as info:
        parse_kode(True)
    assert info.value.rule == "kode.angka"


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_empty_code(raw) -> None:
    with pytest.raises(KodeError) as info:
        parse_kode(raw)
    assert info.value.rule == "kode.kosong"
    assert "kosong" in str(info.value)


@pytest.mark.parametrize("raw, words", [
    ("5.03.01.1.01.001", ["sub kegiatan", "'001'", "2 atau 4 digit"]),
    ("5.03.01.1.01.00001", ["sub kegiatan", "2 atau 4 digit"]),
    ("5.3", ["bidang urusan", "'3'", "2 digit"]),
    ("5.03.1", ["program", "2 digit"]),
    ("5.03.01.12.01", ["digit kewenangan", "1 digit"]),
    ("5.03.01.1.1", ["kegiatan", "'1'", "2 digit"]),
    ("5.03.01.1", ["4 bagian", "yang sah"]),
    ("5.03.01.1.01.01.01", ["7 bagian"]),
    ("5..03", ["titik ganda"]),
    ("5.03.", ["titik"]),
    (".5.03", ["titik"]),
    ("5,03,01", ["karakter yang tidak diizinkan", ","]),
    ("5.03.01.1.01.0a", ["karakter yang tidak diizinkan", "a"]),
    ("Program 5.03.01", ["karakter yang tidak diizinkan"]),
])
def test_malformed_codes_have_indonesian_messages(raw: str, words: list[str]) -> None:
    with pytest.raises(KodeError) as info:
        parse_kode(raw)
    assert info.value.rule == "kode.format"
    message = str(info.value)
    assert f"'{raw}'" in message, "pesan menyebut kode yang diketik"
    for word in words:
        assert word in message
    assert isinstance(info.value, ValueError)


def test_level_labels_are_indonesian() -> None:
    assert [lv.label for lv in Level] == ["Urusan", "Bidang Urusan", "Program", "Kegiatan", "Sub Kegiatan"]


def test_a_code_made_on_two_threads_at_once_is_one_kode(monkeypatch) -> None:
    """The reader's background scan interns codes while the reader does too: both must get the same object
    (equality of codes is identity)."""
    import threading

    from renja_xl.domain import kode as kode_module

    target = "7.77.01.1.01.0777"  # a code no other test makes, so it is new here
    both_inside = threading.Barrier(2)
    real_init = kode_module.Kode.__init__

    def init_and_wait(self, text):
        real_init(self, text)
        if text == target:
            both_inside.wait(timeout=5)  # each thread has built its own object before either keeps one

    monkeypatch.setattr(kode_module.Kode, "__init__", init_and_wait)
    made: list = []
    threads = [threading.Thread(target=lambda: made.append(kode_module.well_formed(target))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(made) == 2
    assert made[0] is made[1] is kode(target)

"""Rebuild the authenticity reproducers (issue 19) in this folder: python3 tests/data/authenticity/make.py

`kunci-uji` is a test key (never a real office's); each file is a template signed with it and
then edited as the attacker did. tests/test_authenticity.py validates them with that key.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[2]), str(HERE.parents[1])]

import openpyxl  # noqa: E402
from test_authenticity import MAIL, as_email, relabel_strings, signed, with_mail  # noqa: E402

from rbxl.core.signing import key_path  # noqa: E402
from rbxl.form.spec import LABEL_KODE_UNIT, META_SHEET, SHEET_IDENTITAS, plan  # noqa: E402
from rbxl.master.load import read_master  # noqa: E402


def main() -> None:
    rm = with_mail(read_master(HERE.parents[2] / "master" / "roadmap-rb-blora-2022-2026.xlsx")[0], MAIL)
    key = hashlib.sha256(b"rbxl kunci uji keaslian").digest()
    with tempfile.TemporaryDirectory() as tmp:
        out, work = Path(tmp) / "hasil", Path(tmp) / "kerja"
        out.mkdir()
        key_path(out).write_text(f"# kunci uji, bukan kunci kantor mana pun\n{key.hex()}\n", encoding="ascii")
        (HERE / "kunci-uji").write_bytes(key_path(out).read_bytes())
        jati, cepu = plan(rm, "KEC-JATI", 2023, "TW1"), plan(rm, "KEC-CEPU", 2023, "TW1")
        genuine = signed(out, work, rm, "KEC-JATI")
        relabel_strings(genuine, HERE / "kec-cepu-dari-kec-jati.xlsx",
                        [("KEC-JATI", "KEC-CEPU"), (jati.unit_nama, cepu.unit_nama),
                         (jati.unit_singkatan, cepu.unit_singkatan)])
        wb = openpyxl.load_workbook(genuine)
        wb.remove(wb[META_SHEET])
        for row in wb[SHEET_IDENTITAS].iter_rows():
            if row[0].value == LABEL_KODE_UNIT:
                row[1].value = cepu.unit_kode
            elif row[0].value == "Unit Kerja":
                row[1].value = cepu.unit_nama
        wb.save(HERE / "tanpa-sheet-tersembunyi.xlsx")
        tw2 = signed(out, work, rm, "KEC-JATI", name="tw2.xlsx", periode="TW2")
        relabel_strings(tw2, HERE / "tw2-dilabel-tw1.xlsx", [("Triwulan II 2023", "Triwulan I 2023"),
                                                             ("30 Juni", "31 Maret"), ("<t>TW2</t>", "<t>TW1</t>")])
        ins = signed(out, work, rm, "INSPEKTORAT")
        as_email(ins, HERE / "inspektorat-dari-bappeda.eml", MAIL["BAPPEDA"])


if __name__ == "__main__":
    main()

"""Regenerate src/plancli/stages/garbled/gbk_table.txt, the GBK table mojibake recovery reads.

    python tools/make_gbk_table.py

Building it takes ~20k codec calls and an OpenCC pass, which every process that met a
garbled run used to pay; tests/test_mojibake.py checks that the stored file is current.
"""

from __future__ import annotations

from plancli.stages.garbled.gbk import GBK_TABLE_FILE, build_gbk_table, dump_gbk_table


def main() -> None:
    with open(GBK_TABLE_FILE, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(dump_gbk_table(build_gbk_table()))


if __name__ == "__main__":
    main()

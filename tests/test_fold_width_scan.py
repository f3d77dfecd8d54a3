"""fold_width skips text with no wide form and folds every wide form it finds."""

from __future__ import annotations

from plancli.text import FULL_WIDTH, fold_width


def test_text_without_wide_forms_comes_back_as_it_was() -> None:
    text = "到2025年,社区综合服务设施覆盖率达到100%(州民政局负责)"
    assert fold_width(text) == text


def test_one_wide_form_anywhere_folds_them_all() -> None:
    folded = fold_width("城乡社区\u3000服务站覆盖率达到１００％。")
    assert folded == "城乡社区 服务站覆盖率达到100%。"
    assert fold_width("～") == "~"


def test_scan_and_mapping_agree_on_every_character_of_the_wide_block() -> None:
    block = "".join(chr(code) for code in range(0xFF00, 0xFF70)) + "\u3000\u3001"
    assert fold_width(block) == block.translate(FULL_WIDTH)

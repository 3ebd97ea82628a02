"""Text as the tool compares and lays it out: traditional and full-width forms folded, whitespace
squashed (how quotes are found in their source), and terminal widths and wrapping (Chinese
characters take two columns and may break anywhere; English breaks between words).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold_variants", "fold", "squash", "normalise_text", "text_width", "wrap_text"]


# Traditional and variant forms that change how a number or its comparator reads (萬 is 万), and the
# traditional characters of statistical bulletins' words (全國, 統計, 預算, 雙師型), so that a bulletin
# mirrored in traditional characters reads as the simplified one (``drafting.bulletin``).
_VARIANTS = str.maketrans(
    "萬億與達個於內門項場臺間種條處單員數總額級點並過為費兩幾約將專層業職參學輸實訓證書師當體規劃畫長發現經驗佔貼補產階畢養術設區縣範辦團對應務勞動從開護別國園報寧徑標況減準統義計財趨鞏預較備儀雙歷際資後構機關兒習練課質優確論營僅廣東蘇遼龍陝貴雲灣鄉鎮創藝醫衛會議協聯組織類選擇屬獨輔導舉請稱認評價獎勵貧撥決農藥電腦網絡線據結續繼廳進還這來時們調問題讀語說話號頁",
    "万亿与达个于内门项场台间种条处单员数总额级点并过为费两几约将专层业职参学输实训证书师当体规划画长发现经验占贴补产阶毕养术设区县范办团对应务劳动从开护别国园报宁径标况减准统义计财趋巩预较备仪双历际资后构机关儿习练课质优确论营仅广东苏辽龙陕贵云湾乡镇创艺医卫会议协联组织类选择属独辅导举请称认评价奖励贫拨决农药电脑网络线据结续继厅进还这来时们调问题读语说话号页",
)


def fold_variants(text: str) -> str:
    """Traditional and variant characters as their simplified forms (萬 -> 万, 與 -> 与), same length."""
    return str(text).translate(_VARIANTS)


def fold(text: str) -> str:
    """Text as every matcher compares it: NFKC (full-width digits and letters, compatibility forms) and
    then simplified characters; the one rule, so a number or a name folds alike wherever it is read."""
    return fold_variants(unicodedata.normalize("NFKC", str(text)))


def squash(text: str) -> str:
    """Remove all whitespace: how quotes are compared with their source."""
    return re.sub(r"\s+", "", str(text))


def normalise_text(text: str) -> str:
    """Whitespace removed and full-width forms folded (：→:, （→(, ％→%, ２→2)."""
    s = fold(squash(text))
    return s.replace("∶", ":").replace("—", "-").replace("～", "~").replace("〜", "~")


def text_width(s: str) -> int:
    """Columns a string takes on a terminal: 2 for each Chinese or full-width character."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)


def _tokens(text: str) -> list[str]:
    """Words with their leading space; each Chinese character on its own (a line may end after it)."""
    out, word = [], ""
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        if wide or ch == " ":
            if word:
                out.append(word)
            word = "" if wide else ch
            if wide:
                out.append(ch)
        else:
            word += ch
    return out + ([word] if word else [])


def wrap_text(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` terminal columns: English breaks between words, Chinese anywhere,
    a word longer than a line is cut."""
    lines, line = [], ""
    for tok in _tokens(str(text)):
        if line and text_width(line + tok) > width:
            lines.append(line.rstrip())
            line = tok.lstrip()
        else:
            line += tok
        while text_width(line) > width:  # one word longer than the line
            cut = next(i for i in range(len(line), 0, -1) if text_width(line[:i]) <= width)
            lines.append(line[:cut])
            line = line[cut:]
    return lines + [line.rstrip()] if line.strip() or not lines else lines

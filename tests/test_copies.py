"""The same story clipped twice is one source (briefing/analysis/copies.py): a reprint in
the other script or from another site is left out and named in the methodology; two
articles that quote the same lines are two sources. Fixtures of another industry than
the bundled ones (dairy)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import write_text

from briefing.analysis import build_briefing
from briefing.readers import read_corpus

STORY = """# 原奶价格跌至十年低位

2024-09-10 来源：界面新闻

农业农村部数据显示，8月全国生鲜乳平均收购价为每公斤3.2元，同比下降13.5%，创近十年新低。

伊利股份上半年营业收入为590亿元，同比下降8.5%，公司表示将继续调控奶源以稳定价格。

业内人士指出，牧场去产能已经开始，部分中小牧场选择出售奶牛以减少亏损。

分析人士认为，原奶价格有望在2025年下半年企稳，但需求复苏仍需时间。

蒙牛乳业同样面临压力，公司正在加快推出高端低温奶产品以提升毛利率。
"""

QUOTING = """# 乳企加码高端低温奶

2024-09-12 来源：第一财经

蒙牛乳业同样面临压力，公司正在加快推出高端低温奶产品以提升毛利率。

光明乳业表示，低温奶业务上半年收入增长6%，华东市场的渠道优势仍然明显。

业内人士指出，牧场去产能已经开始，部分中小牧场选择出售奶牛以减少亏损。

低温奶的冷链成本较高，全国化扩张面临挑战。
"""


def test_a_reprint_in_the_other_script_is_one_source(tmp_path: Path) -> None:
    import opencc

    write_text(tmp_path / "01_story.md", STORY)
    write_text(tmp_path / "02_reprint_tw.txt", opencc.OpenCC("s2t").convert(STORY.split("\n", 2)[2]))
    write_text(tmp_path / "03_quoting.md", QUOTING)
    model = build_briefing(read_corpus(tmp_path), date=dt.date(2026, 12, 2))
    assert [s.path for s in model.sources] == ["01_story.md", "03_quoting.md"]
    skipped = {s.path: s.reason for s in model.methodology.skipped}
    assert skipped["02_reprint_tw.txt"] == "a copy of 01_story.md (the same text in the other script)"
    for theme in model.themes:
        assert "02_reprint_tw.txt" not in theme.documents


def test_two_articles_quoting_the_same_lines_are_two_sources(tmp_path: Path) -> None:
    write_text(tmp_path / "01_story.md", STORY)
    write_text(tmp_path / "03_quoting.md", QUOTING)
    model = build_briefing(read_corpus(tmp_path), date=dt.date(2026, 12, 2))
    assert len(model.sources) == 2 and not model.methodology.skipped

"""A theme's quote stands alone, states what its label says, and a theme is argued.

* A quote that leans on an organisation it does not name (a label line under the
  organisation's heading, "垂直整合：自产刀片电池…" under "### 比亚迪"; a sentence whose
  figures the reading owned through a pointer or the section's topic; a pronoun the
  reading resolved) is shown with that organisation, as a gist is ("（比亚迪）垂直整合：…",
  "…，公司（承德露露）销量…"); one whose organisation the reading could not tell, or that
  leans on several, is passed over.
* Under a label that names a change of its concept (亏损收窄, 息差收窄, 支架降价), a quote
  states that change for the concept (data/change_words.yaml), not only the concept
  ("微创医疗2023年净亏损约6.9亿美元" says a loss, not that it narrowed).
* A theme whose concept fewer than two sentences state takes neither the place nor the
  sentences of a better-argued candidate (nev: 固态与钠离子, one sentence, had absorbed
  磷酸铁锂路线, two).

Checked on the seeds, the field corpus and the fixture folders of seven industries.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import pytest

from briefing.analysis import analyse_all, build_briefing
from briefing.analysis.themes import (
    LACKS_OWNER,
    _heading_owner,
    concept_words,
    implied_owner,
    label_change,
    sentence_index,
    states_change,
)
from briefing.excerpts import with_owner
from briefing.model import Briefing
from briefing.readers import read_corpus
from briefing.script import to_simplified

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "tests" / "fixtures" / "corpora"
FOLDERS = {
    "airlines": ROOT / "tests" / "fixtures" / "analysis" / "quote_concept_folder",
    **{name: CORPORA / name for name in ("banks", "coffee", "games", "healthcare", "nev", "solar")},
    "seeds": ROOT / "seeds",
    "field": ROOT.parent / "shared" / "field-corpus",
}
DATE = dt.date(2026, 12, 2)


@functools.cache
def _model(folder: str) -> Briefing:
    path = FOLDERS[folder]
    if not path.is_dir():
        pytest.skip(f"{path} is not here")
    return build_briefing(read_corpus(path), date=DATE)


@functools.cache
def _rendered(folder: str) -> str:
    from briefing.charts import charts_for
    from briefing.render import render

    model = _model(folder)
    return render(model, charts_for(model))


# ------------------------------------------------------------------ the owner shown


@pytest.mark.parametrize(
    ("shown", "owner", "pointer", "out"),
    [
        ("垂直整合：自产刀片电池。", "比亚迪", "", "（比亚迪）垂直整合：自产刀片电池。"),
        ("公司全年总收入为24.6亿美元。", "百济神州", "公司", "公司（百济神州）全年总收入为24.6亿美元。"),
        # a Traditional pointer, the quote shown in Simplified script
        ("该公司计划扩产。", "宁德时代", "該公司", "该公司（宁德时代）计划扩产。"),
        # a pointer that opens a clause, not the 公司 inside 中金公司
        (
            "中金公司在研究报告中指出，公司销量增长瓶颈仍在。",
            "承德露露",
            "公司",
            "中金公司在研究报告中指出，公司（承德露露）销量增长瓶颈仍在。",
        ),
        # 其 only where it opens the quote (not the 其 of 尤其)
        ("其PD-1单抗已纳入医保。", "信达生物", "其", "其（信达生物）PD-1单抗已纳入医保。"),
        ("尤其是PD-1单抗。", "信达生物", "其", "（信达生物）尤其是PD-1单抗。"),
        # English: the name in brackets, after its pointer or before the quote
        (
            "The company has moved sales teams.",
            "AstraZeneca",
            "The company",
            "The company [AstraZeneca] has moved sales teams.",
        ),
        ("The strategy is expensive.", "NIO", "", "[NIO] The strategy is expensive."),
        # nothing to add: no owner, or the quote names it, or names it already
        ("垂直整合：自产刀片电池。", "", "", "垂直整合：自产刀片电池。"),
        ("比亚迪自产刀片电池。", "比亚迪", "", "比亚迪自产刀片电池。"),
        ("公司（百济神州）全年收入增长。", "百济神州", "公司", "公司（百济神州）全年收入增长。"),
    ],
)
def test_with_owner(shown: str, owner: str, pointer: str, out: str) -> None:
    assert with_owner(shown, owner, pointer) == out


def _last_sentence_owner(tmp_path: Path, name: str, text: str) -> tuple[str, str] | None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    corpus = read_corpus(tmp_path)
    (analysis,) = analyse_all(corpus)
    doc = corpus.documents[0]
    last = analysis.sentences[-1]
    return implied_owner(
        doc, analysis, last, doc.text[last.start : last.end].strip(), sentence_index(analysis)
    )


@pytest.mark.parametrize(
    ("name", "text", "owner"),
    [
        # a label line under its organisation's heading (nev's memo)
        (
            "a.md",
            "# 竞争格局\n\n## 主要玩家\n\n### 比亚迪\n\n- 垂直整合：自产刀片电池、IGBT芯片，海外销量24.3万辆。\n",
            ("", "比亚迪"),
        ),
        # a heading that is a statement naming a company owns nothing
        (
            "b.txt",
            "电动车价格战\n\n1、价格战从特斯拉蔓延到全行业\n\n价格战的代价是利润率下滑，车企纷纷跟进。\n",
            None,
        ),
        # a pointer the reading resolved
        (
            "c.txt",
            "标题\n\n百济神州2023年收入增长约七成。公司全年总收入为24.6亿美元，亏损收窄至8.8亿美元。\n",
            ("公司", "百济神州"),
        ),
        # a pointer with nothing before it: whose, the reader cannot tell
        (
            "d.txt",
            "标题\n\n行业整体仍在调整。公司全年总收入为24.6亿美元，亏损收窄至8.8亿美元。\n",
            LACKS_OWNER,
        ),
        # a sentence that names its own subject
        ("e.txt", "标题\n\n蔚来2023年交付16.0万辆，全年净亏损207.2亿元。\n", None),
        # figures owned through "the company" by the organisation named before
        (
            "f.txt",
            "Swapping\n\nNIO has built more than 2,300 battery-swap stations across China.\n\n"
            "The strategy is expensive: the company delivered 160,038 vehicles in 2023 and lost 20.7 billion yuan.\n",
            ("", "蔚来"),
        ),
    ],
)
def test_implied_owner(tmp_path: Path, name: str, text: str, owner: tuple[str, str] | None) -> None:
    assert _last_sentence_owner(tmp_path, name, text) == owner


@pytest.mark.parametrize(
    ("heading", "owner"),
    [
        ("### 蔚来（NIO）", "蔚来"),
        ("### 比亚迪", "比亚迪"),
        ("## 比亞迪：垂直整合，自產自用", "比亚迪"),
        ("## 价格战从特斯拉蔓延到全行业", None),  # a statement that names a company
        ("## 库迪与新品牌：加盟换速度", None),  # a company and others
    ],
)
def test_a_heading_owns_its_notes_only_when_it_is_the_organisations(
    tmp_path: Path, heading: str, owner: str | None
) -> None:
    (tmp_path / "a.md").write_text(
        f"# 笔记\n\n{heading}\n\n- 2023年交付16.0万辆，净亏损207.2亿元。\n", "utf-8"
    )
    corpus = read_corpus(tmp_path)
    (analysis,) = analyse_all(corpus)
    assert _heading_owner(corpus.documents[0], analysis.sentences[-1]) == owner


def test_nevs_vertical_integration_quote_names_byd() -> None:
    """nev's memo: "垂直整合：自产刀片电池…" under "### 比亚迪" was quoted under 垂直整合
    with no word of whose it is."""
    (theme,) = [t for t in _model("nev").themes if t.label == "垂直整合"]
    owned = [q for q in theme.quotes if q.text.startswith("垂直整合：")]
    assert owned and owned[0].owner == "比亚迪", [(q.text, q.owner) for q in theme.quotes]
    assert "（比亚迪）垂直整合：自产刀片电池" in _rendered("nev")


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_no_quote_leans_on_an_organisation_it_does_not_show(folder: str) -> None:
    """Every theme quote the reading finds leaning on an organisation carries it, and
    the rendered briefing shows it beside the quote."""
    model = _model(folder)
    corpus = read_corpus(FOLDERS[folder])
    analyses = {d.path: a for d, a in zip(corpus.documents, analyse_all(corpus), strict=True)}
    docs = {d.path: d for d in corpus.documents}
    text = _rendered(folder)
    for theme in model.themes:
        for q in theme.quotes:
            if q is theme.gist_source or q.text == theme.gist_source.text:
                continue
            a, doc = analyses[q.document], docs[q.document]
            index = sentence_index(a)
            (sentence,) = [s for s in a.sentences if doc.text[s.start : s.end].strip() == q.text][:1] or [
                None
            ]
            if sentence is None:
                continue  # a memo summary's finding: a clause of its line
            got = implied_owner(doc, a, sentence, q.text, index)
            assert got != LACKS_OWNER, (theme.label, q.text)
            if got is not None:
                assert q.owner, (theme.label, q.text, got)
                mark = f"（{q.owner}）" if re.search(r"[\u4e00-\u9fff]", q.text) else f"[{q.owner}]"
                assert mark in text, (theme.label, mark)


# ----------------------------------------------------------- a change the label names


@pytest.mark.parametrize(
    ("label", "terms", "direction"),
    [
        ("亏损收窄", ["亏损", "净亏损"], "down"),
        ("息差收窄", ["利润", "息差", "贷款"], "down"),
        ("支架降价", ["支架", "冠脉", "冠脉支架"], "down"),
        ("版号增长", ["版号", "游戏市场"], "up"),
        ("负增长", ["汽车销量", "负增长"], None),  # the change is the concept itself
        ("价格战", ["价格战"], None),  # no change
        ("价格下降，但市场并未萎缩", ["价格下降"], None),  # an author's two claims
        ("集采压价与国产替代", ["集采", "国产"], None),  # a joined label
    ],
)
def test_label_change(label: str, terms: list[str], direction: str | None) -> None:
    zh, en = label_change(label, terms)
    if direction is None:
        assert (zh, en) == ((), ())
    else:
        assert ("下降" in zh and "fell" in en) if direction == "down" else ("增长" in zh and "rose" in en)


@pytest.mark.parametrize(
    ("label", "terms", "text", "states"),
    [
        ("亏损收窄", ["亏损", "净亏损"], "公司全年總收入為24.6億美元，虧損收窄至8.8億美元。", True),
        ("亏损收窄", ["亏损", "净亏损"], "微创医疗2023年净亏损约6.9亿美元。", False),
        (
            "亏损收窄",
            ["亏损", "净亏损"],
            "东方航空2023年归母净利润亏损81.7亿元，较2022年的亏损373.9亿元大幅减少。",
            True,
        ),
        # the change said of something else in another clause
        ("亏损收窄", ["亏损", "净亏损"], "微创医疗营收同比下降5%，全年陷入亏损。", False),
        # the change in the clause right after the concept's
        ("版号增长", ["版号"], "2023年全年共有1075款国产游戏获得版号，较2022年的468款翻了一倍多。", True),
        (
            "支架降价",
            ["支架"],
            "Coronary stents fell from about 13,000 yuan to around 700 yuan in 2020.",
            True,
        ),
        ("支架降价", ["支架"], "Stent makers have moved sales teams into county hospitals.", False),
        (
            "息差收窄",
            ["息差"],
            "The net interest margin of commercial banks fell to 1.69% at the end of 2023.",
            True,
        ),
        ("息差收窄", ["息差"], "招商银行2023年净息差为2.15%，仍显著高于行业平均水平。", False),
        ("价格战", ["价格战"], "价格战的代价是利润率下滑。", True),  # no change asked
    ],
)
def test_states_change(label: str, terms: list[str], text: str, states: bool) -> None:
    concept = concept_words(label, terms)[0]
    assert states_change(text, concept, label_change(label, terms)) is states


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_every_quote_under_a_change_states_it(folder: str) -> None:
    for theme in _model(folder).themes:
        change = label_change(theme.label, theme.terms)
        concept = concept_words(theme.label, theme.terms)[0]
        for q in theme.quotes:
            assert states_change(q.text, concept, change), (theme.label, q.text)


def test_healthcares_loss_theme_does_not_lend_beigenes_narrowing_to_microport() -> None:
    """healthcare: 百济神州's loss narrowed, 微创医疗's did not; a theme that quotes both
    is about losses, not about a narrowing one of them states."""
    for theme in _model("healthcare").themes:
        said = [theme.gist_source.text, *(q.text for q in theme.quotes)]
        if any("微创" in to_simplified(s) for s in said):
            assert "收窄" not in theme.label, (theme.label, said)


# ------------------------------------------------------------------ a theme is argued


def test_a_theme_argued_once_does_not_absorb_a_better_argued_one() -> None:
    """nev's 四、下一代電池：固態與鈉離子的賽跑: 固态/钠离子 are said in one sentence of the
    folder (no other source names them), 磷酸铁锂 in two of the same section; the
    heading-weighted theme had taken the other's sentences and shown its gist alone."""
    labels = [t.label for t in _model("nev").themes]
    assert "固态与钠离子" not in labels and any("磷酸铁锂" in x for x in labels), labels


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_every_theme_quotes_beside_its_gist_unless_nothing_else_says_it(folder: str) -> None:
    """A theme with no quote beside its gist is one no other sentence of the folder
    states; it is shown only where fewer than five themes are argued more often
    (healthcare's 地缘政治: the 生物安全法案 sentence is the only one)."""
    model = _model(folder)
    bare = [t for t in model.themes if not [q for q in t.quotes if q.text != t.gist_source.text]]
    assert len(model.themes) - len(bare) < 5 or not bare, [t.label for t in bare]

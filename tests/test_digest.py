"""The digest `briefing analyze` prints: Chinese labels instead of codes, wrapped by display
width (a Chinese character takes two columns), and the plain-text tables (issue 14, item 4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from briefing.model import Evidence, Quote
from briefing.writers.text import display_width, fit, table, wrap

try:
    from test_editions import make_briefing, make_company, make_document, make_question, make_theme
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.test_editions import make_briefing, make_company, make_document, make_question, make_theme

# (text, width, indent, expected lines)
WRAP_CASES = {
    "Chinese breaks between characters, two columns each": (
        "产业互联网的体量可能会是消费互联网的一百倍",
        20,
        "",
        ["产业互联网的体量可能", "  会是消费互联网的一", "  百倍"],
    ),
    "English breaks at spaces": (
        "Around this core the industrial Internet will not fall",
        20,
        "",
        ["Around this core the", "  industrial", "  Internet will not", "  fall"],
    ),
    "a closing mark never starts a line: the character before it comes along": (
        "模式的升级技术的升级，产业的升级",
        20,
        "",
        ["模式的升级技术的升", "  级，产业的升级"],
    ),
    "mixed scripts, figures stay whole": (
        "阿里云的市场份额为45.5%，IDC statistics show",
        24,
        "  ",
        ["  阿里云的市场份额为", "    45.5%，IDC", "    statistics show"],
    ),
    "a word longer than a line is cut": (
        "see https://example.com/a/very/long/path/to/a/page",
        20,
        "",
        ["see", "  https://example.co", "  m/a/very/long/path", "  /to/a/page"],
    ),
    "spaces collapse and do not end a line": ("a   b    c", 3, "", ["a b", "  c"]),
}


@pytest.mark.parametrize("case", list(WRAP_CASES), ids=list(WRAP_CASES))
def test_wrap_by_display_width(case: str) -> None:
    text, width, indent, expected = WRAP_CASES[case]
    lines = wrap(text, width, indent)
    assert lines == expected
    assert all(display_width(line) <= width for line in lines)


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("产业ab") == 6
    assert display_width("ｗｉｄｅ") == 8  # full-width Latin
    assert display_width("e\u0301") == 1  # a combining accent takes no column


def test_table_cells_line_up_in_columns() -> None:
    text = table(["企业", "type"], [["阿里巴巴集团控股有限公司", "company"], ["Tencent", "企业"]], [10, 6])
    lines = text.splitlines()
    assert lines[2].startswith("阿里巴巴…")
    # the second column starts at the same display column on every line
    starts = [
        display_width(line[: line.index(cell)])
        for line, cell in zip(lines[2:], ["compa", "企业"], strict=True)
    ]
    assert starts == [12, 12]
    assert display_width(fit("阿里巴巴集团", 7)) == 7


@pytest.fixture
def model():
    docs = [make_document(p, "x", d) for p, d in (("a.md", "2024-01-02"), ("b.txt", None), ("c.md", None))]
    docs[0].language, docs[0].kind = "zh-Hant", "memo"
    docs[1].language = "zh-Hans"
    theme = make_theme("模式、技术与产业的升级", 12)
    theme.documents = ["a.md", "b.txt"]
    long = "通过将新技术应用到产业变革的过程中，通过将新技术深入到产业升级的过程中，真正实现模式的升级，" * 3
    theme.quotes = [Quote(text=long, document="b.txt", paragraph=0), Quote("English quote " * 12, "c.md", 1)]
    investor = make_company("红杉资本")
    investor.type, investor.documents = "investor", ["a.md"]
    question = make_question("阿里巴巴在产业互联网中的布局，哪些属于深耕产业，哪些属于赋能平台？", "thin")
    question.evidence = [Evidence(text=long, document="a.md", paragraph=2, score=3.25)]
    briefing = make_briefing(
        documents=docs,
        themes=[theme],
        companies=[investor, make_company("某协会")],
        questions=[question, make_question("谁在做？", "evidence found")],
        takeaways=[long],
    )
    briefing.companies[1].type = "association"
    return briefing


@pytest.mark.parametrize("width", [60, 80, 100])
def test_digest_fits_the_width_and_keeps_every_word(model, width: int) -> None:
    from briefing.writers.text import digest

    text = digest(model, width)
    assert all(display_width(line) <= width for line in text.splitlines()), text
    # wrapping only moved text to new lines: joined again, the long quote is whole
    squashed = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", model.themes[0].quotes[0].text) in squashed
    assert not any(line.lstrip().startswith(("，", "。", "、", "）")) for line in text.splitlines())


def test_digest_shows_labels_not_codes(model) -> None:
    from briefing.writers.text import digest

    text = digest(model)
    for label in (
        "繁体中文",
        "简体中文",
        "英文",
        "研究备忘录",
        "文章",
        "投资机构",
        "协会/联盟",
        "证据不足",
        "已有证据",
    ):
        assert label in text, label
    for code in (
        "zh-Hant",
        "zh-Hans",
        "memo",
        "article",
        "investor",
        "association",
        "thin",
        "evidence found",
    ):
        assert not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text), code
    assert "日期不详" in text and "相关度 3.2" in text


def test_digest_shows_a_quote_without_its_footnote_marker(model) -> None:
    from briefing.writers.text import digest

    model.themes[0].quotes[1] = Quote("*Solar module prices fell below $0.15 per watt in 2024.", "c.md", 1)
    model.summary[0].text = "4、隆基绿能2024年一季度亏损23.5亿元，通威股份同期亏损7.6亿元。"
    text = digest(model, 100)
    assert "“Solar module prices fell" in text and "*Solar" not in text
    assert "1. 隆基绿能2024年一季度亏损" in text and "4、隆基" not in text


SCRIPT_ROWS = yaml.safe_load(
    (Path(__file__).parent / "fixtures/render/digest_script.yaml").read_text("utf-8")
)


@pytest.mark.parametrize(
    "row", SCRIPT_ROWS, ids=[f"{r['part']}-{r['language']}-{i}" for i, r in enumerate(SCRIPT_ROWS)]
)
def test_digest_shows_sources_in_the_briefings_script(row: dict) -> None:
    """A Traditional source's sentence appears in the digest in Simplified script with
    full-width punctuation, as in the PDF; the model keeps the original."""
    from briefing.writers.text import digest

    doc = make_document("src.md", "x")
    doc.language = row["language"]
    theme, company, question = (
        make_theme("运价回落", 3),
        make_company("长荣海运"),
        make_question("运价会回落吗？", "thin"),
    )
    theme.documents = ["src.md"]
    text = row["text"]
    if row["part"] == "quote":
        theme.quotes = [Quote(text, "src.md", 0)]
    elif row["part"] == "move":
        company.moves, company.documents = [Quote(text, "src.md", 0)], ["src.md"]
    elif row["part"] == "evidence":
        question.evidence = [Evidence(text=text, document="src.md", paragraph=0, score=2.0)]
    elif row["part"] == "title":
        doc.title = text
    model = make_briefing(
        documents=[doc],
        themes=[theme],
        companies=[company],
        questions=[question],
        takeaways=[text] if row["part"] == "takeaway" else None,
    )
    shown = re.sub(r"\s*\n\s*", "", digest(model, 400))
    assert row["shows"] in shown, shown
    for piece in row["never"]:
        assert piece not in shown, piece
    original = {
        "takeaway": lambda: model.summary[0].text,
        "quote": lambda: model.themes[0].quotes[0].text,
        "move": lambda: model.companies[0].moves[0].text,
        "evidence": lambda: model.questions[0].evidence[0].text,
        "title": lambda: model.sources[0].title,
    }[row["part"]]()
    assert original == text  # the model keeps the source's own text


def test_digest_names_the_speaker_of_a_bare_quotation(model) -> None:
    """A takeaway that is a quotation alone carries its speaker, as the PDF shows it."""
    from briefing.writers.text import digest

    model.summary[0].text = "“咖啡连锁的价格战至少还要持续两年。”"
    model.summary[0].speaker = "星巴克中国董事长王静瑛"
    text = re.sub(r"\s*\n\s*", "", digest(model, 100))
    assert "1. 星巴克中国董事长王静瑛：“咖啡连锁的价格战至少还要持续两年。”" in text


THEME_CLAUSES = yaml.safe_load(
    (Path(__file__).parent / "fixtures/render/theme_clause.yaml").read_text("utf-8")
)


@pytest.mark.parametrize("case", THEME_CLAUSES["cases"], ids=[c["id"] for c in THEME_CLAUSES["cases"]])
def test_a_gist_said_before_shows_the_clause_with_most_of_its_terms(case) -> None:
    from briefing.render import QuoteBook

    doc = make_document("a.txt", "x")
    doc.language = "zh-Hans"
    model = make_briefing(documents=[doc], takeaways=[case["sentence"]])
    book = QuoteBook(model)
    assert "…" not in book.quote(case["sentence"])  # said in full first
    again = book.on(case["sentence"], case["terms"])
    assert case["shows"] in again and case["never"] not in again, again


EVIDENCE_CLAUSES = yaml.safe_load(
    (Path(__file__).parent / "fixtures/render/evidence_clause.yaml").read_text("utf-8")
)


@pytest.mark.parametrize("case", EVIDENCE_CLAUSES["cases"], ids=[c["id"] for c in EVIDENCE_CLAUSES["cases"]])
def test_evidence_said_before_shows_the_clause_the_question_asks_about(case) -> None:
    from briefing.render import QuoteBook

    doc = make_document("a.txt", "x")
    doc.language = "zh-Hans"
    model = make_briefing(
        documents=[doc], takeaways=[case["sentence"]], companies=[make_company(n) for n in case["companies"]]
    )
    book = QuoteBook(model)
    book.quote(case["sentence"])  # said in full first
    again = book.evidence(case.get("clause") or case["sentence"], case["question"])
    assert case["shows"] in again and case["never"] not in again, again


def test_digest_shows_aliases_as_the_pdf_does(model) -> None:
    """A company's other names in Simplified script, each once, not its name again."""
    from briefing.writers.text import digest

    company = model.companies[0]
    company.role = "case"
    company.name, company.aliases = "应用材料", ["AMAT", "應用材料", "應材", "应用材料"]
    company.shown_aliases = ["AMAT", "应材"]
    text = digest(model, 100)
    assert "别名：AMAT、应材" in text and "應" not in text


@pytest.mark.parametrize(
    ("sentence", "names", "shows", "never"),
    [
        # an angle's label named after the sentence's opening: its clause, not the opening
        (
            "以大数据、云计算为开始，人们开始从新技术的角度思考对B端用户进行深度改造的方式和方法。"
            "淘宝的千人千面、逐渐风靡的资讯网站的智能算法推荐都是在这样的大背景下出现的。",
            ["淘宝"],
            "淘宝的千人千面",
            "以大数据",
        ),
        # no label: the opening clause, as before
        (
            "以大数据、云计算为开始，人们开始从新技术的角度思考对B端用户进行深度改造的方式和方法。"
            "淘宝的千人千面、逐渐风靡的资讯网站的智能算法推荐都是在这样的大背景下出现的。",
            [],
            "以大数据",
            "千人千面",
        ),
    ],
)
def test_an_angle_said_before_shows_the_clause_that_names_its_label(
    sentence: str, names: list[str], shows: str, never: str
) -> None:
    from briefing.render import QuoteBook

    doc = make_document("a.txt", "x")
    doc.language = "zh-Hans"
    model = make_briefing(documents=[doc], takeaways=[sentence])
    book = QuoteBook(model)
    book.quote(sentence)  # said in full first
    again = book.passage(sentence, names)
    assert shows in again and never not in again, again


@pytest.mark.parametrize(
    ("sentence", "move", "shown"),
    [
        # the clause runs to the sentence's end: the sentence's own end punctuation
        (
            "骨科领域，威高骨科和大博医疗在关节集采中以较低报价中标，进口品牌强生和捷迈邦美的份额则明显下降。",
            "…进口品牌强生和捷迈邦美的份额则明显下降",
            "…进口品牌强生和捷迈邦美的份额则明显下降。",
        ),
        (
            "Pfizer shifted focus to innovative medicines and vaccines that VBP does not cover.",
            "…Pfizer shifted focus to innovative medicines and vaccines that VBP does not cover",
            "…Pfizer shifted focus to innovative medicines and vaccines that VBP does not cover.",
        ),
        # cut before the end: its ellipsis, as the model cut it
        (
            "骨科领域，威高骨科和大博医疗在关节集采中以较低报价中标，进口品牌强生和捷迈邦美的份额则明显下降。",
            "…威高骨科和大博医疗在关节集采中以较低报价中标…",
            "…威高骨科和大博医疗在关节集采中以较低报价中标…",
        ),
    ],
)
def test_a_case_move_that_runs_to_its_sentences_end_ends_as_it_does(
    sentence: str, move: str, shown: str
) -> None:
    from briefing.render import QuoteBook

    doc = make_document("a.txt", "x")
    doc.language = "zh-Hans"
    model = make_briefing(documents=[doc], takeaways=[sentence], companies=[make_company("强生")])
    book = QuoteBook(model)
    assert book.about(move, model.companies[0]) == shown


def test_a_clause_shown_in_a_case_row_is_not_listed_again_under_the_case() -> None:
    """seeds: '目前产业互联网领域2C产业互联网的代表当属阿里45亿投资的汇通达…' stood in the
    takeaways (in full), in 阿里巴巴's row, under 阿里巴巴 and under 汇通达: a clause shown
    once under an organisation is not a bullet again; a move not shown yet still is."""
    from types import SimpleNamespace

    from briefing.render import QuoteBook

    said = "目前产业互联网领域2C产业互联网的代表当属阿里45亿投资的汇通达，该公司服务赋能了国内8万个农村的夫妻店。"
    other = "阿里巴巴进行了新一轮组织结构升级，以加强技术、智能互联网的投入和建设。"
    doc = make_document("a.txt", "x")
    doc.language = "zh-Hans"
    model = make_briefing(documents=[doc], takeaways=[said, other], companies=[make_company("阿里巴巴")])
    company = model.companies[0]
    company.aliases = ["阿里巴巴", "阿里"]
    book = QuoteBook(model)
    book.quote(said)  # the takeaway, in full
    row = book.about(said, company)  # the case row: its clause
    assert row.startswith("目前产业互联网领域") and row.endswith("…")
    moves = [SimpleNamespace(text=said), SimpleNamespace(text=other)]
    assert [m.text for m in book.told(moves, company)] == [other]

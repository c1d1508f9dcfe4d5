"""`briefing corpus seeds --json` on the five sample files."""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import SEEDS, docs_by_prefix

from briefing.model import Corpus

TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_ANNOTATION_RE = re.compile(f"[(（][a-zü{TONES}]*[{TONES}][a-zü{TONES}]*[)）]")
TONED_SYLLABLE_RE = re.compile(f"[a-zü{TONES}]*[{TONES}][a-zü{TONES}]*")
FOOTER_WORDS = (
    "ICP",
    "copyright",
    "all right",
    "技術支持",
    "技术支持",
    "服務熱線",
    "服务热线",
    "本文為作者獨立觀點",
    "本文为作者独立观点",
    "不代表本網站立場",
    "經營許可證",
)
COMMENT_FORM = ("Leave a Reply", "Your email address", "Required fields are marked")


@pytest.fixture(scope="module")
def seeds_result() -> tuple[str, dict[str, Any]]:
    from conftest import _run_cli

    result = _run_cli("-q", "corpus", SEEDS, "--json")
    assert result.exception is None, result.exception
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.json()


@pytest.fixture(scope="module")
def seeds(seeds_result: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return seeds_result[1]


@pytest.fixture(scope="module")
def docs(seeds: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return docs_by_prefix(seeds)


def test_five_documents_nothing_skipped(seeds: dict[str, Any]) -> None:
    assert len(seeds["documents"]) == 5
    assert seeds["skipped"] == []
    paths = [d["path"] for d in seeds["documents"]]
    assert paths == sorted(p.name for p in SEEDS.iterdir())


def test_languages_and_kinds(docs: dict[str, dict[str, Any]]) -> None:
    assert {k: d["language"] for k, d in docs.items()} == {
        "000": "zh-Hant",
        "001": "zh-Hant",
        "002": "en",
        "003": "zh-Hans",
        "004": "zh-Hans",
    }
    assert {k: d["kind"] for k, d in docs.items()} == {
        "000": "article",
        "001": "article",
        "002": "article",
        "003": "article",
        "004": "memo",
    }
    assert docs["004"]["format"] == "markdown"
    for key in ("000", "001", "002", "003"):
        assert docs[key]["format"] == "text"


def test_titles(docs: dict[str, dict[str, Any]]) -> None:
    assert docs["002"]["title"] == "What are the key points of the well-established industrial Internet?"
    assert docs["003"]["title"] == "产业互联网：一场以“升级”为底色的新进化"
    assert docs["004"]["title"] == "阿里-产业互联网-190912"
    # A title line is metadata: it does not open the body as well.
    for key in ("002", "003", "004"):
        assert not docs[key]["text"].startswith(docs[key]["title"])


@pytest.mark.parametrize("key", ["000", "001"])
def test_title_from_first_sentence(docs: dict[str, dict[str, Any]], key: str) -> None:
    doc = docs[key]
    title = doc["title"]
    assert title and len(title.rstrip("…")) >= 8
    assert title[-1] not in "。.，,"
    first_sentence = re.split(r"(?<=[。！？!?])", doc["text"], maxsplit=1)[0]
    assert first_sentence.startswith(title.rstrip("…"))
    # Neither the page metadata nor the byline becomes the title.
    assert "發布" not in title and "文/" not in title
    assert "no title line: title taken from the first sentence" in doc["warnings"]


def test_dates_authors_sources(docs: dict[str, dict[str, Any]]) -> None:
    assert {k: d["date"] for k, d in docs.items()} == {
        "000": "2021-06-23",
        "001": None,
        "002": None,
        "003": None,
        "004": "2019-09-12",
    }
    assert docs["001"]["author"] == "孟永輝"
    assert docs["000"]["source_url"] == "http://zixun.99114.com/"
    assert docs["000"]["source_site"] == "網庫"
    for key in ("001", "002", "003"):
        assert "no date found" in docs[key]["warnings"]
    # The byline leaves the body.
    assert "孟永輝" not in docs["001"]["text"]


def test_no_pinyin_annotation_left(docs: dict[str, dict[str, Any]]) -> None:
    for doc in docs.values():
        for field in ("text", "text_simplified"):
            if doc[field]:
                assert not PINYIN_ANNOTATION_RE.search(doc[field]), (
                    doc["path"],
                    PINYIN_ANNOTATION_RE.search(doc[field]),
                )
    # 001 carried ruby pinyin on every character: hundreds were stripped.
    counts = {c["rule"]: c["count"] for c in docs["001"]["cleaning"]}
    assert counts["strip_pinyin_annotations"] > 300


def test_pinyin_residue_only_inside_garbled_spans(docs: dict[str, dict[str, Any]]) -> None:
    """Where mojibake ate a "(", the rest of "(shì)" may survive: only inside a garbled span."""
    for doc in docs.values():
        spans = [(g["start"], g["end"]) for g in doc["garbled"]]
        for m in TONED_SYLLABLE_RE.finditer(doc["text"]):
            assert any(a <= m.start() and m.end() <= b for a, b in spans), (doc["path"], m.group())


def test_no_html_remnants(docs: dict[str, dict[str, Any]]) -> None:
    for doc in docs.values():
        text = doc["text"]
        for remnant in ("</span>", "<", "span>", "&nbsp;", "&amp;", "**"):
            assert remnant not in text, (doc["path"], remnant)


def test_no_footer_lines(docs: dict[str, dict[str, Any]]) -> None:
    for doc in docs.values():
        lowered = doc["text"].lower()
        for word in FOOTER_WORDS:
            assert word.lower() not in lowered, (doc["path"], word)
        assert "010-59231580" not in doc["text"]
        assert "注:文章來源" not in doc["text"]
    removed = {
        k: {c["rule"]: c["count"] for c in d["cleaning"]}.get("remove_boilerplate", 0)
        for k, d in docs.items()
    }
    assert removed["000"] >= 2  # page metadata line and the source note
    assert removed["001"] == 3  # licence, copyright, hotline
    assert removed["002"] >= 2  # comment form


def test_no_lost_space_runs(docs: dict[str, dict[str, Any]]) -> None:
    for doc in docs.values():
        assert not re.search(r"\?\s+\?", doc["text"]), doc["path"]


def test_no_comment_form(docs: dict[str, dict[str, Any]]) -> None:
    for doc in docs.values():
        for phrase in COMMENT_FORM:
            assert phrase not in doc["text"], (doc["path"], phrase)
    assert docs["002"]["text"].endswith("perhaps is the real sense of the industrial Internet?")


def test_real_parentheses_intact_in_memo(docs: dict[str, dict[str, Any]]) -> None:
    text = docs["004"]["text"]
    for real in (
        "SaaS(软件即服务)",
        "IoT（物联网）",
        "(2019 年产业互联网白皮书，p6)",
        "(技术、金融等)",
        "(CSIG，即Cloud and Smart Industries Group)",
    ):
        assert real in text, real
    # The emphasis markers CommonMark could not pair are gone, the words stay.
    assert "阿里巴巴刘松特别强调消费互联网是产业互联网的前奏" in text


def test_broken_lines_rejoined_in_003(docs: dict[str, dict[str, Any]]) -> None:
    text = docs["003"]["text"]
    assert "高效对接。因此，如果我们对产业互联网的商业模式" in text
    for joined in (
        "AI不只是一个技术、工具，更是一种思维方式，它能够帮助我们",
        "互联网所扮演的是“孵化器”的作用",
        "深入到了产业的方方面面",
        "数据的更新速度慢",
        "在产业界落地的另一个关键点",
    ):
        assert joined in text, joined
    paragraphs = text.split("\n\n")
    for p in paragraphs:
        assert not p.startswith(("此，", "的", "是“孵化器”", "地的另一个", "思维方式")), p
    # The numbered points stay headings of their own.
    assert "1、模式的升级" in paragraphs
    assert [h["number"] for h in docs["003"]["headings"] if h["level"] == 3] == [1, 2, 3, 1, 2, 3]


def test_memo_todos(docs: dict[str, dict[str, Any]]) -> None:
    todos = docs["004"]["todos"]
    assert [(t["text"], t["done"]) for t in todos] == [
        ("按两种模式整理阿里的具体布局案例，以图表方式呈现", False),
        (
            "提炼出阿里赢过腾讯的论点，是平台设施模式或深耕产业或两者皆是？阿里比腾讯的先天优势？"
            "阿里较逊色与腾讯，但极力补足的有哪些？",
            False,
        ),
        ("跳出以上资料的局限，还可能从哪些角度论证阿里赢过腾讯", False),
    ]
    # Each keeps the label it stood under and the form it was written in.
    assert {(t["section"], t["form"]) for t in todos} == {("TO DO", "item")}
    # Lifted sections leave the body.
    text = docs["004"]["text"]
    for lifted in ("TO DO", "按两种模式整理", "参考文献", "changelog", "190912 add", "http"):
        assert lifted not in text, lifted


def test_memo_references(docs: dict[str, dict[str, Any]]) -> None:
    refs = docs["004"]["references"]
    assert len(refs) == 9
    for ref in refs:
        url = ref["url"]
        assert url, ref
        parts = urlsplit(url)
        assert parts.scheme in ("http", "https") and parts.netloc, url
        assert not any(c in url for c in "[]() \"'<>"), url
        assert ref["title"] and ref["title"] != url
        assert not any(c in ref["title"] for c in "[]") and "http" not in ref["title"], ref["title"]
    urls = [r["url"] for r in refs]
    assert "http://www.aliresearch.com/Blog/Article/detail/id/21641.html" in urls
    assert "http://www.woshipm.com/it/2411299.html" in urls
    assert "http://chinaidac.org/" in urls
    assert len(set(urls)) == len(urls)
    titles = [r["title"] for r in refs]
    assert "阿里巴巴刘松：产业互联网时代，创业者的机遇在哪？" in titles
    assert "《2019产业互联网白皮书》by 产业互联网研究中心" in titles


def test_memo_changelog_and_data_gap(docs: dict[str, dict[str, Any]]) -> None:
    memo = docs["004"]
    assert [e["date"] for e in memo["changelog"]] == ["2019-09-12"]
    assert memo["changelog"][0]["text"] == "add"
    (gap,) = memo["data_gaps"]
    assert gap["text"] == "「时间点」"
    assert "阿里云的合作伙伴数量已超过8000家" in gap["context"]
    paragraphs = memo["text"].split("\n\n")
    assert "「时间点」" in paragraphs[gap["paragraph"]]
    for key in ("000", "001", "002", "003"):
        assert docs[key]["data_gaps"] == []
        assert docs[key]["todos"] == [] and docs[key]["references"] == [] and docs[key]["changelog"] == []


def test_garbled_spans(docs: dict[str, dict[str, Any]]) -> None:
    garbled = docs["001"]["garbled"]
    assert len(garbled) >= 5
    text = docs["001"]["text"]
    for span in garbled:
        assert text[span["start"] : span["end"]] == span["text"]
        assert span["text"].strip()
        assert text[: span["start"]].count("\n\n") == span["paragraph"]
        if docs["001"]["text_simplified"]:
            assert len(docs["001"]["text_simplified"]) == len(text)
    assert [g["start"] for g in garbled] == sorted(g["start"] for g in garbled)
    assert any(f"{len(garbled)} garbled span(s)" in w for w in docs["001"]["warnings"])
    # Mojibake sentences are flagged; the clean sentences around them are not.
    assert any("?" in g["text"] for g in garbled)
    for clean in (
        "盡管很多人并不愿意承認,但是,產業互聯網還是會陷入到流量的陷阱之中。",
        "產業革命難道就不需要燒錢了嗎?非也。",
    ):
        start = text.index(clean)
        assert not any(g["start"] < start + len(clean) and g["end"] > start for g in garbled), clean
    for key in ("000", "002", "003", "004"):
        assert docs[key]["garbled"] == [], key


def test_document_invariants(seeds: dict[str, Any]) -> None:
    for doc in seeds["documents"]:
        assert doc["chars"] == len(doc["text"])
        assert doc["sha256"] == hashlib.sha256(doc["text"].encode("utf-8")).hexdigest()
        assert doc["encoding"] == "utf-8"
        assert "\n\n\n" not in doc["text"] and doc["text"] == doc["text"].strip()
        if doc["language"] == "zh-Hant":
            assert doc["text_simplified"] and len(doc["text_simplified"]) == len(doc["text"])
            assert doc["text_simplified"] != doc["text"]
        else:
            assert doc["text_simplified"] is None
        n = len(doc["text"].split("\n\n"))
        for h in doc["headings"]:
            assert 0 <= h["paragraph"] < n
            assert h["text"] and h["text"] in doc["text"].split("\n\n")[h["paragraph"]]


def test_json_is_deterministic_and_round_trips(
    seeds_result: tuple[str, dict[str, Any]], run_cli: Any
) -> None:
    stdout, data = seeds_result
    again = run_cli("-q", "corpus", SEEDS, "--json")
    assert again.exit_code == 0
    assert again.stdout == stdout
    corpus = Corpus.from_dict(data)
    assert corpus.to_dict() == data
    assert [d.path for d in corpus.documents] == [d["path"] for d in data["documents"]]
    assert corpus.documents[4].todos[0].done is False


def test_table_output(run_cli: Any) -> None:
    result = run_cli("-q", "corpus", SEEDS)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["path", "language", "kind", "date"]
    for name in sorted(p.name for p in SEEDS.iterdir()):
        assert any(line.startswith(name) for line in lines), name
    assert "5 document(s), 0 skipped" in result.stdout
    assert result.stderr == ""


def test_progress_goes_to_stderr(run_cli: Any) -> None:
    result = run_cli("corpus", SEEDS, "--json")
    assert result.exit_code == 0
    assert len(result.json()["documents"]) == 5
    assert "read 000_9063a5ea4410e0b5.txt" in result.stderr


def test_default_source_is_seeds(run_cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(SEEDS.parent)
    local = run_cli("-q", "corpus", "--json")
    assert local.exit_code == 0
    assert len(local.json()["documents"]) == 5
    # Elsewhere the bundled copy of the seeds is read.
    monkeypatch.chdir(tmp_path)
    bundled = run_cli("-q", "corpus", "--json")
    assert bundled.exit_code == 0
    assert [d["sha256"] for d in bundled.json()["documents"]] == [
        d["sha256"] for d in local.json()["documents"]
    ]

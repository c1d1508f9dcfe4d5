"""Reading a source folder: decoding, skipping, formats and the `briefing corpus` command."""

from __future__ import annotations

import codecs
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPORA, SEEDS, write_text

from briefing.formats import Unreadable, decode
from briefing.model import Corpus
from briefing.readers import read_corpus

SIMPLIFIED_SEED = SEEDS / "003_b2ba2a936e619039.txt"
TRADITIONAL_SEED = SEEDS / "000_9063a5ea4410e0b5.txt"
SIMPLIFIED_OWN = CORPORA / "nev" / "01_price_war_zh-hans.txt"
TRADITIONAL_OWN = CORPORA / "nev" / "02_battery_routes_zh-hant.txt"  # stored as Big5
HTML_OWN = CORPORA / "healthcare" / "02_hk_biotech_zh-hant.html"

TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:]*(?:\s[^<>]*)?/?>")


def _source_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("big5")


def _gbk_encodable(char: str) -> bool:
    try:
        char.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _variants(text: str, script: str) -> dict[str, bytes]:
    """The same document as the bytes a clipping tool might have saved."""
    out = {
        "utf-8": text.encode("utf-8"),
        "utf-8-bom": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf-16": text.encode("utf-16"),  # native byte order, with BOM
        "utf-16-be-bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "utf-8-crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "utf-8-cr": text.replace("\n", "\r").encode("utf-8"),
        "gb18030": text.encode("gb18030"),
        "gb18030-crlf": text.replace("\n", "\r\n").encode("gb18030"),
    }
    if script == "zh-Hans":
        if all(_gbk_encodable(c) for c in text):
            out["gbk"] = text.encode("gbk")
    else:
        out["big5"] = text.encode("big5")
        out["big5-crlf"] = text.replace("\n", "\r\n").encode("big5")
    return out


_EXPECTED_ENCODING = {
    "utf-8": "utf-8",
    "utf-8-bom": "utf-8-sig",
    "utf-16": "utf-16",
    "utf-16-be-bom": "utf-16",
    "utf-8-crlf": "utf-8",
    "utf-8-cr": "utf-8",
    "gb18030": "gb18030",
    "gb18030-crlf": "gb18030",
    "gbk": "gb18030",  # GB18030 is a superset of GBK
    "big5": "big5",
    "big5-crlf": "big5",
}


@pytest.mark.parametrize(
    ("source", "script"),
    [
        (SIMPLIFIED_SEED, "zh-Hans"),
        (TRADITIONAL_SEED, "zh-Hant"),
        (SIMPLIFIED_OWN, "zh-Hans"),
        (TRADITIONAL_OWN, "zh-Hant"),
    ],
    ids=["seed-simplified", "seed-traditional", "own-simplified", "own-traditional"],
)
def test_same_document_in_every_encoding_gives_the_same_text(
    tmp_path: Path, corpus_json: Any, source: Path, script: str
) -> None:
    text = _source_text(source)
    variants = _variants(text, script)
    assert len(variants) >= 8
    for name, raw in variants.items():
        (tmp_path / f"{name}.txt").write_bytes(raw)
    docs = {d["path"].removesuffix(".txt"): d for d in corpus_json(tmp_path)["documents"]}
    assert sorted(docs) == sorted(variants)
    base = docs["utf-8"]
    assert base["language"] == script
    assert base["text"] and "\r" not in base["text"] and "\ufeff" not in base["text"]
    for name, doc in docs.items():
        assert doc["encoding"] == _EXPECTED_ENCODING[name], name
        for key in ("text", "title", "date", "author", "language", "kind", "sha256", "headings", "garbled"):
            assert doc[key] == base[key], (name, key)


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("比亚迪2023年销量302万辆。", "gbk", "gb18030"),
        ("集采四年，医疗器械行业的洗牌与突围", "gbk", "gb18030"),
        ("阿里巴巴", "gbk", "gb18030"),
        ("比亞迪2023年銷量302萬輛。", "big5", "big5"),
        ("港股生物科技", "big5", "big5"),
        ("百濟神州與信達生物", "big5", "big5"),
        ("台積電", "big5", "big5"),
    ],
)
def test_short_chinese_files_decode_with_the_right_codec(text: str, encoding: str, expected: str) -> None:
    assert decode(text.encode(encoding)) == (text, expected)


# ------------------------------------------------------------------- skipping


def _binary_files(folder: Path) -> dict[str, str]:
    """Write unusable files; return name → the start every reason must have."""
    rng = random.Random(20240305)
    (folder / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + rng.randbytes(2048))
    (folder / "random.bin").write_bytes(rng.randbytes(8192))
    (folder / "nul.txt").write_bytes(("正文内容" * 50).encode("utf-8") + b"\x00\x00\x00" + b"abc" * 100)
    (folder / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    (folder / "slides.txt").write_bytes(b"PK\x03\x04" + rng.randbytes(512))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("   \n\n\t  \n\u3000\n", encoding="utf-8")
    (folder / "blank16.txt").write_bytes(" \r\n \r\n".encode("utf-16"))
    return {
        "chart.png": "binary file",
        "random.bin": "binary file",
        "nul.txt": "binary file",
        "report.pdf": "binary file",
        "slides.txt": "binary file",
        "empty.txt": "empty file",
        "blank.md": "only whitespace",
        "blank16.txt": "only whitespace",
    }


def test_unusable_files_are_skipped_with_a_one_line_reason(tmp_path: Path, run_cli: Any) -> None:
    expected = _binary_files(tmp_path)
    write_text(tmp_path / "good.txt", "储能行业的三个变化\n\n2023年，中国新型储能新增装机规模约22.6GW。\n")

    result = run_cli("-q", "corpus", tmp_path, "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert [d["path"] for d in data["documents"]] == ["good.txt"]
    skipped = {s["path"]: s["reason"] for s in data["skipped"]}
    assert sorted(skipped) == sorted(expected)
    assert [s["path"] for s in data["skipped"]] == sorted(expected)
    for name, start in expected.items():
        reason = skipped[name]
        assert reason.startswith(start), (name, reason)
        assert "\n" not in reason and len(reason) < 120
    assert skipped["chart.png"] == "binary file (a PNG image)"
    assert skipped["report.pdf"] == "binary file (a PDF file)"

    table = run_cli("-q", "corpus", tmp_path)
    assert table.exit_code == 0, table.stderr
    assert table.exception is None
    for name, reason in skipped.items():
        assert f"  {name}: {reason}\n" in table.stdout
    assert "1 document(s), 8 skipped" in table.stdout


def test_folder_with_only_unusable_files_still_exits_0(tmp_path: Path, run_cli: Any) -> None:
    _binary_files(tmp_path)
    result = run_cli("-q", "corpus", tmp_path, "--json")
    assert result.exit_code == 0
    data = result.json()
    assert data["documents"] == []
    assert len(data["skipped"]) == 8


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n", "only whitespace"),
        (codecs.BOM_UTF8 + b"  \n", "only whitespace"),
        (b"GIF89a" + bytes(range(256)), "binary file (a GIF image)"),
        (b"\xff\xd8\xff\xe0" + bytes(64), "binary file (a JPEG image)"),
        (b"\x1f\x8b\x08" + bytes(64), "binary file (a gzip archive)"),
        (b"hello\x00world" * 10, "binary file (holds NUL bytes)"),
        (bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 50 + b"text", "binary file (holds control bytes)"),
    ],
)
def test_decode_reasons(raw: bytes, reason: str) -> None:
    with pytest.raises(Unreadable) as info:
        decode(raw)
    assert str(info.value) == reason


def test_ten_megabyte_file_is_read(tmp_path: Path) -> None:
    text = SIMPLIFIED_OWN.read_text("utf-8")
    paragraphs = [p for p in text.split("\n\n") if len(p) > 60 and p.endswith("。")]
    assert len(paragraphs) >= 5
    body: list[str] = []
    size = 0
    while size < 10 * 1024 * 1024:
        for p in paragraphs:
            body.append(p)
            size += len(p.encode("utf-8")) + 2
    write_text(tmp_path / "big.txt", "新能源汽车长文合集\n\n" + "\n\n".join(body) + "\n")
    assert (tmp_path / "big.txt").stat().st_size >= 10 * 1024 * 1024

    started = time.perf_counter()
    corpus = read_corpus(tmp_path)
    elapsed = time.perf_counter() - started

    assert corpus.skipped == []
    (doc,) = corpus.documents
    assert doc.title == "新能源汽车长文合集"
    assert doc.paragraphs() == body
    assert doc.chars == len("\n\n".join(body))
    assert doc.garbled == []
    assert elapsed < 20, f"reading 10 MB took {elapsed:.1f} s"


# ------------------------------------------------------------------- folders


def test_hidden_files_and_folders_are_ignored(tmp_path: Path, corpus_json: Any) -> None:
    article = "光伏组件出口观察\n\n2023年中国光伏组件出口约211.7GW，同比增长38%。\n"
    write_text(tmp_path / "visible.txt", article)
    write_text(tmp_path / ".hidden.txt", article)
    write_text(tmp_path / ".git" / "HEAD", "ref: refs/heads/main\n")
    write_text(tmp_path / ".obsidian" / "notes.md", "# 隐藏笔记\n\n不应读取。\n")
    write_text(tmp_path / "sub" / ".cache" / "page.html", "<p>缓存</p>")
    (tmp_path / "sub" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(100))
    write_text(tmp_path / "sub" / "kept.md", "# 光伏\n\n晶科能源2023年组件出货量78.5GW。\n")
    data = corpus_json(tmp_path)
    assert [d["path"] for d in data["documents"]] == ["sub/kept.md", "visible.txt"]
    assert data["skipped"] == []


def test_recursion_into_subfolders_gives_relative_posix_paths(tmp_path: Path, corpus_json: Any) -> None:
    article = "标题\n\n2023年，中国新能源汽车销量达到949.5万辆，同比增长37.9%。\n"
    for rel in ("z.txt", "a.txt", "2024/03/b.txt", "2024/03/deep/c.md", "2023/x.txt"):
        write_text(tmp_path.joinpath(*rel.split("/")), article)
    data = corpus_json(tmp_path)
    paths = [d["path"] for d in data["documents"]]
    assert paths == ["2023/x.txt", "2024/03/b.txt", "2024/03/deep/c.md", "a.txt", "z.txt"]
    for p in paths:
        assert "\\" not in p and not p.startswith("/") and not Path(p).is_absolute()
        assert (tmp_path / p).is_file()


# ------------------------------------------------------------------- formats

FRONT_MATTER_MD = """---
title: "储能电站的收益模式：容量租赁与现货套利"
date: 2024-05-06
author:
  - 赵一鸣
  - 钱程
url: https://www.example.com/energy-storage/revenue
tags: [储能, 电力市场]
---

# 储能电站的收益模式：容量租赁与现货套利

2023年，中国新型储能新增装机规模约22.6GW，是2022年的近三倍。独立储能电站的收入主要来自**容量租赁**、现货市场套利和辅助服务。

## 收益来源

- 容量租赁：新能源电站按年支付租金，约为每年每千瓦时250元。
- 现货套利：山东和山西的峰谷价差在2023年超过0.6元/千瓦时。

宁德时代和比亚迪的储能电芯出货量合计超过全行业的一半。
"""


def test_markdown_front_matter_becomes_metadata(tmp_path: Path, corpus_json: Any) -> None:
    write_text(tmp_path / "storage.md", FRONT_MATTER_MD)
    (doc,) = corpus_json(tmp_path)["documents"]
    assert doc["format"] == "markdown"
    assert doc["title"] == "储能电站的收益模式：容量租赁与现货套利"
    assert doc["date"] == "2024-05-06"
    assert doc["author"] == "赵一鸣, 钱程"
    assert doc["source_url"] == "https://www.example.com/energy-storage/revenue"
    text = doc["text"]
    for leak in ("---", "title:", "tags:", "author:", "url:", "**", "# ", "- 容量"):
        assert leak not in text, leak
    paragraphs = text.split("\n\n")
    assert paragraphs[0].startswith("2023年，中国新型储能新增装机规模约22.6GW")
    assert "收益来源" in paragraphs
    assert "容量租赁：新能源电站按年支付租金，约为每年每千瓦时250元。" in paragraphs
    assert any(h["text"] == "收益来源" and h["level"] == 2 for h in doc["headings"])
    assert doc["kind"] == "article"


def test_markdown_front_matter_in_the_healthcare_corpus(corpus_json: Any) -> None:
    docs = {d["path"]: d for d in corpus_json(CORPORA / "healthcare")["documents"]}
    doc = docs["03_vbp_multinationals_en.md"]
    assert doc["title"] == "Volume-based procurement: what China's drug price cuts mean for multinationals"
    assert (doc["date"], doc["author"]) == ("2024-02-27", "Priya Raman")
    assert doc["source_url"] == "https://www.example-pharmaweekly.com/analysis/china-vbp-multinationals"
    assert "AstraZeneca remains the largest multinational drugmaker in China." in doc["text"]


SAMPLE_HTML = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>光伏组件价格跌破每瓦1元 | 能源周刊</title>
<meta name="author" content="周晓">
<meta name="pubdate" content="2024-02-19">
<meta property="og:url" content="https://www.example-energy.com/pv/price">
<meta property="og:site_name" content="能源周刊">
<style>.lead { font-weight: bold; }</style>
<script>var tracking = "ICP备12345678号";</script>
</head>
<body>
<nav><ul><li><a href="/">首页</a></li><li><a href="/pv">光伏</a></li></ul></nav>
<div class="content">
<h1>光伏组件价格跌破每瓦1元</h1>
<p class="lead">2023年底，<strong>晶科能源</strong>、<a href="https://example.com/longi">隆基绿能</a>等企业的组件报价跌破每瓦1元，较年初下降约40%。</p>
<p>业内人士认为，价格战将持续到2024年&nbsp;下半年，<em>二三线企业</em>的生存压力最大。<br>
欧洲市场的库存仍然高企。</p>
<h2>出口数据</h2>
<p>2023年中国光伏组件出口约211.7GW，同比增长38%&#xff0c;但出口金额下降。</p>
<ul><li>欧洲：约占出口的一半</li><li>印度与巴西：增长最快</li></ul>
</div>
<footer><p>Copyright &copy; 2024 能源周刊 版权所有</p><p>京ICP备12345678号</p></footer>
</body></html>
"""


def test_html_markup_is_stripped_and_metadata_read(tmp_path: Path, corpus_json: Any) -> None:
    write_text(tmp_path / "pv.html", SAMPLE_HTML)
    (doc,) = corpus_json(tmp_path)["documents"]
    assert doc["format"] == "html"
    assert doc["title"] == "光伏组件价格跌破每瓦1元"  # the <h1>, without the site name <title> adds
    assert doc["author"] == "周晓"
    assert doc["date"] == "2024-02-19"
    assert doc["source_url"] == "https://www.example-energy.com/pv/price"
    assert doc["source_site"] == "能源周刊"
    text = doc["text"]
    assert not TAG_RE.search(text), TAG_RE.search(text)
    assert "&nbsp;" not in text and "&#" not in text and "&copy;" not in text
    for chrome in ("首页", "font-weight", "tracking", "版权所有", "ICP备", "https://example.com/longi"):
        assert chrome not in text, chrome
    paragraphs = text.split("\n\n")
    # Links are reduced to their text; inline markup leaves its words in place.
    assert paragraphs[0] == "2023年底，晶科能源、隆基绿能等企业的组件报价跌破每瓦1元，较年初下降约40%。"
    assert "出口数据" in paragraphs
    assert "2023年中国光伏组件出口约211.7GW，同比增长38%，但出口金额下降。" in paragraphs
    assert "欧洲：约占出口的一半" in paragraphs
    assert any(p.startswith("业内人士认为，价格战将持续到2024年下半年") for p in paragraphs)
    assert any(h["text"] == "出口数据" for h in doc["headings"])


def test_html_fixture_from_the_healthcare_corpus(corpus_json: Any) -> None:
    (doc,) = [d for d in corpus_json(CORPORA / "healthcare")["documents"] if d["path"] == HTML_OWN.name]
    assert doc["format"] == "html"
    assert doc["language"] == "zh-Hant"
    assert doc["title"] == "港股生物科技：百濟神州與信達生物走出寒冬了嗎？"
    assert (doc["author"], doc["date"]) == ("梁嘉欣", "2024-01-15")
    assert doc["source_url"] == "https://www.example-hkfinance.com/biotech/2024/01/beigene-innovent"
    assert doc["source_site"] == "香港財經週報"
    assert not TAG_RE.search(doc["text"])
    for chrome in ("首頁", "登入", "熱門文章", "dataLayer", "line-height", "Copyright", "文／梁嘉欣"):
        assert chrome not in doc["text"], chrome
    # The <h1> repeats the title: it is metadata, not the first paragraph.
    assert not doc["text"].startswith("港股生物科技")
    assert "隨着澤布替尼在慢性淋巴細胞白血病適應症的滲透率提升" in doc["text"]
    assert [h["number"] for h in doc["headings"]] == [1, 2, 3]


MARKDOWN_HTML_BODY = """---
title: 储能电站的收益模式
date: 2024-05-06
author: 赵一鸣
url: https://www.example.com/storage
---

<div class="article">
<p>2023年，中国新型储能新增装机规模约22.6GW，是2022年的近三倍。</p>
<p>独立储能电站的收入主要来自<a href="https://example.com/lease">容量租赁</a>和现货市场&nbsp;套利，<span style="color:red">山东</span>的峰谷价差最大。</p>
<p>宁德时代和比亚迪的储能电芯出货量合计超过全行业的一半。</p>
</div>
"""


def test_markdown_with_an_html_body(tmp_path: Path, corpus_json: Any) -> None:
    write_text(tmp_path / "storage.md", MARKDOWN_HTML_BODY)
    (doc,) = corpus_json(tmp_path)["documents"]
    assert doc["format"] == "markdown"
    assert (doc["title"], doc["date"], doc["author"]) == ("储能电站的收益模式", "2024-05-06", "赵一鸣")
    assert doc["source_url"] == "https://www.example.com/storage"
    assert not TAG_RE.search(doc["text"])
    assert doc["text"].split("\n\n") == [
        "2023年，中国新型储能新增装机规模约22.6GW，是2022年的近三倍。",
        "独立储能电站的收入主要来自容量租赁和现货市场套利，山东的峰谷价差最大。",
        "宁德时代和比亚迪的储能电芯出货量合计超过全行业的一半。",
    ]


# ------------------------------------------------------------------- errors


def test_missing_source_folder_is_a_one_line_error(tmp_path: Path, run_cli: Any) -> None:
    missing = tmp_path / "no-such-folder"
    for args in (("corpus", missing), ("corpus", missing, "--json")):
        result = run_cli(*args)
        assert result.exit_code != 0
        assert result.exception is None, result.exception
        assert result.stdout == ""
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("Error:")
        assert "not found" in lines[0] and "no-such-folder" in lines[0]
        assert "Traceback" not in result.stderr


def test_missing_source_folder_through_the_console_entry_point(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "corpus", str(tmp_path / "gone")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert [line for line in proc.stderr.splitlines() if line.strip()] == [
        f"Error: source folder not found: {tmp_path / 'gone'}"
    ]


def test_read_corpus_round_trips_through_json(tmp_path: Path) -> None:
    write_text(tmp_path / "a.md", FRONT_MATTER_MD)
    write_text(tmp_path / "b.html", SAMPLE_HTML)
    (tmp_path / "c.bin").write_bytes(b"\x89PNG\r\n\x1a\n")
    corpus = read_corpus(tmp_path)
    again = Corpus.from_dict(corpus.to_dict())
    assert again == corpus
    assert [s.path for s in again.skipped] == ["c.bin"]


@pytest.mark.parametrize(
    ("text", "place", "opening"),
    [
        # a plain-text headline as its own paragraph, then the wire story
        (
            "Copper miners cut output as prices slide\n\nSANTIAGO, May 4 (Reuters) - Chile's copper miners "
            "cut output by 3% in April.\n\nPrices fell again.\n",
            "SANTIAGO",
            "Chile's copper miners",
        ),
        (
            "Tyre makers raise prices\n\nMILAN — Pirelli raised prices by 4% on Monday.\n",
            "MILAN",
            "Pirelli raised",
        ),
        # a first paragraph that is a sentence, not a headline: the next one's capitals stay
        (
            "Steel output fell 3% in April.\n\nBEIJING — the second paragraph is no dateline.\n",
            None,
            "Steel output fell",
        ),
    ],
)
def test_a_wire_dateline_after_a_plain_text_headline_is_metadata(
    tmp_path: Path, text: str, place: str | None, opening: str
) -> None:
    write_text(tmp_path / "story.txt", text)
    (doc,) = read_corpus(tmp_path).documents
    assert doc.place == place
    assert opening in doc.text and (
        place is None or (f"{place}," not in doc.text and f"{place} —" not in doc.text)
    )

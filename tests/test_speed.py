"""The speed work of issue 15 changes how answers are found, never the answers.

Each faster path is compared here with the plain loop it replaced, on cases
that could tell them apart (overlapping words, several occurrences, brackets,
long documents). Speed itself is measured by ``python -m briefing.bench``.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest

from briefing.analysis import companies, document, themes
from briefing.analysis.roles import mask_parentheses
from briefing.matching import WordSet
from briefing.model import Corpus
from briefing.nlp import split_sentences
from briefing.readers import read_corpus

CORPORA = Path(__file__).parent / "fixtures" / "corpora"

WORDS = ["价格战", "价格", "替代", "国产替代", "ab", "abc", "bcd"]
TEXTS = ["", "打价格战吧", "国产替代与价格", "xabcdx", "没有", "价格价格战替代", "ab"]


@pytest.mark.parametrize("text", TEXTS)
def test_a_word_set_answers_as_the_loop_over_its_words(text: str) -> None:
    words = WordSet(WORDS)
    assert words.any_in(text) == any(w in text for w in WORDS)
    assert words.found_in(text) == {w for w in WORDS if w in text}
    every = [(i, i + len(w)) for w in WORDS for i in range(len(text)) if text.startswith(w, i)]
    assert sorted(words.spans(text)) == sorted(every)  # overlapping occurrences included


def test_an_empty_word_set_finds_nothing() -> None:
    empty = WordSet(["", ""])
    assert not empty
    assert not empty.any_in("任何文字") and empty.found_in("任何文字") == set()
    assert list(empty.spans("任何文字")) == []


@pytest.mark.parametrize(
    "label", ["息差收窄", "电动车", "集采压价与国产替代", "价格战", "医疗器械", "", "电池降本"]
)
def test_is_argument_matches_the_loop_over_argument_words(label: str) -> None:
    assert themes.is_argument(label) == any(w in label for w in themes._argument_words())


def _listed_by_regex(term: str, text: str) -> bool:
    """The rule as first written, with a regex per term."""
    found = False
    for m in re.finditer(re.escape(term), text):
        found = True
        left = max(text.rfind(c, 0, m.start()) for c in "，,；;：:。") + 1
        ends = [i for i in (text.find(c, m.end()) for c in "，,；;：:。") if i != -1]
        clause = text[left : min(ends) if ends else len(text)]
        before = text[m.start() - 1 : m.start()]
        after = text[m.end() : m.end() + 1]
        if clause.count("、") < 2 or not (
            before in ("、", "和", "与", "及") or after in ("、", "等", "和", "与", "及")
        ):
            return False
    return found


@pytest.mark.parametrize(
    ("term", "text"),
    [
        ("金融", "游戏、视频、金融、零售、电商等"),
        ("金融", "游戏、视频、金融，金融是核心"),  # listed once, argued once
        ("金融", "金融和保险、证券"),
        ("金融", "没有列表"),
        ("视频", "游戏、视频"),  # two items: no list of three
        ("电商", "游戏、视频、金融、零售、电商等；电商、物流、支付"),
        ("a+b", "x、a+b、y、z"),  # regex metacharacters in a term
    ],
)
def test_a_listed_term_is_found_as_before(term: str, text: str) -> None:
    assert themes._listed(term, text) == _listed_by_regex(term, text)


def _mask_by_loop(text: str) -> str:
    out = list(text)
    depth = 0
    for i, ch in enumerate(text):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(depth - 1, 0)
        elif depth:
            out[i] = "□"
    masked = "".join(out)
    masked = re.sub(r"(?<=[a-z0-9%)])\.(?=[A-Z\"“<])", "。", masked)
    return re.sub(r" (?=(?:while|whereas|but|compared with|vs\.?|versus) )", ",", masked)


@pytest.mark.parametrize(
    "text",
    [
        "宝钢股份(600019，收盘价5.92元)上涨",
        "没有括号，也有逗号。",
        "a) 右括号在前（内，容）",
        "economy.Alibaba's while x",
    ],
)
def test_brackets_are_masked_as_before(text: str) -> None:
    assert mask_parentheses(text) == _mask_by_loop(text)


def _split_by_steps(text: str) -> list[tuple[int, int]]:
    """split_sentences as it was: one step per character (the same function with
    the jump disabled by a pattern that matches everywhere)."""
    from briefing import nlp

    saved = nlp._BREAK_RE
    nlp._BREAK_RE = re.compile(r"[\s\S]")
    try:
        return nlp.split_sentences(text)
    finally:
        nlp._BREAK_RE = saved


@pytest.mark.parametrize(
    "text",
    [
        "比亚迪发布新车。销量增长三成！他说：“很好。”刘松告诉我们。",
        "Revenue rose 5.2%. Mr. Smith said so. 1. From the top.",
        "第一句；" + "长" * 160 + "；后面。",
        "没有句号的段落",
        "她问“为什么？”然后走了。",
    ],
)
def test_sentences_split_as_before(text: str) -> None:
    assert split_sentences(text) == _split_by_steps(text)


def _analysed(folder: Path) -> tuple[Corpus, list[document.DocAnalysis]]:
    corpus = read_corpus(folder)
    return corpus, [document.analyse_document(d) for d in corpus.documents]


@pytest.mark.parametrize("name", ["banks", "nev"])
def test_the_companies_index_gives_what_the_scans_gave(name: str) -> None:
    corpus, analyses = _analysed(CORPORA / name)
    docs = corpus.documents
    canonical, _ = companies._merge_names(analyses)
    index = companies._Index(analyses, canonical)
    names = {m.name for a in analyses for m in a.mentions} | {
        f.org for a in analyses for f in a.figures if f.org
    }
    assert names
    for name_ in sorted(names):
        members = {n for n, c in canonical.items() if c == name_} | {name_}
        assert index.members.get(name_, set()) | {name_} == members
        assert companies._figures(docs, analyses, members, index) == companies._figures(
            docs, analyses, members
        )
        assert companies._deals_made(analyses, name_, canonical, index) == companies._deals_made(
            analyses, name_, canonical
        )


def test_a_long_document_reports_its_progress(monkeypatch, caplog, tmp_path: Path) -> None:
    monkeypatch.setattr(document, "PROGRESS_MIN", 200)
    monkeypatch.setattr(document, "PROGRESS_EVERY", 100)
    (tmp_path / "long.txt").write_text("\n\n".join(["比亚迪发布了新车型，销量增长三成。"] * 40), "utf-8")
    corpus = read_corpus(tmp_path)
    with caplog.at_level(logging.INFO, logger="briefing.analysis.document"):
        document.analyse_document(corpus.documents[0])
    lines = [r.getMessage() for r in caplog.records if "analysed" in r.getMessage()]
    assert len(lines) >= 3 and lines[0].startswith("long.txt: ")


def test_garbled_sentences_are_flagged_as_before(tmp_path: Path) -> None:
    (tmp_path / "g.txt").write_text("正常的一句话。锟斤拷锟斤拷烫烫烫。又一句正常的话。\n\n第二段。", "utf-8")
    doc = read_corpus(tmp_path).documents[0]
    analysis = document.analyse_document(doc)
    spans = [(g.start, g.end) for g in doc.garbled]
    assert [s.garbled for s in analysis.sentences] == [
        any(gs < s.end and ge > s.start for gs, ge in spans) for s in analysis.sentences
    ]


def test_a_big_file_alone_goes_to_a_worker_with_the_same_result(monkeypatch, tmp_path: Path) -> None:
    from briefing import batch

    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "big.txt").write_text("\n\n".join(["比亚迪发布了新车型，销量增长三成。"] * 30), "utf-8")
    small = batch._local(2, [folder / "big.txt"], 1)
    assert not small.parallel(1)  # below BIG_FILE: in this process
    in_process = batch.read_and_analyse(folder, use_cache=False, workers=2)
    monkeypatch.setattr(batch, "BIG_FILE", 10)
    big = batch._local(2, [folder / "big.txt"], 1)
    assert big.parallel(1) and big.before_fork is None  # a worker of its own, nothing loaded here first
    in_worker = batch.read_and_analyse(folder, use_cache=False, workers=2)
    assert in_worker[0].to_dict() == in_process[0].to_dict()
    assert [a.to_dict() for a in in_worker[1]] == [a.to_dict() for a in in_process[1]]


def test_a_big_result_comes_back_through_a_file_the_same_and_leaves_none(monkeypatch, tmp_path: Path) -> None:
    """A worker hands a big document's result back through a private temporary file
    (not pickled whole down the pool's pipe); the parent reads the same analysis and
    removes the file; a file a killed run left there is cleared first."""
    import os

    from briefing import batch

    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "big.txt").write_text("\n\n".join(["比亚迪发布了新车型，销量增长三成。"] * 30), "utf-8")
    spill = tmp_path / "tmp"
    spill.mkdir()
    left = spill / f".{batch.SPILL_NAME}.999999999.0badc0de.tmp"  # of a run long gone
    left.write_bytes(b"x")
    monkeypatch.setattr(batch.tempfile, "gettempdir", lambda: str(spill))
    in_process = batch.read_and_analyse(folder, use_cache=False, workers=2)
    monkeypatch.setattr(batch, "BIG_FILE", 10)
    monkeypatch.setattr(batch, "SPILL_CHARS", 10)
    monkeypatch.setattr(batch, "SPILL_PART", 3)  # the lists written a few items at a time
    made: list[str] = []
    load = batch.Spilled.load

    def watched(self):
        made.append(self.path)
        assert os.stat(self.path).st_mode & 0o077 == 0  # nobody else's to read
        return load(self)

    monkeypatch.setattr(batch.Spilled, "load", watched)
    in_worker = batch.read_and_analyse(folder, use_cache=False, workers=2)
    assert len(made) == 1 and made[0].startswith(str(spill))
    assert [a.to_dict() for a in in_worker[1]] == [a.to_dict() for a in in_process[1]]
    assert in_worker[0].to_dict() == in_process[0].to_dict()
    assert list(spill.iterdir()) == []  # neither this run's file nor the killed run's


# (rows as (score, doc, sentence, text, paragraph), keep, the (doc, sentence) pairs kept)
_TOP_ROWS = [
    ([(3.0, 0, 1, "a", 0), (2.0, 0, 2, "b", 0), (1.0, 0, 3, "c", 0)], 2, [(0, 1), (0, 2)]),
    # a repeated sentence counts once: its later copy neither takes a place nor comes back
    ([(3.0, 0, 1, "a", 0), (3.0, 0, 7, "a", 2), (1.0, 0, 3, "c", 0)], 2, [(0, 1), (0, 3)]),
    # each document keeps its own best, in the overall rank order
    (
        [(5.0, 1, 0, "x", 0), (4.0, 0, 0, "a", 0), (3.0, 1, 1, "y", 0), (2.0, 0, 1, "b", 0)],
        1,
        [(1, 0), (0, 0)],
    ),
    # the same text in two documents is two sentences
    ([(2.0, 0, 0, "a", 0), (1.0, 1, 0, "a", 0)], 1, [(0, 0), (1, 0)]),
]


@pytest.mark.parametrize(("rows", "keep", "expected"), _TOP_ROWS)
def test_a_theme_keeps_the_best_distinct_sentences_of_each_document(rows, keep, expected) -> None:
    assert [(r[1], r[2]) for r in themes._top_per_document(rows, keep)] == expected


def test_themes_of_long_documents_are_those_of_all_their_sentences(monkeypatch, tmp_path: Path) -> None:
    """Pruning each candidate's sentences to the best of each document changes no
    choice: the fixture folder of another industry, its texts written out four
    times over (long documents, many candidates per sentence), gets the same
    themes, gists and quotes as without the pruning."""
    source = Path(__file__).parent / "fixtures" / "corpora" / "nev"
    for path in sorted(source.iterdir()):
        try:
            head, _, body = path.read_text("utf-8").partition("\n\n")
        except UnicodeDecodeError:  # the Big5 one stays as it is
            (tmp_path / path.name).write_bytes(path.read_bytes())
            continue
        (tmp_path / path.name).write_text(head + "\n\n" + "\n\n".join([body] * 4), "utf-8")
    from briefing.analysis import analyse_all

    corpus = read_corpus(tmp_path)
    analyses = analyse_all(corpus)
    pruned, _ = themes.find_themes(corpus.documents, analyses, max_themes=3)
    monkeypatch.setattr(themes, "_top_per_document", lambda ranked, keep: ranked)
    whole, _ = themes.find_themes(corpus.documents, analyses, max_themes=3)
    assert len(pruned) >= 2
    assert [t.to_dict() for t in pruned] == [t.to_dict() for t in whole]


@pytest.mark.parametrize("name", ["banks", "nev", "healthcare"])
def test_a_document_scanned_in_two_halves_is_analysed_as_in_one_go(monkeypatch, name: str) -> None:
    """Step 1 of a long document runs in two processes (one forked for the second
    half of its paragraphs); the analysis is the one a single pass makes: the
    same sentences, names, figures and owners, and the first discovery of a name kept."""
    from briefing import children

    corpus = read_corpus(CORPORA / name)
    whole = [document.analyse_document(d).to_dict() for d in corpus.documents]
    forks: list[str] = []
    real = children.Forked

    def counted(what, fn, *args):
        forks.append(what)
        return real(what, fn, *args)

    monkeypatch.setattr(document, "SPLIT_MIN", 1)
    monkeypatch.setattr(document, "PART_PARAGRAPHS", 2)  # sent back in many parts
    monkeypatch.setattr(children, "can_fork", lambda: True)
    monkeypatch.setattr(children, "Forked", counted)
    halves = [document.analyse_document(d).to_dict() for d in corpus.documents]
    assert len(forks) == len(corpus.documents)
    assert halves == whole


def test_a_forked_call_returns_its_value_or_raises_its_error() -> None:
    from briefing import children
    from briefing.errors import OutputError

    with children.Forked("adding", lambda a, b: [a + b, os.getpid()], 2, 3) as child:
        value, pid = child.result()
    assert value == 5 and pid != os.getpid()
    with children.Forked("failing", int, "not a number") as child, pytest.raises(ValueError):
        child.result()
    with children.Forked("dying", os._exit, 3) as child, pytest.raises(OutputError, match="exit code 3"):
        child.result()
    parts = children.Stream([i] * i for i in range(4))
    with children.Forked("streaming", lambda: parts) as child:
        assert child.result() == [[], [1], [2, 2], [3, 3, 3]]  # each part pickled on its own

    def broken():
        yield 1
        raise KeyError("part two")

    with children.Forked("streaming", lambda: children.Stream(broken())) as child, pytest.raises(KeyError):
        child.result()


def test_a_forked_child_is_killed_when_the_block_is_left(tmp_path: Path) -> None:
    import time

    from briefing import children

    with children.Forked("sleeping", time.sleep, 60) as child:
        pid = child._pid
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # killed and reaped: no such child any more


def test_a_forked_stream_is_made_while_the_parent_is_busy(tmp_path: Path) -> None:
    """The parent reads the child's parts only when its own half is done: the child
    must not wait on a full pipe meanwhile (its parts exceed a pipe's buffer)."""
    import time

    from briefing import children

    done = tmp_path / "done"

    def parts():
        for i in range(8):
            yield "x" * 100_000 + str(i)  # 800 kB in all, a pipe holds 64 kB
        done.write_text("all made")

    with children.Forked("streaming", lambda: children.Stream(parts())) as child:
        deadline = time.monotonic() + 30
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert done.exists()  # made before anyone read a byte
        assert [p[-1] for p in child.result()] == list("01234567")


@pytest.mark.parametrize("name", ["healthcare", "games", "solar"])
def test_findings_read_with_each_document_give_the_takeaways_read_after(name: str) -> None:
    """Whether a sentence may be a takeaway is read in the worker, with its
    document (``Sentence.finding``); the summary reads it there, or itself for a
    sentence not read yet. Both give the same takeaways, and the worker's
    verdicts rule out sentences (so the test can tell the paths apart)."""
    from briefing.analysis import analyse_all, findings, summary

    corpus = read_corpus(CORPORA / name)
    read = analyse_all(corpus)
    found, _ = themes.find_themes(corpus.documents, read)
    verdicts = [s.finding for a in read for s in a.sentences]
    assert findings.RULED_OUT in verdicts and 0 in verdicts
    assert findings.UNREAD not in verdicts
    unread = [document.DocAnalysis.from_dict(a.to_dict()) for a in read]
    for a in unread:
        for s in a.sentences:
            s.finding = findings.UNREAD
    ahead = [t.to_dict() for t in summary.summarize(corpus.documents, read, found)]
    after = [t.to_dict() for t in summary.summarize(corpus.documents, unread, found)]
    assert len(ahead) >= 3
    assert ahead == after


@pytest.mark.parametrize("name", ["healthcare", "games", "solar", "banks"])
def test_the_titles_cut_in_the_worker_give_the_folders_subject_cut_after(name: str) -> None:
    """The folder's subject is read from the titles' words, cut with each document;
    the same as cutting the titles when the subject is read."""
    from briefing.analysis import analyse_all

    corpus = read_corpus(CORPORA / name)
    read = analyse_all(corpus)
    rarity = {t: r for a in read for t, r in a.theme_terms.items()}
    uncut = [
        document.DocAnalysis.from_dict({**a.to_dict(), "title_words": None, "title_ends": None}) for a in read
    ]
    assert all(a.title_ends is not None for a in read) and any(len(a.title_ends) > 1 for a in read)
    assert themes.title_subject(corpus.documents, read, rarity) == themes.title_subject(
        corpus.documents, uncut, rarity
    )


@pytest.mark.parametrize(
    ("title", "at", "last"),
    [
        ("晶圆代工产能紧张", 2, "晶圆"),
        ("光伏产业链出清", 5, "产业链"),
        ("光伏产业链出清", 4, "产业"),
        ("", 0, ""),
        ("AI芯片", 2, "AI"),
    ],
)
def test_a_titles_end_is_the_last_word_of_its_beginning(title: str, at: int, last: str) -> None:
    words, ends = document.title_cuts(title)
    assert len(ends) == len(title) + 1
    assert ends[at] == last
    assert "".join(words) == title


def test_rarities_of_a_word_list_are_kept_and_read_back_without_jieba(tmp_path: Path) -> None:
    """The aggregate steps need the rarity of the concept variants' terms; the second
    run reads them from the user cache and does not load jieba for them."""
    import json
    import subprocess
    import sys

    probe = (
        "import json, sys; from briefing import nlp; "
        "got = nlp.rarities(('出海', '产能出清', '市场', '没有这个词的词')); "
        "print(json.dumps([got, 'jieba' in sys.modules]))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("BRIEFING_DATA", None)
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", probe],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            ).stdout
        )
        for _ in range(2)
    ]
    (first, loaded_first), (second, loaded_second) = runs
    assert loaded_first and not loaded_second
    assert first == second
    from briefing.nlp import UNKNOWN_RARITY, rarity

    assert first == {w: rarity(w) for w in first}
    assert first["没有这个词的词"] == UNKNOWN_RARITY > first["市场"]


def test_parsed_data_files_are_kept_and_read_back_the_same(tmp_path: Path, monkeypatch) -> None:
    """A YAML data file's values come from the user cache the second time (PyYAML not
    asked), the same values; a damaged entry, or other file texts, are parsed again."""
    from briefing import resources, user_cache

    monkeypatch.setattr(user_cache, "cache_folder", lambda: tmp_path)
    files = (("briefing/data/a.yaml", "a: [1, 2.5, x]\nb: {c: true, d: null}\n"),)
    parsed = resources._parsed_yaml.__wrapped__
    first = parsed(files)
    kept = list((tmp_path / "data").glob("*.marshal"))
    assert first == {"a": [1, 2.5, "x"], "b": {"c": True, "d": None}} and len(kept) == 1
    monkeypatch.setattr(resources, "_merge", lambda *_: pytest.fail("parsed again"))
    assert parsed(files) == first
    kept[0].write_bytes(kept[0].read_bytes()[:-3] + b"zzz")  # damaged: a miss, parsed again
    monkeypatch.undo()
    monkeypatch.setattr(user_cache, "cache_folder", lambda: tmp_path)
    assert parsed(files) == first
    assert parsed((("briefing/data/a.yaml", "a: 3\n"),)) == {"a": 3}
    dated = parsed((("briefing/data/d.yaml", "when: 2026-12-04\n"),))  # a date: not kept
    assert str(dated["when"]) == "2026-12-04" and len(list((tmp_path / "data").glob("*.marshal"))) == 2

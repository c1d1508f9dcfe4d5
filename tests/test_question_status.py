"""A research question's status, the legend that defines it, its evidence count
and its gap line agree, on every fixture corpus, the seeds and the field corpus;
an answer is a passage that stands on its own and is not listed again as
evidence. Asserted on the model and on the rendered Markdown."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import CORPORA, ROOT, SEEDS

from briefing.analysis import build_briefing
from briefing.analysis.questions import ANSWERED, NOTHING_INDEPENDENT, OPEN, PARTLY, contrasts_back
from briefing.charts import charts_for
from briefing.excerpts import display, leans_back, stands_alone
from briefing.labels import STATUS_ZH
from briefing.model import Briefing
from briefing.readers import read_corpus
from briefing.render import render

FIELD = (ROOT / ".." / "shared" / "field-corpus").resolve()
FOLDERS = {
    "seeds": SEEDS,
    "field": FIELD,
    **{p.name: p for p in sorted(CORPORA.iterdir()) if p.is_dir()},
}


@pytest.fixture(scope="module", params=sorted(FOLDERS))
def built(request) -> tuple[str, Briefing, str]:
    folder = FOLDERS[request.param]
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (the shared field corpus is not part of the repository)")
    model = build_briefing(read_corpus(folder), date=dt.date(2026, 12, 2))
    return request.param, model, render(model, charts_for(model))


def _independent(q) -> bool:
    return bool(
        q.evidence or q.result or (q.answer and any(b.document != q.document for b in q.answer.basis))
    )


def test_status_agrees_with_the_material(built) -> None:
    name, model, _ = built
    for q in model.questions:
        where = f"{name} Q{q.number}"
        if q.status == ANSWERED and not q.done:
            assert q.evidence or q.result, where
            assert not q.gaps and not q.missing, where
        elif q.status == PARTLY:
            assert _independent(q), f"{where}: partly answered with no independent material"
        elif q.status == OPEN:
            assert not q.evidence, f"{where}: open with evidence"
        if q.evidence:
            said = [m for m in q.missing if m in NOTHING_INDEPENDENT]
            assert not said, f"{where}: evidence shown, yet the gap says {said}"


def test_answer_stands_on_its_own(built) -> None:
    name, model, _ = built
    for q in model.questions:
        if q.status == ANSWERED and q.settled_by:
            text = q.settled_by.text
            assert stands_alone(text) and not leans_back(text) and not contrasts_back(text), (
                f"{name} Q{q.number}: {text}"
            )


def _sections(markdown: str) -> list[str]:
    agenda = markdown.split("## 研究议程", 1)[1].split("\n## ", 1)[0]
    return re.split(r"\n#{3,4} 问题 ", agenda)[1:]


def test_markdown_agrees_with_the_model(built) -> None:
    name, model, markdown = built
    if not model.questions:
        return
    agenda = markdown.split("## 研究议程", 1)[1]
    assert "**部分回答**（其他来源有相关证据" in agenda
    sections = _sections(markdown)
    assert len(sections) == len(model.questions), name
    for q, section in zip(model.questions, sections, strict=True):
        where = f"{name} Q{q.number}"
        status = re.search(r"\*状态：([^（，· ]+)", section)
        assert status and status.group(1) == STATUS_ZH[q.status], where
        count = re.search(r"独立证据 (\d+) 条", section)
        assert count and int(count.group(1)) == len(q.evidence), where
        gap = re.search(r"\*\*缺口\*\*：([^\n]*)", section)
        if q.evidence and gap:
            assert not any(m in gap.group(1) for m in NOTHING_INDEPENDENT), f"{where}: {gap.group(1)}"
        if q.status == ANSWERED and q.settled_by:
            shown = display(q.settled_by.text, "zh-Hans" if not q.settled_by.text.isascii() else "en")
            line = re.search(r"\*\*答案\*\*：([^\n]*)", section)
            assert line, where
            head = shown[:20]
            answer = line.group(1).replace("\\", "")
            if head not in answer:
                # said in full earlier in the briefing (a theme's gist): here a clause of it
                clause = answer.split(" [")[0].strip("…")
                assert clause and clause in shown, f"{where}: {answer}"
                before = markdown.split("## 研究议程", 1)[0].replace("\\", "")
                assert shown[:20] in before, f"{where}: shortened but never said in full"
            listed = section.split("**独立证据**", 1)[1] if "**独立证据**" in section else ""
            assert head not in listed.replace("\\", ""), f"{where}: the answer is listed again as evidence"


def test_a_classification_is_provisional_where_its_question_is_not_settled(built) -> None:
    """A case whose model a question asks about shows it as provisional ("两者皆是（初步，
    见问题2）") only while that question is not answered, and with the same model as the
    question's provisional answer: the case table and the agenda never disagree."""
    name, model, markdown = built
    by_number = {q.number: q for q in model.questions}
    for c in model.companies:
        if c.mode_question is None:
            continue
        where = f"{name} {c.name}"
        q = by_number.get(c.mode_question)
        assert q is not None, where
        assert q.status != ANSWERED, f"{where}: provisional, yet question {q.number} is answered"
        assert f"{c.mode}（初步，见问题{q.number}）" in markdown, where
        if q.answer and q.answer.text.startswith(f"{c.name}："):
            assert q.answer.text.split("：", 1)[1].startswith(c.mode), f"{where}: {q.answer.text}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("隆基绿能则押注BC电池，认为BC电池的转换效率更高。", True),  # solar: set against the sentence before
        ("后者却选择了自建工厂。", True),
        ("宁德时代反而加快了在匈牙利的建厂。", True),
        ("否则二三线企业将被迫出清。", False),  # 否则, 原则, 规则: the word is part of another
        ("原则上新增产能须经审批。", False),
        ("组件价格已经低于现金成本，二三线企业则被迫减产。", False),  # the contrast is inside the sentence
        ("Longi instead bet on BC cells.", False),
    ],
)
def test_contrast_back(text: str, expected: bool) -> None:
    assert contrasts_back(text) is expected


# (modes of the cases, each with whether the memo itself is its source) -> status
_TABLES = [
    ([("整合", False), ("平台", False)], ANSWERED),
    ([("整合", False), ("平台", True)], PARTLY),
    ([("整合", True), ("平台", True), ("整合", False)], PARTLY),
    ([("两者皆是", False), ("整合", False)], PARTLY),
    ([("整合", True), ("平台", False), ("整合", False), ("平台", True)], ANSWERED),
]


@pytest.mark.parametrize(("cases", "expected"), _TABLES)
def test_a_table_answers_only_with_cases_from_other_sources(cases, expected) -> None:
    """The table a question asks for answers it when cases from sources other
    than the memo fill every mode; the memo's own cases are its author's notes."""
    from briefing.analysis.questions import _status
    from briefing.model import Mode, ModeCase, ModeTable, Question

    modes = [Mode(name="整合", description="", terms=[]), Mode(name="平台", description="", terms=[])]
    rows = [
        ModeCase(name=f"案例{i}", mode=m, text="……", document="memo.md" if own else f"a{i}.md", paragraph=0)
        for i, (m, own) in enumerate(cases)
    ]
    q = Question(
        text="按两种模式整理案例，以表格呈现",
        document="memo.md",
        number=1,
        sub_questions=[],
        evidence=[],
        status=OPEN,
    )
    q.result = ModeTable(company="某公司", modes=modes, cases=rows)
    assert _status(q, settles=True) == expected

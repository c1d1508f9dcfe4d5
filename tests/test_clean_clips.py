"""Evidence said before is shown by the clauses that carry its answer (issue 11,
item 6): never cut inside a number ("more than 2…" of "more than 2,300"), never down
to an attribution that says nothing ("NIO's chief executive…")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import CORPORA

from briefing.analysis import build_briefing
from briefing.excerpts import ELLIPSIS, says_nothing
from briefing.readers import read_corpus
from briefing.render import QuoteBook


@pytest.fixture(scope="module")
def nev():
    return build_briefing(read_corpus(CORPORA / "nev"), date=dt.date(2026, 12, 2))


CASES = [
    (
        "NIO has built more than 2,300 battery-swap stations, where a driver can exchange a "
        "depleted pack for a charged one in about three minutes.",
        "蔚来换电模式的盈亏平衡点在哪里？",
        "2,300",
    ),
    (
        "NIO's chief executive, William Li, argues that swapping will pay off once other "
        "carmakers share the network.",
        "蔚来换电模式的盈亏平衡点在哪里？",
        "pay off",
    ),
    (
        "BYD sold 3,024,000 vehicles in 2023, while Tesla delivered 1,808,000.",
        "比亚迪的单车利润能否在价格战中守住？",
        "3,024,000",
    ),
]


@pytest.mark.parametrize(("sentence", "question", "kept"), CASES)
def test_evidence_said_again_keeps_its_numbers_and_claim(nev, sentence, question, kept) -> None:
    book = QuoteBook(nev)
    assert book.evidence(sentence, question) == sentence  # in full the first time
    again = book.evidence(sentence, question)
    assert again != sentence and kept in again, again
    body = again.strip(ELLIPSIS).strip()
    assert not says_nothing(body), again
    after = sentence[sentence.find(body) + len(body) :]
    assert not (body[-1:].isdigit() and re.match(r"[,.]?\d", after)), again  # cut inside a number

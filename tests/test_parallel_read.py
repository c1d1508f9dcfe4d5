"""Reading a large folder in worker processes gives exactly the sequential result."""

from __future__ import annotations

import shutil
from pathlib import Path

from briefing.readers import PARALLEL_READ_MIN, read_corpus

ROOT = Path(__file__).resolve().parent.parent


def test_parallel_read_equals_sequential(tmp_path):
    sources = sorted((ROOT / "seeds").iterdir()) + sorted(
        (ROOT / "tests" / "fixtures" / "corpora").rglob("*.*")
    )
    sources = [p for p in sources if p.is_file()]
    n = 0
    while n < PARALLEL_READ_MIN + 5:
        for src in sources:
            folder = tmp_path / f"batch{n // len(sources)}"
            folder.mkdir(exist_ok=True)
            shutil.copy(src, folder / src.name)
            n += 1
    (tmp_path / "empty.txt").write_text("  \n", "utf-8")  # skipped files come back too
    sequential = read_corpus(tmp_path, workers=1)
    parallel = read_corpus(tmp_path, workers=2)
    assert len(sequential.documents) >= PARALLEL_READ_MIN
    assert parallel.to_dict() == sequential.to_dict()
    # The corpora folder's README.md, copied into each batch, is no source: skipped too.
    assert [s.path for s in parallel.skipped if not s.path.endswith("/README.md")] == ["empty.txt"]
    assert {s.reason for s in parallel.skipped if s.path.endswith("/README.md")} == {
        "the folder's README, not a source"
    }


def test_markdown_with_empty_blocks_keeps_its_structure(tmp_path):
    # An empty list item and an image-only paragraph are blocks without text.
    (tmp_path / "memo.md").write_text(
        "# 备忘录\n\n-\n- 有内容的条目\n\n![](figure.png)\n\n## TODO\n\n- [ ] 第一个问题？\n\n## 参考文献\n\n- [报告](https://example.com/a)\n",
        "utf-8",
    )
    doc = read_corpus(tmp_path).documents[0]
    assert [t.text for t in doc.todos] == ["第一个问题？"]
    assert doc.references[0].url == "https://example.com/a"

"""Make the README's pictures from real output: the first pages of the seeds' briefing.

    python tools/readme_images.py           # writes docs/images/page-1.png … and pages.png

Generates the briefing of ``seeds/`` for a fixed date through the command
line, in a temporary state folder (your caches and schedules are neither
used nor changed), renders its first pages with ``pdftoppm`` (apt
poppler-utils) at a small resolution and stores them as palette PNGs, plus
one picture of those pages side by side. The same output gives the same
images: run it again whenever the output changes, and commit the result. It
prints the page count, the cover's counts and the files written, for the
README's figures (``tests/test_readme.py`` checks them against a real run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parent.parent
DATE = "2026-11-23"
PAGES = 4
DPI = 60
"""Pixels per inch of each page picture: 496 x 702 for A4, legible headings, small files."""
SHEET_WIDTH = 1400
"""Width of the side-by-side picture in pixels."""


def generate(source: Path, work: Path) -> Path:
    """The briefing PDF of ``source``, made by the command line in ``work``."""
    env = dict(os.environ, BRIEFING_HOME=str(work / "state"))
    command = [sys.executable, "-m", "briefing", "-q", "generate", str(source), "--out", str(work)]
    command += ["--date", DATE, "--format", "pdf"]
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return work / f"briefing-{DATE}.pdf"


def cover_counts(pdf: Path) -> str:
    """What the cover counts, from the model written beside the PDF, as the README quotes it."""
    model = json.loads(pdf.with_suffix(".json").read_text("utf-8"))
    memos = sum(source["kind"] == "memo" for source in model["sources"])
    cases = sum(company["role"] == "case" for company in model["companies"])
    return (
        f"{len(model['sources'])} sources ({len(model['sources']) - memos} articles, {memos} memo), "
        f"{len(model['themes'])} themes, {cases} company cases, {len(model['questions'])} research questions"
    )


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def render_pages(pdf: Path, work: Path, pages: int) -> list[Path]:
    """The first ``pages`` pages as PNG files, in order."""
    prefix = work / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", str(pages), str(pdf), str(prefix)], check=True
    )
    return sorted(work.glob("page-*.png"))


def save_small(image: Image.Image, target: Path) -> None:
    """A palette PNG: a tenth of the bytes of full colour for pages of text and flat colour."""
    image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        target, optimize=True
    )


def sheet(pages: list[Image.Image]) -> Image.Image:
    """The pages side by side on a light background, each with a thin frame."""
    gap = 16
    framed = [ImageOps.expand(p.convert("RGB"), border=1, fill=(188, 204, 220)) for p in pages]
    width = sum(p.width for p in framed) + gap * (len(framed) + 1)
    height = max(p.height for p in framed) + 2 * gap
    canvas = Image.new("RGB", (width, height), (244, 246, 248))
    x = gap
    for page in framed:
        canvas.paste(page, (x, gap))
        x += page.width + gap
    scale = SHEET_WIDTH / canvas.width
    return canvas.resize((SHEET_WIDTH, round(canvas.height * scale)), Image.Resampling.LANCZOS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "seeds", help="corpus (default: seeds/)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="folder for the images")
    parser.add_argument("--pages", type=int, default=PAGES, help=f"pages to show (default {PAGES})")
    args = parser.parse_args()
    for tool in ("pdftoppm", "pdfinfo"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not installed (apt install poppler-utils)")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="readme-images-") as tmp:
        work = Path(tmp)
        pdf = generate(args.source, work)
        total = page_count(pdf)
        counts = cover_counts(pdf)
        images = [Image.open(p) for p in render_pages(pdf, work, min(args.pages, total))]
        written = []
        for number, image in enumerate(images, 1):
            target = args.out / f"page-{number}.png"
            save_small(image, target)
            written.append(target)
        save_small(sheet(images), args.out / "pages.png")
        written.append(args.out / "pages.png")
    print(f"briefing of {args.source.name} for {DATE}: {total} pages; {counts}")
    for path in written:
        print(
            f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({path.stat().st_size // 1024} KB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The benchmark: ``python -m briefing.bench``, kept outside the test suite.

Every figure is measured here, in one run, on this machine, by running the
real command line (``python -m briefing``) in a subprocess with a fresh state
folder (``BRIEFING_HOME``) under a temporary work folder, timed with
``time.perf_counter`` around the subprocess, with the CPU time (user +
system) the command and the processes it waited for used, read from
``getrusage(RUSAGE_CHILDREN)`` before and after. Each figure is printed as a
ratio to its baseline, beside its target; the CPU ratio beside it stays
meaningful when other work loads the machine (wall time then stretches
unevenly, CPU time hardly). A command run on forked workers adds their CPU
time: its CPU ratio to single-process jieba is about the number of busy
workers times its wall ratio on an idle machine. The verdict is on wall time:

* bare jieba (``python -c``: import, ``Tokenizer().initialize()``, ``lcut``
  of every document) on exactly the text briefing analyses (each document's
  ``text_simplified``, else ``text``, from ``briefing corpus --json``), so
  both sides include the dictionary load;
* cold and warm ``briefing generate`` on the seeds against bare jieba on the
  seeds' text;
* ``briefing analyze`` on a generated corpus of N documents (``--docs``,
  default 2,000, recombined deterministically from the seeds' cleaned
  paragraphs) against single-process bare jieba on its text, with the peak
  memory of the process tree (parent and forked workers, sampled every 50 ms
  from ``/proc``), a warm re-run, and a re-run after adding 50 documents
  against the cold run;
* the same on a large corpus (``--large``, default 20,000), plus its time
  against the smaller corpus' (linear scaling);
* the ``--docs`` corpus analysed on a Dask ``LocalCluster`` of two worker
  processes against the local run (documents per second; needs
  ``pip install -e '.[dask]'``);
* one big plain-text file (``--big-mb``, default 50 MB) against bare jieba
  on its text, with its peak memory;
* ``generate --format pdf`` (the PDF written directly: analyses cached, no
  rendered files cached), and the PDF writer alone (``write_pdf`` timed
  inside a process that made the model and the document first), against
  converting the generated DOCX with LibreOffice headless, when ``soffice``
  is installed (the target is on the writer alone: the whole command also
  starts Python and rebuilds the model).

``--repeat K`` repeats the seed-sized measurements and reports the median;
the corpus-sized ones run once. A command past ``--timeout`` is killed with
its workers and reported as a miss. ``--only seeds,corpus --docs 200`` makes
a quick run; ``--skip large,bigfile`` leaves out the long sections.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DATE = "2026-11-23"
SEED = 20261123
MEMORY_LIMIT = 2e9
"""Bytes: the peak-memory target of a corpus analysis (2 GB)."""
SAMPLE_EVERY = 0.05
"""Seconds between two memory samples (RSS) of the process tree."""
PSS_EVERY = 20
"""Samples between two PSS samples (about one a second)."""

# Bare jieba: what segmenting the same text costs with nothing else, dictionary load included.
JIEBA_PROGRAM = r"""
import json, sys, time
t0 = time.perf_counter()
import jieba
jieba.setLogLevel(60)
t = jieba.Tokenizer()
t.initialize()
t1 = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as handle:
    texts = json.load(handle)
t2 = time.perf_counter()
tokens = 0
for text in texts:
    tokens += sum(1 for _ in t.cut(text))  # lcut without holding a big file's words in a list
t3 = time.perf_counter()
print(json.dumps({"init": t1 - t0, "load": t2 - t1, "cut": t3 - t2, "tokens": tokens,
                  "chars": sum(len(x) for x in texts), "bytes": sum(len(x.encode()) for x in texts)}))
"""

# The PDF writer alone: the model (from the analysis cache), its charts and the
# rendered document are made first; only write_pdf is timed, fonts included (they
# are parsed on first use), neither the interpreter's start nor the imports.
PDF_WRITER_PROGRAM = r"""
import datetime as dt, json, sys, time
from pathlib import Path
from briefing.pipeline import analyze
from briefing.charts import charts_for
from briefing.doctree import parse
from briefing.render import render
from briefing.fonts import default_fonts
from briefing.writers.pdf import write_pdf
date = dt.date.fromisoformat(sys.argv[2])
model = analyze(Path(sys.argv[1]), date=date)
charts = charts_for(model)
document = parse(render(model, charts))
fonts = default_fonts()
wall, cpu = time.perf_counter(), time.process_time()
data = write_pdf(document, charts, fonts, date=date)
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "bytes": len(data)}))
"""

TITLES = {
    "zh-Hans": ("产业互联网观察 第{n}期", "发布时间：{date}"),
    "zh-Hant": ("產業互聯網觀察 第{n}期", "發布時間：{date}"),
    "en": ("Industrial Internet Review No. {n}", "Published: {date}"),
}


class BenchError(Exception):
    """A measured command failed: the benchmark cannot go on."""


class CommandTimeout(BenchError):
    """A measured command ran past its time limit and was killed."""

    def __init__(self, message: str, run: Run) -> None:
        super().__init__(message)
        self.run = run


@dataclass
class Measure:
    """One line of the table."""

    name: str
    value: float | None
    unit: str = "s"
    baseline: float | None = None
    target: float | None = None
    """Largest ratio (value / baseline) that meets the target."""
    note: str = ""
    runs: list[float] = field(default_factory=list)
    cpu: float | None = None
    """CPU seconds (user + system) of the measured command and its workers."""
    baseline_cpu: float | None = None
    """CPU seconds of the baseline."""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def cpu_ratio(self) -> float | None:
        if self.cpu is None or not self.baseline_cpu:
            return None
        return self.cpu / self.baseline_cpu

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        if self.ratio is None:
            return "SKIP"
        return "PASS" if self.ratio <= self.target else "MISS"


@dataclass
class Run:
    seconds: float
    stdout: str
    stderr: str
    returncode: int
    peak_rss: int = 0
    """Bytes: the largest sum of VmRSS over the process and its descendants seen."""
    peak_pss: int = 0
    """Bytes: the same with proportional set sizes (shared pages counted once)."""
    max_rss: int = 0
    """Bytes: the largest single process seen."""
    cpu: float = 0.0
    """Seconds of CPU (user + system) of the command and the descendants it waited for."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_run(runs: list[Run]) -> tuple[float, float, list[float]]:
    """The median wall time, the median CPU time and the wall times of ``runs``."""
    walls = [r.seconds for r in runs]
    return _median(walls), _median([r.cpu for r in runs]), walls


class Bench:
    def __init__(self, workdir: Path, *, verbose: bool = True, timeout: float = 300) -> None:
        self.workdir = workdir
        self.verbose = verbose
        self.timeout = timeout
        self.homes = 0
        self.commands = 0

    # ---------------------------------------------------------------- plumbing

    def say(self, message: str) -> None:
        if self.verbose:
            print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    def new_home(self) -> Path:
        """A fresh, empty state folder."""
        self.homes += 1
        home = self.workdir / "state" / f"home{self.homes:02d}"
        home.mkdir(parents=True)
        return home

    def env(self, home: Path | None) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("BRIEFING_DATA", "BRIEFING_FONT", "BRIEFING_FONT_BOLD", "PYTHONPROFILEIMPORTTIME"):
            env.pop(name, None)
        if home is not None:
            env["BRIEFING_HOME"] = str(home)
        return env

    def run(
        self,
        cmd: list[str],
        *,
        home: Path | None = None,
        env: dict[str, str] | None = None,
        memory: bool = False,
        timeout: float | None = None,
    ) -> Run:
        """Run ``cmd`` and time it; with ``memory`` also sample the process tree's memory.

        The command runs in its own process group; past ``timeout`` the whole
        group (the command and any workers it forked) is killed and
        :class:`CommandTimeout` raised with what was measured up to then.
        """
        env = env if env is not None else self.env(home)
        timeout = timeout or self.timeout
        logs = self.workdir / "logs"
        logs.mkdir(exist_ok=True)
        self.commands += 1
        out_path, err_path = logs / f"{self.commands:03d}.out", logs / f"{self.commands:03d}.err"
        peaks = {"rss": 0, "pss": 0, "one": 0}
        stop = threading.Event()
        with out_path.open("w") as out, err_path.open("w") as err:
            # Commands run one at a time: the children's CPU time grows by this one's alone.
            cpu_start = _children_cpu()
            start = time.perf_counter()
            proc = subprocess.Popen(
                cmd, env=env, cwd=self.workdir, stdout=out, stderr=err, start_new_session=True
            )

            def sample() -> None:
                tick = 0
                while not stop.is_set():
                    # PSS walks the page tables (tens of ms for a large process): not every tick.
                    rss, pss, one = tree_memory(proc.pid, pss=tick % PSS_EVERY == 0)
                    peaks["rss"] = max(peaks["rss"], rss)
                    peaks["pss"] = max(peaks["pss"], pss)
                    peaks["one"] = max(peaks["one"], one)
                    tick += 1
                    stop.wait(SAMPLE_EVERY)

            sampler = threading.Thread(target=sample, daemon=True) if memory else None
            if sampler:
                sampler.start()
            timed_out = False
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill_group(proc)
            except BaseException:  # Ctrl-C: the command's own session would not get it
                _kill_group(proc)
                raise
            finally:
                seconds = time.perf_counter() - start
                cpu = _children_cpu() - cpu_start
                stop.set()
                if sampler:
                    sampler.join()
        result = Run(
            seconds,
            out_path.read_text("utf-8", "replace"),
            err_path.read_text("utf-8", "replace"),
            proc.returncode,
            peak_rss=peaks["rss"],
            peak_pss=peaks["pss"],
            max_rss=peaks["one"],
            cpu=cpu,
        )
        if timed_out:
            raise CommandTimeout(f"{' '.join(cmd[:6])} … killed after {timeout:.0f} s", result)
        if result.returncode != 0:
            raise BenchError(f"{' '.join(cmd)} exited {result.returncode}:\n{result.stderr.strip()[-2000:]}")
        return result

    def copy_home(self, source: Path) -> Path:
        """A new state folder holding ``source``'s database (its document and analysis
        caches) but no folder models and no rendered files, so that ``generate``
        aggregates and renders again (a week whose model changed)."""
        self.homes += 1
        home = self.workdir / "state" / f"home{self.homes:02d}"
        shutil.copytree(source, home, ignore=shutil.ignore_patterns("outputs", "models", "*.lock"))
        return home

    def briefing(self, *args: str | Path, home: Path, memory: bool = False) -> Run:
        return self.run([sys.executable, "-m", "briefing", "-q", *map(str, args)], home=home, memory=memory)

    def repeat(self, times: int, label: str, step: Callable[[int], Run]) -> list[Run]:
        runs = []
        for i in range(times):
            self.say(f"{label} ({i + 1}/{times})")
            runs.append(step(i))
        return runs

    # ------------------------------------------------------------------ pieces

    def analysed_texts(self, source: Path, name: str) -> tuple[Path, list[dict], Run]:
        """The text briefing analyses, per document, written as a JSON list for bare jieba.

        Returns the file, the corpus's documents and the run of ``briefing corpus``.
        """
        home = self.new_home()
        run = self.briefing("corpus", source, "--json", home=home)
        documents = json.loads(run.stdout)["documents"]
        texts = [d.get("text_simplified") or d["text"] for d in documents]
        path = self.workdir / f"{name}.texts.json"
        path.write_text(json.dumps(texts, ensure_ascii=False), "utf-8")
        return path, documents, run

    def bare_jieba(self, texts: Path) -> tuple[Run, dict]:
        run = self.run([sys.executable, "-c", JIEBA_PROGRAM, str(texts)], home=None)
        return run, json.loads(run.stdout)


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the process group this benchmark started for ``proc`` (the command and its workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# ------------------------------------------------------------------- memory


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                found.extend(int(p) for p in handle.read().split())
        except (OSError, ValueError):
            continue
    return found


def _kib(path: str, field_name: str) -> int:
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(field_name):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_memory(pid: int, pss: bool = True) -> tuple[int, int, int]:
    """Bytes of resident memory of ``pid`` and all its descendants: the RSS sum,
    the PSS sum (shared pages counted once; 0 unless ``pss``) and the largest single RSS."""
    pids, i = [pid], 0
    while i < len(pids):
        pids.extend(_children(pids[i]))
        i += 1
    rss = [_kib(f"/proc/{p}/status", "VmRSS:") for p in pids]
    shared = sum(_kib(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids) if pss else 0
    return sum(rss), shared, max(rss)


# ---------------------------------------------------------- generated corpus


def seed_paragraphs(documents: list[dict]) -> dict[str, tuple[int, list[str]]]:
    """The seeds' cleaned paragraphs by language: ``{language: (documents, paragraphs)}``."""
    groups: dict[str, tuple[int, list[str]]] = {}
    for doc in documents:
        count, paragraphs = groups.get(doc["language"], (0, []))
        paragraphs = paragraphs + [p.strip() for p in doc["text"].split("\n\n") if p.strip()]
        groups[doc["language"]] = (count + 1, paragraphs)
    return groups


def generate_corpus(groups: dict[str, tuple[int, list[str]]], count: int, seed: int = SEED) -> list[str]:
    """``count`` documents, each 8-25 paragraphs of one language group's seeds.

    Deterministic: the same seed gives the same documents, and the first n
    documents do not depend on ``count``. A group is picked in proportion to
    the seed documents in it; Traditional paragraphs stay Traditional.
    """
    rng = random.Random(seed)
    languages = sorted(groups)
    weights = [groups[lang][0] for lang in languages]
    first_day = dt.date(2025, 1, 6)
    texts = []
    for n in range(1, count + 1):
        language = rng.choices(languages, weights)[0]
        pool = groups[language][1]
        picked = rng.sample(pool, min(rng.randint(8, 25), len(pool)))
        title, dateline = TITLES.get(language, TITLES["en"])
        day = (first_day + dt.timedelta(days=rng.randrange(700))).isoformat()
        head = [title.format(n=n), dateline.format(date=day)]
        texts.append("\n\n".join(head + picked) + "\n")
    return texts


def write_corpus(folder: Path, texts: list[str], first: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts, start=first):
        (folder / f"doc{i:05d}.txt").write_text(text, "utf-8")


# ------------------------------------------------------------------ the run


def compile_package() -> bool:
    """Compile briefing's modules to bytecode (``__pycache__``) before anything is timed.

    ``pip install`` compiles every package it installs, jieba included; an
    editable install (``pip install -e``) leaves briefing's own modules to
    their first import, and with ``PYTHONDONTWRITEBYTECODE`` set (as on this
    project's machine) that first import never comes: every run would compile
    some 40 modules from source (about 0.3 s) while bare jieba reads its
    bytecode. Files already compiled and unchanged are left alone.
    """
    import compileall

    return bool(compileall.compile_dir(str(Path(__file__).resolve().parent), quiet=1))


def _median(values: list[float]) -> float:
    return statistics.median(values)


SECTIONS = ("seeds", "pdf", "corpus", "large", "dask", "bigfile")
"""What ``--only`` and ``--skip`` choose from: the seed-sized figures, the PDF
against LibreOffice, the generated corpus (--docs, with +--extra), the large
corpus (--large), local against a Dask LocalCluster, a single big file (--big-mb)."""


class Measurement:
    """One benchmark run: the sections asked for, sharing what they need (the seeds' text, corpora)."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        from briefing.resources import bundled_folder

        self.args = args
        self.workdir = workdir
        self.bench = Bench(workdir, verbose=not args.quiet, timeout=args.timeout)
        self.seed_folder = Path(args.seeds).resolve() if args.seeds else bundled_folder("seeds")
        self.rows: list[Measure] = []
        self.notes: list[str] = []
        self.stem = f"briefing-{DATE}"
        self.out = workdir / "out"
        self._seed_docs: list[dict] | None = None
        self._seed_texts: Path | None = None
        self.corpora: dict[int, tuple[Path, Run, float]] = {}
        """Generated corpora measured so far: documents → (folder, cold analyze run, its bare jieba seconds)."""

    def run(self) -> tuple[list[Measure], list[str]]:
        wanted = [s for s in SECTIONS if s in self.args.only and s not in self.args.skip]
        if not compile_package():
            self.notes.append("WARNING: briefing's modules could not all be compiled to bytecode")
        for section in wanted:
            try:
                getattr(self, section)()
            except CommandTimeout as exc:
                self.notes.append(f"{section}: {exc}")
        return self.rows, self.notes

    def say(self, message: str) -> None:
        self.bench.say(message)

    # ------------------------------------------------------------ shared input

    def seed_texts(self) -> tuple[Path, list[dict]]:
        if self._seed_texts is None:
            self.say(f"reading the seeds ({self.seed_folder})")
            self._seed_texts, self._seed_docs, _ = self.bench.analysed_texts(self.seed_folder, "seeds")
        assert self._seed_docs is not None
        return self._seed_texts, self._seed_docs

    def generated(self, count: int) -> list[str]:
        _, docs = self.seed_texts()
        return generate_corpus(seed_paragraphs(docs), count, seed=self.args.seed)

    # ---------------------------------------------------------------- sections

    def seeds(self) -> None:
        """Bare jieba, cold and warm generate on the seeds."""
        bench, k, out = self.bench, self.args.repeat, self.out
        seed_texts, seed_docs = self.seed_texts()
        info: dict = {}

        def jieba_seeds(_: int) -> Run:
            run, found = bench.bare_jieba(seed_texts)
            info.update(found)
            return run

        base, base_cpu, runs = median_run(bench.repeat(k, "bare jieba on the seeds' text", jieba_seeds))
        self.rows.append(
            Measure(
                f"bare jieba, seeds ({len(seed_docs)} docs, {info['bytes'] / 1e3:.0f} kB)",
                base,
                note=f"import+init {info['init']:.2f}s, cut {info['cut']:.2f}s",
                runs=runs,
                cpu=base_cpu,
            )
        )
        homes: list[Path] = []

        def cold(i: int) -> Run:
            homes.append(bench.new_home())
            return bench.briefing(
                "generate", self.seed_folder, "--out", out / f"cold{i}", "--date", DATE, home=homes[-1]
            )

        wall, cpu, runs = median_run(bench.repeat(k, "cold generate on the seeds (new state folder)", cold))
        self.rows.append(Measure("generate seeds, cold", wall, baseline=base, target=2.0, runs=runs,
                                 cpu=cpu, baseline_cpu=base_cpu, note="new state folder; PDF+DOCX"))  # fmt: skip
        self.warm_home = homes[-1]

        def warm(i: int) -> Run:
            return bench.briefing(
                "generate", self.seed_folder, "--out", out / f"warm{i}", "--date", DATE, home=self.warm_home
            )

        wall, cpu, runs = median_run(bench.repeat(k, "warm generate on the seeds (same state folder)", warm))
        self.rows.append(Measure("generate seeds, warm", wall, baseline=base, target=0.5, runs=runs, cpu=cpu,
                                 baseline_cpu=base_cpu,
                                 note="same command again: the model, template check and rendered files reused"))  # fmt: skip
        cold_json = (out / "cold0" / f"{self.stem}.json").read_bytes()
        if cold_json != (out / f"warm{k - 1}" / f"{self.stem}.json").read_bytes():
            self.notes.append("WARNING: the warm model JSON differs from the cold one")

        def rendered(i: int) -> Run:
            home = bench.copy_home(self.warm_home)
            return bench.briefing(
                "generate", self.seed_folder, "--out", out / f"render{i}", "--date", DATE, home=home
            )

        wall, cpu, runs = median_run(
            bench.repeat(k, "generate on the seeds, analyses cached, files rendered again", rendered)
        )
        self.rows.append(Measure("generate seeds, analyses cached, rendering", wall, baseline=base, runs=runs,
                                 cpu=cpu, baseline_cpu=base_cpu,
                                 note="no target: a week whose model changed"))  # fmt: skip

    def pdf(self) -> None:
        """The PDF written directly against LibreOffice converting the DOCX of the same briefing."""
        bench, k, out = self.bench, self.args.repeat, self.out
        home = bench.new_home()
        self.say("a first generate fills the analysis cache and writes the DOCX to convert")
        bench.briefing("generate", self.seed_folder, "--out", out / "pdf-base", "--date", DATE, home=home)

        def pdf_only(i: int) -> Run:
            again = bench.copy_home(home)
            return bench.briefing(
                "generate",
                self.seed_folder,
                "--out",
                out / f"pdf{i}",
                "--date",
                DATE,
                "--format",
                "pdf",
                home=again,
            )

        pdf_seconds, pdf_cpu, pdf_runs = median_run(
            bench.repeat(k, "generate --format pdf (analyses cached, PDF written)", pdf_only)
        )
        writer: list[dict] = []

        def pdf_writer(_: int) -> Run:
            run = bench.run(
                [sys.executable, "-c", PDF_WRITER_PROGRAM, str(self.seed_folder), DATE], home=home
            )
            writer.append(json.loads(run.stdout))
            return run

        bench.repeat(k, "the PDF writer alone (in-process timing)", pdf_writer)
        writer_seconds = _median([w["wall"] for w in writer])
        writer_cpu = _median([w["cpu"] for w in writer])
        soffice = None if self.args.no_soffice else shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            self.rows.append(Measure("generate seeds --format pdf", pdf_seconds, runs=pdf_runs,
                                     cpu=pdf_cpu, note="no LibreOffice comparison"))  # fmt: skip
            self.rows.append(Measure("PDF writer alone (write_pdf)", writer_seconds, target=0.2, cpu=writer_cpu,
                                     note="no LibreOffice comparison"))  # fmt: skip
            self.notes.append(
                "the PDF-vs-LibreOffice comparison was skipped (--no-soffice, or soffice not found)"
            )
            return
        docx = out / "pdf-base" / f"{self.stem}.docx"
        office_home = self.workdir / "office-home"
        office_home.mkdir(exist_ok=True)
        env = bench.env(None)
        env["HOME"] = str(office_home)
        profile = (office_home / "profile").as_uri()
        convert = [
            soffice, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation={profile}",
            "--convert-to", "pdf", "--outdir", str(out / "office"), str(docx),
        ]  # fmt: skip
        self.say("LibreOffice: a first conversion creates its profile (not counted)")
        first = bench.run(convert, env=env).seconds
        office_seconds, office_cpu, runs = median_run(
            bench.repeat(k, "LibreOffice headless DOCX -> PDF", lambda _: bench.run(convert, env=env))
        )
        if not (out / "office" / f"{self.stem}.pdf").is_file():
            self.notes.append("WARNING: LibreOffice wrote no PDF")
        self.rows.append(Measure("soffice --convert-to pdf of the DOCX", office_seconds, runs=runs, cpu=office_cpu,
                                 note=f"warm profile; with a new profile {first:.1f}s"))  # fmt: skip
        self.rows.append(Measure("generate seeds --format pdf", pdf_seconds, baseline=office_seconds,
                                 runs=pdf_runs, cpu=pdf_cpu, baseline_cpu=office_cpu,
                                 note="the whole command: start, imports, model from the cache, PDF"))  # fmt: skip
        self.rows.append(Measure("PDF writer alone (write_pdf)", writer_seconds, baseline=office_seconds,
                                 target=0.2, cpu=writer_cpu, baseline_cpu=office_cpu,
                                 note="timed in-process, fonts included; target >= 5x faster"))  # fmt: skip

    def corpus(self) -> None:
        """The generated corpus of --docs documents: reading, cold, warm, +--extra."""
        self._corpus(self.args.docs, extra=self.args.extra)

    def large(self) -> None:
        """The large generated corpus (--large documents): cold analyze, its memory, its scaling."""
        if self.args.large:
            self._corpus(self.args.large, extra=0)

    def _corpus(self, count: int, *, extra: int) -> None:
        bench = self.bench
        self.say(f"generating {count:,} + {extra} documents")
        texts = self.generated(count + extra)
        folder = self.workdir / f"corpus{count}"
        write_corpus(folder, texts[:count])
        self.say(f"reading the generated corpus ({sum(len(t.encode()) for t in texts[:count]) / 1e6:.1f} MB)")
        corpus_texts, corpus_docs, read = bench.analysed_texts(folder, f"corpus{count}")
        if len(corpus_docs) != count:
            self.notes.append(f"WARNING: briefing read {len(corpus_docs)} of {count} generated documents")
        self.say(f"bare jieba on the {count:,} documents (one process)")
        jieba_run, info = bench.bare_jieba(corpus_texts)
        base, base_cpu = jieba_run.seconds, jieba_run.cpu
        rate = info["bytes"] / 1e6 / info["cut"] if info["cut"] else 0.0
        self.rows.append(
            Measure(
                f"bare jieba, {count:,} docs ({info['bytes'] / 1e6:.1f} MB), 1 process",
                base,
                cpu=base_cpu,
                note=f"import+init {info['init']:.2f}s, cut {info['cut']:.1f}s ({rate:.2f} MB/s)",
            )
        )
        self.rows.append(Measure(f"corpus {count:,} docs --json", read.seconds, baseline=base, cpu=read.cpu,
                                 baseline_cpu=base_cpu, note="no target: reading and cleaning alone"))  # fmt: skip

        home = bench.new_home()
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        self.say(f"cold analyze of {count:,} documents, {workers} workers (memory sampled)")
        name = f"analyze {count:,} docs, cold"
        model = self.workdir / f"model{count}-cold.json"
        try:
            cold = bench.briefing("analyze", folder, "--json", "-o", model, home=home, memory=True)
        except CommandTimeout as exc:
            run = exc.run
            self.rows.append(Measure(name, run.seconds, baseline=base, target=0.75, cpu=run.cpu,
                                     baseline_cpu=base_cpu,
                                     note=f"KILLED after {run.seconds:.0f} s: did not finish"))  # fmt: skip
            self.rows.append(_memory_row(run, count, "up to the kill"))
            self.notes.append(
                f"the cold analyze of {count:,} documents was killed after {run.seconds:.0f} s (--timeout)"
            )
            return
        self.corpora[count] = (folder, cold, base)
        self.rows.append(Measure(name, cold.seconds, baseline=base, target=0.75, cpu=cold.cpu, baseline_cpu=base_cpu,
                                 note=f"{workers} workers (one per core); {count / cold.seconds:.0f} docs/s"))  # fmt: skip
        self.rows.append(_memory_row(cold, count, ""))
        smaller = [n for n in self.corpora if n < count]
        if smaller:
            n = max(smaller)
            self.rows.append(Measure(f"analyze {count:,} docs against {n:,} docs", cold.seconds,
                                     baseline=self.corpora[n][1].seconds, target=1.1 * count / n,
                                     cpu=cold.cpu, baseline_cpu=self.corpora[n][1].cpu,
                                     note=f"linear would be {count / n:.0f}x"))  # fmt: skip
        if not extra:
            return
        self.say("warm analyze, nothing changed")
        same = bench.briefing(
            "analyze", folder, "--json", "-o", self.workdir / f"model{count}-warm.json", home=home
        )
        self.rows.append(Measure(f"analyze {count:,} docs, warm, nothing new", same.seconds, baseline=cold.seconds,
                                 cpu=same.cpu, baseline_cpu=cold.cpu, note="no target"))  # fmt: skip
        if model.read_bytes() != (self.workdir / f"model{count}-warm.json").read_bytes():
            self.notes.append(f"WARNING: the warm model of the {count:,} documents differs from the cold one")
        write_corpus(folder, texts[count:], first=count)
        self.say(f"analyze after adding {extra} documents")
        more_model = self.workdir / f"model{count}-more.json"
        more = bench.briefing("analyze", folder, "--json", "-o", more_model, home=home)
        self.rows.append(Measure(f"analyze after adding {extra} docs", more.seconds, baseline=cold.seconds,
                                 target=0.10, cpu=more.cpu, baseline_cpu=cold.cpu,
                                 note="baseline: the cold run"))  # fmt: skip
        sources = len(json.loads(more_model.read_text("utf-8")).get("sources", []))
        if sources != count + extra:
            self.notes.append(f"WARNING: the re-run's model lists {sources} sources, not {count + extra}")
        for p in sorted(folder.glob("doc*.txt"))[count:]:
            p.unlink()  # back to the corpus the other sections measure

    def dask(self) -> None:
        """Local cores against a Dask LocalCluster of two worker processes, on the --docs corpus."""
        try:
            from distributed import LocalCluster
        except ImportError:
            self.notes.append("the Dask comparison was skipped: pip install -e '.[dask]'")
            return
        count = self.args.docs
        if count not in self.corpora:
            self._corpus(count, extra=0)
        if count not in self.corpora:
            return
        folder, local, _ = self.corpora[count]
        local_seconds = local.seconds
        self.say("starting a Dask LocalCluster: 2 worker processes, 1 thread each (not counted)")
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            home = self.bench.new_home()
            self.say(f"cold analyze of {count:,} documents on the cluster")
            model = self.workdir / f"model{count}-dask.json"
            run = self.bench.briefing("analyze", folder, "--json", "-o", model, "--executor", "dask",
                                      "--scheduler", cluster.scheduler_address, home=home)  # fmt: skip
        if model.read_bytes() != (self.workdir / f"model{count}-cold.json").read_bytes():
            self.notes.append("WARNING: the model made on the Dask cluster differs from the local one")
        self.rows.append(Measure(f"analyze {count:,} docs on a 2-worker Dask LocalCluster", run.seconds,
                                 baseline=local_seconds, cpu=run.cpu, baseline_cpu=local.cpu,
                                 note=f"{count / run.seconds:.0f} docs/s against {count / local_seconds:.0f} "
                                      "docs/s locally; no target"))  # fmt: skip

    def bigfile(self) -> None:
        """One big plain-text file (--big-mb) against bare jieba on its text, with its memory."""
        mb = self.args.big_mb
        folder = self.workdir / "bigfile"
        folder.mkdir()
        path = folder / "big.txt"
        self.say(f"writing a {mb:g} MB text file")
        size = 0
        with path.open("w", encoding="utf-8") as handle:
            for text in self.generated(int(mb * 1e6 / 2500) + 100):  # documents average about 4 kB
                if size >= mb * 1e6:
                    break
                handle.write(text + "\n")
                size += len(text.encode()) + 1
        texts = self.workdir / "bigfile.texts.json"
        texts.write_text(json.dumps([path.read_text("utf-8")], ensure_ascii=False), "utf-8")
        self.say("bare jieba on the big file's text (one process)")
        jieba_run, info = self.bench.bare_jieba(texts)
        base = jieba_run.seconds
        self.rows.append(Measure(f"bare jieba, one {size / 1e6:.1f} MB file", base, cpu=jieba_run.cpu,
                                 note=f"import+init {info['init']:.2f}s, cut {info['cut']:.1f}s"))  # fmt: skip
        self.say("cold analyze of the big file (memory sampled)")
        name = f"analyze one {size / 1e6:.1f} MB file, cold"
        try:
            run = self.bench.briefing("analyze", folder, "--json", "-o", self.workdir / "model-big.json",
                                      home=self.bench.new_home(), memory=True)  # fmt: skip
            note = "one document: one process"
        except CommandTimeout as exc:
            run, note = exc.run, f"KILLED after {exc.run.seconds:.0f} s: did not finish"
        self.rows.append(Measure(name, run.seconds, baseline=base, target=3.0, cpu=run.cpu,
                                 baseline_cpu=jieba_run.cpu, note=note))  # fmt: skip
        self.rows.append(
            Measure("peak memory of that analyze (RSS sum)", run.peak_rss / 1e6, unit="MB", baseline=1000.0,
                    target=1.0, note=f"target 1 GB; largest process {run.max_rss / 1e6:,.0f} MB")
        )  # fmt: skip


def measure(args: argparse.Namespace, workdir: Path) -> tuple[list[Measure], list[str]]:
    """Run the measurements asked for; return the table's lines and notes."""
    return Measurement(args, workdir).run()


def _memory_row(run: Run, count: int, when: str) -> Measure:
    note = f"PSS {run.peak_pss / 1e6:,.0f} MB, largest process {run.max_rss / 1e6:,.0f} MB"
    return Measure(
        f"peak memory of that analyze of {count:,} docs (RSS sum)",
        run.peak_rss / 1e6,
        unit="MB",
        baseline=MEMORY_LIMIT / 1e6,
        target=1.0,
        note=f"{note}; {when}" if when else note,
    )


def _value(m: Measure) -> str:
    if m.value is None:
        return "-"
    return f"{m.value:.2f} s" if m.unit == "s" else f"{m.value:,.0f} {m.unit}"


def _baseline(m: Measure) -> str:
    if m.baseline is None:
        return "-"
    return f"{m.baseline:.2f} s" if m.unit == "s" else f"{m.baseline:,.0f} {m.unit}"


def table(rows: list[Measure]) -> str:
    headers = [
        "measurement",
        "value",
        "cpu",
        "baseline",
        "base cpu",
        "ratio",
        "cpu ratio",
        "target",
        "result",
        "note",
    ]
    lines = [
        [
            m.name,
            _value(m),
            f"{m.cpu:.2f} s" if m.cpu is not None else "-",
            _baseline(m),
            f"{m.baseline_cpu:.2f} s" if m.baseline_cpu is not None else "-",
            f"{m.ratio:.2f}x" if m.ratio is not None else "-",
            f"{m.cpu_ratio:.2f}x" if m.cpu_ratio is not None else "-",
            f"<= {m.target:.2f}x" if m.target is not None else "-",
            m.verdict or "-",
            m.note,
        ]
        for m in rows
    ]
    widths = [max(len(r[i]) for r in [headers, *lines]) for i in range(len(headers))]

    def fmt(cells: list[str]) -> str:
        left = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:-1], widths[1:-1], strict=True)]
        return "  ".join([left, *rest, cells[-1]]).rstrip()

    out = [fmt(headers), "  ".join("-" * w for w in widths)]
    out.extend(fmt(line) for line in lines)
    return "\n".join(out)


def revision() -> str:
    """The checkout's commit, when run from a git checkout (``+`` when files differ from it)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists() or not shutil.which("git"):
        return "unknown"
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        # Read-only: compares tracked files with HEAD without refreshing the index.
        dirty = subprocess.run(["git", "-C", str(root), "diff-index", "--quiet", "HEAD", "--"], check=False)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+" if dirty.returncode else "")


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    with contextlib.suppress(ValueError, OSError):
        memory = f", {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB"
    return f"{cores} cores ({cpu}){memory}, Python {platform.python_version()}, {platform.system()}"


def _sections(value: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown section {', '.join(unknown)}: choose from {', '.join(SECTIONS)}"
        )
    return names


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m briefing.bench",
        description="Measure briefing against bare jieba and LibreOffice; print each figure beside its target.",
    )
    p.add_argument("--docs", type=int, default=2000, help="documents in the generated corpus (default 2000)")
    p.add_argument(
        "--large", type=int, default=20000, help="documents in the large corpus (default 20000; 0: none)"
    )
    p.add_argument("--big-mb", type=float, default=50, help="size of the single big file (default 50 MB)")
    p.add_argument(
        "--only",
        type=_sections,
        default=SECTIONS,
        metavar="LIST",
        help=f"comma-separated sections to run (default all): {', '.join(SECTIONS)}",
    )
    p.add_argument(
        "--skip", type=_sections, default=(), metavar="LIST", help="comma-separated sections to leave out"
    )
    p.add_argument("--extra", type=int, default=50, help="documents added before the re-run (default 50)")
    p.add_argument(
        "--repeat", type=int, default=3, help="runs of each seed-sized measurement, median (default 3)"
    )
    p.add_argument("--seed", type=int, default=SEED, help="random seed of the generated corpus")
    p.add_argument("--seeds", metavar="DIR", help="source of the seed documents (default: the bundled seeds)")
    p.add_argument("--workdir", metavar="DIR", help="work folder (default: a new temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the work folder (corpus, outputs, state)")
    p.add_argument("--no-soffice", action="store_true", help="skip the LibreOffice comparison")
    p.add_argument(
        "--timeout", type=float, default=1800, help="seconds before a command is killed (default 1800)"
    )
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.docs < 1 or args.extra < 0 or args.repeat < 1 or args.large < 0 or args.big_mb <= 0:
        parser().error(
            "--docs and --repeat must be at least 1, --extra and --large at least 0, --big-mb positive"
        )
    if args.workdir:
        workdir = Path(args.workdir).resolve()
        if workdir.exists() and any(workdir.iterdir()):
            parser().error(f"--workdir {workdir} is not empty")
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    started = dt.datetime.now().astimezone()
    begin = time.perf_counter()

    def stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)  # so that `kill` also ends the commands under way
    try:
        rows, notes = measure(args, workdir)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("benchmark interrupted", file=sys.stderr)
        return 130
    finally:
        if args.keep:
            print(f"work folder kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    from briefing import __version__

    print(f"briefing {__version__} benchmark, {started:%Y-%m-%d %H:%M %Z}")
    print(f"machine: {machine()}; commit {revision()}")
    print(
        f"command: python -m briefing.bench {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip()
    )
    print(f"seed-sized figures: median of {args.repeat} run(s); corpus-sized figures: one run")
    print()
    print(table(rows))
    for note in notes:
        print(f"\n{note}")
    missed = [m for m in rows if m.verdict == "MISS"]
    print(
        f"\n{sum(m.verdict == 'PASS' for m in rows)} target(s) met, {len(missed)} missed; "
        f"benchmark took {time.perf_counter() - begin:.0f} s"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "started": started.isoformat(),
                    "machine": machine(),
                    "args": vars(args),
                    "rows": [
                        {
                            "name": m.name,
                            "value": m.value,
                            "unit": m.unit,
                            "baseline": m.baseline,
                            "ratio": m.ratio,
                            "cpu": m.cpu,
                            "baseline_cpu": m.baseline_cpu,
                            "cpu_ratio": m.cpu_ratio,
                            "target": m.target,
                            "result": m.verdict or None,
                            "runs": m.runs,
                            "note": m.note,
                        }
                        for m in rows
                    ],
                    "notes": notes,
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
            "utf-8",
        )
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())

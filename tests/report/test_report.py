"""The retrospective report: its numbers, its sections in HTML and Markdown, reproducible bytes,
an empty dataset, and bad input."""

import re

import pytest

from report_rows import CLA, GEM, GPT, LABEL_DEFINITIONS, UNK, card_for
from tractor.errors import DatasetError, TractorError
from tractor.dataset.folder import config_path
from tractor.dataset.writer import write_dataset
from tractor.dataset.view import load_dataset_folder
from tractor.report import REPORT_STEPS, build_report
from tractor.report.stats import (Cell, attempts_until_correct, first_attempt_matrix, label_rates, refusal_funnel,
                                  unverified_reasons)


@pytest.fixture(scope="module")
def ds(dataset):
    return load_dataset_folder(dataset, LABEL_DEFINITIONS)


@pytest.fixture(scope="module")
def html_report(dataset, tmp_path_factory):
    steps = []
    out = build_report(dataset, tmp_path_factory.mktemp("html") / "report.html",
                       on_step=steps.append, label_definitions=LABEL_DEFINITIONS)
    return out.read_text(encoding="utf-8"), steps


@pytest.fixture(scope="module")
def md_report(dataset, tmp_path_factory):
    out = tmp_path_factory.mktemp("md") / "post.md"
    return build_report(dataset, out, fmt="md", label_definitions=LABEL_DEFINITIONS, full=True)


# First attempts per model and part: (correct, judged n, unjudged).
@pytest.mark.parametrize("model, part, cell", [
    ("chatgpt-5.1-thinking", "1c", Cell(0, 1, 0)),
    ("chatgpt-5.1-thinking", "6b.i", Cell(0, 1, 0)),
    ("gemini-2.5-pro", "1c", Cell(1, 1, 0)),  # correct first, flipped later: first attempt counts
    ("gemini-2.5-pro", "3b", Cell(0, 1, 0)),
    ("claude-sonnet-4.5", "4b", Cell(0, 0, 1)),  # unverified: not in n
    ("claude-sonnet-4.5", "6b.i", Cell(0, 0, 1)),  # errored: not in n
    ("unknown", "1c", Cell(0, 1, 0)),
])
def test_first_attempt_matrix(ds, model, part, cell):
    matrix = first_attempt_matrix(ds)
    assert matrix.cells[(model, part)] == cell
    assert matrix.parts == ["1c", "3b", "4b", "6b.i", "6b.ii"]  # 6e is not in the homework


# Wilson intervals against published values (Newcombe 1998, table I).
@pytest.mark.parametrize("cell, low, high", [
    (Cell(81, 263, 0), 0.2553, 0.3662),
    (Cell(15, 148, 0), 0.0624, 0.1605),
    (Cell(0, 20, 0), 0.0, 0.1611),
    (Cell(1, 29, 0), 0.0061, 0.1718),
])
def test_wilson_interval(cell, low, high):
    assert cell.interval() == pytest.approx((low, high), abs=1e-4)


# Multi-turn dynamics: when parts became correct, and the refusal funnel.
def test_dynamics(ds):
    assert attempts_until_correct(ds) == {"1": 3, "2": 2, "never": 3, "unjudged": 2}
    funnel = refusal_funnel(ds)
    assert (funnel.refused, funnel.persuaded, funnel.complied, funnel.turns) == ([GEM], [GEM], [GEM], {GEM: 1})


# Labels normalised by parts attempted: gemini answered 3b, 6b.ii, 1c and (invented) 6e.
@pytest.mark.parametrize("by, row, label, count, rate", [
    ("model", "gemini-2.5-pro", "refusal", 1, 0.25),
    ("model", "chatgpt-5.1-thinking", "self_corrected", 2, 1.0),
    ("part", "1c", "wrong_constant", 1, 0.25),
    ("part", "(whole transcript)", "misattributed_citation", 1, 0.25),
])
def test_label_rates(ds, by, row, label, count, rate):
    rates = label_rates(ds, by)
    assert (rates.counts[(row, label)], rates.rate(row, label)) == (count, rate)


# Unverified claims are grouped by their reason.
def test_unverified_reasons(ds):
    assert [(v, reason, n) for v, reason, n, _ in unverified_reasons(ds)] == [
        ("error", "sandbox timeout after 5 s", 1),
        ("unverified", "could not parse big-O: 'O(n) ish'", 1),
        ("unverified", "part 6e is not in the homework", 1),
    ]


# Every section of the page, with content from the dataset.
@pytest.mark.parametrize("expected", [
    "4 transcripts from 4 files; 1 file could not be read; 14 claims and 15 labels",  # run header
    "Answer keys:</strong> hw09 v1",
    "<strong>3 of 8</strong> judged first attempts on homework parts were correct (38%, 95% CI 14%–69%)",
    '<table id="matrix">',
    "1/1 100% [21%–100%]",  # a matrix cell with n and its Wilson interval
    'id="fig-labels-by-model"', 'id="fig-labels-by-part"', 'id="fig-first-attempt-matrix"',
    'id="fig-attempts-until-correct"', 'id="fig-refusal-funnel"',
    "1 transcript refused at least once; the student pushed back in 1; the model then complied in 1 after a "
    "median of 1 user turn.",
    "incorrect → correct",  # a self-correction's verdicts
    '<h3 id="label-wrong_coefficients">wrong_coefficients</h3>',
    "Right monomials, wrong weights.",  # its definition
    "<pre>Fully correct, nice.</pre>",  # the student's note, quoted
    "could not parse big-O: &#x27;O(n) ish&#x27;",
    f'<details id="t-{CLA}">', f'<a href="#t-{UNK}">',
    "truncated PDF: recovered 1 of 3 pages",
    "Methods and limitations",
])
def test_html_sections(html_report, expected):
    assert expected in html_report[0]


# The page is self-contained: nothing is fetched when it is viewed.
def test_html_is_self_contained(html_report):
    page = html_report[0]
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)|url\(\s*["']?https?:|@import""", page) == []
    assert page.count("<svg") == 5 and "<style>" in page


# Progress is reported step by step, in order.
def test_steps(html_report):
    assert tuple(html_report[1]) == REPORT_STEPS


# Same dataset, same bytes (SVG ids and dates fixed), in both formats.
@pytest.mark.parametrize("fmt, name", [("html", "r.html"), ("md", "r.md")])
def test_deterministic(dataset, tmp_path, fmt, name):
    a = build_report(dataset, tmp_path / "a" / name, fmt=fmt, label_definitions=LABEL_DEFINITIONS, full=True)
    b = build_report(dataset, tmp_path / "b" / name, fmt=fmt, label_definitions=LABEL_DEFINITIONS, full=True)
    files = lambda root: {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert files(a.parent) == files(b.parent)


# Markdown: the same content, figures as PNG files beside the post.
@pytest.mark.parametrize("expected", [
    "| 6b.i | 0/1 0% \\[0%–79%\\] |",
    "![heatmap of labels by model, normalised by parts attempted](post_files/labels-by-model.png)",
    "[bbbb2222 (gemini-2.5-pro)](#t-bbbb2222gem00002)",
    f'<a id="t-{GPT}"></a>',
    "~~~text\nK(q, k) = (q^T k)^2\n~~~",
])
def test_markdown(md_report, expected):
    assert expected in md_report.read_text(encoding="utf-8")


def test_markdown_images(md_report):
    images = sorted(p.name for p in (md_report.parent / "post_files").iterdir())
    assert images == ["attempts-until-correct.png", "first-attempt-matrix.png", "labels-by-model.png",
                      "labels-by-part.png", "refusal-funnel.png"]
    assert all((md_report.parent / "post_files" / n).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for n in images)


# A dataset with no transcripts, claims or labels still gives every section, saying "none".
@pytest.mark.parametrize("expected", [
    "0 transcripts from 0 files", "Ingest failures: none.", "None: no claims on homework parts were extracted.",
    "None: the dataset has no labels.", "None: no attempts on homework parts.", "Count: none in this dataset.",
    "None: no annotation was found to contradict a verdict.", "None: no claims.",
    "None: the dataset has no transcripts.",
])
def test_empty_dataset(empty_dataset, tmp_path, expected):
    page = build_report(empty_dataset, tmp_path / "r.html", label_definitions=LABEL_DEFINITIONS).read_text()
    assert expected in page


# Bad input becomes a specific DatasetError (or TractorError), never a traceback.
def test_not_a_dataset(tmp_path):
    (tmp_path / "notes").mkdir()
    with pytest.raises(DatasetError, match="not a dataset folder"):
        build_report(tmp_path / "notes", tmp_path / "r.html")
    with pytest.raises(DatasetError, match="is not a folder"):
        build_report(tmp_path / "missing", tmp_path / "r.html")


def test_missing_config(tmp_path):
    write_dataset(tmp_path / "ds", {}, card_for({}))
    config_path(tmp_path / "ds", "labels").unlink()
    with pytest.raises(DatasetError, match="no config 'labels'"):
        build_report(tmp_path / "ds", tmp_path / "r.html")


def test_unknown_format(dataset, tmp_path):
    with pytest.raises(TractorError, match="unknown report format 'pdf'"):
        build_report(dataset, tmp_path / "r.pdf", fmt="pdf")



# Formulas are shown as math (MathML made offline), with the LaTeX source on hover and in the
# copied text; code and prose claims stay as written.
@pytest.mark.parametrize("expected", [
    '<span class="math" title="s = \\sqrt{d}"><math><semantics><mrow><mi>s</mi><mo>&#x0003D;</mo><msqrt>',
    '<annotation encoding="application/x-tex">(q^T k + 1)^2</annotation>',
    "<code>self.W_v = nn.Linear(d, d)</code>",  # a code patch is code
])
def test_math_as_math(html_report, expected):
    assert expected in html_report[0]


# Key findings name concrete error types (not conversation events such as self_corrected or
# refusal) and say what each means, other_error included; numbers agree with their nouns.
@pytest.mark.parametrize("label", ["fix_does_not_run", "invented_subpart"])
def test_findings_name_error_types(html_report, label):
    from html import escape

    from tractor.label import LABEL_EXPLANATIONS

    expected = (f'Error type <a href="#label-{label}">{label}</a>: 1 label in 1 transcript — '
                f'{escape(LABEL_EXPLANATIONS[label], quote=False)}.')
    page = html_report[0]
    findings = page[page.index('id="findings"'):page.index('id="correctness"')]
    assert expected in findings
    assert 'href="#label-self_corrected"' not in findings and 'href="#label-refusal"' not in findings


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_grammar(dataset, tmp_path, fmt):
    text = build_report(dataset, tmp_path / f"r.{fmt}", fmt=fmt, label_definitions=LABEL_DEFINITIONS,
                        full=True).read_text()
    assert re.findall(r"\b1 (?:transcripts|labels|claims|files|messages|posts|parts|first attempts)\b", text) == []


# self_corrected counts only where the verdicts went from incorrect to correct: the one on 4b
# (unverified -> unverified) is not a self-correction in the report's numbers.
def test_self_corrected_needs_verdicts(ds, html_report):
    from tractor.report.stats import verdict_changes

    assert sorted((lb["transcript_id"], lb["part"], lb["label"]) for lb in verdict_changes(ds)) == [
        (GPT, "1c", "self_corrected"), (GPT, "6b.i", "self_corrected"), (GEM, "1c", "flip_to_wrong")]
    assert "<strong>1 flip</strong> from correct to wrong; <strong>2 self-corrections</strong>" in html_report[0]


# The Markdown for a forum post is a short summary that points to the HTML page; the full text
# only on request.
def test_markdown_summary(dataset, tmp_path):
    text = build_report(dataset, tmp_path / "post.md", fmt="md", label_definitions=LABEL_DEFINITIONS).read_text()
    assert len(text.splitlines()) <= 150
    assert "`tractor report " in text and "--out post.html`" in text
    assert "Click a card" not in text and "~~~text" not in text  # no transcript in full
    assert "| 1c |" in text and "Key findings" in text
    assert not (tmp_path / "post_files").exists()
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    assert set(re.findall(r"\]\(#([^)]+)\)", text)) <= anchors  # no link to a section left out


# Duplicates are counted once: a second copy of a transcript (its duplicate_of set) changes no number.
def test_duplicates_counted_once(tmp_path):
    from report_rows import ROWS, card_for

    copy = dict(ROWS["transcripts"][0], source="again/gpt.pdf", format="pdf", duplicate_of=ROWS["transcripts"][0][
        "transcript_id"])
    rows = {**ROWS, "transcripts": [*ROWS["transcripts"], copy]}
    write_dataset(tmp_path / "ds", rows, card_for(rows))
    page = build_report(tmp_path / "ds", tmp_path / "r.html", label_definitions=LABEL_DEFINITIONS).read_text()
    assert "4 transcripts from 5 files" in page and "Duplicates: 1 post repeated a conversation" in page
    assert "<strong>3 of 8</strong> judged first attempts" in page


# The page stays small with many posts: 200 more transcripts the sections do not link to add an
# index row each, not their turns (a 180-file report was 37 MB with every transcript inlined).
def test_html_small_with_many_posts(dataset, tmp_path):
    from report_rows import ROWS, card_for

    base = build_report(dataset, tmp_path / "a.html", label_definitions=LABEL_DEFINITIONS).stat().st_size
    long_turn = "A long model answer. " * 500
    extra = [dict(ROWS["transcripts"][2], transcript_id=f"{i:016x}", source=f"more/{i}.txt",
                  messages=[{"role": "user", "content": "Q"}, {"role": "assistant", "content": long_turn}])
             for i in range(200)]
    rows = {**ROWS, "transcripts": [*ROWS["transcripts"], *extra]}
    write_dataset(tmp_path / "ds", rows, card_for(rows))
    page = build_report(tmp_path / "ds", tmp_path / "b.html", label_definitions=LABEL_DEFINITIONS)
    assert page.stat().st_size - base < 200 * 400
    assert long_turn not in page.read_text()


# Figures are readable without colour: the attempts chart marks its bars with hatches, and the
# matrix uses a colour-blind-safe map (cividis), not red against green.
def test_figures_not_colour_alone(html_report):
    page = html_report[0]
    attempts = page[page.index('id="fig-attempts-until-correct"'):]
    assert "<pattern" in attempts[:attempts.index("</figure>")]
    matrix = page[page.index('id="fig-first-attempt-matrix"'):]
    matrix = matrix[:matrix.index("</figure>")]
    assert "#a50026" not in matrix and "#006837" not in matrix  # RdYlGn's ends

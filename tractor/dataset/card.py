"""The dataset card (README.md): YAML front matter listing the configs, then what a reader of
the dataset needs: what each config holds, its columns, how it was built, what was removed for
privacy. Built with huggingface_hub's card types so the Hub parses it as it parses its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import __version__
from .folder import PARQUET_NAME
from .schema import CLAIM_COLUMNS, CONFIG_DOCS, CONFIGS, TRANSCRIPT_COLUMNS, arrow_schema


@dataclass(frozen=True)
class CardFacts:
    """Counts and versions the card states; everything else in it is fixed text."""

    rows: dict[str, int]
    models: dict[str, int] = field(default_factory=dict)
    homeworks: dict[str, int] = field(default_factory=dict)
    key_versions: dict[str, str] = field(default_factory=dict)
    label_definitions: dict[str, str] = field(default_factory=dict)
    duplicates: int = 0  # transcript rows that repeat a kept conversation
    pretty_name: str = "LLMs on the homework: annotated transcripts"
    tractor_version: str = __version__


def render_card(facts: CardFacts) -> str:
    """The card text. Every config is listed in the YAML, empty ones too (no ``errors`` when
    every file was read): its Parquet file then holds the schema and no row group, which
    ``datasets`` streams as an empty split with the right columns. The versions the dataset was
    built with are YAML fields, read back by :func:`card_versions`."""
    from huggingface_hub import DatasetCard, DatasetCardData

    data = DatasetCardData(
        license="mit", language=["en"], pretty_name=facts.pretty_name,
        task_categories=["text-generation", "question-answering"],
        tags=["llm-evaluation", "education", "transcripts", "error-analysis"],
        configs=[{"config_name": c, "data_files": [{"split": "train", "path": f"{c}/{PARQUET_NAME}"}],
                  **({"default": True} if c == "transcripts" else {})} for c in CONFIGS],
        tractor_version=facts.tractor_version, answer_key_versions=dict(sorted(facts.key_versions.items())),
    )
    return str(DatasetCard(f"---\n{data.to_yaml()}\n---\n\n{_body(facts)}"))


def card_versions(card: str) -> tuple[str, dict[str, str]]:
    """``(tractor version, {homework: answer-key version})`` a dataset was built with, from its
    card's YAML; ``("unknown", {})`` for a card that does not say."""
    from huggingface_hub import DatasetCard

    try:
        data = DatasetCard(card).data.to_dict()
    except Exception:  # a hand-edited or foreign card: the versions are simply unknown
        return "unknown", {}
    versions = data.get("answer_key_versions")
    return str(data.get("tractor_version", "unknown")), {str(k): str(v) for k, v in (versions or {}).items()}


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{k} ({v})" for k, v in sorted(counter.items())) or "none"


def _body(facts: CardFacts) -> str:
    lines = [
        f"# {facts.pretty_name}",
        "",
        "Students of a deep-learning course each took a large language model through the non-coding "
        "parts of a homework and posted an annotated log. This dataset holds those logs as chat "
        "transcripts, the claims the model made on each homework part, verdicts from executing those "
        "claims against reference implementations, and error-type labels.",
        "",
        f"Built by tractor {facts.tractor_version}. Models: {_counts(facts.models)}. "
        f"Homeworks: {_counts(facts.homeworks)}.",
        "Answer-key versions: " + (", ".join(f"{k} v{v}" for k, v in sorted(facts.key_versions.items())) or "none") + ".",
        "",
        "## Configs",
        "",
        "| config | rows | what |",
        "|---|---|---|",
        *(f"| `{c}` | {facts.rows.get(c, 0)} | {CONFIG_DOCS[c]} |" for c in CONFIGS),
        "",
        *([f"Duplicates: {facts.duplicates} of the {facts.rows.get('transcripts', 0)} transcript rows repeat a "
           "conversation kept in another row (the same post again, in another format or with small edits); "
           "their `duplicate_of` names the kept transcript. Filter on an empty `duplicate_of` to count each "
           "conversation once.", ""] if facts.duplicates else []),
        *([f"Empty configs: {', '.join(f'`{c}`' for c in CONFIGS if not facts.rows.get(c))}. Their Parquet file "
           "holds the columns and no rows; `datasets` 5.2 loads it with `streaming=True` (without it, it refuses "
           "a split with no rows), and pandas or pyarrow read it as an empty table.", ""]
          if not all(facts.rows.get(c) for c in CONFIGS) else []),
        "```python",
        "from datasets import load_dataset",
        'transcripts = load_dataset("<this repo>", "transcripts", split="train")',
        "```",
        "",
        "## Columns of `transcripts`",
        "",
        *(f"- `{name}`: {doc}" for name, doc in TRANSCRIPT_COLUMNS.items()),
        "",
        *_other_columns(),
    ]
    if facts.label_definitions:
        lines += ["## Labels", "", *(f"- `{k}`: {v}" for k, v in facts.label_definitions.items()), ""]
    lines += [
        "## Privacy",
        "",
        "Student identities were removed before anything was written: names in bylines and headers, "
        "names from the course roster, e-mail addresses, student IDs, chat share links and PDF "
        "metadata are replaced by stable keyed pseudonyms (HMAC-SHA256 with a key that is not "
        "published). Paper authors and course staff quoted in pasted course text are kept.",
        "",
        "## License",
        "",
        "MIT.",
        "",
    ]
    return "\n".join(lines)


def _other_columns() -> list[str]:
    out = ["## Columns of `claims`", "", *(f"- `{name}`: {doc}" for name, doc in CLAIM_COLUMNS.items()), ""]
    for config in CONFIGS[2:]:
        names = ", ".join(f"`{f.name}`" for f in arrow_schema(config))
        out += [f"Columns of `{config}`: {names}.", ""]
    return out

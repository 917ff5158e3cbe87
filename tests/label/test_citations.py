"""Citations against the table ``data/citations.toml``: papers named with the wrong authors, year
or venue, ideas credited to the wrong paper, and the many ways of citing correctly (or of only
mentioning an idea next to a citation) that must stay silent."""

import tomllib

import pytest

from tractor.label.citations import check_sentence, citation_labels, papers
from tractor.paths import data_dir
from tractor.records import Message, Transcript


# An idea credited, by a crediting verb after it, to authors who did not introduce it.
@pytest.mark.parametrize("sentence, problem", [
    ("Multi-query attention was introduced by Vaswani et al. (2017).", "credited to Vaswani et al. (2017"),
    ("Layer norm was first proposed by Ioffe and Szegedy (2015).", "credited to Ioffe and Szegedy (2015"),
    ("Residual connections were introduced by Simonyan and Zisserman (2015).", "the table credits it to He et al."),
    ("The Adam optimizer was proposed by Duchi et al. (2011).", "the table credits it to Kingma et al."),
    ("Grouped-query attention was developed by Shazeer (2019).", "the table credits it to Ainslie et al."),
    ("Dropout was invented by Kingma et al. (2014) to fight overfitting.", "Srivastava et al."),
])
def test_idea_credited_to_the_wrong_authors(sentence, problem):
    assert problem in "; ".join(check_sentence(sentence))


# An idea with a parenthetical citation whose year or venue is not its paper's.
@pytest.mark.parametrize("sentence, problem", [
    ("Batch normalization (NeurIPS 2016) stabilises training.", "credited to NeurIPS 2016"),
    ("MQA (Shazeer, 2017) shares one key and value head.", "credited to Shazeer, 2017"),
    ("LoRA (Hu et al., 2019) adds low-rank adapters.", "credited to Hu et al., 2019"),
    ("GELU (ICLR 2016) is smooth and non-monotonic.", "GELU credited to ICLR 2016"),
    ("RoPE [Su et al., 2019] rotates queries and keys.", "credited to Su et al., 2019"),
])
def test_idea_with_wrong_year_or_venue(sentence, problem):
    assert problem in "; ".join(check_sentence(sentence))


# A citation first, then a crediting verb and an idea its paper did not introduce.
@pytest.mark.parametrize("sentence, problem", [
    ("Vaswani et al. (2017) introduced multi-query attention.", "multi-query attention credited to Vaswani"),
    ("Kingma and Ba (2015) proposed batch normalization.", "batch normalization credited to Kingma and Ba"),
    ("He et al. (2016) introduced layer normalization to fix this.", "credited to He;"),
    ("Ioffe and Szegedy (2015) invented dropout.", "dropout credited to Ioffe and Szegedy"),
    ("Goodfellow et al. (2014) proposed variational autoencoders.", "variational autoencoders credited"),
])
def test_citation_then_a_wrong_idea(sentence, problem):
    assert problem in "; ".join(check_sentence(sentence))


# A paper named by title or nickname with a citation that is not its own.
@pytest.mark.parametrize("sentence, problem", [
    ("You will see exactly this form in the original Performer paper (Katharopoulos et al., 2020).",
     "credited to Katharopoulos"),
    ("Multi-query attention comes from Fast Transformer Decoding (Shazeer, 2017).", "dated 2017"),
    ("Transformers are RNNs (Katharopoulos et al., ICLR 2020) introduced linear attention.", "placed at ICLR"),
    ("The linear attention paper by Choromanski et al. 2020 uses elu + 1.", "credited to Choromanski"),
    ("The ResNet paper (He et al., ICML 2016) added identity shortcuts.", "placed at ICML"),
    ("Attention Is All You Need (Vaswani et al., 2018) defined multi-head attention.", "dated 2018"),
])
def test_paper_with_wrong_attribution(sentence, problem):
    assert problem in "; ".join(check_sentence(sentence))


# Right credits in every phrasing stay silent, including ideas two papers may be credited with.
@pytest.mark.parametrize("sentence", [
    "Multi-query attention was introduced by Shazeer (2019).",
    "Batch normalization (Ioffe and Szegedy, ICML 2015) stabilises training.",
    "Vaswani et al. (2017) introduced the Transformer.",
    "Dropout (Hinton et al., 2012) randomly zeroes units.",
    "Dropout (Srivastava et al., 2014) randomly zeroes units.",
    "Residual connections were proposed by He et al. (2016).",
    "Adam optimizer (Kingma & Ba, ICLR 2015).",
    "GQA (Ainslie et al., 2023) interpolates between MHA and MQA.",
    "Choromanski et al. (2020) introduced the Performer.",
    "In the original Vaswani et al. (2017) paper, M = D always.",
    "Attention Is All You Need (Vaswani et al., NeurIPS 2017).",
])
def test_right_credits_are_silent(sentence):
    assert check_sentence(sentence) == []


# An idea next to a citation for something else is not a credit: lists, contrasts, uses, negation.
@pytest.mark.parametrize("sentence", [
    "Unlike MQA, Vaswani et al. (2017) used one key head per query head.",
    "MQA, as used in Llama 2 (Touvron et al., 2023), shares keys.",
    "Residual connections were not introduced by Ioffe and Szegedy (2015).",
    "Layer norm is applied before attention, as in Xiong et al. (2020).",
    "We compare batch normalization with the scheme of Ba et al. (2016).",
    "Beyond dropout, Loshchilov and Hutter (2019) also regularise with decoupled weight decay.",
])
def test_co_mentions_are_not_credits(sentence):
    assert check_sentence(sentence) == []


# Citations tractor cannot place are left alone: unknown papers, surnames with no paper or idea.
@pytest.mark.parametrize("sentence", [
    "Vaswani et al. (2019) studied something else entirely.",
    "Smith et al. (2021) studied something else entirely.",
    "Wang et al. (2018) report a similar trick.",
    "See Equation (2017) on page 7.",
    "The Performer uses positive random features.",
    "Attention sinks were introduced by Xiao et al. (2023).",
])
def test_unplaceable_citations_are_silent(sentence):
    assert check_sentence(sentence) == []


def test_table_covers_the_course_and_is_well_formed():
    raw = tomllib.loads((data_dir() / "citations.toml").read_text(encoding="utf-8"))["paper"]
    assert len(papers()) == len(raw) >= 40
    assert len({p.key for p in papers()}) == len(papers())
    for paper in papers():
        assert paper.authors and paper.years and paper.venues, paper.key
        assert all(1900 < y < 2030 for y in paper.years), paper.key
    names = {n.lower(): p.key for p in papers() for n in p.names}
    clashes = [(i, p.key, names[i.lower()]) for p in papers() for i in p.ideas
               if names.get(i.lower(), p.key) != p.key]
    assert clashes == []  # an idea is never another paper's name


def test_label_carries_the_claim_and_the_table_entry():
    t = Transcript("t", "s", "text", messages=[
        Message("user", "Where does MQA come from?"),
        Message("assistant", "Good question. Multi-query attention was introduced by Vaswani et al. (2017). "
                             "It shares one key and value head across all query heads."),
    ])
    (label,) = citation_labels(t)
    assert (label.label, label.message_index, label.part) == ("misattributed_citation", 1, "")
    assert "Multi-query attention was introduced by Vaswani et al. (2017)." in label.evidence
    assert "Fast Transformer Decoding" in label.evidence and "Shazeer (2019" in label.evidence

"""The recovery model's weights and thresholds, shared by `character_model`, `lattice`,
`run_context` and `recovery` (see `plancli.stages.garbled` for the method).
"""

BIGRAM_WEIGHT = 0.75  # λ: share of P(c | previous) taken from the document's bigrams
LINE_WEIGHT = 0.1  # share of the unigram taken from the damaged line itself
PRIOR_COUNT = 0.5  # pseudo-count spread over all GBK characters by their prior weight
DROP_RATE = 0.1  # chance that a shifted pair was unmappable and dropped, per pair
BRACKET_PENALTY = 0.1  # factor for a bracket that would unbalance its line
PRUNE = 10.0  # readings this many nats below the total are not worth showing
MIN_CONFIDENCE = 0.5  # below this a span is reported without a candidate
SHOW_MARGINAL = 0.8  # a hidden character is shown only when the model is this sure of it
EVIDENCE_MARGIN = 2.0  # nats per character the recovery must gain to count as evidence
MAX_RECOVERIES = 100  # per document; runs beyond are reported without trying a recovery
OTHER = "\x00"  # stands for every character the document does not use
UNKNOWN = "□"  # a character the bytes and the document do not decide (缺字 mark)

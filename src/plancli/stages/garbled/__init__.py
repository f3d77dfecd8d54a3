"""Detect garbled runs (GBK mojibake) and propose recoveries; never alters text.

The damage in the samples, worked out byte by byte (tests/test_mojibake.py has the numbers):
the page was stored as GBK, one byte was lost or swallowed, and the decoder went on one byte
out of frame. Each character it produced is the trail byte of one original character plus the
lead byte of the next: ``。“十四五”期間`` is A1A3 A1B0 CAAE CBC4 CEE5 A1B1 C6DA E967, read
from its second byte A3A1 ``！`` B0CA ``笆`` (AECB is no character and was dropped) C4CE
``奈`` … DAE9 ``陂``, and 67 ``g``, an ASCII byte, brought the decoder back in step. The
orphan byte shows as ``?``. Where a pinyin gloss had been inserted inside a character, the
``?`` also swallowed the gloss's ``(``, leaving ``?jié)``.

Recovery re-encodes the run, restores the hidden bytes (the orphan lead byte, the trail byte
behind a closing ``?``, a dropped unmappable pair) and decodes in the original frame. The
hidden bytes are chosen with a character bigram model of the document itself, mixed with the
characters of the damaged line (a word tends to recur near itself), backed by GB2312 level 1
as "common CJK" and by bracket balance. A guessed character is shown only when the model is
sure of it and it makes known words with its neighbours; otherwise it is shown as □ (the 缺字
mark). ``confidence`` is the model's posterior probability that what is shown is right, among
every restoration it considered, including characters the document never uses.

The package's modules, arrows one way: `detect` finds the runs (`find_suspect_spans`); a run is
a `runs.Run`; `gbk` holds the GBK table both sides read. Recovery lives in `recovery` (with
`character_model`, `lattice`, `run_context` and the model's constants in `tuning`), imported
by `detect` only when a run can be recovered, so clean documents pay nothing for it.
Costs are bounded: MAX_BODY characters per run, MAX_RECOVERIES runs per document, and each
run's search is linear in its length. The unsplit layout is walked forward once (sums and
best path) and backward once; a layout that splits pair k is the shared forward prefix, two
steps and the shared backward suffix. A closed slot (one character) is a lattice state every
path goes through, so a split layout differs from the unsplit one only between the closed
slots nearest its split: its best path and the posterior of its guessed characters outside
that window are the unsplit layout's, and the mass of what is shown multiplies the clamped
shares of each run of open slots (forward · backward for a single slot).

What is static is built once: `gbk_table.txt` stores the characters, codes, prior weights and,
for every byte, which lead bytes form a character with it (about twenty distinct patterns,
interned, so the work after a dropped pair is done once per pattern, not per candidate).
What depends on the document is built once per document (bigram counts, every character's
unigram term, each slot's candidates, successors, back-off terms and grouping by trail byte)
and only the damaged line's own characters are redone per line, all of them in one pass;
backward scores into the second half of a split pair are made only for the states asked
about. A character's successors are read from the distinct bigrams (kept in order of first
occurrence), not from its occurrences in the text.

Sums are shared and regrouped, so results agree with the unshared computation (one forward
walk per layout, one per clamped reading) up to rounding: the model, its thresholds and its
tie-breaking are unchanged; on the samples and the evaluation documents, damaged or not, the
spans and recovered texts are identical and confidences moved by 3e-14 at most. Among paths
whose scores are exactly equal, the best path is the first in slot order, as a forward walk
finds it; a split layout takes the unsplit layout's path outside its window.
`tools/garbled_check.py` `dump` prints spans and recoveries at full precision, and `compare`
checks two dumps against this equivalence (texts identical, confidences within 1e-9).
"""

from __future__ import annotations

from plancli.stages.garbled.detect import find_suspect_spans

__all__ = ["find_suspect_spans"]

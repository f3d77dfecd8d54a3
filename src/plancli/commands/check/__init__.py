"""Corpus checks for CI (plancli check).

Every file goes through the whole pipeline; the stages' own diagnostics are
joined by document-level checks made from the Document. Each finding has a
fingerprint that survives unrelated edits: it hashes the file path, the code
and the normalised text of the offending source line (or, for a finding with
no line, the message with its digits masked), never the line number, so a
baseline written with --write-baseline keeps matching after lines move.

The modules: `findings` (the codes, a finding, one file's findings),
`documents` (the checks made from a finished Document, merged with the
stages' diagnostics), `fingerprints` (fingerprints and baselines), `formats`
(text, JSON, GitHub, JUnit and SARIF reports) and `command` (running the
check over files and folders).
"""

"""`plancli compare`: how a plan is carried down the levels of government.

Documents come in order from the higher level to the lower (or are put in date order). Their
numeric targets are aligned by measure (measures.py) and their tasks by text (tasks.py); each
step of the chain says what the lower document did with the higher one's measure or task.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plancli.commands.compare.model import Comparison
    from plancli.models import Document

__all__ = ["compare_documents", "in_date_order"]


def in_date_order(documents: Sequence[Document]) -> list[Document]:
    """Earliest first; undated documents keep their place after the dated ones."""
    return sorted(documents, key=lambda d: (d.meta.date is None, d.meta.date or ""))


def compare_documents(documents: Sequence[Document]) -> Comparison:
    """Align the documents' measures and tasks, in the order given (higher level first)."""
    from plancli.commands.compare.measures import measure_rows
    from plancli.commands.compare.model import Comparison, DocumentRef
    from plancli.commands.compare.tasks import task_rows

    chain = list(documents)
    return Comparison(
        documents=[
            DocumentRef(
                path=d.source.path, title=d.meta.title, issuer=d.meta.issuer, date=d.meta.date
            )
            for d in chain
        ],
        measures=measure_rows(chain),
        tasks=task_rows(chain),
    )

"""Character-bigram similarity (Dice coefficient), the one measure compare uses.

Why bigrams: Chinese has no spaces, so word tokens would need a segmenter (and its dictionary)
that knows 综合服务设施 as well as 社区工作者; overlapping character pairs catch the shared
words without one, ignore word order (`养老服务人均用地` vs `人均用地的养老服务`) and cost
O(n). A multiset Dice coefficient on them is symmetric and in 0 … 1. A library such as
rapidfuzz would be faster on long strings, but a plan has tens of tasks of a few hundred
characters, so this is milliseconds, and its edit-distance ratios weigh order, which a
reworded task does not keep.
"""

from __future__ import annotations

from collections import Counter


def bigrams(text: str) -> Counter[str]:
    """Overlapping character pairs; a one-character text is its own 'pair'.

    >>> sorted(bigrams("社区工作").elements())
    ['区工', '工作', '社区']
    """
    if len(text) < 2:
        return Counter([text] if text else [])
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def dice(left: str, right: str) -> float:
    """2·|shared bigrams| / (|left| + |right|), counting repeats; 0.0 when both are empty.

    >>> dice("社区工作者", "社区工作者"), dice("社区工作者", "养老服务")
    (1.0, 0.0)
    >>> round(dice("城市社区日间照料机构覆盖率", "城市社区政务通用自助服务覆盖率"), 2)
    0.38
    """
    a, b = bigrams(left), bigrams(right)
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


def containment(left: str, right: str) -> float:
    """Share of the shorter text's characters found in the longer one (multiset overlap).

    >>> containment("养老服务人均用地", "新建城区人均用地养老服务")
    1.0
    """
    a, b = Counter(left), Counter(right)
    smaller = min(sum(a.values()), sum(b.values()))
    return sum((a & b).values()) / smaller if smaller else 0.0

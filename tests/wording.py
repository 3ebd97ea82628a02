"""Whether a problem is worded in the planner's language: the Chinese template filled from the problem's own
facts (``words.explain.expected_words``), never the English fallback that a missing fact would leave."""

from __future__ import annotations

from indicators.words.explain import expected_words


def worded_in_chinese(problem) -> bool:
    zh = expected_words(problem, "zh")
    return zh != problem.expected and any("\u4e00" <= c <= "\u9fff" for c in zh)


def assert_worded_in_chinese(problems) -> None:
    assert problems
    for p in problems:
        assert worded_in_chinese(p), (p.code, p.expected)

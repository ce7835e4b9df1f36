import pytest

from watchdesk.models.incident import Grade
from watchdesk.rules.grading import (
    GRADE_NAMES,
    THRESHOLDS,
    THRESHOLDS_SOURCE,
    grade_label,
    suggest_grade,
)

G = Grade


@pytest.mark.parametrize(
    "dead, grade", [(0, G.IV), (2, G.IV), (3, G.III), (9, G.III), (10, G.II), (29, G.II), (30, G.I)]
)
def test_dead_boundaries(dead, grade):
    assert suggest_grade(dead, 0, 0) is grade


@pytest.mark.parametrize(
    "serious, grade",
    [(9, G.IV), (10, G.III), (49, G.III), (50, G.II), (99, G.II), (100, G.I)],
)
def test_serious_boundaries(serious, grade):
    assert suggest_grade(0, serious, 0) is grade


@pytest.mark.parametrize(
    "loss, grade",
    [
        (9_999_999, G.IV),
        (10_000_000, G.III),
        (49_999_999, G.III),
        (50_000_000, G.II),
        (99_999_999, G.II),
        (100_000_000, G.I),
    ],
)
def test_loss_boundaries(loss, grade):
    assert suggest_grade(0, 0, loss) is grade


def test_highest_criterion_wins():
    assert suggest_grade(2, 50, 10_000_000) is G.II
    assert suggest_grade(30, 0, 0) is G.I


@pytest.mark.parametrize(
    "dead, missing, counts, grade",
    [
        (2, 1, False, G.IV),
        (2, 1, True, G.III),
        (9, 1, True, G.II),
        (8, 1, True, G.III),
        (25, 5, True, G.I),
        (25, 5, False, G.II),
        (0, 30, True, G.I),
    ],
)
def test_missing_counts(dead, missing, counts, grade):
    assert suggest_grade(dead, 0, 0, missing=missing, missing_counts=counts) is grade


@pytest.mark.parametrize(
    "args, kwargs, field",
    [
        ((-1, 0, 0), {}, "dead"),
        ((0, -1, 0), {}, "seriously_injured"),
        ((0, 0, -1), {}, "direct_loss_yuan"),
        ((0, 0, 0), {"missing": -1}, "missing"),
    ],
)
def test_negative_inputs(args, kwargs, field):
    with pytest.raises(ValueError, match=field):
        suggest_grade(*args, **kwargs)


@pytest.mark.parametrize(
    "grade, zh, en",
    [
        (G.I, "特别重大(Ⅰ级)", "Especially major (I)"),
        (G.II, "重大(Ⅱ级)", "Major (II)"),
        (G.III, "较大(Ⅲ级)", "Relatively major (III)"),
        (G.IV, "一般(Ⅳ级)", "Ordinary (IV)"),
    ],
)
def test_grade_label(grade, zh, en):
    assert grade_label(grade, "zh") == zh
    assert grade_label(grade, "zh_CN") == zh
    assert grade_label(grade.value, "en") == en
    assert GRADE_NAMES[grade][0] in zh


def test_grade_label_unknown_language():
    with pytest.raises(ValueError, match="fr"):
        grade_label(G.I, "fr")


def test_thresholds_table():
    assert [t.grade for t in THRESHOLDS] == [G.I, G.II, G.III]
    assert "第493号" in THRESHOLDS_SOURCE and "第三条" in THRESHOLDS_SOURCE
    assert all(t.source == THRESHOLDS_SOURCE for t in THRESHOLDS)

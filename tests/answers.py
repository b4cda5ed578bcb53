"""Questionnaire answers the tests share (附件1, version 1)."""

LOWEST = {n: "A" for n in range(1, 13)} | {9: ["A"]}
"""The minimum: 14 points, 极低."""

HIGHEST = {
    1: "E",
    2: "D",
    3: "E",
    4: "D",
    5: "C",
    6: "D",
    7: "C",
    8: "C",
    9: ["A", "E"],
    10: "D",
    11: "C",
    12: "E",
}
"""The maximum: 60 points, 高 (Q9 scores its highest choice, E)."""

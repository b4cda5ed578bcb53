from portal.domain.supplementary import DIMENSIONS, RISK_LEVELS


def test_supplementary_codes_have_labels():
    assert RISK_LEVELS == ("极低", "低", "中", "高")
    expected = {
        "habit": "DBI",
        "value_class": "GSMU",
        "decision_style": "FYLZ",
        "product_preference": "VCJTQX",
    }
    for key, (title, choices) in DIMENSIONS.items():
        assert title
        assert "".join(choices) == expected[key]
        for code, choice in choices.items():
            assert choice.code == code
            assert choice.label
    for _, choices in list(DIMENSIONS.values())[:3]:
        assert all(choice.traits and choice.service for choice in choices.values())

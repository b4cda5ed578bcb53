import pytest

from portal.domain.surname import initial, name_initials, split_surname


@pytest.mark.parametrize(
    ("name", "letter"),
    [
        ("单田芳", "S"),
        ("曾国藩", "Z"),
        ("解缙", "X"),
        ("查良镛", "Z"),
        ("仇英", "Q"),
        ("区家麟", "O"),
        ("朴槿惠", "P"),
        ("繁钦", "P"),
        ("覃振", "Q"),
        ("翟志刚", "Z"),
        ("秘书", "B"),
        ("宓子贱", "F"),
        ("长子", "C"),
        ("单", "S"),
        ("曾", "Z"),
        ("欧阳修", "O"),
        ("司马光", "S"),
        ("诸葛亮", "Z"),
        ("尉迟恭", "Y"),
        ("万俟卨", "M"),
        ("长孙无忌", "Z"),
        ("单于", "C"),
        ("歐陽修", "O"),
        ("單田芳", "S"),
        ("张三", "Z"),
        ("李四", "L"),
        ("吕布", "L"),
        ("  王五 ", "W"),
        ("Smith", "S"),
        ("smith", "S"),
        ("ｓmith", "S"),
        ("Ｓｍｉｔｈ", "S"),
        ("Émile Zola", "E"),
        ("123", "#"),
        ("", "#"),
        ("   ", "#"),
        ("Иван", "#"),
        ("·", "#"),
    ],
)
def test_initial(name, letter):
    assert initial(name) == letter


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("张三丰", "ZSF"),
        ("单田芳", "STF"),
        ("欧阳修", "OYX"),
        ("万俟卨", "MQX"),
        ("曾国藩", "ZGF"),
        ("爱新觉罗·溥仪", "AXJLPY"),
        ("John Smith", "JS"),
        ("mary jane  watson", "MJW"),
        ("", ""),
    ],
)
def test_name_initials(name, initials):
    assert name_initials(name) == initials


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("张三丰", ("张", "三丰")),
        ("欧阳修", ("欧阳", "修")),
        ("诸葛 亮", ("诸葛", "亮")),
        ("爱新觉罗·溥仪", ("爱新觉罗", "溥仪")),
        ("John Smith", ("John", "Smith")),
        ("", ("", "")),
    ],
)
def test_split_surname(name, parts):
    assert split_surname(name) == parts

import pytest

from portal.domain.surname import initial, name_initials, sort_key, split_surname


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


def pinyin_order(names: str) -> list[str]:
    """The names as the lists order them: by surname letter, then by :func:`sort_key`."""
    return sorted(names.split(), key=lambda name: (initial(name), sort_key(name)))


def test_names_of_a_letter_go_by_pinyin_not_by_code_point():
    # By code point: 丁 4E01 < 杜 675C < 段 6BB5 < 董 8463 < 邓 9093.
    assert pinyin_order("丁伟 杜伟 段伟 董伟 邓伟") == ["邓伟", "丁伟", "董伟", "杜伟", "段伟"]
    # Syllable by syllable, then tone: 李明 before 李明华 and after 黎明 (li2 < li3).
    assert pinyin_order("李明华 李明 黎明 刘一") == ["黎明", "李明", "李明华", "刘一"]


def test_polyphonic_surnames_sort_as_surnames():
    # 单 shàn (not dān), 曾 zēng (not céng), 仇 qiú (not chóu), 区 ōu (not qū), 解 xiè.
    assert pinyin_order("单田芳 邵华 沈括 丹青 邓伟") == ["丹青", "邓伟", "单田芳", "邵华", "沈括"]
    assert pinyin_order("曾国藩 崔健 张三 蔡伦") == ["蔡伦", "崔健", "曾国藩", "张三"]
    assert pinyin_order("仇英 钱钟书 秦观 曲波") == ["钱钟书", "秦观", "仇英", "曲波"]
    assert pinyin_order("区家麟 欧阳修 欧文 齐白石") == ["区家麟", "欧文", "欧阳修", "齐白石"]
    assert pinyin_order("解缙 谢安 夏明 江河") == ["江河", "夏明", "谢安", "解缙"]
    assert sort_key("單田芳").startswith("shan4tian2fang1")


def test_compound_surnames_sort_as_one_surname():
    assert pinyin_order("司马光 司徒雷 宋江 孙权") == ["司马光", "司徒雷", "宋江", "孙权"]
    assert pinyin_order("诸葛亮 朱熹 周瑜") == ["周瑜", "诸葛亮", "朱熹"]
    # Read as a compound: 尉迟 yù chí (not 尉 wèi), 长孙 zhǎng sūn (not 长 cháng).
    assert pinyin_order("尉迟恭 于谦 余华 魏征") == ["魏征", "余华", "于谦", "尉迟恭"]
    assert pinyin_order("长孙无忌 长江 张三 常山") == ["长江", "常山", "张三", "长孙无忌"]
    assert sort_key("欧阳修").startswith("ou1yang2xiu1 ")
    assert sort_key("歐陽修").startswith("ou1yang2xiu1 ")
    assert sort_key("万俟卨").startswith("mo4qi2")


def test_latin_names_go_among_the_hanzi_of_their_letter():
    names = ["John Smith", "蒋介石", "金庸", "Jane Doe", "贾宝玉", "ｊｏｈｎ", "Émile Zola", "鄂伦"]
    assert sorted(names, key=lambda name: (initial(name), sort_key(name))) == [
        "鄂伦",  # e4lun2
        "Émile Zola",  # emile0zola0
        "Jane Doe",  # jane0doe0
        "贾宝玉",  # jia3bao3yu4
        "蒋介石",  # jiang3jie4shi2
        "金庸",  # jin1yong1
        "ｊｏｈｎ",  # john0: a word ends before a longer one
        "John Smith",  # john0smith0
    ]


def test_sort_key_ends_with_the_name_so_names_read_alike_stay_apart():
    assert sort_key(" 张伟 ") == "zhang1wei3 张伟"
    assert sort_key("章伟") == "zhang1wei3 章伟"
    assert sort_key("张伟") < sort_key("章伟") < sort_key("张伟明")
    assert sort_key("123") == " 123" and sort_key("") == " "

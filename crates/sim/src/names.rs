//! Believable Chinese names for a county of western Yunnan: people (Han, Bai and Yi flavoured),
//! villages, townships, the county, co-ops, suppliers and city businesses, each unique within
//! its scope through a [`NameBook`].

use crate::rng::Rng;
use std::collections::HashSet;

/// The names already given within one scope (the county's places, or its people), so that no
/// two get the same one.
#[derive(Debug, Default)]
pub struct NameBook {
    taken: HashSet<String>,
}

impl NameBook {
    pub fn new() -> NameBook {
        NameBook::default()
    }

    /// A name from `make` not yet in this book. The pools hold far more names than any county
    /// needs; should one run dry, the name gets a number, as Chinese registers tell twins apart.
    pub fn unique(&mut self, rng: &mut Rng, mut make: impl FnMut(&mut Rng) -> String) -> String {
        for _ in 0..500 {
            let candidate = make(rng);
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        let base = make(rng);
        (2..).map(|n| format!("{base}（{n}）")).find(|c| self.taken.insert(c.clone())).expect("some number is free")
    }
}

/// How a person's name sounds: most people in the valleys are Han, Bai families are many
/// around Dali, and Yi families live in the mountain villages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameStyle {
    Han,
    Bai,
    Yi,
}

/// Surnames by weight, as common in Dali prefecture (杨, 李, 段, 赵, 字 more than in the east).
const SURNAMES: &[(&str, u32)] = &[
    ("李", 30),
    ("杨", 28),
    ("张", 22),
    ("王", 20),
    ("赵", 14),
    ("陈", 10),
    ("段", 10),
    ("刘", 8),
    ("罗", 7),
    ("杜", 6),
    ("周", 6),
    ("董", 6),
    ("何", 6),
    ("字", 5),
    ("黄", 5),
    ("高", 4),
    ("马", 4),
    ("吴", 4),
    ("朱", 4),
    ("苏", 4),
    ("尹", 4),
    ("施", 4),
    ("徐", 3),
    ("郭", 3),
    ("胡", 3),
    ("熊", 3),
    ("和", 3),
    ("余", 3),
    ("郑", 3),
    ("谢", 3),
    ("鲁", 3),
    ("毕", 3),
    ("彭", 2),
    ("寸", 2),
    ("奚", 2),
    ("闵", 2),
];

const MALE_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "辉", "鹏", "建", "国", "林", "海", "文", "兵", "斌",
    "波", "宇", "浩", "凯", "昌", "福", "贵", "发", "成", "学", "德", "永", "志", "正", "金", "家", "开", "顺", "义",
    "祥", "光", "天", "绍", "忠", "良", "俊", "树", "旺", "荣", "华", "平", "春", "云",
];

const FEMALE_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "兰", "霞", "桂", "英", "红", "玉", "萍", "燕", "梅", "秀", "珍", "凤",
    "琼", "莲", "仙", "菊", "翠", "晓", "雪", "婷", "丹", "琳", "慧", "芬", "彩", "润", "春", "华", "云", "平", "花",
    "美",
];

const BAI_SURNAMES: &[&str] = &["段", "杨", "赵", "李", "张", "董", "尹", "施", "字", "苏", "何", "寸", "奚", "和"];
const BAI_GIVEN: &[&str] = &[
    "金花", "银花", "金凤", "阿鹏", "阿妹", "月英", "苍林", "洱生", "玉洁", "树清", "绍华", "丽仙", "鹤年", "点苍",
    "银凤", "海生", "月娥",
];

const YI_SURNAMES: &[&str] = &["普", "罗", "毕", "起", "鲁", "自", "者", "李", "杨", "茶", "龙", "沙"];
const YI_GIVEN: &[&str] = &[
    "阿呷", "阿依", "阿果", "阿牛", "木呷", "拉且", "阿芝", "阿英", "么妹", "依诺", "阿洛", "尔果", "者布", "阿支",
    "色哈", "阿散",
];

/// A person's full name: surname, then a given name of one or two characters.
pub fn person_name(rng: &mut Rng, style: NameStyle) -> String {
    match style {
        NameStyle::Bai if rng.chance(0.5) => {
            format!("{}{}", rng.pick(BAI_SURNAMES), rng.pick(BAI_GIVEN))
        }
        NameStyle::Yi if rng.chance(0.6) => {
            format!("{}{}", rng.pick(YI_SURNAMES), rng.pick(YI_GIVEN))
        }
        NameStyle::Bai => format!("{}{}", rng.pick(BAI_SURNAMES), han_given_name(rng)),
        NameStyle::Yi => format!("{}{}", rng.pick(YI_SURNAMES), han_given_name(rng)),
        NameStyle::Han => format!("{}{}", rng.weighted(SURNAMES), han_given_name(rng)),
    }
}

fn han_given_name(rng: &mut Rng) -> String {
    let chars = if rng.chance(0.5) { MALE_CHARS } else { FEMALE_CHARS };
    let first = *rng.pick(chars);
    if rng.chance(0.3) {
        return first.to_string();
    }
    let mut second = *rng.pick(chars);
    while second == first {
        second = *rng.pick(chars);
    }
    format!("{first}{second}")
}

const VILLAGE_FIRST: &[&str] = &[
    "大", "小", "上", "下", "中", "新", "老", "黑", "白", "红", "青", "松", "柏", "石", "马", "牛", "羊", "龙", "凤",
    "桃", "梅", "沙", "水", "河", "塘", "罗", "平", "清", "干", "岩", "拉", "阿", "者", "金", "银", "铜", "杨", "李",
    "张", "赵", "段", "花", "竹", "果", "甸", "宾", "钟", "力", "乔", "鸡", "鹤", "麦", "谷", "菜", "三", "五", "七",
    "九", "东", "西", "南", "北",
];

const VILLAGE_SECOND: &[&str] = &[
    "坪", "田", "竹", "花", "树", "桥", "井", "甸", "场", "关", "泥", "林", "窝", "湾", "子", "家", "地", "山", "河",
    "塘", "阳", "溪", "泉", "岭", "岗", "坡", "冲", "登", "苴", "乌", "旧", "鱼", "茂", "米", "那", "么", "秧", "草",
    "岔", "口", "栗", "庙", "堡", "江", "木", "水",
];

/// Village name endings: 村 most often; 营 and 哨 (old garrisons and posts), 箐 (wooded gully),
/// 坝 (valley flat), 庄, 屯 and 沟 as the landscape gives them.
const VILLAGE_SUFFIX: &[(&str, u32)] =
    &[("村", 35), ("营", 10), ("哨", 8), ("箐", 8), ("坝", 8), ("庄", 8), ("屯", 6), ("沟", 8)];

/// A village name such as 松坪哨 or 大栗村.
pub fn village_name(rng: &mut Rng) -> String {
    let first = *rng.pick(VILLAGE_FIRST);
    let suffix = *rng.weighted(VILLAGE_SUFFIX);
    let mut second = *rng.pick(VILLAGE_SECOND);
    while second == first || second == suffix {
        second = *rng.pick(VILLAGE_SECOND);
    }
    format!("{first}{second}{suffix}")
}

const TOWNSHIP_SYLLABLES: &[&str] = &[
    "金", "牛", "宾", "居", "州", "城", "大", "营", "乔", "甸", "力", "角", "平", "川", "拉", "乌", "钟", "英", "太",
    "和", "古", "底", "青", "华", "永", "安", "乐", "丰", "兴", "德", "龙", "凤", "云", "松", "桂", "白", "岩", "南",
    "新", "宁", "泰", "庆", "福", "禄", "鸡", "足", "沙", "溪",
];

/// What kind of township: a town (镇), a rural township (乡), or an ethnic township.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TownshipKind {
    Town,
    Rural,
    Yi,
}

impl TownshipKind {
    fn suffix(self) -> &'static str {
        match self {
            TownshipKind::Town => "镇",
            TownshipKind::Rural => "乡",
            TownshipKind::Yi => "彝族乡",
        }
    }
}

/// A township name such as 乐丰镇 or 拉乌彝族乡.
pub fn township_name(rng: &mut Rng, kind: TownshipKind) -> String {
    format!("{}{}", two_syllables(rng, TOWNSHIP_SYLLABLES), kind.suffix())
}

/// A township's name without its 镇 / 乡 / 彝族乡, as shop signs use it.
pub fn township_short(name: &str) -> &str {
    ["彝族乡", "乡", "镇"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(name)
}

fn two_syllables(rng: &mut Rng, pool: &[&str]) -> String {
    let first = *rng.pick(pool);
    let mut second = *rng.pick(pool);
    while second == first {
        second = *rng.pick(pool);
    }
    format!("{first}{second}")
}

/// County-name syllables with their pinyin initials, which make the county's code (宾川县 → BCX).
const COUNTY_SYLLABLES: &[(&str, char)] = &[
    ("宾", 'B'),
    ("川", 'C'),
    ("祥", 'X'),
    ("云", 'Y'),
    ("弥", 'M'),
    ("渡", 'D'),
    ("鹤", 'H'),
    ("庆", 'Q'),
    ("永", 'Y'),
    ("平", 'P'),
    ("漾", 'Y'),
    ("南", 'N'),
    ("华", 'H'),
    ("巍", 'W'),
    ("山", 'S'),
    ("洱", 'E'),
    ("源", 'Y'),
    ("剑", 'J'),
    ("宁", 'N'),
    ("丰", 'F'),
    ("安", 'A'),
    ("禄", 'L'),
    ("德", 'D'),
    ("昌", 'C'),
    ("兴", 'X'),
    ("泰", 'T'),
];

/// The county's short name (宾川), full name (宾川县) and code (BCX).
pub fn county_name(rng: &mut Rng) -> (String, String, String) {
    let a = rng.pick(COUNTY_SYLLABLES);
    let mut b = rng.pick(COUNTY_SYLLABLES);
    while b.0 == a.0 {
        b = rng.pick(COUNTY_SYLLABLES);
    }
    let short = format!("{}{}", a.0, b.0);
    (short.clone(), format!("{short}县"), format!("{}{}X", a.1, b.1))
}

/// What the county's co-ops grow or raise: grapes and pomegranates in the dry valleys, walnuts
/// and honey up the mountains.
pub const COOP_PRODUCTS: &[&str] = &[
    "葡萄",
    "石榴",
    "核桃",
    "蚕豆",
    "洋葱",
    "大蒜",
    "芒果",
    "蔬菜",
    "花椒",
    "魔芋",
    "土鸡",
    "蜂蜜",
    "柑橘",
    "青梅",
    "食用菌",
];

/// A co-op such as 松坪村葡萄专业合作社.
pub fn coop_name(village: &str, product: &str) -> String {
    format!("{village}{product}专业合作社")
}

const SHOP_BRANDS: &[&str] = &[
    "聚福", "鑫源", "恒达", "兴隆", "福顺", "宏达", "金穗", "永丰", "利民", "惠农", "丰收", "顺达", "万家", "益民",
    "昌盛", "华联", "鸿运", "金沙", "绿源", "富民",
];

/// A supplier at the county seat or a township: a trading company, a farm-input shop, a
/// wholesaler of daily goods.
pub fn supplier_name(rng: &mut Rng, county_short: &str, township_short: &str) -> String {
    let brand = rng.pick(SHOP_BRANDS);
    match rng.weighted(&[(0, 35), (1, 25), (2, 10), (3, 15), (4, 10)]) {
        0 => format!("{county_short}{brand}商贸有限公司"),
        1 => format!("{township_short}{brand}农资店"),
        2 => format!("{county_short}{brand}农资有限公司"),
        3 => format!("{county_short}{brand}日用百货批发部"),
        _ => format!("{township_short}{brand}粮油批发部"),
    }
}

const BUSINESS_BRANDS: &[&str] =
    &["滇味", "彩云", "山水", "老街", "福源", "田园", "鲜丰", "云岭", "邻里", "百姓", "乡味", "家和", "四季", "青禾"];

const BUSINESS_KINDS: &[(&str, u32)] = &[
    ("餐厅", 20),
    ("饭庄", 8),
    ("米线馆", 8),
    ("职工食堂", 10),
    ("学校食堂", 10),
    ("生鲜超市", 18),
    ("果蔬店", 12),
    ("社区生鲜店", 8),
    ("酒店", 6),
];

/// A city business that buys the county's produce, such as 昆明官渡滇味餐厅.
pub fn business_buyer_name(rng: &mut Rng, city_short: &str, district: &str) -> String {
    format!("{city_short}{district}{}{}", rng.pick(BUSINESS_BRANDS), rng.weighted(BUSINESS_KINDS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use uplink_core::text::{NAME_MAX, name};

    #[test]
    fn names_are_valid_and_sound_like_their_kind() {
        let mut rng = Rng::new(9);
        for _ in 0..2000 {
            for style in [NameStyle::Han, NameStyle::Bai, NameStyle::Yi] {
                let n = person_name(&mut rng, style);
                assert!((2..=4).contains(&n.chars().count()), "{n}");
                assert_eq!(name(&n, NAME_MAX).unwrap(), n);
            }
            let v = village_name(&mut rng);
            assert_eq!(v.chars().count(), 3, "{v}");
            assert!(VILLAGE_SUFFIX.iter().any(|(s, _)| v.ends_with(s)), "{v}");
            let t = township_name(&mut rng, TownshipKind::Yi);
            assert!(t.ends_with("彝族乡") && township_short(&t).chars().count() == 2, "{t}");
        }
        let (short, full, code) = county_name(&mut rng);
        assert_eq!(full, format!("{short}县"));
        assert!(code.len() == 3 && code.ends_with('X'));
    }

    #[test]
    fn a_name_book_never_gives_a_name_twice() {
        let mut rng = Rng::new(1);
        let mut book = NameBook::new();
        // Only three names exist; the fourth and fifth get numbers.
        let names: Vec<String> =
            (0..5).map(|_| book.unique(&mut rng, |r| r.pick(&["甲村", "乙村", "丙村"]).to_string())).collect();
        let distinct: HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), 5);
        assert!(names.iter().filter(|n| n.contains('（')).count() == 2);
    }
}

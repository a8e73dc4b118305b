//! Pinyin initials of product names (葡萄 → `pt`, 电饭煲 → `dfb`), the way people in China type a
//! quick search, and the search key a product is found by.
//!
//! A small table of the characters that product names use is kept here instead of a full pinyin
//! dictionary (the `pinyin` crate carries a generated table of about 41,000 characters and a build
//! script): first letters need no tones, and for the catalog's few hundred distinct characters a
//! table that can be read and corrected in review is enough. A character not in the table simply
//! adds no initial; the Chinese name itself still matches.

/// Characters by the first letter of their (most usual, in product names) pinyin reading.
const TABLE: &[(char, &str)] = &[
    ('a', "安鹌铵氨凹奥澳"),
    (
        'b',
        "八巴芭白百柏摆败拜班斑板版半伴拌瓣邦帮棒包苞薄宝饱保堡报抱豹鲍爆杯北贝备背被本笨崩绷泵蹦鼻比笔必毕闭蓖碧壁边编鞭扁便变标表鳖别宾滨槟冰兵丙柄饼并病拨玻菠播伯驳泊脖博箔补不布步部簿卜煲钵",
    ),
    (
        'c',
        "擦猜才材财裁采彩菜蔡餐蚕残仓苍舱藏操糙槽草厕侧测层叉插茬茶查察岔差拆柴豺掺缠蝉产铲颤昌长肠尝常厂场敞畅唱抄超巢朝潮炒车扯彻尘沉陈晨衬称趁撑成呈诚承城乘程澄橙秤吃池驰迟持匙尺齿赤翅充冲虫崇抽仇绸稠愁筹酬丑臭出初除厨锄础储楚处触川穿传船喘串窗床闯创吹炊垂锤春纯唇蠢词瓷慈辞磁雌此次刺从匆葱聪丛凑粗促醋簇窜催脆翠村存寸磋撮搓措错",
    ),
    (
        'd',
        "搭达答打大呆歹代带待袋戴丹单担胆旦但淡蛋氮当挡党荡刀导岛倒捣到盗道稻得德的灯登等凳低堤滴敌笛底抵地弟帝递第蒂颠滇典点电店垫淀殿雕吊钓掉爹跌叠碟蝶丁叮盯钉顶订定锭丢东冬董懂动冻栋洞都斗抖豆逗督毒读独堵赌杜肚度渡端短段断缎锻堆队对吨敦墩蹲盾顿钝炖多夺朵躲舵惰堕",
    ),
    ('e', "俄鹅额恶饿鄂恩儿而耳尔饵二洱"),
    (
        'f',
        "发乏伐罚阀法帆番翻凡烦繁反返犯泛饭范贩方芳防妨房仿纺访放飞非啡肥匪废沸肺费分芬吩纷氛坟粉份奋愤粪丰风枫封疯峰锋蜂逢缝凤奉佛否夫肤麸孵伏扶芙服浮符幅福辐抚斧府俯腐父付妇负附复赴副傅富腹覆茯",
    ),
    (
        'g',
        "该改钙盖概干甘杆肝柑竿赶敢感冈刚岗纲缸钢港杠高羔糕膏搞稿告戈哥胳鸽割歌阁革格葛隔个各给根跟耕更庚耿梗工弓公功攻供宫恭巩拱共贡勾沟钩狗构购够估咕姑孤菇古谷股骨鼓固故顾瓜刮挂乖拐怪关观官冠馆管贯惯灌罐光广归龟规瑰硅轨鬼柜贵桂滚棍锅国果裹过枸橄",
    ),
    (
        'h',
        "哈蛤孩海害含函寒韩罕喊汉汗旱杭航毫豪好号浩耗喝禾合何和河核荷盒贺褐鹤黑痕很狠恨恒横衡轰哄烘红宏洪虹鸿侯喉猴吼后厚候呼忽狐胡壶葫湖糊蝴虎互户护花华哗滑化划画话桦怀槐坏欢还环缓幻换唤患荒慌皇黄蝗簧晃灰挥恢辉回茴毁悔汇会绘惠慧昏婚浑魂混活火伙或货获祸惑霍",
    ),
    (
        'j',
        "几讥击饥机肌鸡积基激及吉级极即急疾集籍挤脊计记纪技忌际剂季既济继寄寂绩加夹佳家嘉荚颊甲钾假价驾架嫁尖奸歼坚间肩艰兼监煎拣俭捡检减剪简碱见件建剑健舰渐践鉴键箭江姜将浆僵疆讲奖酱交郊浇骄胶椒焦蕉礁角饺脚搅缴叫轿较教窖酵阶皆接秸揭街节劫杰洁结截姐解介戒芥届界借巾斤今金津筋仅紧锦谨尽劲近进晋浸禁京经茎惊晶睛精井颈景警净径竞竟敬境静镜纠究九久韭酒旧救就舅居拘鞠局菊橘举矩句巨拒具炬俱剧惧锯聚捐卷倦绢决觉绝掘蕨爵军君均菌峻俊",
    ),
    (
        'k',
        "咖卡开凯慨刊堪勘坎砍看康糠扛抗炕考烤靠科棵颗壳咳可渴克刻客课肯垦恳坑空孔恐控口扣寇枯哭窟苦库裤酷夸垮挎跨块快宽款筐狂况矿框旷亏葵魁馈溃昆捆困扩括阔廓",
    ),
    (
        'l',
        "垃拉喇腊蜡辣啦来莱赖兰拦栏蓝篮览懒缆烂滥榄郎狼廊朗浪捞劳牢老姥涝乐勒雷蕾磊累类泪冷愣厘梨犁离篱璃黎礼李里理锂鲤力历厉立丽利励例隶荔栗粒俩连帘怜莲联廉镰脸练炼恋链良凉梁粮粱两亮谅辆量辽疗聊僚了料列劣烈猎裂邻林临淋磷鳞凛赁灵玲铃陵零龄领岭令溜刘流留琉硫榴瘤柳六龙聋笼隆垄拢楼搂漏露芦卢炉卤鲁陆录鹿碌路驴旅铝屡缕履律虑率绿卵乱掠略轮伦论罗萝逻锣箩骡螺裸洛络骆落",
    ),
    (
        'm',
        "妈麻马玛码蚂骂吗埋买迈麦卖脉蛮馒瞒满曼慢漫忙芒盲茫莽猫毛矛茅锚卯茂冒贸帽貌么玫枚眉梅媒煤霉每美镁妹门闷萌盟猛蒙锰梦孟弥迷猕米秘密蜜眠绵棉免勉面苗描秒妙庙灭民敏名明鸣铭命摸模膜摩磨蘑魔抹末沫茉陌莫墨默谋某母亩牡姆拇木目牧墓幕慕暮穆苜",
    ),
    ('n', "拿哪内那纳乃奶耐男南难囊挠恼脑闹呢嫩能尼泥你拟逆年念娘酿鸟尿捏您宁柠凝牛扭纽农浓弄奴努怒女暖虐挪诺糯"),
    ('o', "欧殴鸥偶藕"),
    (
        'p',
        "爬耙帕怕拍排牌派攀盘判叛盼庞旁胖抛炮袍跑泡培赔陪配佩喷盆朋棚蓬硼鹏膨捧碰批披劈皮疲啤脾匹屁譬片偏篇骗漂飘瓢票撇拼贫频品聘乒平评凭苹屏瓶萍坡泼婆迫破剖扑铺仆葡蒲朴圃浦普谱瀑枇琵",
    ),
    (
        'q',
        "七妻栖期欺漆齐其奇歧骑棋旗鳍乞企启起气弃汽砌器恰洽千迁牵铅谦签前钱钳潜浅遣欠芡枪腔强墙蔷抢锹敲乔侨桥瞧巧荞切茄且窃钦侵亲芹琴禽勤青轻倾清蜻情晴氰请庆穷丘秋蚯求球区曲驱屈躯渠取娶去趣圈全权泉拳犬劝券缺却雀确鹊裙群杞",
    ),
    ('r', "然燃染嚷壤让饶扰绕惹热人仁忍刃认任韧扔仍日绒茸荣容溶蓉榕熔融柔揉肉如儒乳辱入软蕊锐瑞润若弱"),
    (
        's',
        "撒洒萨腮塞赛三伞散桑嗓丧扫嫂色森僧杀沙纱砂鲨傻筛晒山删杉衫珊扇善伤商赏上尚烧稍勺芍少哨舌蛇舍设社射涉摄申伸身参深神审肾甚渗慎升生声牲胜绳省圣盛剩尸失师诗狮施湿十石时识实拾食蚀史使始驶士氏世市示式事侍势视试饰室是柿适收手守首寿受授售兽瘦书叔殊梳舒疏蔬输熟暑署蜀鼠薯属术束述树竖数刷耍衰摔甩帅双霜爽谁水税睡顺说丝司私思斯撕死四寺似饲松耸送颂搜艘苏酥俗诉肃素速宿粟塑酸蒜算虽随髓岁碎穗隧孙损笋梭蓑缩所索锁",
    ),
    (
        't',
        "他她它塌塔踏台抬太态泰贪摊滩坛谈潭坦毯叹炭探汤唐堂塘糖躺烫涛掏逃桃萄陶淘讨套特疼腾藤梯踢提题蹄体替天添田甜填挑条调跳贴铁帖厅听亭庭停挺艇通同铜童桐桶筒统痛偷头投透凸秃突图徒涂途屠土吐兔团推腿退吞屯托拖脱驮驼妥椭拓唾沱",
    ),
    (
        'w',
        "挖哇蛙娃瓦袜歪外弯湾豌丸完玩顽挽晚碗万汪亡王网往望忘旺危威微为围违唯维伟伪尾委卫未位味畏胃喂温文纹闻蚊稳问翁窝蜗我沃卧握乌污屋无吴梧五午伍武舞务物误悟雾莴",
    ),
    (
        'x',
        "夕西吸希析息牺悉惜稀溪锡熙膝习席袭洗喜戏系细隙虾瞎峡狭霞下吓夏仙先纤掀鲜闲弦贤咸衔嫌显险县现线限宪陷馅羡献乡相香箱湘详祥翔享响想向项巷象像橡削宵消销小晓孝效校笑些歇协斜携鞋写泄泻卸屑械谢蟹心辛欣新薪信兴星腥刑行形型醒杏幸性姓兄凶胸雄熊休修羞朽秀袖绣锈需虚须徐许序叙畜绪续蓄絮宣悬旋选穴学雪血勋熏寻巡询循训讯迅蓿",
    ),
    (
        'y',
        "压呀押鸦鸭牙芽崖雅亚咽烟淹延严言岩沿炎研盐颜檐衍掩眼演厌宴艳验焰雁燕央殃秧扬羊阳杨洋仰养氧痒样腰邀摇遥咬药要耀椰爷也野业叶页夜液一衣医依仪宜姨移遗疑乙已以矣蚁椅亿义艺忆议亦异役译易疫益谊意溢毅翼薏因阴音姻银引饮隐印应英婴樱鹰迎盈营蝇赢影映硬哟拥永泳勇涌用优忧悠尤由邮犹油游柚友有又右幼诱于余鱼娱渔榆愉与宇羽雨语玉育郁狱浴预域欲遇御寓裕愈誉冤元员园原圆援缘源远怨院愿约月岳阅悦跃越云匀允孕运晕韵蕴芋",
    ),
    (
        'z',
        "杂砸灾栽宰载再在咱暂赞脏葬遭糟早枣澡藻灶皂造噪燥躁则择泽责贼怎增赠扎渣闸眨炸榨摘宅窄债寨沾粘斩展占战站张章樟涨掌丈帐胀障招找沼召兆照罩遮折哲者蔗这针侦珍真榛诊枕阵振镇震争征睁蒸整正证政症之支汁芝枝知织肢脂蜘执直值职植殖止只旨址纸指至志制治质致秩智滞置中忠终钟种肿众重州舟周洲粥轴肘皱昼朱珠株猪蛛竹烛逐主煮嘱住助注贮驻柱祝著筑抓爪专砖转赚庄桩装壮状撞追准捉桌着啄仔姿资滋子紫籽字自宗棕踪总纵粽走奏租足族阻组祖钻嘴最罪醉尊遵昨左作坐座做枞",
    ),
];

/// The first letter of `c`'s pinyin, when the table knows it.
fn initial(c: char) -> Option<char> {
    TABLE.iter().find(|(_, chars)| chars.contains(c)).map(|(l, _)| *l)
}

/// The initials of a name: a letter per known Chinese character; Latin letters and digits are
/// kept (lower case), everything else is dropped. 复合肥 50kg → `fhf50kg`.
pub fn initials(name: &str) -> String {
    name.chars()
        .filter_map(|c| if c.is_ascii_alphanumeric() { Some(c.to_ascii_lowercase()) } else { initial(c) })
        .collect()
}

/// What a product is found by, in lower case: its Chinese name, its English name and the
/// initials of the Chinese name, separated by `|` so a search term cannot span two of them.
pub fn search_key(name: &str, name_en: Option<&str>) -> String {
    format!("{}|{}|{}", name.trim().to_lowercase(), name_en.unwrap_or("").trim().to_lowercase(), initials(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_product_names() {
        assert_eq!(initials("葡萄"), "pt");
        assert_eq!(initials("电饭煲"), "dfb");
        assert_eq!(initials("复合肥 50kg"), "fhf50kg");
        assert_eq!(initials("玉米种子"), "ymzz");
        assert_eq!(initials("野生菌（鸡枞）"), "ysjjz");
        assert_eq!(initials("普洱茶"), "pec");
        assert_eq!(initials("石榴"), "sl");
    }

    #[test]
    fn every_character_has_one_initial() {
        let mut seen = std::collections::HashMap::new();
        for (l, chars) in TABLE {
            for c in chars.chars() {
                if let Some(other) = seen.insert(c, *l) {
                    assert_eq!(other, *l, "{c} is listed under {other} and {l}");
                }
            }
        }
    }

    #[test]
    fn the_search_key_holds_both_names_and_the_initials() {
        assert_eq!(search_key(" 核桃 ", Some("Walnuts")), "核桃|walnuts|ht");
        assert_eq!(search_key("大蒜", None), "大蒜||ds");
    }
}

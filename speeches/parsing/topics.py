"""The archive's taxonomy of policy areas, and how a speech or a commitment is placed in it.

Evidence is the taxonomy's keywords among the words jieba cuts a text into; the keywords are
words of the dictionary it cuts with, so that terms such as 产业集聚区 or 高标准农田 stay whole. A longer
keyword is more specific than a short one (农田 could be anything, 高标准农田 is farmland policy),
so it weighs more.

A speech's primary topic is the one with the most evidence; secondary topics need a real share
of it (government work reports touch every area in passing). A commitment is placed by its own
words, else by its section's, else by the speech's primary topic.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

import jieba

from .structures import ParsedSection, ParsedSpeech, walk_sections


@dataclass(frozen=True)
class TopicDefinition:
    slug: str
    name: str
    keywords: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TOPICS: tuple[TopicDefinition, ...] = (
    TopicDefinition(
        "economy",
        "经济发展",
        _words(
            "经济发展 经济增长 经济运行 稳增长 高质量发展 地区生产总值 国内生产总值 生产总值 固定资产投资 投资 "
            "有效投资 消费 扩大内需 内需 招商引资 营商环境 市场主体 民营经济 个体工商户 对外开放 外贸 进出口 "
            "外资 利用外资 服务业 现代服务业 商贸 旅游 文旅 会展 自由贸易试验区 自由贸易港 口岸 社会消费品零售总额 "
            "区域协调发展 一体化 放管服 国有企业 国企改革 市场化 重点项目"
        ),
    ),
    TopicDefinition(
        "industry",
        "产业与工业",
        _words(
            "工业 制造业 先进制造业 产业 产业集聚区 集聚区 产业链 产业集群 主导产业 工业园区 开发区 园区 "
            "企业 龙头企业 中小企业 专精特新 规模以上工业 工业增加值 主营业务收入 新型工业化 战略性新兴产业 "
            "新兴产业 数字经济 装备制造 新能源汽车 汽车 化工 钢铁 有色金属 能源 电力 煤炭 石油 天然气 新能源 "
            "光伏 风电 清洁能源 产能 技术改造 工业项目 入驻 集群"
        ),
    ),
    TopicDefinition(
        "agriculture",
        "农业农村",
        _words(
            "农业 农村 农民 三农 乡村振兴 乡村 粮食 粮食安全 高标准农田 种植 种业 养殖 畜牧业 农产品 "
            "农民增收 脱贫 扶贫 脱贫攻坚 防止返贫 抗旱保苗 保苗 旱情 灌溉 农田水利 水利 农机 农业机械 "
            "合作社 家庭农场 林业 渔业 特色农业 现代农业 村庄 新型农村社区 美丽乡村 和美乡村 村集体 秋粮 夏粮"
        ),
    ),
    TopicDefinition(
        "land-resources",
        "国土资源",
        _words(
            "国土 国土资源 国土空间 国土空间规划 土地 用地 建设用地 土地整治 农村土地整治 土地利用 耕地 "
            "耕地保护 占补平衡 增减挂钩 土地流转 土地储备 宅基地 征地 节约集约 自然资源 矿产资源 矿产 地质 "
            "不动产 确权 测绘 海域 海洋 迁并 复垦"
        ),
    ),
    TopicDefinition(
        "transport",
        "交通运输",
        _words(
            "交通 交通运输 综合交通 公路 高速公路 农村公路 国省干线 公路养护 养护 铁路 高铁 高速铁路 机场 "
            "航空 民航 港口 航运 航道 轨道交通 地铁 公交 公共交通 物流 路网 道路 桥梁 隧道 客运 货运 通车 "
            "运输 通航 路政 运输业"
        ),
    ),
    TopicDefinition(
        "urban",
        "城市建设与管理",
        _words(
            "城市 城市建设 城市管理 城镇化 新型城镇化 城市更新 城市规划 棚户区 棚户区改造 老旧小区 住房 "
            "保障性住房 房地产 市政 市政设施 供水 供气 供热 排水 管网 垃圾 环境卫生 市容 市容市貌 精细化管理 "
            "城管 违法建设 绿化 园林 公园 街道 背街小巷 停车 亮化 新区 城区 县城 海绵城市 智慧城市 占道经营 "
            "城乡建设 物业"
        ),
    ),
    TopicDefinition(
        "environment",
        "生态环境",
        _words(
            "生态 生态环境 生态文明 环境保护 环保 污染 污染防治 大气污染 空气质量 水环境 水质 土壤 节能 减排 "
            "节能减排 碳达峰 碳中和 双碳 绿色发展 绿色低碳 低碳 生态保护 生态修复 植树造林 造林 国土绿化 森林 "
            "草原 湿地 河长制 湖泊 流域 生物多样性 排放 蓝天 碧水 净土 国家公园 污水处理 垃圾分类 黄河 长江"
        ),
    ),
    TopicDefinition(
        "governance",
        "社会治理",
        _words(
            "社会治理 社会管理 社会管理创新 基层治理 网格化 社区 矛盾纠纷 信访 维稳 社会稳定 平安建设 "
            "综合治理 治安 社会治安 法治 法治政府 依法行政 政法 公安 扫黑除恶 社会组织 志愿服务 民族团结 "
            "宗教 群众工作 调解 服务管理 流动人口 政务公开 政务服务"
        ),
    ),
    TopicDefinition(
        "education",
        "教育",
        _words(
            "教育 学校 学前教育 义务教育 高中 职业教育 高等教育 高校 大学 教师 学生 幼儿园 学位 办学 校园 "
            "教育公平 素质教育 课程 双减 文化 文化事业 公共文化 文化遗产 文物 博物馆 图书馆 中华文明 "
            "优秀传统文化 中华优秀传统文化 文艺"
        ),
    ),
    TopicDefinition(
        "health",
        "医疗卫生",
        _words(
            "医疗 卫生 医院 医保 医疗保险 医疗保障 公共卫生 疾病 疫情 疫情防控 疫苗 健康 健康中国 医药 中医药 "
            "基层医疗 医生 医务人员 卫生健康 传染病 新冠 床位 分级诊疗 药品 医联体 妇幼 生育 人口"
        ),
    ),
    TopicDefinition(
        "employment-welfare",
        "就业与社会保障",
        _words(
            "就业 创业 失业 再就业 稳就业 农民工 高校毕业生 就业岗位 城镇新增就业 社会保障 社保 养老 养老保险 "
            "养老服务 低保 最低生活保障 社会救助 救助 困难群众 民生 居民收入 工资 残疾人 托育 养老金 社会福利 "
            "优抚 退役军人 慈善 兜底 职业技能 技能培训 收入分配"
        ),
    ),
    TopicDefinition(
        "innovation",
        "科技创新",
        _words(
            "科技 科技创新 创新 研发 科研 技术 实验室 重点实验室 高新技术企业 高新技术 人工智能 大数据 数字化 "
            "互联网 专利 知识产权 成果转化 科技成果 人才 创新驱动 新质生产力 关键核心技术 基础研究 孵化 "
            "创新平台 算力 芯片 科学 工程师"
        ),
    ),
    TopicDefinition(
        "finance",
        "财政金融",
        _words(
            "财政 预算 一般公共预算 财政收入 财政支出 税收 地方债 债务 政府债务 政府债券 专项债 金融 银行 贷款 "
            "信贷 融资 资本市场 上市 保险 利率 货币 通货膨胀 物价 投融资 减税降费 减税 降费 转移支付 国债 "
            "金融风险 财税 赤字 赤字率 资金"
        ),
    ),
    TopicDefinition(
        "party-building",
        "党的建设",
        _words(
            "党的建设 党建 全面从严治党 从严治党 党风廉政 党风廉政建设 廉政 反腐败 腐败 作风 作风建设 纪律 "
            "党员 干部 领导班子 基层党组织 党组织 党委 党中央 党性 理论学习 教育实践活动 群众路线 八项规定 "
            "形式主义 官僚主义 意识形态 马克思主义 主题教育 政治建设 清正廉洁 宣传 统一战线 思想建设"
        ),
    ),
    TopicDefinition(
        "safety",
        "安全生产与应急",
        _words(
            "安全生产 应急 应急管理 应急救援 防汛 抗洪 防汛抗旱 防灾 减灾 防灾减灾 自然灾害 地震 灾害 救灾 "
            "消防 火灾 事故 隐患 安全隐患 隐患排查 安全监管 食品安全 药品安全 危险化学品 危化品 煤矿安全 "
            "道路交通安全 抢险 汛期 地质灾害 森林防火 防火 安全事故"
        ),
    ),
)

# A secondary topic needs this share of all the speech's evidence, and this many distinct keywords.
SECONDARY_SHARE = 0.08
SECONDARY_KEYWORDS = 3
# A heading names what its section is about, so its words count this many times over the body's.
HEADING_WEIGHT = 3


def _keyword_weight(keyword: str) -> float:
    # 2 characters weigh 1, 3 weigh 1.5, 4 and more weigh 2.
    return min(len(keyword), 4) / 2


@cache
def _evidence() -> dict[str, tuple[int, float]]:
    """keyword -> (index of its topic in TOPICS, weight)."""
    evidence: dict[str, tuple[int, float]] = {}
    for index, topic in enumerate(TOPICS):
        for keyword in topic.keywords:
            evidence.setdefault(keyword, (index, _keyword_weight(keyword)))
    return evidence


@cache
def _tokenizer() -> jieba.Tokenizer:
    """jieba with the taxonomy's keywords as words of its dictionary.

    A tokenizer of its own, so that jieba's shared dictionary stays as shipped for the other
    readers of its word frequencies (place detection); it starts from a copy of that
    dictionary rather than reading the file again.
    """
    jieba.dt.check_initialized()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dict(jieba.dt.FREQ)
    tokenizer.total = jieba.dt.total
    tokenizer.initialized = True
    for keyword in _evidence():
        tokenizer.add_word(keyword)
    return tokenizer


def segment(text: str) -> list[str]:
    """The words of a text as jieba cuts them, with the taxonomy's keywords kept whole.

    The words joined give the text back, so a part of the text can be scored from them
    (see `assign_commitment_topics`) without cutting it again. jieba's HMM is left out: it
    only guesses words the dictionary lacks, and every keyword is in the dictionary.
    """
    return _tokenizer().lcut(text, HMM=False)


def _scores(tokens: Iterable[str]) -> tuple[Counter[int], Counter[int]]:
    """Weighted evidence per topic index, and how many distinct keywords of each topic occur."""
    evidence = _evidence()
    scores: Counter[int] = Counter()
    distinct: Counter[int] = Counter()
    seen: set[str] = set()
    for token in tokens:
        found = evidence.get(token)
        if found is None:
            continue
        index, weight = found
        scores[index] += weight
        if token not in seen:
            seen.add(token)
            distinct[index] += 1
    return scores, distinct


def _best(scores: Counter[int]) -> str | None:
    if not scores:
        return None
    # Ties go to the topic listed first in the taxonomy.
    index = max(scores, key=lambda i: (scores[i], -i))
    return TOPICS[index].slug


def classify_tokens(tokens: list[str]) -> list[str]:
    """Topic slugs of a speech already cut by `segment`: primary first, then secondary ones by evidence."""
    scores, distinct = _scores(tokens)
    total = sum(scores.values())
    primary = _best(scores)
    if primary is None:
        return []
    secondary = [
        index
        for index, score in scores.items()
        if TOPICS[index].slug != primary and score >= SECONDARY_SHARE * total and distinct[index] >= SECONDARY_KEYWORDS
    ]
    secondary.sort(key=lambda i: (-scores[i], i))
    return [primary, *(TOPICS[index].slug for index in secondary)]


def classify_speech(text: str) -> list[str]:
    """Topic slugs of a speech's text: primary first, then secondary ones with real evidence."""
    return classify_tokens(segment(text))


def classify_text(text: str) -> str | None:
    """Slug of the best topic of a short text (a commitment, a section); None without evidence."""
    return _best(_scores(segment(text))[0])


class _SpeechWords:
    """The words of parts of a speech, taken from the speech's words where the part is found in its text."""

    def __init__(self, text: str, tokens: list[str] | None) -> None:
        self.text = text
        self.tokens = tokens if tokens is not None and "".join(tokens) == text else None
        self.starts = list(accumulate(map(len, self.tokens), initial=0)) if self.tokens else []

    def of(self, part: str, start: int) -> tuple[list[str], int]:
        """The words of `part`, and where it was found; parts come in reading order, so the search starts at `start`."""
        found = self.text.find(part, start) if self.tokens and part else -1
        if found < 0 and self.tokens and part:
            found = self.text.find(part)
        if found < 0:
            return segment(part), start
        # The words lying wholly inside the part.
        first = bisect_left(self.starts, found)
        last = bisect_right(self.starts, found + len(part)) - 1
        return self.tokens[first:last], found


def assign_commitment_topics(speech: ParsedSpeech, tokens: list[str] | None = None) -> None:
    """Set each commitment's topic: its own evidence, else its section's, else the speech's primary topic.

    `tokens`, the speech's text as cut by `segment`, saves cutting each commitment and section again.
    """
    words = _SpeechWords(speech.text, tokens)
    sections = list(walk_sections(speech.sections))
    section_topics: dict[int, str | None] = {}
    commitment_at = section_at = 0

    @cache
    def speech_topic() -> str | None:
        topics = speech.topics or (classify_tokens(tokens) if tokens is not None else classify_speech(speech.text))
        return topics[0] if topics else None

    for commitment in speech.commitments:
        own_words, commitment_at = words.of(commitment.text, commitment_at)
        topic = _best(_scores(own_words)[0])
        index = commitment.section_index
        if topic is None and 0 <= index < len(sections):
            if index not in section_topics:
                section_topics[index], section_at = _section_topic(sections[index], words, section_at)
            topic = section_topics[index]
        commitment.topic = topic or speech_topic()


def _section_topic(section: ParsedSection, words: _SpeechWords, start: int) -> tuple[str | None, int]:
    heading_words, start = words.of(section.heading, start)
    scores = _scores(heading_words)[0]
    for index in scores:
        scores[index] *= HEADING_WEIGHT
    text_words, start = words.of(section.text, start)
    scores.update(_scores(text_words)[0])
    return _best(scores), start

"""Where a speech is: the prefecture-level city and the province its words point to.

Place names are found in one Aho-Corasick pass over the gazetteer's full names (商丘市) and
short names (商丘). A name counts only where the text reads it as a word of its own: 河南 in
黄河南岸 and 长治 in 长治久安 are parts of other words, which the most probable reading of a
few characters around the match (jieba's word frequencies plus the gazetteer) tells apart.

Mentions then vote: a county for its city, a city for its province; full names weigh more
than short ones. A name several places share (鼓楼区, 朝阳, 海南) goes to the one the rest of
the text backs. County short names (民权, 资源, 通道) and names that read as ordinary words
(城区, 新城区, 新社区) are weak: they count once, and only when their city is named too or a
sibling county is.

Whom the speaker speaks for decides the level kept: a city speech says 全市 and 我市 (a
county's 全县 places it in its city), a provincial report 全省 or 自治区 and names many
cities, a national report speaks of 全国 and 中央 with hardly a local voice and gets no place.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

import ahocorasick
import jieba

from .gazetteer import CITY, COUNTY, PROVINCE, RegionRecord, read_regions


@dataclass(frozen=True)
class Placement:
    city_code: str | None
    province_code: str | None
    county_code: str | None = None  # the district or county whose text it is, below its city


NOWHERE = Placement(None, None)

# Votes of one mention.
FULL, SHORT, WEAK = 2.0, 1.0, 0.5
# A place is chosen on one full name or two short-name mentions at least.
ENOUGH = 2.0
# A place named in the title is what the speech is about.
TITLE_WEIGHT = 3

# How speakers refer to the body they speak for, and how much each word says. 市委, 省政府
# and 中央 are also the bodies above a speaker (a city speech relays 省委 decisions): half.
# 全区 is said in a district (Beijing's 朝阳区) and in an autonomous region (新疆) alike.
_CITY_VOICE, _PROVINCE_VOICE, _DISTRICT_OR_REGION_VOICE, _NATION_VOICE = "city", "province", "district", "nation"
_VOICE_WORDS: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("全市", "我市", "本市", "全县", "我县", "本县", "全州", "我州", "全盟"), (_CITY_VOICE, 1.0)),
    **dict.fromkeys(("市委", "市政府", "县委", "县政府", "州委", "州政府"), (_CITY_VOICE, 0.5)),
    **dict.fromkeys(("全省", "我省", "本省", "全疆"), (_PROVINCE_VOICE, 1.0)),
    **dict.fromkeys(("省委", "省政府", "自治区"), (_PROVINCE_VOICE, 0.5)),
    **dict.fromkeys(("全区", "我区", "本区"), (_DISTRICT_OR_REGION_VOICE, 1.0)),
    **dict.fromkeys(("全国", "我国", "国务院", "党中央"), (_NATION_VOICE, 1.0)),
    "中央": (_NATION_VOICE, 0.5),
}
# Longer words holding a voice word that are no voice: 全市场 is the whole market, and a city that
# ranks 全省第一 or 全国前列 compares itself with the province or the nation rather than speaking for it.
_RANKED = ("第", "前", "首", "唯一", "排名", "平均", "最", "领先", "率先", "百强", "文明", "示范", "先进", "重点")
_NOT_VOICES = (
    "全市场",
    "本市场",
    "全区域",
    "本区域",
    *(f"{scope}{rank}" for scope in ("全省", "全区", "全国") for rank in _RANKED),
)
# A report's header names the congress it is given to: 在广东省第十四届人民代表大会第五次会议上.
_HEADER_CHARS = 200
_HEADER_WEIGHT = 10.0
_NATION_HEADER = re.compile(r"全国人民代表大会|国务院|中共中央|党中央|全国政协")
_PROVINCE_HEADER = re.compile(r"(?:省|自治区)[^，。；]{0,12}(?:人民代表大会|政府工作报告)")
_CITY_HEADER = re.compile(r"(?:市|州|盟)[^，。；]{0,12}(?:人民代表大会|政府工作报告)")
# A voice is heard from two words on: one 省委 or 中央 in passing says nothing of the speaker.
_HEARD = 2.0
# Local speeches name the nation often too; only a far louder national voice makes a national text.
_NATIONAL_RATIO = 8

# Names built only from these describe a part of any town: 城区, 新城区, 城关区, 市中区.
_GENERIC_CHARS = frozenset("东西南北中上下前后新老旧城市关郊矿区县")
# Reading around a match: characters on each side, longest dictionary word looked at.
_MARGIN = 4
_MAX_WORD = 8
# One sense per discourse: a name read as a place this often is taken as one from then on.
_TRUSTED_AFTER = 3
# Full names read as words; short names as often as jieba's dictionary has them, so that
# 创新社会 stays 创新/社会 rather than 创/新社/会.
_FULL_NAME_FREQ, _SHORT_NAME_FREQ = 20, 3


@dataclass(frozen=True)
class _Candidate:
    code: str
    level: int
    province: str
    city: str | None  # None for a province, or a county ruled by its province (济源市); a municipality's is x100


@dataclass(frozen=True)
class _Name:
    text: str
    candidates: tuple[_Candidate, ...]
    weight: float
    stem: int  # for a full name, the length of its short name: 江苏省政府 reads 江苏/省政府 yet names 江苏省


@dataclass(frozen=True)
class _Gazetteer:
    automaton: ahocorasick.Automaton  # over UTF-8 bytes read as Latin-1: few branches per node, fast
    names: dict[str, _Name]
    word_freq: dict[str, int]
    prefixes: frozenset[str]
    dictionary: dict[str, int]  # jieba's word frequencies, prefixes of words included at 0
    log_total: float
    autonomous: frozenset[str]
    region_names: frozenset[str]  # 新疆维吾尔自治区 …
    parent: dict[str, str | None]
    level: dict[str, int]
    full_name: dict[str, str]
    county_cities: frozenset[str]


def _reads_apart(name: str, stem: str) -> bool:
    """True when the dictionary reads a full name as ordinary words across its suffix: 新社区 -> 新/社区."""
    if jieba.get_FREQ(name):
        return False
    position = 0
    for word in jieba.cut(name, HMM=False):
        if position < len(stem) < position + len(word):
            return True
        position += len(word)
    return False


def _weight(region: RegionRecord, is_full: bool) -> float:
    if region.level != COUNTY:
        return FULL if is_full else SHORT
    if not is_full:
        return WEAK
    generic = region.short_name == region.name or set(region.short_name) <= _GENERIC_CHARS
    return WEAK if generic or _reads_apart(region.name, region.short_name) else FULL


@cache
def _gazetteer() -> _Gazetteer:
    jieba.dt.check_initialized()
    regions = read_regions()
    by_code = {region.code: region for region in regions}
    # A municipality's city record carries its name (北京市 110100); 重庆 has two
    # (市辖区 500100 and 县 500200) and the first stands for the city.
    municipal_city: dict[str, str] = {}
    for region in regions:
        if region.level == CITY and region.name == by_code[region.parent_code].name:
            municipal_city.setdefault(region.parent_code, region.code)

    def candidate(region: RegionRecord) -> _Candidate:
        if region.level == PROVINCE:
            return _Candidate(region.code, PROVINCE, region.code, municipal_city.get(region.code))
        parent = by_code[region.parent_code]
        if region.level == CITY:
            return _Candidate(region.code, CITY, parent.code, municipal_city.get(parent.code, region.code))
        if parent.level == CITY:
            city = municipal_city.get(parent.parent_code, parent.code)
            return _Candidate(region.code, COUNTY, parent.parent_code, city)
        return _Candidate(region.code, COUNTY, parent.code, municipal_city.get(parent.code))

    candidates: dict[str, dict[str, _Candidate]] = defaultdict(dict)
    weights: dict[str, float] = {}
    stems: dict[str, int] = defaultdict(int)
    word_freq: dict[str, int] = {}
    for region in regions:
        forms = [(region.name, True)]
        if region.short_name != region.name:
            forms.append((region.short_name, False))
        for text, is_full in forms:
            candidates[text].setdefault(region.code, candidate(region))
            # A name shared by places of several kinds keeps its strongest reading.
            weights[text] = max(weights.get(text, 0.0), _weight(region, is_full))
            if is_full:
                stems[text] = max(stems[text], len(region.short_name) if region.short_name != text else 0)
            floor = _FULL_NAME_FREQ if is_full else _SHORT_NAME_FREQ
            word_freq[text] = max(word_freq.get(text, 0), jieba.get_FREQ(text) or 0, floor)

    automaton = ahocorasick.Automaton()
    names = {}
    for text, by_candidate in candidates.items():
        names[text] = _Name(text, tuple(by_candidate.values()), weights[text], stems[text])
    # Voice words ride along in the same pass; 全州 is both a voice and a county's short name.
    for text in {*names, *_VOICE_WORDS, *_NOT_VOICES}:
        encoded = text.encode("utf-8")
        automaton.add_word(encoded.decode("latin-1"), (text, len(encoded)))
    automaton.make_automaton()
    provinces = [region for region in regions if region.level == PROVINCE]
    return _Gazetteer(
        automaton=automaton,
        names=names,
        word_freq=word_freq,
        prefixes=frozenset(text[:size] for text in names for size in range(1, len(text) + 1)),
        dictionary=jieba.dt.FREQ,
        log_total=math.log(jieba.dt.total),
        autonomous=frozenset(region.code for region in provinces if region.name.endswith("自治区")),
        region_names=frozenset(region.name for region in provinces if region.name.endswith("自治区")),
        parent={region.code: region.parent_code for region in regions},
        level={region.code: region.level for region in regions},
        full_name={region.code: region.name for region in regions},
        # 天门, 潜江, 恩施: short names of county-level cities are places, not ordinary words.
        county_cities=frozenset(
            region.short_name for region in regions if region.level == COUNTY and region.name.endswith("市")
        ),
    )


def _is_word_start(fragment: str, gazetteer: _Gazetteer) -> bool:
    return fragment in gazetteer.dictionary or fragment in gazetteer.prefixes


def _crossed(window: str, boundary: int, gazetteer: _Gazetteer) -> bool:
    """Whether some dictionary word or place name runs across `boundary`."""
    for start in range(max(0, boundary - _MAX_WORD + 1), boundary):
        for end in range(boundary + 1, min(len(window), start + _MAX_WORD) + 1):
            word = window[start:end]
            if not _is_word_start(word, gazetteer):
                break
            if gazetteer.word_freq.get(word) or gazetteer.dictionary.get(word):
                return True
    return False


def _word_ends(window: str, gazetteer: _Gazetteer) -> set[int]:
    """Word boundaries of the most probable reading of `window`, as jieba reads without its HMM."""
    size = len(window)
    best: list[tuple[float, int]] = [(0.0, size)] * (size + 1)
    for start in range(size - 1, -1, -1):
        choice = (-math.inf, start + 1)
        for end in range(start + 1, min(size, start + _MAX_WORD) + 1):
            word = window[start:end]
            if end > start + 1 and not _is_word_start(word, gazetteer):
                break
            count = gazetteer.word_freq.get(word) or gazetteer.dictionary.get(word) or 0
            if count or end == start + 1:
                score = math.log(count or 1) - gazetteer.log_total + best[end][0]
                if score > choice[0]:
                    choice = (score, end)
        best[start] = choice
    ends = {0}
    position = 0
    while position < size:
        position = best[position][1]
        ends.add(position)
    return ends


def _read_length(left: str, name: _Name, right: str, gazetteer: _Gazetteer) -> int:
    """How much of the name the text reads as a place: all of it, 0 when it is part of other words, or
    only the stem of a full name whose suffix runs on into a word (江苏/省政府, 东方/市场)."""
    window = left + name.text + right
    start, end = len(left), len(left) + len(name.text)
    if not _crossed(window, start, gazetteer) and not _crossed(window, end, gazetteer):
        return len(name.text)
    ends = _word_ends(window, gazetteer)
    if start not in ends:
        return 0
    # A dictionary word may begin with the whole full name: 江苏省政府.
    if end in ends or (name.stem and not any(position in ends for position in range(start + 1, end))):
        return len(name.text)
    return name.stem if name.stem and start + name.stem in ends else 0


@dataclass
class _Reading:
    mentions: Counter[str]  # gazetteer name -> how often it stands as a word of its own
    voice_words: Counter[str]  # 全市, 省委, 全国 … and the longer words (全市场) that hold one


def _read(text: str, gazetteer: _Gazetteer) -> _Reading:
    """Place names and voice words in one pass; where place names overlap the longest one wins.

    Weak names are read last and only when they could count (see _count_votes), once each.
    """
    raw = text.encode("utf-8")
    hits = []
    voice_words: Counter[str] = Counter()
    for end, (key, size) in gazetteer.automaton.iter(raw.decode("latin-1")):
        if key in gazetteer.names:
            hits.append((end + 1 - size, end + 1, key))
        if key in _VOICE_WORDS or key in _NOT_VOICES:
            voice_words[key] += 1
        if key in gazetteer.region_names:
            voice_words["自治区"] -= 1  # inside 新疆维吾尔自治区 it is a name, not a voice

    def read_length(start: int, end: int, name: _Name) -> int:
        left = raw[max(0, start - 3 * _MARGIN) : start].decode("utf-8", "ignore")[-_MARGIN:]
        right = raw[end : end + 3 * _MARGIN].decode("utf-8", "ignore")[:_MARGIN]
        return _read_length(left, name, right, gazetteer)

    counts: Counter[str] = Counter()
    taken: list[tuple[int, int]] = []
    weak: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for start, end, key in sorted(hits, key=lambda hit: (hit[0], -hit[1])):
        name = gazetteer.names[key]
        if name.weight == WEAK:
            weak[key].append((start, end))
            continue
        if taken and start < taken[-1][1]:
            continue
        length = len(key) if counts[key] >= _TRUSTED_AFTER else read_length(start, end, name)
        if length == len(key):
            counts[key] += 1
            taken.append((start, end))
        elif length:
            # Only the short name was written: it counts as the short name does.
            short = gazetteer.names[key[:length]]
            if short.weight == WEAK:
                weak[short.text].append((start, start + len(short.text.encode("utf-8"))))
            else:
                counts[short.text] += 1
                taken.append((start, end))

    named = {candidate.city or candidate.province for key in counts for candidate in gazetteer.names[key].candidates}
    siblings = Counter(city for key in weak for city in {c.city for c in gazetteer.names[key].candidates} if city)
    starts = [start for start, _ in taken]
    for key, spans in weak.items():
        name = gazetteer.names[key]
        if not any((c.city or c.province) in named or siblings[c.city] > 1 for c in name.candidates):
            continue
        for start, end in spans:
            before = bisect.bisect_right(starts, start) - 1
            overlaps = (before >= 0 and taken[before][1] > start) or (
                before + 1 < len(taken) and starts[before + 1] < end
            )
            if not overlaps and read_length(start, end, name):
                counts[key] += 1
                if key not in gazetteer.county_cities:
                    break
    return _Reading(counts, voice_words)


@dataclass
class _Votes:
    provinces: Counter[str]
    cities: Counter[str]
    counties: Counter[str] = field(default_factory=Counter)

    def add(self, candidate: _Candidate, votes: float) -> None:
        self.provinces[candidate.province] += votes
        if candidate.city:
            self.cities[candidate.city] += votes
        if candidate.level == COUNTY:
            self.counties[candidate.code] += votes

    def support(self, candidate: _Candidate) -> float:
        return self.provinces[candidate.province] + (self.cities[candidate.city] if candidate.city else 0.0)

    def copy(self) -> _Votes:
        return _Votes(Counter(self.provinces), Counter(self.cities), Counter(self.counties))


def _one_place(name: _Name) -> _Candidate | None:
    """The candidate standing for all of a name's places when they lie in one: 长沙 the city (not 长沙县),
    吉林 the province (not its city 吉林市), 北京 the province and city at once."""
    if len({candidate.province for candidate in name.candidates}) > 1:
        return None
    highest = min(name.candidates, key=lambda candidate: candidate.level)
    if highest.level == PROVINCE or len({candidate.city for candidate in name.candidates}) == 1:
        return highest
    return None


def _best_supported(candidates: tuple[_Candidate, ...], context: _Votes) -> _Candidate | None:
    """The candidate the rest of the text backs; with no backing, the single higher-level one (海南 the province)."""
    ranked = sorted(candidates, key=context.support, reverse=True)
    if context.support(ranked[0]) > 0:
        if len(ranked) == 1 or context.support(ranked[0]) > context.support(ranked[1]):
            return ranked[0]
        return None
    top_level = min(candidate.level for candidate in candidates)
    highest = [candidate for candidate in candidates if candidate.level == top_level]
    return highest[0] if len(highest) == 1 and top_level < COUNTY else None


def _count_votes(mentions: Counter[str], gazetteer: _Gazetteer) -> _Votes:
    votes = _Votes(Counter(), Counter())
    strong = [gazetteer.names[key] for key in mentions if gazetteer.names[key].weight > WEAK]
    weak = [gazetteer.names[key] for key in mentions if gazetteer.names[key].weight == WEAK]

    # Names of one place first: they are the context shared names are read against.
    shared = []
    for name in strong:
        place = _one_place(name)
        if place:
            votes.add(place, name.weight * mentions[name.text])
        else:
            shared.append(name)
    context = votes.copy()
    for name in shared:
        place = _best_supported(name.candidates, context)
        if place:
            votes.add(place, name.weight * mentions[name.text])

    # Weak names vote once (a county-level city's as often as it is read as one), for a city named
    # strongly or pointed to by two of them,
    # or for a county ruled by its province when that province is named.
    siblings = Counter(city for name in weak for city in {candidate.city for candidate in name.candidates} if city)
    context = votes.copy()
    for name in weak:
        backed = tuple(
            candidate
            for candidate in name.candidates
            if (candidate.city and (context.cities[candidate.city] or siblings[candidate.city] > 1))
            or (not candidate.city and candidate.level == COUNTY and context.provinces[candidate.province])
        )
        place = backed[0] if len(backed) == 1 else _best_supported(backed, context) if backed else None
        if place:
            votes.add(place, WEAK * mentions[name.text])
    return votes


def _clear_winner(scores: Counter[str]) -> str | None:
    ranked = scores.most_common(2)
    if not ranked or ranked[0][1] < ENOUGH or (len(ranked) > 1 and ranked[1][1] >= ranked[0][1]):
        return None
    return ranked[0][0]


@dataclass(frozen=True)
class _Voices:
    city: float
    province: float
    nation: float


def _voices(voice_words: Counter[str], header: str, autonomous_region: bool) -> _Voices:
    """How loudly the speech speaks for a city, a province and the nation."""
    loudness: Counter[str] = Counter()
    for word, (voice, weight) in _VOICE_WORDS.items():
        loudness[voice] += weight * voice_words[word]
    for phrase in _NOT_VOICES:
        voice, weight = _VOICE_WORDS[phrase[:2]]
        loudness[voice] -= weight * voice_words[phrase]
    loudness[_PROVINCE_VOICE if autonomous_region else _CITY_VOICE] += loudness[_DISTRICT_OR_REGION_VOICE]
    loudness[_CITY_VOICE] += _HEADER_WEIGHT * bool(_CITY_HEADER.search(header))
    loudness[_PROVINCE_VOICE] += _HEADER_WEIGHT * bool(_PROVINCE_HEADER.search(header))
    loudness[_NATION_VOICE] += _HEADER_WEIGHT * bool(_NATION_HEADER.search(header))
    return _Voices(loudness[_CITY_VOICE], loudness[_PROVINCE_VOICE], loudness[_NATION_VOICE])


# Whom a report speaks for, in its own words: "我代表市人民政府向大会报告工作", "我代表深圳市人民政府",
# "我代表区政府", "我代表行署", "我代表国务院"; or the congress its header names
# ("在海拉尔区第十四届人民代表大会第二次会议上", "在第十四届全国人民代表大会第二次会议上").
_SPEAKS_FOR = re.compile(
    r"我代表(?P<name>[\u4e00-\u9fff]{0,12}?)"
    r"(?:(?P<nation>国务院|党中央|中央人民政府)"
    r"|(?P<body>自治区|特别行政区|省|市|州|盟|区|县|旗)(?:委[、和])?(?:人民)?政府"
    r"|(?P<office>行署|行政公署))"
)
_CONGRESS = re.compile(
    r"在(?P<name>[\u4e00-\u9fff]{1,12}?)(?P<body>自治区|省|市|州|盟|区|县|旗)第[一二三四五六七八九十]+届人民代表大会"
    r"|(?P<nation>全国人民代表大会)"
)
_SPEAKS_FOR_CHARS = 600
NATION, PROVINCE_BODY, CITY_BODY, COUNTY_BODY = "nation", "province", "city", "county"
_BODY_LEVEL = {
    **dict.fromkeys(("自治区", "特别行政区", "省"), PROVINCE_BODY),
    **dict.fromkeys(("市", "州", "盟"), CITY_BODY),
    **dict.fromkeys(("区", "县", "旗"), COUNTY_BODY),
}


@dataclass(frozen=True)
class _Speaker:
    level: str  # NATION, PROVINCE_BODY, CITY_BODY or COUNTY_BODY
    name: str  # the place the declaration names ("深圳市"), or "" for "我代表市人民政府"
    body: str = ""  # 市, 州, 区 … as the declaration says it


def _speaker(text: str, title: str) -> _Speaker | None:
    """The body a report says it speaks for, from its first lines."""
    front = f"{title}\n{text[:_SPEAKS_FOR_CHARS]}"
    for pattern in (_SPEAKS_FOR, _CONGRESS):
        match = pattern.search(front)
        if not match:
            continue
        if match["nation"]:
            return _Speaker(NATION, "")
        if match.groupdict().get("office"):
            return _Speaker(CITY_BODY, match["name"])  # a league's 行政公署 governs at the level of a city
        body = match["body"]
        return _Speaker(_BODY_LEVEL[body], f"{match['name']}{body}" if match["name"] else "", body)
    return None


def _named_place(speaker: _Speaker, gazetteer: _Gazetteer) -> _Candidate | None:
    """The place a declaration names at its level: 深圳市, 海拉尔区, 黔东南州 (a short name and its 州)."""
    if not speaker.name:
        return None
    wanted = {PROVINCE_BODY: PROVINCE, CITY_BODY: CITY, COUNTY_BODY: COUNTY}[speaker.level]
    for level in (wanted, COUNTY) if speaker.body == "市" else (wanted,):  # 恩施市 is a county-level city
        for text in (speaker.name, speaker.name[:-1]):
            name = gazetteer.names.get(text)
            matches = [candidate for candidate in name.candidates if candidate.level == level] if name else []
            if len(matches) == 1:
                return matches[0]
    return None


def locate(text: str, *, title: str = "") -> Placement:
    """The county, city and province a speech is about: a province alone for a provincial report, nothing
    for a national one or when the words do not tell."""
    gazetteer = _gazetteer()
    body, heading = _read(text, gazetteer), _read(title, gazetteer)
    mentions = body.mentions + Counter({key: TITLE_WEIGHT * count for key, count in heading.mentions.items()})
    votes = _count_votes(mentions, gazetteer)
    speaker = _speaker(text, title)
    if speaker is not None:
        return _place_of_speaker(speaker, votes, gazetteer)
    province = _clear_winner(votes.provinces)
    city = _clear_winner(votes.cities)
    header = f"{title}\n{text[:_HEADER_CHARS]}"
    voices = _voices(body.voice_words + heading.voice_words, header, province in gazetteer.autonomous)

    city_voice, province_voice, nation_voice = (
        loudness if loudness >= _HEARD else 0.0 for loudness in (voices.city, voices.province, voices.nation)
    )
    local_voice = city_voice + province_voice
    if nation_voice and local_voice * _NATIONAL_RATIO <= nation_voice:
        return NOWHERE
    if province_voice > city_voice:
        return Placement(None, province)
    # With no local voice, a city must hold most of its province's mentions (宝安区 and 龙华区
    # are 深圳); a list of several cities of one province places the text in the province.
    if city and (city_voice or votes.cities[city] * 2 >= votes.provinces[gazetteer.parent[city]]):
        return Placement(city, gazetteer.parent[city])
    return Placement(None, province)


def _place_of_speaker(speaker: _Speaker, votes: _Votes, gazetteer: _Gazetteer) -> Placement:
    """A report placed at the level it speaks for: the place it names, or the one its words name most.

    A city's report names its own districts and counties, which vote for it; a district's report
    names its own district more than any other. Neighbours and partners are named less, and a
    report whose words name no place clearly keeps only what they do name.
    """
    if speaker.level == NATION:
        return NOWHERE
    named = _named_place(speaker, gazetteer)
    if speaker.level == PROVINCE_BODY:
        province = named.code if named else _clear_winner(votes.provinces)
        return Placement(None, province)
    if speaker.level == COUNTY_BODY:
        county = named.code if named else _clear_winner(votes.counties)
        if county:
            return _county_placement(county, gazetteer)
    if named is not None and named.level == COUNTY:
        return _county_placement(named.code, gazetteer)
    city = named.city if named and named.level == CITY else _clear_winner(votes.cities)
    county_city = _county_city(city, votes, gazetteer) if speaker.body == "市" and named is None else None
    if county_city:
        return _county_placement(county_city, gazetteer)
    if city is None or (named is None and votes.cities[city] * 2 < votes.provinces[gazetteer.parent[city]]):
        # The cities named are many and none stands out: the province the text belongs to, if one does.
        return Placement(None, _clear_winner(votes.provinces))
    return Placement(city, gazetteer.parent[city])


def place_name(placement: Placement) -> str:
    """How a title names the place: 嘉兴市, 呼伦贝尔市海拉尔区, 甘肃省; "" for a national text."""
    names = _gazetteer().full_name
    if placement.county_code:
        city = names.get(placement.city_code or "", "")
        return f"{city}{names[placement.county_code]}"
    return names.get(placement.city_code or placement.province_code or "", "")


def _county_placement(county: str, gazetteer: _Gazetteer) -> Placement:
    city = gazetteer.parent[county]
    if gazetteer.level.get(city) == CITY:
        return Placement(city, gazetteer.parent[city], county)
    return Placement(None, city, county)  # a county ruled by its province: 济源市, 仙桃市


def _county_city(city: str | None, votes: _Votes, gazetteer: _Gazetteer) -> str | None:
    """The county-level city a "我代表市人民政府" report is of, when it is not a prefecture's.

    天门 and 潜江 are ruled by their province: a report naming them more than any city is theirs.
    恩施市 lies in a 州, whose own report would say "州人民政府": a 市 speaking inside it is the
    county-level city it names most.
    """
    named = [code for code in votes.counties if gazetteer.full_name[code].endswith("市")]
    best = max(named, key=votes.counties.__getitem__, default=None)
    if best is None or votes.counties[best] < ENOUGH:
        return None
    parent = gazetteer.parent[best]
    if gazetteer.level.get(parent) == PROVINCE:
        return best if city is None or votes.counties[best] > votes.cities[city] else None
    if city == parent and not gazetteer.full_name[parent].endswith("市"):
        return best
    return None

"""The search's text side, no database: folding, the indexed form, the query language, snippets."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from speeches.search import (
    QUERY_MAX_CHARS,
    CommitmentFilters,
    commitment_query,
    commitment_search_fields,
    fold,
    fts5_expression,
    highlight,
    parse_query,
    speech_search_fields,
    tsquery_expression,
    year_tokens,
)


def test_folding_keeps_the_length_and_reads_traditional_and_full_width_as_simplified():
    assert fold("長沙市固定資產投資７００億元，ＧＤＰ增長") == "长沙市固定资产投资700亿元,gdp增长"
    # Simplified characters that are also traditional forms stay as they are.
    for text in ["著名", "乾坤", "于是", "发展"]:
        assert fold(text) == text
    text = "臺灣　ＡＢＣ＂引號＂"
    assert len(fold(text)) == len(text)


def test_terms_are_anded_phrases_are_kept_whole_and_minus_excludes():
    parsed = parse_query('长沙  旱 "粮食 安全" -农村 -"城市 更新"')
    assert [term.text for term in parsed.terms] == ["长沙", "旱", "粮食 安全"]
    assert [term.text for term in parsed.excluded] == ["农村", "城市 更新"]
    assert parsed.problem is None


def test_a_traditional_or_full_width_query_parses_as_its_simplified_form():
    assert parse_query("長沙 固定資產投資 ７００億元").terms == parse_query("长沙 固定资产投资 700亿元").terms
    assert parse_query("“粮食安全”").terms == parse_query('"粮食安全"').terms


def test_empty_too_long_punctuation_only_or_exclusion_only_queries_say_why():
    for query in ["", "   ", "。，！", "%%% ---", "x" * (QUERY_MAX_CHARS + 1), "-农村", '""']:
        parsed = parse_query(query)
        assert not parsed, query
        assert parsed.problem, query
        assert parsed.terms == ()


def test_what_the_user_types_never_reaches_the_full_text_syntax():
    nasty = ['a" OR "b', "NEAR(长沙 旱)", "长沙*", "^旱", "col:长沙", "'; DROP TABLE x; --", "a|b & !c", "(长沙)", "\\"]
    for query in nasty:
        parsed = parse_query(query)
        if not parsed:
            continue
        # Only quoted tokens of ideographs, ASCII letters and digits, joined by the operators we write.
        fts5 = re.sub(r'"[0-9a-z\u4e00-\u9fff]+"', "T", fts5_expression(parsed))
        assert re.fullmatch(r"[T()ANDOR ]*", fts5), (query, fts5)
        filters = CommitmentFilters(city=3, years=[2020, 2021], kind=query, strength="binding")
        written = commitment_query(parsed, filters.facets(), narrow=filters.narrow_facets())
        for fts5 in (written.full, written.matches, written.ranking):
            fts5 = re.sub(r'(\{search_sequence\}: )?"[0-9a-z\u4e00-\u9fff ]+"', "T", fts5)
            fts5 = re.sub(r"\b(city3|year2020|year2021|kindunknown|strengthbinding)\b", "T", fts5)
            assert re.fullmatch(r"[T()ANDOR ]*", fts5), (query, fts5)
        tsquery = re.sub(r"'[0-9a-z\u4e00-\u9fff]+'", "T", tsquery_expression(parsed))
        assert re.fullmatch(r"[T()&| ]*", tsquery), (query, tsquery)


def test_one_or_two_units_are_proven_by_the_index_longer_terms_are_checked():
    exact = {term.text: term.exact for term in parse_query("旱 长沙 5g 固定资产投资 4.5%").terms}
    assert exact == {"旱": True, "长沙": True, "5g": True, "固定资产投资": False, "4.5%": False}


_TEXT = st.text(alphabet="长沙市旱地投资固定资产农田高标准的700亿元gdpGDP５Ｇ，。% 「」長資", min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.data())
def test_every_substring_of_a_text_finds_it(text, data):
    """Recall: whatever jieba makes of either, a term cut out of a text has all its index tokens
    among the text's tokens, and occurs in the text's folded form."""
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    query = text[start:end]
    parsed = parse_query(query.replace('"', ""))
    if " " in query or "-" in query or not parsed:
        return
    [term] = parsed.terms
    fields = commitment_search_fields(text)
    assert set(term.tokens) <= set(fields["search_text"].split())
    assert term.text in fields["search_folded"]
    if term.one_run and len(term.text) > 2:
        pairs = " ".join(map(str.__add__, term.text, term.text[1:]))  # repeats and all
        assert f" {pairs} " in f" {fields['search_sequence']} "
    speech = speech_search_fields("标题", text)
    assert set(term.tokens) <= set(speech["search_text"].split())


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.text(alphabet="长沙市旱地投资固定资产农田700亿元gdp", min_size=3, max_size=6))
def test_a_commitments_pair_sequence_holds_a_terms_pairs_in_a_row_exactly_when_its_text_holds_the_term(text, term):
    """What makes a phrase query of pairs prove a longer term, with no check on the text."""
    fields = commitment_search_fields(text)
    pairs = " ".join(map(str.__add__, term, term[1:]))
    assert (f" {pairs} " in f" {fields['search_sequence']} ") == (term in fields["search_folded"])


def test_a_commitments_tokens_are_counted_once():
    fields = commitment_search_fields("发展发展再发展，发展", ["5万亩", "5万亩"])
    assert len(fields["search_text"].split()) == len(set(fields["search_text"].split()))
    assert len(fields["search_targets"].split()) == len(set(fields["search_targets"].split()))
    assert fields["search_sequence"] == "发展 展发 发展 展再 再发 发展 brk 发展 brk"


def test_snippets_mark_the_original_text_and_escape_it():
    text = "要着力建設“法治長沙”<b>，長沙&"
    snippet = highlight(text, fold(text), ["长沙"])
    assert snippet == "要着力建設“法治<mark>長沙</mark>”&lt;b&gt;，<mark>長沙</mark>&amp;"


def test_a_long_text_is_cut_around_its_first_match():
    text = "甲" * 300 + "高标准农田" + "乙" * 300
    snippet = highlight(text, fold(text), ["高标准农田"], limit=60)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>高标准农田</mark>" in snippet
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) == 62


def test_overlapping_matches_are_marked_once():
    text = "长沙市长沙县"
    assert highlight(text, text, ["长沙", "沙市", "长沙市"]) == "<mark>长沙市</mark><mark>长沙</mark>县"


@given(st.integers(1900, 2100), st.integers(0, 60))
def test_a_range_of_years_is_the_few_year_lustrum_and_decade_tokens_that_cover_it_exactly(first, span):
    years = list(range(first, first + span + 1))
    covered = []
    for token in year_tokens(years):
        name, start = token.rstrip("0123456789"), int(token.lstrip("abcdefghijklmnopqrstuvwxyz"))
        covered += range(start, start + {"year": 1, "lustrum": 5, "decade": 10}[name])
    assert covered == years
    assert len(year_tokens(years)) <= 2 * 9 + span // 10 + 1

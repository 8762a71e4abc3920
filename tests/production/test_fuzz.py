"""Whatever a query string holds, no page answers with a server error.

Every public page of the URL configuration is tried (new pages join by themselves) with query
strings built from the parameters the pages read (every FilterSet's fields, paging, sorting,
search) and odd values: huge and negative numbers, NUL bytes, markup, broken percent-escapes.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .pages import page_kwargs, page_url, public_pages, query_parameters

PUBLIC_PAGES = public_pages()
PARAMETERS = query_parameters()

odd_numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["0", "-1", "1e309", "NaN", "inf", "0x10", "２０２５", "二〇二五", "1900", "2100", "99999999999999999999"]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
odd_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["", " ", "\x00", "a\x00b", "'", '"', "%", "_", "\\", "' OR 1=1 --", "<script>", "*", "()", "AND"]),
    st.sampled_from(["北京", "商丘市", "411400", "110000", "700亿元", "2月底前", "目标", "target", "binding"]),
)
value = st.one_of(odd_numbers, odd_text)
name = st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=10))


def encoded(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(key, safe='')}={quote(val, safe='')}" for key, val in pairs)


raw_escape = st.binary(min_size=1, max_size=8).map(lambda data: "".join(f"%{byte:02X}" for byte in data))
query = st.one_of(
    st.lists(st.tuples(name, value), max_size=6).map(encoded),
    st.lists(st.tuples(st.sampled_from(PARAMETERS), raw_escape), min_size=1, max_size=3).map(
        lambda pairs: "&".join(f"{key}={escape}" for key, escape in pairs)
    ),
)


@pytest.mark.parametrize("page", PUBLIC_PAGES, ids=lambda page: page.name)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query_string=query)
def test_no_query_string_makes_a_page_fail(client, sample_archive, page, query_string):
    url = f"{page_url(page, sample_archive.samples)}?{query_string}"
    try:
        response = client.get(url)
    except Exception as error:  # the test client raises what the view raised: name the URL that did it
        raise AssertionError(f"{url}: {error!r}") from error
    assert response.status_code < 500, url


def test_the_fuzzing_knows_the_filters_of_the_pages():
    # The parameters come from the FilterSets; an empty list would fuzz nothing but made-up names.
    assert len(PARAMETERS) > 5
    assert "q" in PARAMETERS and "page" in PARAMETERS


PATH_PAGES = [page for page in PUBLIC_PAGES if any(conv != "IntConverter" for _, conv in page.converters)]


@pytest.mark.parametrize("page", PATH_PAGES, ids=lambda page: page.name)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(part=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/"), min_size=1, max_size=30))
def test_no_path_value_makes_a_page_fail(client, sample_archive, page, part):
    url = page_url(page, sample_archive.samples)
    for argument, value in page_kwargs(page, sample_archive.samples).items():
        if dict(page.converters)[argument] != "IntConverter":
            head, _, tail = url.rpartition(str(value))
            url = f"{head}{quote(part, safe='')}{tail}"
    try:
        response = client.get(url)
    except Exception as error:
        raise AssertionError(f"{url}: {error!r}") from error
    assert response.status_code < 500, url

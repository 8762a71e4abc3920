import pytest

from speeches.importing import ImportOptions, import_pasted_text


@pytest.fixture
def imported(db):
    """Import a pasted text as staff would; the speech it made (or the outcome, with `outcome=True`)."""

    def make(text: str, *, name: str = "示例.txt", outcome: bool = False, **options):
        result = import_pasted_text(text, ImportOptions(**options), name=name)
        assert result.error is None, result.error
        return result if outcome else result.speeches[0].speech

    return make

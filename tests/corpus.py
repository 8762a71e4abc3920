"""Where the shared texts live: read in place, never copied into the project."""

from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
SEED = CORPUS / "seed" / "000_7a9278ea8ea9553e.txt"
PUBLIC = sorted((CORPUS / "public").glob("*.txt"))
CITY = sorted((CORPUS / "city").glob("*.txt"))
NATIONAL = sorted((CORPUS / "national").glob("*.txt"))
EVERY_TEXT = [SEED, *PUBLIC, *CITY, *NATIONAL]

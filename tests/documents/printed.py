"""Reading printed documents back: their text as pdftotext gives it, and a picture of page one."""
import subprocess
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"


def pdf_text(document) -> str:
    """What a reader of the printed PDF sees, as pdftotext extracts it (spaces dropped: CJK text
    is laid out glyph by glyph, and a line may break anywhere)."""
    with document.pdf_file.open("rb") as handle:
        content = handle.read()
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout
    return "".join(text.decode().split())


def pdf_picture(document, name: str) -> Path:
    """The PDF's first page as a PNG in test-artifacts, to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    with document.pdf_file.open("rb") as handle:
        source.write_bytes(handle.read())
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(source), str(ARTIFACTS / name)], check=True)
    return ARTIFACTS / f"{name}.png"

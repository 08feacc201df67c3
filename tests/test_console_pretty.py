"""The terminal in colour on a real terminal (a pseudo-terminal), plain text everywhere else;
`/progress png` and `/stats` through the real `studybot console` process."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

from PIL import Image

from adapters.console.app import wants_colour
from tests.conftest import FIXTURE_CONTENT

STUDYBOT = str(Path(sys.executable).parent / "studybot")
ESC = "\x1b["


def on_a_terminal(db: Path, script: str, **env: str) -> str:
    """Run `studybot console` with its standard output on a pseudo-terminal (input piped)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 100, 0, 0))
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    proc = subprocess.Popen(
        [STUDYBOT, "console", "--db", str(db), "--content-dir", str(FIXTURE_CONTENT)],
        stdin=subprocess.PIPE,
        stdout=slave,
        stderr=subprocess.PIPE,
        env={**clean, "TERM": "xterm-256color", **env},
    )
    os.close(slave)
    assert proc.stdin is not None
    proc.stdin.write(script.encode())
    proc.stdin.close()
    out = b""
    try:
        while select.select([master], [], [], 30)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the process closed the terminal
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(master)
    assert proc.wait(30) == 0
    return out.decode().replace("\r\n", "\n")


def test_colours_only_on_a_terminal_without_no_color() -> None:
    master, slave = pty.openpty()
    try:
        with open(slave, "w", closefd=False) as terminal:
            assert wants_colour(terminal, {})
            assert not wants_colour(terminal, {"NO_COLOR": "1"})
            assert not wants_colour(terminal, {"TERM": "dumb"})
            assert wants_colour(terminal, {"NO_COLOR": ""})  # set but empty: colours stay
    finally:
        os.close(master)
        os.close(slave)
    assert not wants_colour(io.StringIO(), {})


def test_a_terminal_gets_bold_colours_and_rendered_lessons(tmp_path: Path) -> None:
    text = on_a_terminal(tmp_path / "t.db", "/quiz 2\nA\n/progress\n/lesson task-1.1\n/bogus\n")
    assert ESC in text
    assert "\x1b[1;36mDomain 2 · Data Store Management" in text  # the header, bold cyan
    assert ("\x1b[1;32m✅ Right!" in text) != ("\x1b[1;31m❌ Not quite." in text)
    assert "✔ " in text and "✘ " in text
    assert "Progress of" in text and "░" in text
    assert "Perform data ingestion" in text  # the lesson's title over a rule
    assert "\x1b[1;31mUnknown command /bogus." in text  # errors in red


def test_no_color_or_a_pipe_gets_the_plain_text(tmp_path: Path) -> None:
    script = "/lesson intro-exam\n/progress\n"
    text = on_a_terminal(tmp_path / "n.db", script, NO_COLOR="1")
    assert ESC not in text
    piped = subprocess.run(
        [
            STUDYBOT,
            "console",
            "--db",
            str(tmp_path / "p.db"),
            "--content-dir",
            str(FIXTURE_CONTENT),
        ],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ESC not in piped.stdout
    assert text.replace("> ", "") == piped.stdout  # the same bytes as the pipe's


def test_progress_png_writes_the_card_and_prints_its_path(tmp_path: Path) -> None:
    out = subprocess.run(
        [STUDYBOT, "console", "--db", str(tmp_path / "png.db"), "--user", "ana", "--lang", "fr",
         "--content-dir", str(FIXTURE_CONTENT)],
        # "A" answers a one-letter question; "A,B" a choose-TWO one (or is refused: no question).
        input="/quiz 1\nA\nA,B\n/progress png\n/progress png light mine.png\n/progress gif\n"
        "/stats\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    default, chosen = tmp_path / "studybot-progress-ana.png", tmp_path / "mine.png"
    assert f"Image de progression enregistrée\u202f: {default}" in out.stdout
    assert f"Image de progression enregistrée\u202f: {chosen}" in out.stdout
    for path in (default, chosen):
        card = Image.open(path)
        assert card.format == "PNG" and card.size == (1200, 980)
    dark, light = (Image.open(p).convert("RGB").getpixel((2, 2)) for p in (default, chosen))
    assert sum(dark) < 200 < sum(light)  # type: ignore[arg-type]
    assert "Syntaxe\u202f: /progress png [light|dark] [fichier.png]" in out.stdout
    assert "La semaine du " in out.stdout and "1 apprenant actif" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr

"""End to end: the real `studybot console` process, driven through a pipe like a user would."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURE_CONTENT
from tests.ops_support import read_until

STUDYBOT = str(Path(sys.executable).parent / "studybot")


def console(db: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [STUDYBOT, "console", "--db", str(db), "--content-dir", str(FIXTURE_CONTENT), *args],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_piped_session_quizzes_answers_and_exits_zero(tmp_path: Path) -> None:
    db = tmp_path / "e2e.db"
    out = console(db, "/quiz 2\nZ\nA\n/progress\n/leaderboard\n/lesson\n", "--user", "ana")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Domain 2 · Data Store Management" in text
    assert "Z is not an option. Answer with A/B/C/D." in text
    assert ("✅ Right!" in text) != ("❌ Not quite." in text)
    assert "Right answer:" in text and "Learn more: https://docs.aws.amazon.com" in text
    assert "D2 Data Store Management (26%)" in text and "answer 19 more questions" in text
    assert "1. ana" in text and "You: #1" in text
    assert "intro-exam" in text and "task-1.1" in text
    assert "Traceback" not in text + out.stderr
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM attempts").fetchone()
    assert rows == (1,)


def test_french_everywhere_and_hints_never_tracebacks(tmp_path: Path) -> None:
    out = console(
        tmp_path / "fr.db",
        "/quiz 1\nA\n/bogus\nA\nnext\n/lesson quantum\n/leaderboard 7\n/leaderboard weekly\n"
        "/help\n/quit\n/progress\n",
        "--lang",
        "fr",
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Domaine 1 · Ingestion et transformation des données" in text
    assert "Commande inconnue\u202f: /bogus" in text
    assert "Aucune leçon ne correspond à quantum" in text
    assert "Le domaine doit être 1, 2, 3 ou 4." in text
    assert "La période doit être week ou all." in text
    assert "/progress    vos scores par domaine" in text
    assert text.rstrip().endswith("À bientôt\u202f! Votre progression est enregistrée.")
    assert "Progression de" not in text  # nothing after /quit
    assert "Traceback" not in text + out.stderr


def test_switching_language_redisplays_the_waiting_question(tmp_path: Path) -> None:
    out = console(tmp_path / "l.db", "/quiz 1\n/lang fr\n/lang de\n")
    assert "Langue\u202f: français." in out.stdout and "Domaine 1" in out.stdout
    assert "Syntaxe\u202f: /lang en ou /lang fr" in out.stdout


def test_database_path_from_environment(tmp_path: Path) -> None:
    db = tmp_path / "env" / "studybot.db"
    out = subprocess.run(
        [STUDYBOT, "console", "--content-dir", str(FIXTURE_CONTENT)],
        input="/quiz\nA\n",
        capture_output=True,
        text=True,
        env={**os.environ, "STUDYBOT_DB": str(db)},
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert db.exists()


def test_an_acknowledged_answer_survives_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    proc = subprocess.Popen(
        [STUDYBOT, "console", "--db", str(db), "--content-dir", str(FIXTURE_CONTENT)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None
    try:
        for n in range(3):
            proc.stdin.write(f"/quiz {n + 2}\n")
            proc.stdin.flush()
            read_until(proc, "Answer with")
            proc.stdin.write("B\n")
            proc.stdin.flush()
            read_until(proc, "Type /quiz or next")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT count(*) FROM attempts").fetchone() == (3,)
    assert con.execute(
        "SELECT attempts FROM scores WHERE domain = 0 AND period = 'all'"
    ).fetchone() == (3,)


def test_choose_two_needs_two_letters(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            STUDYBOT,
            "console",
            "--db",
            str(tmp_path / "m.db"),
            "--content-dir",
            str(FIXTURE_CONTENT),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None
    try:
        # Domain 1 of the fixture has two questions, one of them choose-TWO; unseen ones come first.
        for _ in range(2):
            proc.stdin.write("/quiz 1\n")
            proc.stdin.flush()
            card = read_until(proc, "Answer with")
            if "2 letters" in card:
                proc.stdin.write("A\n")
                proc.stdin.flush()
                assert "needs exactly 2 different letters, e.g. A,B." in read_until(proc, "needs")
                proc.stdin.write("A,C\n")
            else:
                proc.stdin.write("B\n")
            proc.stdin.flush()
            read_until(proc, "Type /quiz or next")
        proc.stdin.close()
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
    con = sqlite3.connect(tmp_path / "m.db")
    assert con.execute("SELECT count(DISTINCT question_id) FROM attempts").fetchone() == (2,)


def test_a_database_that_is_not_sqlite_gets_one_line_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not sqlite")
    out = console(bad, "/quiz\n")
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "studybot: the database (STUDYBOT_DB) cannot be used: file is not a database"
    ]


def test_a_piped_mock_exam_shows_its_result_and_progress_lists_it(tmp_path: Path) -> None:
    db = tmp_path / "exam.db"
    # The issue's own example, with both letter forms offered for each question: a single-answer
    # question refuses `A,C` with one line and takes the next `A`.
    answers = "A,C\nA\n" * 5
    out = console(db, f"/exam 5\n{answers}/progress\n", "--user", "ana")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Mock exam — question 1 of 5 · 10 min left" in text
    assert "Mock exam result" in text and "out of 5 · estimated score" in text
    assert "Last mock exams:" in text and "right out of 5 —" in text
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM attempts WHERE source = 'exam'").fetchone() == (
            5,
        )
    finally:
        conn.close()


def test_an_exam_resumes_in_a_new_process_and_a_report_is_listed(tmp_path: Path) -> None:
    db = tmp_path / "resume.db"
    first = console(db, "/exam 3\n/skip\n", "--user", "ana")
    assert "question 1 of 3" in first.stdout
    again = console(db, "/exam\n/report typo the <b>word</b> is misspelt\n", "--user", "ana")
    assert again.returncode == 0, again.stderr
    assert "Your mock exam goes on where you left it." in again.stdout
    assert "Thank you: your report on d" in again.stdout
    listed = subprocess.run(
        [STUDYBOT, "content", "reports", "--json", "--db", str(db)],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "STUDYBOT_CONTENT_DIR": str(FIXTURE_CONTENT)},
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    (report,) = json.loads(listed.stdout)
    assert report["by_reason"] == {"typo": 1} and report["texts"] == ["the <b>word</b> is misspelt"]

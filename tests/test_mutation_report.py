"""The rule `make mutate` uses to explain a survivor without a name: only SQL text's case."""

from __future__ import annotations

from tests.mutation_report import source_path, sql_case_only


def diff(before: str, after: str, context: str = "async def f(self) -> None:") -> str:
    return f"--- bot/x.py\n+++ bot/x.py\n@@ -1,2 +1,2 @@\n {context}\n-{before}\n+{after}"


def test_keywords_and_names_in_another_case_are_equivalent() -> None:
    before = '    await self.sql.run("UPDATE daily_channels SET failures = 0 WHERE id = ?", (i,))'
    assert sql_case_only(
        diff(before, before.replace("UPDATE daily_channels", "update daily_channels"))
    )
    assert sql_case_only(diff(before, before.replace("daily_channels", "DAILY_CHANNELS")))


def test_a_quoted_sql_value_in_another_case_is_not() -> None:
    before = "    await self.sql.run(\"DELETE FROM daily_posts WHERE status = 'claimed'\", (i,))"
    assert not sql_case_only(diff(before, before.upper()))
    assert not sql_case_only(diff(before, before.replace("'claimed'", "'CLAIMED'")))


def test_python_text_outside_sql_is_not() -> None:
    key = '    due = row["due"]'
    assert not sql_case_only(diff(key, key.replace('"due"', '"DUE"')))
    message = '    log.warning("Daily post failed for %s", channel)'
    assert not sql_case_only(diff(message, message.replace("Daily", "daily")))
    mixed = '    await run("SELECT id FROM users", row["due"])'
    assert not sql_case_only(diff(mixed, mixed.replace('"due"', '"DUE"')))


def test_a_line_inside_a_triple_quoted_statement() -> None:
    inner = "        SELECT domain, COUNT(*) FROM attempts"
    assert sql_case_only(diff(inner, inner.lower(), context='    rows = await q("""'))
    assert not sql_case_only(diff(inner, inner.lower()))  # no triple quotes: not known to be SQL


def test_any_other_change_is_not() -> None:
    before = '    await self.sql.run("UPDATE users SET streak = 0 WHERE id = ?", (i,))'
    assert not sql_case_only(diff(before, before.replace("streak = 0", "streak = 1")))
    assert not sql_case_only(diff(before, before))


def test_source_path_from_a_mutant_name() -> None:
    assert source_path("bot.store.xǁSqliteStoreǁuser__mutmut_1") == "bot/store.py"
    assert source_path("scheduler.daily.x_next_run__mutmut_3") == "scheduler/daily.py"


def test_a_line_continuing_a_statement_beside_sql() -> None:
    context = '        "INSERT INTO daily_channels (platform, post_time) VALUES (?, ?) "'
    line = '        "timezone = excluded.timezone, locale = excluded.locale, "'
    assert sql_case_only(diff(line, line.upper(), context=context))
    assert not sql_case_only(diff(line, line.upper()))  # nothing beside it says SQL
    value = '        "daily",'  # a bound parameter: its case is data
    assert not sql_case_only(diff(value, value.upper(), context=context))
    call = '        names.append("locale")'
    assert not sql_case_only(diff(call, call.replace("locale", "LOCALE"), context=context))

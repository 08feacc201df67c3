"""UI strings: one catalog per language. Content texts live in content/, not here.

A text may name a command with `{cmd[quiz]}`: each face passes its own command names (Discord's
French client shows `/leçon` where the terminal and Slack show `/lesson`). A `count` parameter picks
the text's singular (`<key>.one`) or zero (`<key>.zero`) form where the catalog has one.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date

from bot.typography import french_spacing

__all__ = [
    "CATALOGS",
    "COMMANDS",
    "DEFAULT_LOCALE",
    "format_date",
    "format_duration",
    "locale_from",
    "pct",
    "placeholders",
    "plural_key",
    "t",
]

DEFAULT_LOCALE = "en"

# The terminal's and Slack's command names; Discord passes its localized ones.
COMMANDS: Mapping[str, str] = {
    "quiz": "/quiz",
    "review": "/review",
    "exam": "/exam",
    "progress": "/progress",
    "leaderboard": "/leaderboard",
    "lesson": "/lesson",
    "lang": "/lang",
    "daily": "/daily",
    "report": "/report",
    "help": "/help",
}

EN: dict[str, str] = {
    "quiz.header": "Domain {domain} · {domain_name} — task {task}",
    "quiz.prompt_single": "Answer with a letter ({letters}).",
    "quiz.prompt_multiple": "Answer with {n} letters, e.g. {example}.",
    "quiz.next": "Next question",
    "quiz.submit": "Submit",
    "quiz.pick": "Pick {n} options, then Submit.",
    "answer.right": "✅ Right!",
    "answer.wrong": "❌ Not quite.",
    "answer.right_options": "Right answer: {letters}",
    "answer.your_choice": "Your answer: {letters}",
    "answer.already": "You already answered this question; it counted once.",
    "answer.domain_score": "Domain {domain}: {accuracy} right over {count} answers.",
    "answer.domain_score.one": "Domain {domain}: {accuracy} right over {count} answer.",
    "answer.learn_more": "Learn more: {url}",
    "answer.next_hint": "Type {cmd[quiz]} or next for another question.",
    "progress.title": "Progress of {name}",
    "progress.domain_line": "D{id} {name} ({weight}%)",
    "progress.domain_stats": "{count} answers · {accuracy} right",
    "progress.domain_stats.one": "{count} answer · {accuracy} right",
    "progress.no_answers": "no answers yet",
    "progress.too_few": "Estimated score: answer {count} more questions (at least 3 in every domain) to get an estimate. Pass mark: {pass_mark} / 1000.",
    "progress.too_few.one": "Estimated score: answer {count} more question (at least 3 in every domain) to get an estimate. Pass mark: {pass_mark} / 1000.",
    "progress.weakest": "Weakest domain: D{id} {name}. Try {cmd[quiz]} {id}.",
    "progress.streak": "Daily streak: {count} days.",
    "progress.streak.one": "Daily streak: {count} day.",
    "progress.total": "Overall: {correct} right out of {attempts}.",
    "leaderboard.title": "Leaderboard — {scope}, {period}",
    "leaderboard.scope_domain": "D{id} {name}",
    "leaderboard.all_domains": "all domains",
    "leaderboard.period_all": "all time",
    "leaderboard.period_week": "this week",
    "leaderboard.row": "{rank}. {name} — {count} right / {attempts}",
    "leaderboard.row.one": "{rank}. {name} — {count} right / {attempts}",
    "leaderboard.you": "You: #{rank} — {count} right / {attempts}",
    "leaderboard.you.one": "You: #{rank} — {count} right / {attempts}",
    "leaderboard.you_none": "You have no answers here yet: try {cmd[quiz]}.",
    "leaderboard.empty": "No answers yet. Be the first: {cmd[quiz]}.",
    "lesson.list_title": "Lessons",
    "lesson.list_hint": "Open one with {cmd[lesson]} <id or words>.",
    "lesson.quiz_hint": "Quiz yourself on this task: {cmd[quiz]} {task}",
    "lesson.quiz_button": "Quiz me on task {task}",
    "lesson.references": "References:",
    "lang.set": "Language set to English.",
    "lang.usage": "Usage: {cmd[lang]} en or {cmd[lang]} fr",
    "help.title": "studybot — AWS Certified Data Engineer – Associate (DEA-C01)",
    "help.body": (
        "/quiz [1-4 or 2.3]  a question (optionally from one domain or task)\n"
        "/progress    your scores per domain and an estimated exam score\n"
        "/leaderboard [1-4] [week|all]  the top learners and your rank\n"
        "/lesson [id or words]  list the lessons or read one\n"
        "/review      the most overdue question to see again\n"
        "/exam [size] a timed mock exam (65 questions, 130 minutes; /exam 20 for a short one)\n"
        "/report <reason> [text]  report the last question shown\n"
        "/daily       today's question for this channel\n"
        "/lang en|fr  switch language\n"
        "/help        this help\n"
        "/quit        leave"
    ),
    "console.welcome": "Welcome, {name}! Type /quiz to start, /help for the commands.",
    "console.bye": "Bye! Your progress is saved.",
    "error.generic": "Something went wrong on our side; please try again.",
    "error.restarting": "studybot is restarting; please try again in a minute.",
    "error.storage": "Your answer could not be saved, so nothing was counted. Please try again later.",
    "console.storage_stop": "The database cannot be written ({cause}): studybot stops here. Nothing unsaved was counted.",
    "error.unknown_command": "Unknown command {command}. Type {cmd[help]} for the list.",
    "error.no_question": "No question is waiting for an answer. Type {cmd[quiz]} to get one.",
    "error.bad_letter": "{given} is not an option. Answer with {letters}.",
    "error.need_n": "This question needs exactly {n} different letters, e.g. {example}.",
    "error.bad_domain": "Domain must be 1, 2, 3 or 4.",
    "error.bad_scope": "{given} is neither a domain (1 to 4) nor a task statement such as 2.3.",
    "error.bad_period": "Period must be week or all.",
    "error.no_lesson": "No lesson matches {query}. Type {cmd[lesson]} for the list.",
    "error.unknown_question": "This question is no longer available. Type {cmd[quiz]} for a new one.",
    "error.expired": "This question has expired. Type {cmd[quiz]} for a new one.",
    "error.bad_token": "This button is not valid. Type {cmd[quiz]} for a new question.",
    "error.not_yours": "These buttons belong to someone else's question. Use {cmd[quiz]} for your own.",
    "error.guild_only": "This command works in a server channel, not in direct messages.",
    "error.not_allowed": "Only server or workspace admins can do that.",
    "error.private_progress": "Members' progress is private in this server.",
    "error.content": "The content has {count} problems.",
    "error.content.one": "The content has {count} problem.",
    "error.config": "Configuration error: {message}",
    "error.invalid_answer": "That is not a valid answer.",
    "error.not_found": "Not found.",
    # -- discord (adapters/discord/): keys start with "discord." --
    "discord.cmd.quiz": "quiz",
    "discord.cmd.quiz.desc": "A practice question, optionally from one exam domain or task",
    "discord.cmd.review": "review",
    "discord.cmd.review.desc": "The question most overdue for review (spaced repetition)",
    "discord.cmd.exam": "exam",
    "discord.cmd.exam.desc": "A timed mock exam: 65 questions in 130 minutes, or fewer",
    "discord.opt.size": "size",
    "discord.opt.size.desc": "How many questions (1-65, default 65): two minutes each",
    "discord.cmd.progress": "progress",
    "discord.cmd.progress.desc": "Your scores per domain and an estimated exam score",
    "discord.cmd.leaderboard": "leaderboard",
    "discord.cmd.leaderboard.desc": "This server's top learners and your own rank",
    "discord.cmd.lesson": "lesson",
    "discord.cmd.lesson.desc": "Read a mini-lesson, or list them all",
    "discord.cmd.language": "language",
    "discord.cmd.language.desc": "The language studybot answers you in, in this server",
    "discord.cmd.studybot": "studybot",
    "discord.cmd.studybot.desc": "studybot settings for this server",
    "discord.cmd.daily_on": "daily-on",
    "discord.cmd.daily_on.desc": "Post a daily question in a channel (or change its settings)",
    "discord.cmd.daily_off": "daily-off",
    "discord.cmd.daily_off.desc": "Stop the daily question in one channel, or in all of them",
    "discord.cmd.progress_public": "progress-public",
    "discord.cmd.progress_public.desc": "Let members see each other's /progress",
    "discord.cmd.settings": "settings",
    "discord.cmd.settings.desc": "Show this server's studybot settings",
    "discord.opt.domain": "domain",
    "discord.opt.domain.desc": "Only this exam domain",
    "discord.opt.task": "task",
    "discord.opt.task.desc": "Only this task statement of the exam guide",
    "discord.opt.member": "member",
    "discord.opt.member.desc": "Another member (if this server allows it)",
    "discord.opt.period": "period",
    "discord.opt.period.desc": "This week or all time (default)",
    "discord.opt.topic": "topic",
    "discord.opt.topic.desc": "A lesson title, a task number such as 2.3, or words",
    "discord.opt.language": "language",
    "discord.opt.language.desc": "English or French",
    "discord.opt.channel": "channel",
    "discord.opt.channel.desc": "A text channel",
    "discord.opt.time": "time",
    "discord.opt.time.desc": "Local time of the post, HH:MM (default 09:00)",
    "discord.opt.timezone": "timezone",
    "discord.opt.timezone.desc": "Timezone such as Europe/Paris (default UTC)",
    "discord.opt.reveal_after": "reveal-after",
    "discord.opt.reveal_after.desc": "Minutes before the answer is revealed; 0: with the next question",
    "discord.opt.visible": "visible",
    "discord.opt.visible.desc": "True: anyone here may see anyone's progress",
    "discord.docs": "AWS documentation",
    "discord.bad_option": "That option value is not valid here.",
    "discord.stale_command": "This command has just changed; please try again in a minute.",
    "discord.progress_public.on": "Members can see each other's progress in this server.",
    "discord.progress_public.off": "Members' progress is private in this server.",
    "discord.daily_pick": "Pick {n} options in the menu below.",
    "discord.daily_placeholder": "Choose {n} options",
    "discord.daily_configured": "Daily question on in {channel}: every day at {time} ({timezone}).",
    "discord.daily_off": "Daily question turned off in {count} channels.",
    "discord.daily_off.one": "Daily question turned off in {count} channel.",
    "discord.daily_off.zero": "No channel had the daily question on.",
    "discord.daily_none": "No channel of this server gets the daily question yet.",
    # -- slack (adapters/slack/): keys start with "slack." --
    "error.stale_button": "This button no longer works. Type {cmd[quiz]} for a new question.",
    "slack.bad_request": "Slack sent something studybot could not read; please try again.",
    "slack.unknown_command": "Unknown command {command}. Try /quiz, /progress, /leaderboard, /lesson or /lang.",
    "slack.home_title": "studybot — AWS DEA-C01",
    "slack.home_hint": "Type /quiz in any channel for a question (only you see it), /lesson for the lessons, /leaderboard for this workspace's ranking, /lang en or /lang fr to switch language.",
    "slack.daily_title": "Daily question",
    "slack.daily_line": "{channel}: every day at {time} ({timezone})",
    "slack.daily_line_off": "{channel}: off (was {time}, {timezone})",
    "slack.daily_none": "No channel gets the daily question yet.",
    "slack.daily_usage": "Usage: /daily-settings channel [#channel] · time HH:MM [#channel] · timezone Area/City [#channel] · off [#channel|all]",
    "slack.daily_set": "Daily question on in {channel} at {time} ({timezone}).",
    "slack.daily_off": "Daily question turned off in {count} channels.",
    "slack.daily_off.one": "Daily question turned off in {count} channel.",
    "slack.daily_off.zero": "No channel had the daily question on.",
    "slack.bad_channel": "{given} is not a channel: pick one with #, e.g. #general, or type the command in that channel.",
    "slack.daily_counts": "How the channel answered",
    "slack.daily_streak": "Answering on the day keeps your daily streak going.",
    # -- daily (bot/daily.py, scheduler/): keys start with "daily." --
    "daily.bad_time": "{given} is not a time: use HH:MM, e.g. 09:00.",
    "daily.bad_timezone": "{given} is not a timezone: use a name such as Europe/Paris or UTC.",
    "daily.bad_delay": "The reveal delay must be between 1 and 1440 minutes.",
    "daily.closed": "This daily question is closed: its answer has been revealed.",
    "daily.title": "Question of the day — {date}",
    "daily.hint": "Answer with the buttons: only you see your result. The answer is revealed later.",
    "daily.console_hint": "Your answer to the question of the day also counts for your daily streak.",
    "daily.reveal_title": "Answer to the question of {date}",
    "daily.reveal_count": "{letter}: {count} ({share})",
    "daily.reveal_total": "{count} members answered.",
    "daily.reveal_total.one": "{count} member answered.",
    "daily.reveal_total.zero": "No member answered.",
    # -- review, exam, reports, readiness (bot/service.py, bot/exam.py) --
    "quiz.review_now": "Review now",
    "quiz.header_review": "🔁 Review · Domain {domain} · {domain_name} — task {task}",
    "answer.reviews_due": "{count} reviews due: {cmd[review]}",
    "answer.reviews_due.one": "{count} review due: {cmd[review]}",
    "review.none_yet": "Nothing to review yet: the questions you answer with {cmd[quiz]} come back here when it is time to see them again.",
    "review.wait": "No review is due now; the next one is due {when}. Meanwhile, try {cmd[quiz]}.",
    "time.minutes": "in {count} minutes",
    "time.minutes.one": "in {count} minute",
    "time.hours": "in {count} hours",
    "time.hours.one": "in {count} hour",
    "time.days": "in {count} days",
    "time.days.one": "in {count} day",
    "progress.readiness": "Expected exam score: {score} / 1000 (pass mark {pass_mark}); chance of passing today: {chance}. An estimate from your answers and reviews here, not an exam result.",
    "progress.reviews_due": "Reviews due: {count}. Type {cmd[review]}.",
    "progress.exams": "Last mock exams:",
    "progress.exam": "{date}: {score} / 1000, {correct} right out of {total} — {verdict}",
    "exam.pass": "pass",
    "exam.fail": "fail",
    "exam.question": "Mock exam — question {number} of {total} · {time} left",
    "exam.resumed": "Your mock exam goes on where you left it.",
    "exam.answered": "{count} answered so far.",
    "exam.skip": "Skip",
    "exam.finish": "Finish",
    "exam.back": "Back to the exam",
    "exam.confirm": "{count} questions are still unanswered and will count wrong. Finish now?",
    "exam.confirm.one": "{count} question is still unanswered and will count wrong. Finish now?",
    "exam.result_title": "Mock exam result",
    "exam.result_score": "{correct} right out of {total} · estimated score {score} / 1000 (pass mark {pass_mark}): {verdict}.",
    "exam.result_note": "AWS does not publish how it scales scores: this score is an estimate.",
    "exam.result_domain": "D{id} {name}: {percent} ({correct}/{total})",
    "exam.time_used": "Time used: {time}.",
    "exam.expired": "Time ran out: answers after the deadline do not count, and unanswered questions count wrong.",
    "exam.missed": "Missed questions ({count}):",
    "exam.missed.one": "Missed question ({count}):",
    "exam.review_hint": "The questions you missed are due for review: {cmd[review]}.",
    "exam.console_hint": "Answer with letters; /skip sends this question to the end, /finish ends the exam.",
    "exam.console_confirm": "Type /finish again to end the exam now.",
    "exam.bad_size": "A mock exam has {low} to {high} questions, e.g. {cmd[exam]} 20.",
    "exam.already_answered": "This exam question is already answered; go on with the next one.",
    "exam.finished": "This mock exam is finished. Type {cmd[exam]} for a new one.",
    "exam.unknown": "This mock exam no longer exists. Type {cmd[exam]} for a new one.",
    "exam.none": "No mock exam is in progress. Type {cmd[exam]} to start one.",
    "report.button": "Report",
    "report.title": "Report this question",
    "report.reason": "What is wrong?",
    "report.text": "Details (optional)",
    "report.thanks": "Thank you: your report on {question} is recorded for whoever maintains the questions.",
    "report.bad_reason": "Give a reason: {reasons}.",
    "report.too_long": "A report holds at most {limit} characters (yours has {length}).",
    "report.usage": "Usage: {cmd[report]} <reason> [text], about the last question shown. Reasons: {reasons}.",
    "report.nothing": "No question to report yet: {cmd[report]} is about the last question shown.",
    "report.reason.wrong_answer": "The keyed answer is wrong",
    "report.reason.unclear": "The question is unclear",
    "report.reason.outdated": "It is outdated",
    "report.reason.typo": "A typo",
    "report.reason.other": "Something else",
    "admin.reports": "Most reported questions in this community:",
    "admin.report_line": "{question}: {count} reports",
    "admin.report_line.one": "{question}: {count} report",
    "admin.no_reports": "No question has been reported here.",
}

FR: dict[str, str] = {
    "quiz.header": "Domaine {domain} · {domain_name} — tâche {task}",
    "quiz.prompt_single": "Répondez par une lettre ({letters}).",
    "quiz.prompt_multiple": "Répondez par {n} lettres, par exemple {example}.",
    "quiz.next": "Question suivante",
    "quiz.submit": "Valider",
    "quiz.pick": "Cochez {n} options, puis Valider.",
    "answer.right": "✅ Bonne réponse !",
    "answer.wrong": "❌ Mauvaise réponse.",
    "answer.right_options": "Bonne réponse : {letters}",
    "answer.your_choice": "Votre réponse : {letters}",
    "answer.already": "Vous avez déjà répondu à cette question ; seule la première réponse compte.",
    "answer.domain_score": "Domaine {domain} : {accuracy} de bonnes réponses sur {count} réponses.",
    "answer.domain_score.one": "Domaine {domain} : {accuracy} de bonnes réponses sur {count} réponse.",
    "answer.learn_more": "Pour aller plus loin : {url}",
    "answer.next_hint": "Tapez {cmd[quiz]} ou next pour une autre question.",
    "progress.title": "Progression de {name}",
    "progress.domain_line": "D{id} {name} ({weight} %)",
    "progress.domain_stats": "{count} réponses · {accuracy} de bonnes",
    "progress.domain_stats.one": "{count} réponse · {accuracy} de bonnes",
    "progress.no_answers": "aucune réponse pour l'instant",
    "progress.too_few": "Score estimé : encore {count} réponses (dont au moins 3 par domaine) avant une estimation. Seuil de réussite : {pass_mark} / 1000.",
    "progress.too_few.one": "Score estimé : encore {count} réponse (dont au moins 3 par domaine) avant une estimation. Seuil de réussite : {pass_mark} / 1000.",
    "progress.weakest": "Domaine le plus faible : D{id} {name}. Essayez {cmd[quiz]} {id}.",
    "progress.streak": "Série quotidienne : {count} jours.",
    "progress.streak.one": "Série quotidienne : {count} jour.",
    "progress.total": "Au total : {correct} bonnes réponses sur {attempts}.",
    "leaderboard.title": "Classement — {scope}, {period}",
    "leaderboard.scope_domain": "D{id} {name}",
    "leaderboard.all_domains": "tous les domaines",
    "leaderboard.period_all": "depuis le début",
    "leaderboard.period_week": "cette semaine",
    "leaderboard.row": "{rank}. {name} — {count} bonnes réponses sur {attempts}",
    "leaderboard.row.one": "{rank}. {name} — {count} bonne réponse sur {attempts}",
    "leaderboard.you": "Vous : rang {rank} — {count} bonnes réponses sur {attempts}",
    "leaderboard.you.one": "Vous : rang {rank} — {count} bonne réponse sur {attempts}",
    "leaderboard.you_none": "Vous n'avez pas encore répondu ici : essayez {cmd[quiz]}.",
    "leaderboard.empty": "Aucune réponse pour l'instant. Lancez-vous : {cmd[quiz]}.",
    "lesson.list_title": "Leçons",
    "lesson.list_hint": "Ouvrez-en une avec {cmd[lesson]} <id ou mots>.",
    "lesson.quiz_hint": "Entraînez-vous sur cette tâche : {cmd[quiz]} {task}",
    "lesson.quiz_button": "Une question sur la tâche {task}",
    "lesson.references": "Références :",
    "lang.set": "Langue : français.",
    "lang.usage": "Syntaxe : {cmd[lang]} en ou {cmd[lang]} fr",
    "help.title": "studybot — AWS Certified Data Engineer – Associate (DEA-C01)",
    "help.body": (
        "/quiz [1-4 ou 2.3]  une question (d'un domaine ou d'une tâche si précisé)\n"
        "/progress    vos scores par domaine et un score d'examen estimé\n"
        "/leaderboard [1-4] [week|all]  les meilleurs et votre rang\n"
        "/lesson [id ou mots]  la liste des leçons, ou une leçon\n"
        "/review      la question la plus en retard à revoir\n"
        "/exam [taille]  un examen blanc chronométré (65 questions, 130 minutes ; /exam 20 pour un court)\n"
        "/report <raison> [texte]  signaler la dernière question affichée\n"
        "/daily       la question du jour de ce terminal\n"
        "/lang en|fr  changer de langue\n"
        "/help        cette aide\n"
        "/quit        quitter"
    ),
    "console.welcome": "Bienvenue, {name} ! Tapez /quiz pour commencer, /help pour les commandes.",
    "console.bye": "À bientôt ! Votre progression est enregistrée.",
    "error.generic": "Un problème est survenu de notre côté ; réessayez.",
    "error.restarting": "studybot redémarre ; réessayez dans une minute.",
    "error.storage": "Votre réponse n'a pas pu être enregistrée : rien n'a été compté. Réessayez plus tard.",
    "console.storage_stop": "La base de données ne peut plus être écrite ({cause}) : studybot s'arrête là. Rien de ce qui n'a pas été enregistré n'a été compté.",
    "error.unknown_command": "Commande inconnue : {command}. Tapez {cmd[help]} pour la liste.",
    "error.no_question": "Aucune question n'attend de réponse. Tapez {cmd[quiz]} pour en avoir une.",
    "error.bad_letter": "{given} n'est pas une option. Répondez par {letters}.",
    "error.need_n": "Cette question demande exactement {n} lettres différentes, par exemple {example}.",
    "error.bad_domain": "Le domaine doit être 1, 2, 3 ou 4.",
    "error.bad_scope": "{given} n'est ni un domaine (1 à 4) ni une tâche du guide comme 2.3.",
    "error.bad_period": "La période doit être week ou all.",
    "error.no_lesson": "Aucune leçon ne correspond à {query}. Tapez {cmd[lesson]} pour la liste.",
    "error.unknown_question": "Cette question n'est plus disponible. Tapez {cmd[quiz]} pour en avoir une autre.",
    "error.expired": "Cette question a expiré. Tapez {cmd[quiz]} pour en avoir une autre.",
    "error.bad_token": "Ce bouton n'est pas valide. Tapez {cmd[quiz]} pour une nouvelle question.",
    "error.not_yours": "Ces boutons sont ceux de la question de quelqu'un d'autre. Tapez {cmd[quiz]} pour avoir la vôtre.",
    "error.guild_only": "Cette commande s'utilise dans un salon de serveur, pas en message privé.",
    "error.not_allowed": "Seuls les administrateurs du serveur ou de l'espace de travail peuvent faire cela.",
    "error.private_progress": "La progression des membres est privée sur ce serveur.",
    "error.content": "Le contenu a {count} problèmes.",
    "error.content.one": "Le contenu a {count} problème.",
    "error.config": "Erreur de configuration : {message}",
    "error.invalid_answer": "Cette réponse n'est pas valide.",
    "error.not_found": "Introuvable.",
    # -- discord (adapters/discord/): keys start with "discord." --
    "discord.cmd.quiz": "quiz",
    "discord.cmd.quiz.desc": "Une question d'entraînement, d'un domaine ou d'une tâche de l'examen si précisé",
    "discord.cmd.review": "réviser",
    "discord.cmd.review.desc": "La question la plus en retard à revoir (répétition espacée)",
    "discord.cmd.exam": "examen",
    "discord.cmd.exam.desc": "Un examen blanc chronométré : 65 questions en 130 minutes, ou moins",
    "discord.opt.size": "taille",
    "discord.opt.size.desc": "Combien de questions (1 à 65, 65 par défaut) : deux minutes chacune",
    "discord.cmd.progress": "progression",
    "discord.cmd.progress.desc": "Vos scores par domaine et un score d'examen estimé",
    "discord.cmd.leaderboard": "classement",
    "discord.cmd.leaderboard.desc": "Les meilleurs de ce serveur et votre propre rang",
    "discord.cmd.lesson": "leçon",
    "discord.cmd.lesson.desc": "Lire une mini-leçon, ou les lister toutes",
    "discord.cmd.language": "langue",
    "discord.cmd.language.desc": "La langue dans laquelle studybot vous répond sur ce serveur",
    "discord.cmd.studybot": "studybot",
    "discord.cmd.studybot.desc": "Réglages de studybot pour ce serveur",
    "discord.cmd.daily_on": "activer-question-du-jour",
    "discord.cmd.daily_on.desc": "Publier une question du jour dans un salon (ou en changer les réglages)",
    "discord.cmd.daily_off": "arrêter-question-du-jour",
    "discord.cmd.daily_off.desc": "Arrêter la question du jour dans un salon, ou dans tous",
    "discord.cmd.progress_public": "progression-publique",
    "discord.cmd.progress_public.desc": "Permettre aux membres de voir la /progression des autres",
    "discord.cmd.settings": "réglages",
    "discord.cmd.settings.desc": "Afficher les réglages de studybot sur ce serveur",
    "discord.opt.domain": "domaine",
    "discord.opt.domain.desc": "Seulement ce domaine de l'examen",
    "discord.opt.task": "tâche",
    "discord.opt.task.desc": "Seulement cette tâche du guide d'examen",
    "discord.opt.member": "membre",
    "discord.opt.member.desc": "Un autre membre (si ce serveur l'autorise)",
    "discord.opt.period": "période",
    "discord.opt.period.desc": "Cette semaine ou depuis le début (par défaut)",
    "discord.opt.topic": "sujet",
    "discord.opt.topic.desc": "Un titre de leçon, un numéro de tâche comme 2.3, ou des mots",
    "discord.opt.language": "langue",
    "discord.opt.language.desc": "Anglais ou français",
    "discord.opt.channel": "salon",
    "discord.opt.channel.desc": "Un salon textuel",
    "discord.opt.time": "heure",
    "discord.opt.time.desc": "Heure locale de publication, HH:MM (09:00 par défaut)",
    "discord.opt.timezone": "fuseau",
    "discord.opt.timezone.desc": "Fuseau horaire comme Europe/Paris (UTC par défaut)",
    "discord.opt.reveal_after": "réponse-après",
    "discord.opt.reveal_after.desc": "Minutes avant de dévoiler la réponse ; 0 : avec la question suivante",
    "discord.opt.visible": "visible",
    "discord.opt.visible.desc": "Vrai : chacun ici peut voir la progression de chacun",
    "discord.docs": "Documentation AWS",
    "discord.bad_option": "Cette valeur d'option n'est pas valable ici.",
    "discord.stale_command": "Cette commande vient de changer ; réessayez dans une minute.",
    "discord.progress_public.on": "Les membres peuvent voir la progression des autres sur ce serveur.",
    "discord.progress_public.off": "La progression des membres est privée sur ce serveur.",
    "discord.daily_pick": "Choisissez {n} options dans le menu ci-dessous.",
    "discord.daily_placeholder": "Choisissez {n} options",
    "discord.daily_configured": "Question du jour activée dans {channel} : chaque jour à {time} ({timezone}).",
    "discord.daily_off": "Question du jour arrêtée dans {count} salons.",
    "discord.daily_off.one": "Question du jour arrêtée dans {count} salon.",
    "discord.daily_off.zero": "Aucun salon n'avait de question du jour.",
    "discord.daily_none": "Aucun salon de ce serveur ne reçoit encore la question du jour.",
    # -- slack (adapters/slack/): keys start with "slack." --
    "error.stale_button": "Ce bouton ne fonctionne plus. Tapez {cmd[quiz]} pour une nouvelle question.",
    "slack.bad_request": "Slack a envoyé une requête que studybot n'a pas pu lire ; réessayez.",
    "slack.unknown_command": "Commande inconnue : {command}. Essayez /quiz, /progress, /leaderboard, /lesson ou /lang.",
    "slack.home_title": "studybot — AWS DEA-C01",
    "slack.home_hint": "Tapez /quiz dans n'importe quel canal pour une question (vous seul la voyez), /lesson pour les leçons, /leaderboard pour le classement de cet espace de travail, /lang en ou /lang fr pour changer de langue.",
    "slack.daily_title": "Question du jour",
    "slack.daily_line": "{channel} : chaque jour à {time} ({timezone})",
    "slack.daily_line_off": "{channel} : arrêtée (était à {time}, {timezone})",
    "slack.daily_none": "Aucun canal ne reçoit encore la question du jour.",
    "slack.daily_usage": "Syntaxe : /daily-settings channel [#canal] · time HH:MM [#canal] · timezone Zone/Ville [#canal] · off [#canal|all]",
    "slack.daily_set": "Question du jour activée dans {channel} à {time} ({timezone}).",
    "slack.daily_off": "Question du jour arrêtée dans {count} canaux.",
    "slack.daily_off.one": "Question du jour arrêtée dans {count} canal.",
    "slack.daily_off.zero": "Aucun canal n'avait de question du jour.",
    "slack.bad_channel": "{given} n'est pas un canal : choisissez-en un avec #, par exemple #general, ou tapez la commande dans ce canal.",
    "slack.daily_counts": "Les réponses du canal",
    "slack.daily_streak": "Répondre le jour même prolonge votre série quotidienne.",
    # -- daily (bot/daily.py, scheduler/): keys start with "daily." --
    "daily.bad_time": "{given} n'est pas une heure : utilisez HH:MM, par exemple 09:00.",
    "daily.bad_timezone": "{given} n'est pas un fuseau horaire : utilisez un nom comme Europe/Paris ou UTC.",
    "daily.bad_delay": "Le délai avant la réponse doit être compris entre 1 et 1440 minutes.",
    "daily.closed": "Cette question du jour est close : sa réponse a été dévoilée.",
    "daily.title": "Question du jour — {date}",
    "daily.hint": "Répondez avec les boutons : vous seul voyez votre résultat. La réponse sera dévoilée plus tard.",
    "daily.console_hint": "Votre réponse à la question du jour compte aussi pour votre série quotidienne.",
    "daily.reveal_title": "Réponse à la question du {date}",
    "daily.reveal_count": "{letter} : {count} ({share})",
    "daily.reveal_total": "{count} membres ont répondu.",
    "daily.reveal_total.one": "{count} membre a répondu.",
    "daily.reveal_total.zero": "Aucun membre n'a répondu.",
    # -- review, exam, reports, readiness (bot/service.py, bot/exam.py) --
    "quiz.review_now": "Réviser maintenant",
    "quiz.header_review": "🔁 Révision · Domaine {domain} · {domain_name} — tâche {task}",
    "answer.reviews_due": "{count} révisions à faire : {cmd[review]}",
    "answer.reviews_due.one": "{count} révision à faire : {cmd[review]}",
    "review.none_yet": "Rien à réviser pour l'instant : les questions auxquelles vous répondez avec {cmd[quiz]} reviendront ici au bon moment.",
    "review.wait": "Aucune révision à faire maintenant ; la prochaine arrive {when}. En attendant, essayez {cmd[quiz]}.",
    "time.minutes": "dans {count} minutes",
    "time.minutes.one": "dans {count} minute",
    "time.hours": "dans {count} heures",
    "time.hours.one": "dans {count} heure",
    "time.days": "dans {count} jours",
    "time.days.one": "dans {count} jour",
    "progress.readiness": "Score d'examen attendu : {score} / 1000 (seuil de réussite : {pass_mark}) ; chance de réussir aujourd'hui : {chance}. C'est une estimation tirée de vos réponses et révisions ici, pas un résultat d'examen.",
    "progress.reviews_due": "Révisions à faire : {count}. Tapez {cmd[review]}.",
    "progress.exams": "Derniers examens blancs :",
    "progress.exam": "{date} : {score} / 1000, {correct} bonnes réponses sur {total} — {verdict}",
    "exam.pass": "réussi",
    "exam.fail": "échoué",
    "exam.question": "Examen blanc — question {number} sur {total} · encore {time}",
    "exam.resumed": "Votre examen blanc reprend là où vous l'aviez laissé.",
    "exam.answered": "{count} réponses données jusqu'ici.",
    "exam.skip": "Passer",
    "exam.finish": "Terminer",
    "exam.back": "Revenir à l'examen",
    "exam.confirm": "{count} questions restent sans réponse et compteront comme fausses. Terminer maintenant ?",
    "exam.confirm.one": "{count} question reste sans réponse et comptera comme fausse. Terminer maintenant ?",
    "exam.result_title": "Résultat de l'examen blanc",
    "exam.result_score": "{correct} bonnes réponses sur {total} · score estimé {score} / 1000 (seuil de réussite : {pass_mark}) : {verdict}.",
    "exam.result_note": "AWS ne publie pas sa mise à l'échelle des scores : ce score est une estimation.",
    "exam.result_domain": "D{id} {name} : {percent} ({correct}/{total})",
    "exam.time_used": "Temps utilisé : {time}.",
    "exam.expired": "Le temps est écoulé : les réponses données après l'heure limite ne comptent pas, et les questions sans réponse comptent comme fausses.",
    "exam.missed": "Questions manquées ({count}) :",
    "exam.missed.one": "Question manquée ({count}) :",
    "exam.review_hint": "Les questions manquées sont à réviser : {cmd[review]}.",
    "exam.console_hint": "Répondez par des lettres ; /skip renvoie cette question à la fin, /finish termine l'examen.",
    "exam.console_confirm": "Tapez encore /finish pour terminer l'examen maintenant.",
    "exam.bad_size": "Un examen blanc compte de {low} à {high} questions, par exemple {cmd[exam]} 20.",
    "exam.already_answered": "Vous avez déjà répondu à cette question de l'examen ; passez à la suivante.",
    "exam.finished": "Cet examen blanc est terminé. Tapez {cmd[exam]} pour en commencer un autre.",
    "exam.unknown": "Cet examen blanc n'existe plus. Tapez {cmd[exam]} pour en commencer un autre.",
    "exam.none": "Aucun examen blanc en cours. Tapez {cmd[exam]} pour en commencer un.",
    "report.button": "Signaler",
    "report.title": "Signaler cette question",
    "report.reason": "Quel est le problème ?",
    "report.text": "Précisions (facultatif)",
    "report.thanks": "Merci : votre signalement sur {question} est enregistré pour les personnes qui maintiennent les questions.",
    "report.bad_reason": "Donnez une raison : {reasons}.",
    "report.too_long": "Un signalement compte au plus {limit} caractères (le vôtre en a {length}).",
    "report.usage": "Syntaxe : {cmd[report]} <raison> [texte], sur la dernière question affichée. Raisons : {reasons}.",
    "report.nothing": "Aucune question à signaler pour l'instant : {cmd[report]} porte sur la dernière question affichée.",
    "report.reason.wrong_answer": "La réponse attendue est fausse",
    "report.reason.unclear": "La question n'est pas claire",
    "report.reason.outdated": "Elle n'est plus à jour",
    "report.reason.typo": "Une coquille",
    "report.reason.other": "Autre chose",
    "admin.reports": "Questions les plus signalées dans cette communauté :",
    "admin.report_line": "{question} : {count} signalements",
    "admin.report_line.one": "{question} : {count} signalement",
    "admin.no_reports": "Aucune question n'a été signalée ici.",
}

CATALOGS: dict[str, dict[str, str]] = {"en": EN, "fr": FR}

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}


def locale_from(platform_locale: str | None) -> str:
    """Map a platform locale (`fr`, `fr-FR`, `en-US`, ...) to a supported language."""
    return "fr" if (platform_locale or "").lower().startswith("fr") else DEFAULT_LOCALE


def plural_key(catalog: Mapping[str, str], locale: str, key: str, count: object) -> str:
    """The form of `key` for `count`: `.zero`, `.one` (1 in English; 0 and 1 in French), or plural."""
    if not isinstance(count, int) or isinstance(count, bool):
        return key
    if count == 0 and f"{key}.zero" in catalog:
        return f"{key}.zero"
    singular = count in (0, 1) if locale == "fr" else count == 1
    return f"{key}.one" if singular and f"{key}.one" in catalog else key


def t(locale: str, key: str, **params: object) -> str:
    """The text for `key` in `locale`, filled with `params`; English if the locale is unknown.

    A `cmd` parameter names the commands the way the face shows them (`{cmd[lesson]}`); the
    terminal's and Slack's names (`COMMANDS`) by default.
    """
    catalog = CATALOGS.get(locale, EN)
    text = catalog[plural_key(catalog, locale, key, params.get("count"))]
    filled = text.format(**{"cmd": COMMANDS, **params})
    return french_spacing(filled) if locale == "fr" else filled


def placeholders(text: str) -> set[str]:
    """The `{name}` fields a catalog text expects (used by the catalog test)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def pct(locale: str, fraction: float) -> str:
    """A percentage written the way each language writes it: 75% / 75 %."""
    value = round(fraction * 100)
    return f"{value}\u202f%" if locale == "fr" else f"{value}%"


def format_duration(seconds: int) -> str:
    """A time left or used: `1 h 27 min`, `45 min`, `0 min` (the same in both languages)."""
    minutes = max(0, seconds) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def format_date(locale: str, day: date | str) -> str:
    """A date inside a sentence: `27 November 2026`, `27 novembre 2026` (not ISO)."""
    d = date.fromisoformat(day) if isinstance(day, str) else day
    months = MONTHS.get(locale, MONTHS["en"])
    day_of_month = "1er" if locale == "fr" and d.day == 1 else str(d.day)
    return f"{day_of_month} {months[d.month - 1]} {d.year}"

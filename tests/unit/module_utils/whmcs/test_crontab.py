"""A crontab read the way cron reads it, and the WHMCS cron line written so that cron reads it as meant.

The rules (do_command.c of Debian's cron 3.0pl1, cronie and the BSDs) were checked against Debian
12's cron running real jobs: the command ends at the first unescaped %, the rest is stdin with
each % a newline, \\% is %, Debian turns \\\\ into \\.
"""

from __future__ import annotations

import subprocess

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.crontab import (
    CrontabLineError,
    control_character,
    cron_command,
    job_line,
    named_line,
    parse_crontab,
    split_command,
    with_named_line,
)

ECHO_ARGV = ["python3", "-c", "import sys; print(repr(sys.argv[1:]))"]


@pytest.mark.parametrize(
    ("text", "command", "stdin"),
    [
        ("php -q /w/crons/cron.php", "php -q /w/crons/cron.php", None),
        ("php -q /srv/100%/crons/cron.php", "php -q /srv/100", "/crons/cron.php"),
        ("php -q /srv/100\\%/crons/cron.php", "php -q /srv/100%/crons/cron.php", None),
        ("mail -s hi root%line one%line two\\%", "mail -s hi root", "line one\nline two%"),
        ("date +\\%Y", "date +%Y", None),
        ("echo a\\\\%b", "echo a\\", "b"),  # \\ is one backslash, so the % is not escaped
        ("echo 'a\\b'", "echo 'a\\b'", None),  # any other backslash stays for the shell
        ("echo trailing\\", "echo trailing\\", None),
    ],
)
def test_the_command_ends_at_the_first_unescaped_percent(text: str, command: str, stdin: str | None) -> None:
    assert split_command(text) == (command, stdin)


def test_a_crontab_is_read_line_by_line_as_cron_reads_it() -> None:
    crontab = (
        "# m h dom mon dow command\n"
        'MAILTO = "ops team a b c"\n'
        "PATH=/usr/bin:/bin\n"
        "\n"
        "*/5 * * * * php -q /srv/100%/crons/cron.php\n"
        "  @daily   /usr/local/bin/backup --quiet\n"
        "0 3 * *\n"
    )
    entries = parse_crontab(crontab)
    assert [(e.line_number, e.schedule, e.command, e.stdin) for e in entries] == [
        (5, "*/5 * * * *", "php -q /srv/100", "/crons/cron.php"),
        (6, "@daily", "/usr/local/bin/backup --quiet", None),
    ]
    assert entries[0].words() == ["php", "-q", "/srv/100"]


def test_a_command_sh_cannot_parse_has_no_words() -> None:
    (entry,) = parse_crontab("* * * * * php -q '/srv/unbalanced/crons/cron.php\n")
    assert entry.words() is None


@pytest.mark.parametrize(
    "word",
    [
        "/var/www/whmcs/crons/cron.php",
        "/srv/100%/a b/cron.php",
        "%",
        "%%",
        "",
        "it's",
        "a\\b",
        "a\\\\b",
        "x\\",
        "a\\%b",
    ],
)
def test_every_word_reaches_the_program_exactly_through_cron_and_sh(word: str) -> None:
    line = job_line(["*/5", "*", "*", "*", "*"], cron_command(*ECHO_ARGV, word))
    (entry,) = parse_crontab(line + "\n")
    assert entry.stdin is None
    assert "\\\\" not in entry.text and "\\\\%" not in entry.text  # where Debian's cron and cronie differ
    done = subprocess.run(["/bin/sh", "-c", entry.command], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == repr([word])


def test_plain_words_are_written_as_before() -> None:
    # Lines the cron role wrote with ansible.builtin.cron and the quote filter stay unchanged.
    assert cron_command("/usr/bin/php", "-q", "/var/www/whmcs/crons/cron.php") == (
        "/usr/bin/php -q /var/www/whmcs/crons/cron.php"
    )
    assert cron_command("php", "-q", "/var/www/my whmcs/crons/cron.php") == (
        "php -q '/var/www/my whmcs/crons/cron.php'"
    )
    assert cron_command("php", "-q", "/srv/100%/crons/cron.php") == "php -q /srv/100\\%/crons/cron.php"


@pytest.mark.parametrize(
    "text", ["/srv/whmcs\n* * * * * touch /tmp/pwned #", "/srv/a\rb", "/srv/\x00", "a\tb"]
)
def test_control_characters_are_refused(text: str) -> None:
    assert control_character(text)
    with pytest.raises(CrontabLineError, match="control character"):
        cron_command("php", "-q", text)
    with pytest.raises(CrontabLineError, match="control character"):
        with_named_line("", text, "* * * * * true")


def test_control_characters_are_named() -> None:
    assert control_character("a\nb") == "newline"
    assert control_character("a\x07b") == "U+0007"
    assert control_character("/srv/whmcs") is None


def test_a_schedule_field_must_be_one_word() -> None:
    with pytest.raises(CrontabLineError, match="one word"):
        job_line(["*/5 *", "*", "*", "*", "*"], "true")


def test_the_named_line_is_replaced_in_place_and_nothing_else_moves() -> None:
    crontab = "MAILTO=ops\n#Ansible: whmcs\n*/5 * * * * old\n0 1 * * * /usr/bin/backup --password s3cret\n"
    assert named_line(crontab, "whmcs") == "*/5 * * * * old"
    assert with_named_line(crontab, "whmcs", "*/5 * * * * new") == (
        "MAILTO=ops\n#Ansible: whmcs\n*/5 * * * * new\n0 1 * * * /usr/bin/backup --password s3cret\n"
    )


def test_a_missing_named_line_is_added_at_the_end() -> None:
    assert named_line("", "whmcs") is None
    assert with_named_line("0 1 * * * backup", "whmcs", "*/5 * * * * new") == (
        "0 1 * * * backup\n#Ansible: whmcs\n*/5 * * * * new\n"
    )

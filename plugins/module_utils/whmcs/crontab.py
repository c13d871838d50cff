# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A crontab as cron reads it, and the WHMCS cron line written so that every cron reads it as meant.

How cron reads a job line (``child_process()`` in do_command.c of Vixie cron and its descendants:
Debian's cron 3.0pl1, cronie, the BSDs): five time fields (or an ``@`` shorthand), then the
command, which runs as ``/bin/sh -c COMMAND``. The command ends at the first ``%`` not escaped
by a backslash; what follows goes to the command's standard input, each further ``%`` a
newline. In the command, ``\\%`` becomes ``%``; Debian's cron and the BSDs also turn ``\\\\``
into ``\\`` (and so ``\\\\%`` still ends the command), while cronie keeps ``\\\\``. Any other
backslash stays for the shell. A newline ends the job line and starts another job.

So a command word is written shell-quoted, each ``%`` outside the quotes as ``\\%``, and each
backslash as the last character of a quoted piece (``'/srv/a'\\%'b'``, ``'c\\''d'``): cron then
sees no ``\\\\`` and no backslash before ``\\%``, and every cron hands ``/bin/sh`` the same
words. Control characters are refused.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import re
import shlex
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

# The name line ansible.builtin.cron writes above a job: lines the collection wrote with it are
# found again by the same marker.
NAME_MARKER = "#Ansible: "
_AFTER_BACKSLASH = re.compile(r"(?<=\\)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# An environment line (NAME=value, NAME = "value"), which cron reads before trying a job line.
_ENVIRONMENT = re.compile(r"""^\s*("[^"]*"|'[^']*'|[^\s=]+)\s*=""")


class CrontabLineError(ValueError):
    """A value that cannot go into a crontab line; the message names it and says why."""


def control_character(text: str) -> Optional[str]:
    """The first control character of ``text`` as a readable name ('newline', 'U+0007'), or None."""
    found = _CONTROL.search(text)
    if not found:
        return None
    names = {"\n": "newline", "\r": "carriage return", "\t": "tab", "\x00": "NUL"}
    return names.get(found.group(), "U+%04X" % ord(found.group()))


def refuse_control_characters(label: str, text: str) -> None:
    character = control_character(text)
    if character:
        raise CrontabLineError(
            "%s %r contains a control character (%s): in a crontab it would end the line and start "
            "another job; remove it" % (label, text, character)
        )


def cron_word(word: str) -> str:
    """One command word, shell-quoted, with each ``%`` escaped for cron outside the quotes.

    A backslash always ends a quoted piece (``'a\\'``), so cron never sees ``\\\\`` or a
    backslash before ``\\%``: Debian's cron turns ``\\\\`` into ``\\``, cronie keeps both.
    """
    if word == "":
        return "''"
    written: List[str] = []
    for index, piece in enumerate(word.split("%")):
        if index:
            written.append("\\%")
        written.extend(shlex.quote(chunk) for chunk in _AFTER_BACKSLASH.split(piece) if chunk)
    return "".join(written)


def cron_command(*words: str) -> str:
    """The command part of a crontab line that makes ``/bin/sh`` run exactly ``words``."""
    for word in words:
        refuse_control_characters("command word", word)
    return " ".join(cron_word(word) for word in words)


def split_command(text: str) -> Tuple[str, Optional[str]]:
    """(command given to /bin/sh, standard input or None), cut at the first unescaped ``%``.

    ``\\%`` becomes ``%`` and ``\\\\`` becomes ``\\`` (Debian's cron and the BSDs; cronie keeps
    ``\\\\``, which only matters for lines this collection never writes); other backslashes stay.
    """
    command: List[str] = []
    index = 0
    while index < len(text):
        character = text[index]
        if character == "\\" and index + 1 < len(text):
            following = text[index + 1]
            command.append(following if following in "%\\" else character + following)
            index += 2
            continue
        if character == "%":
            return "".join(command), _standard_input(text[index + 1 :])
        command.append(character)
        index += 1
    return "".join(command), None


def _standard_input(text: str) -> str:
    """What cron writes to the command's stdin: ``%`` is a newline, ``\\%`` a ``%``."""
    return re.sub(r"\\%|%", lambda match: "%" if match.group() == "\\%" else "\n", text)


@dataclass
class CrontabEntry:
    """One job line of a crontab, as cron reads it."""

    line_number: int
    schedule: str
    command: str
    stdin: Optional[str]
    text: str

    def words(self) -> Optional[List[str]]:
        """The command's words as /bin/sh splits them; None when sh could not parse it."""
        try:
            return shlex.split(self.command, comments=True)
        except ValueError:
            return None


def parse_crontab(text: str) -> List[CrontabEntry]:
    """The job lines of a user crontab (comments, blank and environment lines left out)."""
    entries: List[CrontabEntry] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or _ENVIRONMENT.match(stripped):
            continue
        if stripped.startswith("@"):
            schedule, _space, rest = stripped.partition(" ")
            rest = rest.lstrip()
        else:
            fields = stripped.split(None, 5)
            if len(fields) < 6:
                continue  # cron refuses such a line when the crontab is installed
            schedule, rest = " ".join(fields[:5]), fields[5]
        command, stdin = split_command(rest)
        entries.append(CrontabEntry(number, schedule, command, stdin, line))
    return entries


def named_line(crontab: str, name: str) -> Optional[str]:
    """The job line under ``#Ansible: name``, or None."""
    lines = crontab.splitlines()
    for index, line in enumerate(lines[:-1]):
        if line == NAME_MARKER + name:
            return lines[index + 1]
    return None


def with_named_line(crontab: str, name: str, job: str) -> str:
    """``crontab`` with the job under ``#Ansible: name`` set to ``job`` (added at the end when absent)."""
    refuse_control_characters("cron line name", name)
    refuse_control_characters("cron line", job)
    lines = crontab.splitlines()
    marker = NAME_MARKER + name
    if marker in lines:
        index = lines.index(marker)
        lines[index + 1 : index + 2] = [job]
    else:
        lines += [marker, job]
    return "\n".join(lines) + "\n"


def job_line(schedule: Sequence[str], command: str) -> str:
    """``minute hour day month weekday command`` (or ``@daily command``)."""
    for field in schedule:
        refuse_control_characters("schedule field", field)
        if not field or any(character.isspace() for character in field):
            raise CrontabLineError("schedule field %r must be one word" % field)
    return " ".join([*schedule, command])

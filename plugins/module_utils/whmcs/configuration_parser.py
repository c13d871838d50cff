# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strict parser for WHMCS ``configuration.php`` when php is not available.

It evaluates only top-level ``$name = <literal>;`` statements: single- and double-quoted strings
(PHP escapes, no variable interpolation), integers, floats, true/false/null. Anything else that
assigns a variable (a function call such as ``getenv()``, concatenation, an assignment inside a
block) makes that variable *unevaluated*, remembered with its line and the reason, so the caller
can say exactly why a required value is unknown. Comments (``//``, ``#``, ``/* */``), ``<?php`` and
``?>`` are understood. Malformed PHP (an unterminated string or comment) raises WhmcsConfigError.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import re
from typing import Any, Dict, List, NoReturn, Optional, Tuple


class WhmcsConfigError(Exception):
    """configuration.php is missing, unreadable, malformed or lacks a needed value (no secrets)."""


_IDENTIFIER = re.compile(r"[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?")
_COMPOUND_OPERATORS = (".", "+", "-", "*", "/", "%", "?", "|", "&", "^")
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "v": "\v",
    "e": "\x1b",
    "f": "\f",
    "\\": "\\",
    "$": "$",
    '"': '"',
}


class _Token:
    __slots__ = ("kind", "line", "text", "value")

    def __init__(self, kind: str, text: str, line: int, value: Any = None) -> None:
        self.kind = kind  # variable | string | number | name | punct | unevaluable_string
        self.text = text
        self.line = line
        self.value = value


class _Lexer:
    def __init__(self, source: str, path: str) -> None:
        self.source = source
        self.path = path
        self.position = 0
        self.line = 1
        self.tokens: List[_Token] = []

    def error(self, line: int, message: str) -> NoReturn:
        raise WhmcsConfigError("%s line %d: %s" % (self.path, line, message))

    def advance(self, count: int) -> str:
        chunk = self.source[self.position : self.position + count]
        self.line += chunk.count("\n")
        self.position += count
        return chunk

    def skip_inline_html(self) -> None:
        """Skip text outside ``<?php ... ?>`` (the file normally starts with ``<?php``)."""
        start = self.source.find("<?php", self.position)
        short = self.source.find("<?=", self.position)
        if short >= 0 and (start < 0 or short < start):
            self.error(self.source.count("\n", 0, short) + 1, "'<?=' output tags are not configuration")
        if start < 0:
            self.advance(len(self.source) - self.position)
            return
        self.advance(start - self.position + len("<?php"))

    def run(self) -> List[_Token]:
        self.skip_inline_html()
        source = self.source
        while self.position < len(source):
            char = source[self.position]
            pair = source[self.position : self.position + 2]
            if char.isspace():
                self.advance(1)
            elif pair == "?>":
                self.advance(2)
                self.tokens.append(_Token("punct", ";", self.line))  # ?> ends a statement
                self.skip_inline_html()
            elif pair == "//" or (char == "#" and source[self.position + 1 : self.position + 2] != "["):
                self.skip_line_comment()
            elif pair == "/*":
                end = source.find("*/", self.position + 2)
                if end < 0:
                    self.error(self.line, "a /* comment is never closed")
                self.advance(end + 2 - self.position)
            elif char == "'":
                self.single_quoted()
            elif char == '"':
                self.double_quoted()
            elif char == "`":
                self.opaque_quoted("`", "a shell command in backticks")
            elif source.startswith("<<<", self.position):
                self.heredoc()
            elif char == "$" and (match := _IDENTIFIER.match(source, self.position + 1)):
                self.tokens.append(_Token("variable", match.group(0), self.line, match.group(0)))
                self.advance(1 + len(match.group(0)))
            elif (
                char.isdigit() or (char == "." and source[self.position + 1 : self.position + 2].isdigit())
            ) and (
                match := _NUMBER.match(source, self.position)  # always matches a digit or .digit
            ):
                self.tokens.append(_Token("number", match.group(0), self.line))
                self.advance(len(match.group(0)))
            elif match := _IDENTIFIER.match(source, self.position):
                self.tokens.append(_Token("name", match.group(0), self.line))
                self.advance(len(match.group(0)))
            else:
                self.tokens.append(_Token("punct", char, self.line))
                self.advance(1)
        return self.tokens

    def skip_line_comment(self) -> None:
        # A line comment ends at the newline or just before ?>.
        end = len(self.source)
        for stop in ("\n", "?>"):
            found = self.source.find(stop, self.position)
            if 0 <= found < end:
                end = found
        self.advance(end - self.position)

    def single_quoted(self) -> None:
        start_line, index = self.line, self.position + 1
        out: List[str] = []
        source = self.source
        while index < len(source):
            char = source[index]
            if char == "\\" and source[index + 1 : index + 2] in ("'", "\\"):
                out.append(source[index + 1])
                index += 2
            elif char == "'":
                self.advance(index + 1 - self.position)
                self.tokens.append(_Token("string", "'", start_line, "".join(out)))
                return
            else:
                out.append(char)
                index += 1
        self.error(start_line, "a single-quoted string is never closed")

    def double_quoted(self) -> None:
        start_line, index = self.line, self.position + 1
        out: List[str] = []
        source = self.source
        interpolates = False
        while index < len(source):
            char = source[index]
            if char == "\\" and index + 1 < len(source):
                index = self._escape(source, index + 1, out)
            elif char == '"':
                self.advance(index + 1 - self.position)
                kind = "unevaluable_string" if interpolates else "string"
                self.tokens.append(_Token(kind, '"', start_line, "".join(out)))
                return
            else:
                starts_variable = char == "$" and _IDENTIFIER.match(source, index + 1)
                if starts_variable or source[index : index + 2] == "{$":
                    interpolates = True
                out.append(char)
                index += 1
        self.error(start_line, "a double-quoted string is never closed")

    @staticmethod
    def _escape(source: str, index: int, out: List[str]) -> int:
        """Decode the escape whose letter is at ``index``; returns the index after it."""
        letter = source[index]
        if letter in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[letter])
            return index + 1
        octal = re.match(r"[0-7]{1,3}", source[index : index + 3])
        if octal:
            out.append(chr(int(octal.group(0), 8) & 0xFF))
            return index + len(octal.group(0))
        hexa = re.match(r"x([0-9A-Fa-f]{1,2})", source[index : index + 3])
        if hexa:
            out.append(chr(int(hexa.group(1), 16)))
            return index + len(hexa.group(0))
        unicode = re.match(r"u\{([0-9A-Fa-f]+)\}", source[index:])
        if unicode:
            out.append(chr(int(unicode.group(1), 16)))
            return index + len(unicode.group(0))
        out.append("\\")  # PHP keeps an unknown escape as written
        return index

    def opaque_quoted(self, quote: str, what: str) -> None:
        start_line = self.line
        end = self.position + 1
        while end < len(self.source):
            if self.source[end] == "\\":
                end += 2
                continue
            if self.source[end] == quote:
                self.advance(end + 1 - self.position)
                self.tokens.append(_Token("unevaluable_string", what, start_line))
                return
            end += 1
        self.error(start_line, "%s is never closed" % what)

    def heredoc(self) -> None:
        start_line = self.line
        match = re.compile(r"<<<[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1\r?\n").match(
            self.source, self.position
        )
        if not match:
            self.error(start_line, "a <<< heredoc has no valid label")
        closing = re.compile(r"^[ \t]*%s\b" % re.escape(match.group(2)), re.MULTILINE)
        end = closing.search(self.source, match.end())
        if not end:
            self.error(start_line, "the <<<%s heredoc is never closed" % match.group(2))
        self.advance(end.end() - self.position)
        self.tokens.append(_Token("unevaluable_string", "a heredoc", start_line))


def _literal_value(tokens: List[_Token]) -> Tuple[Any, Optional[str]]:
    """The value of a literal expression, or (None, reason) if only php could evaluate it."""
    sign = 1
    if len(tokens) == 2 and tokens[0].text in ("-", "+") and tokens[1].kind == "number":
        sign = -1 if tokens[0].text == "-" else 1
        tokens = tokens[1:]
    if len(tokens) == 1:
        token = tokens[0]
        if token.kind == "string":
            return token.value, None
        if token.kind == "number":
            return _number(token.text, sign)
        if token.kind == "name" and token.text.lower() in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[token.text.lower()], None
        if token.kind == "unevaluable_string":
            if token.text == '"':
                return None, "is a double-quoted string with a $variable inside, which only php can expand"
            return None, "is set by %s, which only php can evaluate" % token.text
        if token.kind == "name":
            return None, "is set by the constant %s, which only php can evaluate" % token.text
        if token.kind == "variable":
            return None, "is copied from $%s, which only php can evaluate" % token.value
    for index, token in enumerate(tokens):
        if token.kind == "name" and index + 1 < len(tokens) and tokens[index + 1].text == "(":
            return None, "is set by %s(), which only php can evaluate" % token.text
    if any(token.text == "." for token in tokens):
        return None, "is set by a concatenation, which only php can evaluate"
    return None, "is set by an expression, which only php can evaluate"


def _number(text: str, sign: int) -> Tuple[Any, Optional[str]]:
    digits = text.replace("_", "")
    try:
        if digits[:2].lower() == "0x":
            return sign * int(digits, 16), None
        if digits[:2].lower() == "0b":
            return sign * int(digits, 2), None
        if re.match(r"^0[0-7]+$", digits):
            return sign * int(digits, 8), None
        if re.match(r"^\d+$", digits):
            return sign * int(digits), None
        return sign * float(digits), None
    except ValueError:
        return None, "is the number %s, which this parser cannot read" % text


def parse_configuration_php(source: str, path: str) -> Tuple[Dict[str, Any], Dict[str, Tuple[int, str]]]:
    """Return (variables, unevaluated) for configuration.php text.

    ``variables`` maps name → Python value of each literal top-level assignment.
    ``unevaluated`` maps name → (line, reason) for variables assigned in a way only php can
    evaluate; a later literal assignment to the same name clears it, and vice versa.
    """
    tokens = _Lexer(source, path).run()
    variables: Dict[str, Any] = {}
    unevaluated: Dict[str, Tuple[int, str]] = {}
    depth = 0
    statement: List[_Token] = []

    def finish(tokens_of_statement: List[_Token], at_depth: int) -> None:
        if len(tokens_of_statement) < 2 or tokens_of_statement[0].kind != "variable":
            return
        target, operator = tokens_of_statement[0], tokens_of_statement[1]
        name, line = target.value, target.line
        second = tokens_of_statement[2] if len(tokens_of_statement) > 2 else None
        if operator.text in _COMPOUND_OPERATORS and second is not None and second.text == "=":
            variables.pop(name, None)  # $a .= 'x', $a ??= 'x', ...
            unevaluated[name] = (line, "is changed by a compound assignment, which only php can evaluate")
            return
        if operator.text != "=" or (second is not None and second.text in ("=", ">")):
            return  # not an assignment: a comparison ($a == 1), an array element, a call
        if at_depth > 0:
            variables.pop(name, None)
            unevaluated[name] = (line, "is set inside a block ({ ... }), which only php can evaluate")
            return
        value, reason = _literal_value(tokens_of_statement[2:])
        if reason:
            variables.pop(name, None)
            unevaluated[name] = (line, reason)
        else:
            unevaluated.pop(name, None)
            variables[name] = value

    for token in tokens:
        if token.kind == "punct" and token.text in (";", "{", "}"):
            finish(statement, depth)
            statement = []
            if token.text == "{":
                depth += 1
            elif token.text == "}":
                depth = max(0, depth - 1)
            continue
        statement.append(token)
    if statement:
        raise WhmcsConfigError(
            "%s line %d: the last statement has no closing ';' (php would report a syntax error)"
            % (path, statement[0].line)
        )
    return variables, unevaluated

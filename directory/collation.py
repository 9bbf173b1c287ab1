"""Vietnamese name order: given name first, then family and middle names, letter by letter.

Vietnamese dictionaries treat ă, â, đ, ê, ô, ơ, ư as letters of their own (Đ after D)
and compare tones only when the letters tie (Anh, Ành, Ảnh, Ãnh, Ánh, Ạnh). Database
collations differ between SQLite and PostgreSQL locales, so the order is computed here
once and stored as a string of digits that every collation sorts the same way.
"""

import unicodedata

ALPHABET = tuple("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
# Dictionary order of the tones: level, grave, hook, tilde, acute, dot below.
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
LETTER_CODES = {letter: f"{20 + index:02d}" for index, letter in enumerate(ALPHABET)}
DIGIT_CODES = {str(digit): f"{10 + digit:02d}" for digit in range(10)}
WORD_BREAK = "01"
PART_BREAK = "00"


def _letters(word: str) -> list[tuple[str, int]]:
    """(code, tone) for each letter of a word; marks that make letters stay with them."""
    letters: list[tuple[str, int]] = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in TONES:
            if letters:
                letters[-1] = (letters[-1][0], TONES[char])
            continue
        if unicodedata.combining(char):
            # Breve, circumflex and horn make a new letter: a + breve is ă.
            if letters:
                base = ALPHABET[int(letters[-1][0]) - 20] if int(letters[-1][0]) >= 20 else ""
                composed = unicodedata.normalize("NFC", base + char)
                if composed in LETTER_CODES:
                    letters[-1] = (LETTER_CODES[composed], letters[-1][1])
            continue
        code = LETTER_CODES.get(char) or DIGIT_CODES.get(char)
        if code:
            letters.append((code, 0))
    return letters


def _part(words: list[str]) -> tuple[str, str]:
    spelled = [_letters(word) for word in words]
    primary = WORD_BREAK.join("".join(code for code, _ in letters) for letters in spelled)
    tones = "".join(str(tone) for letters in spelled for _, tone in letters)
    return primary, tones


def name_sort_key(full_name: str) -> str:
    """A key that sorts names as a Vietnamese roster does: by given name, then the rest."""
    words = full_name.split()
    if not words:
        return ""
    # The given name decides with its tone (every Anh before every Ánh); the family and
    # middle names break ties.
    given, given_tones = _part(words[-1:])
    rest, rest_tones = _part(words[:-1])
    return given + PART_BREAK + given_tones + PART_BREAK + rest + PART_BREAK + rest_tones

"""How a name sounds, whatever its spelling (standard library only): "Yury Ushakov" and
"Yuri Ushakov", "Zelensky" and "Zelenskyy", "Erdoğan" and "Erdogan" share one key."""

import re
import unicodedata

# Spellings that transliteration systems write differently for the same sound.
_SOUNDS = [
    (r"dzh|dj|zh", "j"), (r"kh", "h"), (r"ph", "f"), (r"tch|tsch|tsh", "ch"), (r"sch", "sh"),
    (r"ck|q", "k"), (r"ks", "x"), (r"w", "v"), (r"ou|oo", "u"), (r"ee", "i"),
    (r"\bye", "e"), (r"yu|iu", "u"), (r"ya|ia", "a"), (r"yo|io", "o"),
    (r"iy|yi|ii|ij|y", "i"), (r"ey|ei", "e"),
]  # fmt: skip
_SOUND_RE = [(re.compile(pattern), sound) for pattern, sound in _SOUNDS]


def sound_key(name: str) -> str:
    """Lower case, accents and punctuation gone, transliteration variants folded, double
    letters once; a leading "The" ignored."""
    text = unicodedata.normalize("NFKD", name.replace("’", "'").casefold().strip())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z ]+", "", text.replace("-", " ")).removeprefix("the ")
    for pattern, sound in _SOUND_RE:
        text = pattern.sub(sound, text)
    return " ".join(re.sub(r"(.)\1+", r"\1", text).split())

"""What a waiting caller hears on the SIP edge: spoken prompts in the centre's languages, made
at build time with espeak-ng from gettext strings (`hotline voice prompts --out DIR`), and hold
music synthesised here (no file from elsewhere). rtpengine plays them (README, Voice (SIP)).

A centre replaces any of them with a recording: `<prompts dir>/<queue code>/<name>.wav` wins
over `<prompts dir>/<language>/<name>.wav`, which wins over `<prompts dir>/<name>.wav` (where
the hold music is, one for every language).
"""

import math
import shutil
import subprocess
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

# The longest expected wait announced in minutes; beyond it the caller hears "more than".
LONGEST_ANNOUNCED_WAIT = 15
HOLD_MUSIC = "hold_music"
# espeak-ng's voice for each of Hotline's languages (settings.LANGUAGES).
VOICES = {"en": "en", "ru": "ru", "es": "es", "fr": "fr", "zh-hans": "cmn", "bg": "bg"}


def _welcome() -> str:
    return gettext(
        "Thank you for calling. All our agents are busy at the moment. "
        "Please hold: your call will be answered in turn."
    )


def _overflow() -> str:
    return gettext(
        "We are passing your call to another team, so that you are answered sooner. Please hold."
    )


def _callback_made() -> str:
    return gettext(
        "Thank you. We will call you back on this number as soon as an agent is free. Goodbye."
    )


def _goodbye() -> str:
    return gettext(
        "We are sorry: no agent can take your call now. Please call again later. Goodbye."
    )


def _wait(minutes: int) -> str:
    return ngettext(
        "Your expected wait is about %(minutes)d minute.",
        "Your expected wait is about %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _wait_longer() -> str:
    return gettext("Your expected wait is more than %(minutes)d minutes.") % {
        "minutes": LONGEST_ANNOUNCED_WAIT
    }


def _offer() -> str:
    return gettext("Press 1 and we will call you back on this number.")


def _stay() -> str:
    return gettext("Please stay on the line.")


def wait_prompt(minutes: int, *, callback: bool) -> str:
    """The prompt's name announcing an expected wait of `minutes` (more than the longest
    announced: "more"), with the callback offer (DTMF 1) or, for a withheld number, without."""
    kind = "callback_offer" if callback else "expected_wait"
    return f"{kind}_{minutes if minutes <= LONGEST_ANNOUNCED_WAIT else 'more'}"


def _texts(longest_wait: int) -> dict[str, Callable[[], str]]:
    """Each prompt's name and its text (in the active language)."""
    texts: dict[str, Callable[[], str]] = {
        "welcome": _welcome,
        "overflow": _overflow,
        "callback_made": _callback_made,
        "goodbye": _goodbye,
    }
    longer = LONGEST_ANNOUNCED_WAIT + 1
    texts[wait_prompt(longer, callback=True)] = lambda: f"{_wait_longer()} {_offer()}"
    texts[wait_prompt(longer, callback=False)] = lambda: f"{_wait_longer()} {_stay()}"
    for minutes in range(1, longest_wait + 1):
        texts[wait_prompt(minutes, callback=True)] = partial(_waiting, minutes, _offer)
        texts[wait_prompt(minutes, callback=False)] = partial(_waiting, minutes, _stay)
    return texts


def _waiting(minutes: int, then: Callable[[], str]) -> str:
    return f"{_wait(minutes)} {then()}"


@dataclass(frozen=True)
class Spoken:
    name: str
    language: str
    voice: str  # espeak-ng's voice it was spoken with
    text: str


def prompt_texts(language: str, *, longest_wait: int = LONGEST_ANNOUNCED_WAIT) -> list[Spoken]:
    """Every prompt's text in `language`. A text the catalogue does not translate yet is read
    in English by the English voice (a Bulgarian voice reading English is hard to follow)."""
    spoken = []
    for name, text in _texts(longest_wait).items():
        with translation.override("en"):
            english = text()
        with translation.override(language):
            said = text()
        voice = VOICES[language] if said != english or language == "en" else VOICES["en"]
        spoken.append(Spoken(name, language, voice, said))
    return spoken


def espeak() -> str:
    found = shutil.which("espeak-ng")
    if not found:
        raise FileNotFoundError("espeak-ng is not installed: apt-get install espeak-ng")
    return found


def generate_prompts(
    out: Path,
    *,
    languages: Iterable[str] | None = None,
    longest_wait: int = LONGEST_ANNOUNCED_WAIT,
) -> list[Path]:
    """Speak every prompt into `out/<language>/<name>.wav` and write the hold music as
    `out/hold_music.wav`; the files written."""
    program = espeak()
    written = [hold_music(out / f"{HOLD_MUSIC}.wav")]
    for language in languages or [code for code, _ in settings.LANGUAGES]:
        folder = out / language
        folder.mkdir(parents=True, exist_ok=True)
        for spoken in prompt_texts(language, longest_wait=longest_wait):
            path = folder / f"{spoken.name}.wav"
            # The text goes in on stdin: never read as an option, whatever a translation says.
            subprocess.run(
                [program, "-v", spoken.voice, "-s", "150", "-w", str(path), "--stdin"],
                input=spoken.text.encode(),
                check=True,
                capture_output=True,
                timeout=30,
            )
            written.append(path)
    return written


def prompt_file(prompts_dir: Path, *, queue: str, language: str, name: str) -> Path | None:
    """The file to play: the queue's own recording, else the language's, else the common one;
    None when there is none (prompts not generated: the caller hears the edge's silence)."""
    for folder in (prompts_dir / queue, prompts_dir / language, prompts_dir):
        path = folder / f"{name}.wav"
        if path.is_file():
            return path.resolve()
    return None


def duration_ms(path: Path) -> int:
    """A WAV's length (what the edge waits before the hold music comes back)."""
    with wave.open(str(path)) as audio:
        return int(audio.getnframes() * 1000 / audio.getframerate())


# The hold music: a slow tune on a pentatonic scale (never a wrong note), each note a soft
# bell-like tone (a few harmonics, fading out), over a quiet chord that changes every bar.
RATE = 8000  # the telephone's own rate: nothing to resample on the way
BEAT_S = 0.5
# (semitones above A3, beats); None is a rest. Four bars of four beats, looped.
TUNE: tuple[tuple[int | None, float], ...] = (
    (7, 1), (12, 1), (14, 1), (16, 1),
    (19, 2), (16, 1), (14, 1),
    (12, 1), (14, 1), (16, 1), (12, 1),
    (14, 3), (None, 1),
    (7, 1), (12, 1), (14, 1), (16, 1),
    (19, 2), (21, 1), (19, 1),
    (16, 1), (14, 1), (12, 1), (14, 1),
    (12, 3), (None, 1),
)  # fmt: skip
CHORDS = ((3, 7, 12), (0, 3, 7), (-2, 2, 5), (3, 7, 10))  # C, A minor, G, C with B flat


def _hertz(semitones: float) -> float:
    return 220.0 * 2 ** (semitones / 12)


def _bell(hertz: float, samples: int) -> list[float]:
    tone = []
    for n in range(samples):
        t = n / RATE
        envelope = min(1.0, t / 0.02) * math.exp(-2.5 * t)
        tone.append(
            envelope
            * (
                math.sin(2 * math.pi * hertz * t)
                + 0.3 * math.sin(4 * math.pi * hertz * t)
                + 0.1 * math.sin(6 * math.pi * hertz * t)
            )
        )
    return tone


def hold_music(path: Path) -> Path:
    """Write the hold music (16-bit mono WAV at 8 kHz, about 16 s, made to loop)."""
    beats = sum(length for _, length in TUNE)
    total = int(beats * BEAT_S * RATE)
    mix = [0.0] * total
    at = 0
    for note, length in TUNE:
        samples = int(length * BEAT_S * RATE)
        if note is not None:
            for i, value in enumerate(_bell(_hertz(note), min(samples + RATE, total - at))):
                mix[at + i] += 0.5 * value
        at += samples
    bar = int(4 * BEAT_S * RATE)
    for index, start in enumerate(range(0, total, bar)):
        chord = CHORDS[index % len(CHORDS)]
        for n in range(min(bar, total - start)):
            t = n / RATE
            swell = math.sin(math.pi * n / bar)  # in and out with the bar: a seamless loop
            mix[start + n] += (
                0.08 * swell * sum(math.sin(2 * math.pi * _hertz(s - 12) * t) for s in chord)
            )
    peak = max(abs(value) for value in mix) or 1.0
    frames = b"".join(int(12000 * value / peak).to_bytes(2, "little", signed=True) for value in mix)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)
    return path

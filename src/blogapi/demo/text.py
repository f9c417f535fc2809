"""Made-up prose from the word lists: titles, Markdown bodies and comments.

Every function draws only from the `random.Random` it is given, so one seed gives one text.
"""

import random
from dataclasses import dataclass
from itertools import accumulate

from blogapi.demo.words import (
    ADJECTIVES,
    CODE_SAMPLES,
    COMMENT_OPENERS,
    GERUNDS,
    LINK_HOSTS,
    NOUNS,
    PROSE,
    TECH,
    VERBS,
)

# Words about the posts' subjects: a post keeps coming back to a dozen of them (its focus,
# which includes its title's), and mentions the others rarely, as articles do, so that a
# search for a subject finds some posts rather than all of them.
SUBJECT = list(dict.fromkeys([*TECH, *NOUNS, *ADJECTIVES, *GERUNDS]))
_SUBJECTS = frozenset(SUBJECT)
FOCUS_WORDS = 12
_PROSE_WEIGHTS = [1.0 / (rank + 1) ** 0.7 for rank in range(len(PROSE))]  # Zipf-like
_FOCUS_WEIGHT, _STRAY_WEIGHT, _GENERAL_WEIGHT = 0.3, 0.001, 0.05
_LANGUAGES = sorted(CODE_SAMPLES)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    population: list[str]
    cumulative: list[float]

    @classmethod
    def weighted(cls, pairs: list[tuple[list[str], list[float]]]) -> "Vocabulary":
        population = [word for words_, _ in pairs for word in words_]
        weights = [weight for _, weights_ in pairs for weight in weights_]
        return cls(population, list(accumulate(weights)))

    def words(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.population, cum_weights=self.cumulative, k=count)


# Comments, bios and summaries: prose with subject words anywhere.
GENERAL = Vocabulary.weighted(
    [(PROSE, _PROSE_WEIGHTS), (SUBJECT, [_GENERAL_WEIGHT] * len(SUBJECT))]
)


def topic_of(title: str) -> tuple[str, ...]:
    """The subject words of a title (plurals made singular), which its body then dwells on."""
    found = []
    for word in title.lower().replace(":", " ").split():
        if word in _SUBJECTS:
            found.append(word)
        elif word.endswith("s") and word[:-1] in _SUBJECTS:
            found.append(word[:-1])
    return tuple(dict.fromkeys(found))


def post_vocabulary(rng: random.Random, topic: tuple[str, ...]) -> Vocabulary:
    focus = list(dict.fromkeys([*topic, *rng.sample(SUBJECT, FOCUS_WORDS)]))
    return Vocabulary.weighted(
        [
            (PROSE, _PROSE_WEIGHTS),
            (focus, [_FOCUS_WEIGHT] * len(focus)),
            (SUBJECT, [_STRAY_WEIGHT] * len(SUBJECT)),
        ]
    )


TITLE_TEMPLATES = (
    "{Gerund} {noun}s in {tech}",
    "A practical guide to {adjective} {noun}s",
    "Why our {noun} {verb} everything",
    "{number} lessons from {gerund} {tech} in production",
    "Notes on {adjective} {noun}s with {tech}",
    "How we {verb} the {noun} with {tech}",
    "{Tech} {noun}s: what I wish I had known",
    "Understanding the {tech} {noun}",
    "The case against the {adjective} {noun}",
    "{Tech} vs {tech2} for {gerund} {noun}s",
    "{Gerund} a {adjective} {noun} from scratch",
    "What {gerund} {tech} taught me about {noun}s",
    "A {adjective} {noun} in {number} lines of {tech}",
    "When the {noun} is the problem",
)


def sentence(rng: random.Random, count: int, vocabulary: Vocabulary = GENERAL) -> str:
    chosen = vocabulary.words(rng, count)
    if count > 8 and rng.random() < 0.3:
        comma = rng.randrange(3, count - 3)
        chosen[comma] += ","
    chosen[0] = chosen[0].capitalize()
    return " ".join(chosen) + rng.choice(".....?!")


def title(rng: random.Random) -> str:
    template = rng.choice(TITLE_TEMPLATES)
    tech, tech2 = rng.sample(TECH, 2)
    gerund = rng.choice(GERUNDS)
    text = template.format(
        Gerund=gerund.capitalize(),
        gerund=gerund,
        noun=rng.choice(NOUNS),
        tech=tech,
        Tech=tech.capitalize(),
        tech2=tech2,
        adjective=rng.choice(ADJECTIVES),
        verb=rng.choice(VERBS),
        number=rng.choice((3, 5, 7, 10, 12, 20, 100)),
    )
    return text[0].upper() + text[1:]


def _inline(rng: random.Random, text: str) -> str:
    """Sometimes a link, bold words or inline code, as people write them."""
    roll = rng.random()
    if roll < 0.12:
        host, topic = rng.choice(LINK_HOSTS), rng.choice(TECH)
        return f"{text} See [the {topic} notes](https://{host}/{topic}/{rng.randrange(1000)})."
    if roll < 0.22:
        return f"{text} The **{rng.choice(NOUNS)}** matters most."
    if roll < 0.32:
        return f"{text} We call `{rng.choice(TECH)}.{rng.choice(NOUNS)}()` here."
    return text


def _paragraph(rng: random.Random, budget: int, vocabulary: Vocabulary) -> tuple[str, int]:
    sentences: list[str] = []
    used = 0
    while used < budget:
        count = rng.randint(6, 20)
        sentences.append(sentence(rng, count, vocabulary))
        used += count
    return _inline(rng, " ".join(sentences)), used


def _bullets(rng: random.Random, vocabulary: Vocabulary) -> tuple[str, int]:
    items = [sentence(rng, rng.randint(3, 10), vocabulary) for _ in range(rng.randint(3, 6))]
    marker = "1." if rng.random() < 0.3 else "-"
    lines = [f"{marker} {item}" for item in items]
    return "\n".join(lines), sum(len(item.split()) for item in items)


def _code(rng: random.Random) -> str:
    language = rng.choice(_LANGUAGES)
    name = f"{rng.choice(GERUNDS)}_{rng.choice(NOUNS)}".replace("-", "_")
    return f"```{language}\n{CODE_SAMPLES[language].format(name=name)}\n```"


def markdown_body(rng: random.Random, word_count: int, topic: tuple[str, ...] = ()) -> str:
    """A Markdown article of about `word_count` words: sections, paragraphs, lists, code."""
    vocabulary = post_vocabulary(rng, topic)
    blocks = [_paragraph(rng, rng.randint(40, 90), vocabulary)[0]]
    written = len(blocks[0].split())
    since_heading = written
    while written < word_count:
        roll = rng.random()
        if since_heading > rng.randint(150, 400):
            heading = sentence(rng, rng.randint(2, 6), vocabulary).rstrip(".?!")
            blocks.append(f"{'#' * rng.choice((2, 2, 2, 3))} {heading}")
            since_heading = 0
        elif roll < 0.10:
            block, used = _bullets(rng, vocabulary)
            blocks.append(block)
            written += used
            since_heading += used
        elif roll < 0.16:
            blocks.append(_code(rng))
        elif roll < 0.19:
            quote, used = _paragraph(rng, rng.randint(10, 30), vocabulary)
            blocks.append(f"> {quote}")
            written += used
            since_heading += used
        else:
            budget = min(rng.randint(40, 120), max(word_count - written, 6))
            block, used = _paragraph(rng, budget, vocabulary)
            blocks.append(block)
            written += used
            since_heading += used
    return "\n\n".join(blocks) + "\n"


def summary(rng: random.Random) -> str:
    """A hand-written summary: one or two sentences."""
    return " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(1, 2)))


def comment(rng: random.Random) -> str:
    parts = [sentence(rng, rng.randint(4, 16)) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        parts.insert(0, rng.choice(COMMENT_OPENERS))
    return " ".join(parts)

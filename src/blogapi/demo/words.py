"""Word lists the demo data is made from: real English words, so search and stemming behave."""


def _words(text: str) -> list[str]:
    return text.split()


# Everyday prose, roughly most common first (the generator draws the first ones more often).
PROSE = _words(
    """
the of and to in is that it for as with was on be by this are not or at from have an but
which one you all were they we when there can more has their if would what so about no been
out into only other its also than time some could them these two then may first any like now
over such our most even made after many before must through back years where much your way
well down should because each just those people how too little state good very make world
still own see men work long get here between both life being under never day same another
know while last might great old year off come since against go came right used take three
states himself few house use during without again place around however home small found
thought went say part once general high upon school every think although country side often
early far later hand less number course until within things enough help almost clear problem
question change reason answer point result system idea story picture language team simple
careful quick slow fast steady quiet honest strange useful obvious hidden common rare build
measure learn explain follow begin keep show try read write run ship test break fix move
grow start stop turn open close carry watch notice remember forget decide choose spend
morning evening week month weekend project release version feature bug user customer service
plan draft note list table chart graph page book chapter letter word sentence paragraph
"""
)

# The vocabulary of the posts' subjects: it makes titles, tags and search terms.
TECH = _words(
    """
python rust go java kotlin swift typescript javascript haskell elixir erlang scala clojure
ruby php lua zig ocaml postgres sqlite mysql redis kafka rabbitmq nginx docker kubernetes
terraform ansible linux freebsd git github fastapi django flask react vue svelte htmx
graphql grpc websockets http tcp dns tls oauth jwt webassembly llvm gcc cmake bazel nix
prometheus grafana opentelemetry sentry elasticsearch clickhouse duckdb pandas numpy polars
spark airflow dbt jupyter pytorch tensorflow emacs vim vscode tmux bash zsh
"""
)

NOUNS = _words(
    """
cache queue index schema migration deployment pipeline compiler parser interpreter scheduler
allocator garbage collector benchmark profiler debugger logger metric trace dashboard
endpoint router middleware session token password hash signature certificate container
cluster node replica shard partition transaction lock deadlock race condition memory leak
latency throughput backpressure retry timeout circuit breaker feature flag monorepo
workspace dependency package library framework runtime kernel syscall thread coroutine event
loop callback promise future stream buffer socket protocol api client server database table
column query plan join view trigger function closure iterator generator decorator type
system interface trait module namespace build release changelog
"""
)

ADJECTIVES = _words(
    """
fast slow simple small large lazy eager async concurrent parallel distributed reliable
resilient secure typed untyped immutable mutable functional practical modern boring hidden
surprising subtle tiny honest gentle pragmatic minimal robust portable readable
"""
)

GERUNDS = _words(
    """
debugging profiling testing deploying scaling migrating refactoring shipping measuring
caching indexing monitoring securing benchmarking rewriting designing building tuning
"""
)

VERBS = _words(
    """
broke saved changed slowed improved simplified replaced rescued complicated surprised
"""
)

FIRST_NAMES = _words(
    """
ada alan grace linus guido barbara donald edsger ken dennis margaret katherine radia frances
hedy tim vint bjarne james john anita sophie lucas emma noah olivia liam mia amelia oliver
isla leo ava hugo chloe arthur alice louis zoe jules nina omar yara sara ali fatima hiro
yuki mei chen wei priya ravi anika arjun sofia mateo lucia diego elena marco giulia luca
ines tiago ana pedro freya erik astrid lars ingrid nils maja kofi amara chidi ngozi tariq
leila david miriam samuel hannah daniel rachel
"""
)

LAST_NAMES = _words(
    """
lovelace turing hopper torvalds rossum liskov knuth dijkstra thompson ritchie hamilton
johnson perlman allen lamarr lee cerf stroustrup gosling mccarthy borg smith garcia martin
bernard dubois moreau laurent simon michel lefevre muller schmidt schneider fischer weber
meyer wagner becker rossi russo ferrari esposito bianchi romano silva santos oliveira costa
pereira lopez gonzalez rodriguez fernandez kowalski nowak novak horvat nagy andersen hansen
nielsen larsen jensen berg lund okafor mensah diallo khan ahmed hassan ali sato suzuki
takahashi tanaka wang zhang liu chen patel sharma singh kumar nguyen tran pham kim park choi
cohen levi friedman
"""
)

# Tag names: the base topics, then pairs of them when more tags are asked for.
TOPICS = _words(
    """
python rust go javascript typescript databases postgres sqlite performance security testing
devops kubernetes docker linux networking web api design architecture career productivity
tutorial beginners opensource machinelearning datascience ai frontend backend css html react
vue accessibility mobile android ios cloud aws serverless observability monitoring logging
tracing concurrency async algorithms datastructures compilers functional oop refactoring
codereview documentation writing books hiring management leadership startups remote learning
math statistics visualization graphics gamedev embedded hardware iot robotics privacy
cryptography authentication distributedsystems microservices monolith caching search
messaging streaming migrations orm sql nosql redis git ci tooling editors shell terminal vim
emacs packaging dependencies release versioning debugging profiling benchmarks memory
"""
)

# How tags spell the topics that are not simply capitalised (same letters: same slugs).
TOPIC_SPELLINGS = {
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "postgres": "Postgres",
    "sqlite": "SQLite",
    "devops": "DevOps",
    "api": "API",
    "opensource": "OpenSource",
    "machinelearning": "MachineLearning",
    "datascience": "DataScience",
    "ai": "AI",
    "css": "CSS",
    "html": "HTML",
    "ios": "iOS",
    "aws": "AWS",
    "oop": "OOP",
    "codereview": "CodeReview",
    "gamedev": "GameDev",
    "iot": "IoT",
    "distributedsystems": "DistributedSystems",
    "orm": "ORM",
    "sql": "SQL",
    "nosql": "NoSQL",
    "ci": "CI",
}

LINK_HOSTS = ["docs.example.org", "blog.example.com", "wiki.example.net", "example.com"]

CODE_SAMPLES = {
    "python": (
        "def {name}(items):\n    seen = set()\n    for item in items:\n"
        "        if item not in seen:\n            seen.add(item)\n            yield item"
    ),
    "rust": (
        "fn {name}(values: &[u64]) -> u64 {{\n    values.iter().copied().filter(|v| v % 2 == 0)"
        ".sum()\n}}"
    ),
    "sql": (
        "SELECT author_id, count(*) AS {name}\nFROM posts\nWHERE published_at > now() - "
        "interval '30 days'\nGROUP BY author_id\nORDER BY {name} DESC;"
    ),
    "bash": 'for file in *.log; do\n  gzip -9 "$file" && echo "{name}: $file"\ndone',
    "javascript": (
        "async function {name}(url) {{\n  const response = await fetch(url);\n"
        "  if (!response.ok) throw new Error(response.statusText);\n  return response.json();\n}}"
    ),
    "go": (
        "func {name}(ctx context.Context, jobs <-chan Job) error {{\n\tfor job := range jobs {{\n"
        "\t\tif err := job.Run(ctx); err != nil {{\n\t\t\treturn err\n\t\t}}\n\t}}\n"
        "\treturn nil\n}}"
    ),
}

COMMENT_OPENERS = [
    "Great post!",
    "Thanks for writing this.",
    "I disagree with one point.",
    "This matches what we saw in production.",
    "Could you say more about this?",
    "Bookmarked.",
    "We tried the same thing last year.",
    "Nice write-up.",
    "One small correction:",
    "Interesting.",
]

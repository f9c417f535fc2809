"""Progress on stderr: live bars in a terminal, a plain line per step elsewhere (a log)."""

import io

from rich.console import Console

from blogapi.portability.progress import Progress, amount


def run_steps(progress: Progress) -> None:
    with progress:
        rows = progress.step("posts", "rows", 3)
        for _ in range(3):
            rows.advance(1)
        rows.finish()
        written = progress.step("writing blog.tar.gz", "bytes", 2_500_000)
        written.advance(2_500_000)
        written.finish()
        progress.say("media: 2 keys of S3 bucket b")


def test_a_log_gets_a_line_per_step() -> None:
    out = io.StringIO()

    run_steps(Progress(Console(file=out, highlight=False)))

    lines = out.getvalue().splitlines()
    assert [line.split(" in ")[0] for line in lines] == [
        "posts: 3 rows",
        "writing blog.tar.gz: 2.5 MB",
        "media: 2 keys of S3 bucket b",
    ]


def test_a_terminal_gets_bars_with_counts() -> None:
    out = io.StringIO()

    run_steps(Progress(Console(file=out, force_terminal=True, width=100, highlight=False)))

    shown = out.getvalue()
    assert "posts" in shown
    assert "3 / 3 rows" in shown
    assert "2.5 MB" in shown
    assert "━" in shown  # a bar
    assert "posts: 3 rows in" not in shown  # no log lines


def test_amounts_read_naturally() -> None:
    assert amount(1234, "rows", 5000) == "1,234 / 5,000 rows"
    assert amount(1234, "rows") == "1,234 rows"
    assert amount(12_300_000, "bytes") == "12.3 MB"
    assert amount(1_000, "bytes", 2_000) == "1.0 kB / 2.0 kB"

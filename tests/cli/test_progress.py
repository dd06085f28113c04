"""``RateLine``, the progress line of ``presswatch reanalyze``: done/total, a rate that counts only
this process's work (a resumed run), the time left in Vietnamese, and into a log file a line at
most every ten seconds (plus the last)."""

from __future__ import annotations

import io

from presswatch.cli.progress import RateLine


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_into_a_log_a_line_every_ten_seconds_with_the_rate_of_this_run_and_the_time_left() -> None:
    stream, clock = io.StringIO(), Clock()
    line = RateLine(stream, clock=clock)
    line.update(4_000, 100_000)  # a resumed run: 4,000 were done before
    for second, done in ((5, 5_000), (10, 6_000), (15, 7_000), (20, 8_000)):
        clock.now = second
        line.update(done, 100_000)
    written = stream.getvalue().splitlines()
    assert written[0] == "… 4.000/100.000 bài (4%) · 0,0 bài/giây"
    # 10 s in: 2,000 done by this run, 200/s; 94,000 left: 470 s.
    assert written[1] == "… 6.000/100.000 bài (6%) · 200,0 bài/giây · còn khoảng 7 phút"
    assert written[2].startswith("… 8.000/100.000 bài (8%)") and len(written) == 3
    clock.now = 25
    line.update(100_000, 100_000)  # the last is always written, with no time left
    assert stream.getvalue().splitlines()[-1].startswith("… 100.000/100.000 bài (100%)")
    assert "còn khoảng" not in stream.getvalue().splitlines()[-1]


def test_hours_are_said_as_hours() -> None:
    stream, clock = io.StringIO(), Clock()
    line = RateLine(stream, clock=clock)
    line.update(0, 1_000_000)
    clock.now = 10
    line.update(1_000, 1_000_000)  # 100/s: 999,000 left, 2 h 46 min
    assert stream.getvalue().splitlines()[-1].endswith("· còn khoảng 2 giờ 46 phút")

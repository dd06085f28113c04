"""Cases benchmark: p50/p95 of the case list and of a case page over HTTP with 10,000 cases, beside
the same reads without the web stack (``cases.reads``, the baseline), and how fast cases are opened.

    .venv/bin/python bench/cases.py --db bench/out/cases.db [--cases 10000] [--runs 30] [--imap 1000]

``--db`` is a COPY of an article database (the search benchmark's 1M-article one when it is built:
copy it with its -wal/-shm files, never point this at the original); it is migrated (the cases
tables added), then given ``--cases`` cases (each with 1–3 of its articles attached, states,
deadlines, assignees and actions spread like a year of work) unless it has them already. Without
``--db`` a store of 20,000 generated articles is made in bench/out/. The server is the real app on
127.0.0.1 (uvicorn in a thread), requests go through HTTP with an inspector's session.
Target (issue 18): case list and case page p95 ≤ 150 ms with 10,000 cases and 1M articles.

``--imap N`` (needs Debian's dovecot-imapd): N messages (each with a small PDF) appended to a real
dovecot on 127.0.0.1 over TLS, then taken by ``cases.intake.poll`` into a fresh store: messages/s,
beside fetching the same messages alone over the same connection kind (the baseline).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cases import reads, records  # noqa: E402
from cases.model import ActionDraft, Draft, Filters  # noqa: E402
from cases.settings import load_cases_config  # noqa: E402
from presswatch.models import Article  # noqa: E402
from presswatch.store import Store, users  # noqa: E402
from presswatch.store.articles import last_article_id  # noqa: E402
from tests.support.webserver import login, serve  # noqa: E402

PASSWORD = "bench-password-1"
PEOPLE = ("bench", "thanhtra2", "thanhtra3", "chuyenvien1")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def timed(call: Callable[[], object], runs: int) -> tuple[float, float]:
    call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def small_store(path: Path, count: int = 20_000) -> None:
    with Store(path) as store:
        if store.count_articles():
            return
        now = datetime(2026, 12, 1, tzinfo=UTC)
        batch = [Article(url=f"https://bao.example/{n}.html", source_id=f"nguon-{n % 30}", title=f"Bài {n} về Lai Châu",
                         text="Nội dung bài viết về tỉnh Lai Châu. " * 20, published_at=now - timedelta(minutes=n))
                 for n in range(count)]
        for start in range(0, count, 2000):
            store.add_articles(batch[start:start + 2000])


def fill_cases(store: Store, count: int, seed: int = 18) -> float:
    """Open cases until there are ``count``; the rate (cases/s) of those opened now."""
    have = int(store.db.execute("SELECT count(*) FROM cases").fetchone()[0])
    if have >= count:
        return 0.0
    rng = random.Random(seed)
    kinds = load_cases_config(ROOT / "config" / "cases.yaml").kind_labels()
    existing = {u.name for u in users.list_users(store)}
    for name in PEOPLE:
        if name not in existing:
            users.add_user(store, name, "inspector", PASSWORD)
    people = {u.name: u for u in users.list_users(store)}
    top = last_article_id(store.db)
    start = time.perf_counter()
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(have, count):
        actor = people[PEOPLE[n % len(PEOPLE)]]
        opened = base + timedelta(minutes=int(n * 48))
        case = records.open_case(store, actor, Draft(
            title=f"Phản ánh số {n} về bài viết sai sự thật", kind=rng.choice(list(kinds)),
            origin=rng.choice(["phone", "email", "letter", "alert", "analyst"]),
            summary="Người dân phản ánh nội dung bài viết. " * 5, reporter_name="Người phản ánh",
            reporter_phone="0912 000 000", assignee=rng.choice(PEOPLE),
            deadline=(opened + timedelta(days=rng.randint(5, 40))).date(),
            article_ids=tuple(rng.randint(1, top) for _ in range(rng.randint(1, 3)))), kinds, with_copies=False,
            now=opened)
        fate = rng.random()
        if fate < 0.75:
            case = records.move(store, actor, case.id, case.version, "verifying", now=opened)
        if fate < 0.55:
            case = records.conclude(store, actor, case.id, case.version, rng.choice(["true", "false", "partly"]),
                                    "Đã xác minh.", now=opened)
        if fate < 0.35:
            records.add_action(store, actor, case.id, ActionDraft("takedown", opened.date()), now=opened)
        if fate < 0.25:
            case = reads.get_case(store.db, case.id) or case
            records.move(store, actor, case.id, case.version, "closed", now=opened)
    return (count - have) / (time.perf_counter() - start)


def imap_bench(count: int) -> None:
    import tempfile
    from email.message import EmailMessage

    from cases.intake import Intake, Mailbox, poll
    from tests.support.imapserver import PASSWORD, USER, Dovecot

    cases = load_cases_config(ROOT / "config" / "cases.yaml")
    messages = []
    for n in range(count):
        message = EmailMessage()
        message["From"] = "Người dân <dan@dan.example.vn>"
        message["Subject"] = f"Phản ánh số {n} về bài viết sai sự thật"
        message["Message-ID"] = f"<bench-{n}@dan.example.vn>"
        message.set_content("Nội dung phản ánh của người dân về một bài viết. " * 10)
        message.add_attachment(b"%PDF-1.4\n" + str(n).encode() * 200, maintype="application", subtype="pdf",
                               filename="cong-van.pdf")
        messages.append(message.as_bytes())
    with Dovecot() as server, tempfile.TemporaryDirectory() as work:
        server.append(*messages)
        start = time.perf_counter()
        with server.mailbox() as box:
            fetched = sum(1 for _ in box.fetch(mark_seen=False, bulk=100))
        baseline = fetched / (time.perf_counter() - start)
        with Store(Path(work) / "imap.db") as store:
            start = time.perf_counter()
            taken = poll(store, Mailbox("127.0.0.1", server.port, USER, PASSWORD, cafile=str(server.cert)),
                         Intake(cases.kind_labels(), cases.deadline_days, Path(work) / "files", 20_000_000))
            rate = len(taken.new_cases) / (time.perf_counter() - start)
    print(f"IMAP intake: {len(taken.new_cases):,} messages → {len(taken.new_cases):,} cases at {rate:,.0f} messages/s "
          f"(each its own transaction, attachment kept and fsynced); fetching alone: {baseline:,.0f} messages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a COPY of an article database (default: 20,000 generated articles)")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--imap", type=int, default=0, help="also time the mailbox intake of this many messages")
    args = parser.parse_args()
    if args.imap:
        imap_bench(args.imap)
    db = args.db
    if db is None:
        db = ROOT / "bench" / "out" / "cases-small.db"
        db.parent.mkdir(parents=True, exist_ok=True)
        small_store(db)
    with Store(db) as store:
        articles = store.count_articles()
        rate = fill_cases(store, args.cases)
        ids = [int(r[0]) for r in store.db.execute("SELECT id FROM cases ORDER BY random() LIMIT 50")]
        total = int(store.db.execute("SELECT count(*) FROM cases").fetchone()[0])
    print(f"database: {db} — {articles:,} articles, {total:,} cases"
          + (f"; opened at {rate:,.0f} cases/s (each with its audit rows, 1–3 articles, moves)" if rate else ""))
    today = date(2026, 12, 7)
    lists = {"list (default)": {}, "list state=verifying": {"state": "verifying"}, "list overdue": {"overdue": "1"},
             "list kind + assignee, page 5": {"kind": "sai-su-that", "assignee": "bench", "page": "5"}}
    print(f"{'':34} {'HTTP p50':>9} {'HTTP p95':>9} {'reads p50':>10} {'reads p95':>10}  (ms, {args.runs} runs)")
    with serve(db, {}) as running:
        client = login(running.url, "bench", PASSWORD)
        with Store(db) as store:
            for name, params in lists.items():
                page = int(str(params.get("page", "1")))
                filters = Filters(state=params.get("state"), kind=params.get("kind"), assignee=params.get("assignee"),
                                  overdue=params.get("overdue") == "1", offset=(page - 1) * 50)
                http = timed(lambda p=params: client.get("/cases", params=p).raise_for_status(), args.runs)
                base = timed(lambda f=filters: reads.list_cases(store.db, f, today), args.runs)
                print(f"{name:34} {http[0]:9.1f} {http[1]:9.1f} {base[0]:10.1f} {base[1]:10.1f}")
            cycle = iter(ids * (args.runs + 2))
            http = timed(lambda: client.get(f"/cases/{next(cycle)}").raise_for_status(), args.runs)
            cycle2 = iter(ids * (args.runs + 2))
            base = timed(lambda: reads.case_file(store.db, next(cycle2)), args.runs)
            print(f"{'case page (50 random cases)':34} {http[0]:9.1f} {http[1]:9.1f} {base[0]:10.1f} {base[1]:10.1f}")
            api = timed(lambda: client.get("/api/cases").raise_for_status(), args.runs)
            print(f"{'GET /api/cases':34} {api[0]:9.1f} {api[1]:9.1f}")
        client.close()
    print("target: list and page p95 ≤ 150 ms (issue 18)")


if __name__ == "__main__":
    main()

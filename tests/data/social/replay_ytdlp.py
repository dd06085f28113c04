"""Stands in for yt-dlp in tests (no internet here): checks it is asked for metadata only, then
prints the recorded --dump-json lines of ytdlp_search.jsonl, as yt-dlp does."""

import sys
from pathlib import Path

arguments = sys.argv[1:]
if "--skip-download" not in arguments or "--dump-json" not in arguments:
    sys.exit("presswatch must ask yt-dlp for metadata only")
if not any(a.startswith("https://www.youtube.com/results?search_query=") for a in arguments):
    sys.exit("expected a YouTube search results URL")
sys.stdout.write((Path(__file__).parent / "ytdlp_search.jsonl").read_text(encoding="utf-8"))

"""A minimal receiver for presswatch alerts: verifies the signature, deduplicates by key, prints.

    PRESSWATCH_WEBHOOK_SECRET=… python3 docs/examples/webhook_receiver.py [PORT]

Standard library only, so an inspector's system can copy it. Production use: put it behind HTTPS,
and keep the seen keys in a database instead of memory.
"""

import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

if not os.environ.get("PRESSWATCH_WEBHOOK_SECRET"):
    sys.exit("Chưa đặt biến môi trường PRESSWATCH_WEBHOOK_SECRET (khóa bí mật dùng chung với presswatch).")
SECRET = os.environ["PRESSWATCH_WEBHOOK_SECRET"].encode()
TOLERANCE = 300  # seconds between the sender's timestamp and our clock
seen: set[str] = set()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        stamp = self.headers.get("X-Presswatch-Timestamp", "")
        expected = "v1=" + hmac.new(SECRET, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        fresh = stamp.isdigit() and abs(time.time() - int(stamp)) <= TOLERANCE
        if not fresh or not hmac.compare_digest(expected, self.headers.get("X-Presswatch-Signature", "")):
            self.send_response(401)
            self.end_headers()
            return
        key = self.headers.get("Idempotency-Key", "")
        if key not in seen:  # a retry of an alert already handled is only acknowledged
            seen.add(key)
            alert = json.loads(body)
            print(json.dumps({"key": key, "rule": alert["rule"]["id"], "text": alert["text"]}, ensure_ascii=False),
                  flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8787
    server = HTTPServer(("127.0.0.1", port), Receiver)
    print(f"Đang chờ cảnh báo tại http://127.0.0.1:{port}/ (Ctrl+C để dừng)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass

#!/usr/bin/env bash
# Soak test (opt-in, not part of scripts/test.sh or CI): run the daemon for SECONDS (default 180)
# against a loopback fixture site that keeps publishing, at about 10x a realistic rate, and watch
# its memory and file descriptors.
#
#   scripts/soak.sh [SECONDS]
#
# The site: SOAK_FEEDS RSS feeds (default 50) spread over SOAK_HOSTS loopback addresses
# (127.0.0.1..127.0.0.N, default 5, so per-host state is exercised), each listing its newest 20
# items; every SOAK_ITEM_PERIOD seconds (default 10) each feed gains a new item and drops its
# oldest. Articles are the fixture pages in tests/fixtures/site/articles/ with a dispatch
# paragraph and headline of their own, so none is an exact duplicate (one template in five is
# off topic, as in real feeds). Feeds answer conditional GETs with 304 until they change.
#
# Rate: the 50 feeds publish 50/SOAK_ITEM_PERIOD = 5 articles/s (a busy real deployment of
# 50 sources sees ~0.5/s), plus the first 1000-article backlog at start; every source is polled
# every second (sources.min_interval_secs is 60 in production). Sink: stdout (to a file).
#
# It prints RSS, peak RSS, open file descriptors and threads of the daemon (from /proc) at the
# start, every SOAK_SAMPLE_EVERY seconds (default 15) and at the end, with records/s; then sends
# SIGTERM and checks the exit status (0) and the drain time. It fails when the exit status is not
# 0, when nothing was published, or when, between the first sample after the backlog (a third of
# the way in) and the end, fds grew by more than SOAK_FD_SLACK (default 8) or RSS by more than
# SOAK_RSS_GROWTH_PCT percent (default 30).
#
# Environment: SOAK_NO_BUILD=1 skips `cargo build --release`; SOAK_KEEP=1 keeps the work directory.
# Traffic goes only to 127.0.0.0/8 on this machine; everything started here is stopped by PID.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION="${1:-180}"
FEEDS="${SOAK_FEEDS:-50}"
HOSTS="${SOAK_HOSTS:-5}"
ITEM_PERIOD="${SOAK_ITEM_PERIOD:-10}"
SAMPLE_EVERY="${SOAK_SAMPLE_EVERY:-15}"
FD_SLACK="${SOAK_FD_SLACK:-8}"
RSS_GROWTH_PCT="${SOAK_RSS_GROWTH_PCT:-30}"
BIN=target/release/talkwire

case "$DURATION" in '' | *[!0-9]*) echo "usage: scripts/soak.sh [SECONDS]" >&2; exit 2 ;; esac
[ "$DURATION" -ge 30 ] || { echo "soak: run at least 30 seconds" >&2; exit 2; }

if [ -z "${SOAK_NO_BUILD:-}" ]; then
  cargo build --release --locked --bin talkwire
fi
[ -x "$BIN" ] || { echo "soak: $BIN not found (build it, or unset SOAK_NO_BUILD)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/talkwire-soak.XXXXXX")"
server_pid=""
daemon_pid=""
cleanup() {
  [ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && wait "$server_pid" 2>/dev/null || true
  if [ -n "${SOAK_KEEP:-}" ]; then echo "soak: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# ---- the fixture site ------------------------------------------------------------------------
cat >"$work/site.py" <<'PY'
"""A loopback news site that keeps publishing: RSS feeds whose window of 20 items moves on every
ITEM_PERIOD seconds, and article pages built from the fixture articles with text of their own."""
import os, random, re, sys, threading, time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

articles_dir, feeds, hosts, period, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
WINDOW = 20
START = time.time()
PLAIN_P = re.compile(r"<p>(.*?)</p>", re.S)

def load(name):
    page = open(os.path.join(articles_dir, name), encoding="utf-8").read()
    a, b = page.index("<article"), page.index("</article>")
    body = PLAIN_P.findall(page, a, b)  # the story's paragraphs (the standfirst has a class)
    first = PLAIN_P.search(page, a, b)
    last = list(PLAIN_P.finditer(page, a, b))[-1]
    return page[: first.start()], body, page[last.end() :]

NAMES = sorted(f for f in os.listdir(articles_dir) if f.endswith(".html"))
TEMPLATES = [load(f) for f in NAMES]
OFF_TOPIC = [i for i, f in enumerate(NAMES) if "futsal" in f]
# Every on-topic paragraph, so that stories can be recombined: each article is a different
# selection in a different order, which keeps exact and near-duplicate detection honest.
POOL = [p for i, t in enumerate(TEMPLATES) if i not in OFF_TOPIC for p in t[1]]
WORDS = ("envoy delegation uranium inspectors Muscat Vienna sanctions proposal centrifuges Fordow Natanz "
         "ministers technical teams guarantees verification stockpile timeline Oman Washington Tehran").split()

def newest(feed):
    # The feed's newest item number: WINDOW items at start, then one more every `period` seconds,
    # with each feed offset so that they do not all change in the same second.
    return WINDOW + int((time.time() - START + feed * period / feeds) / period)

def item_time(feed, n):
    return START + (n - WINDOW) * period - feed * period / feeds

def article(feed, n):
    rng = random.Random(feed * 1_000_003 + n)
    k = (feed + n) % len(TEMPLATES)
    head, body, tail = TEMPLATES[k]
    paragraphs = list(body) if k in OFF_TOPIC else rng.sample(POOL, min(12, len(POOL)))
    rng.shuffle(paragraphs)
    words = " ".join(rng.choice(WORDS) for _ in range(12))
    lead = (f"Dispatch {feed}-{n}: correspondents following the file on day {n} of feed {feed} reported "
            f"new movement on {words}, according to officials who spoke on condition of anonymity.")
    html_body = "\n    ".join(f"<p>{p}</p>" for p in [lead] + paragraphs)
    page = head + html_body + tail
    page = re.sub(r"(<h1[^>]*>)(.*?)(</h1>)", lambda m: f"{m.group(1)}{m.group(2)} (dispatch {feed}-{n}){m.group(3)}", page, count=1)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(item_time(feed, n)))
    return re.sub(r'(<time datetime=")[^"]*(")', lambda m: m.group(1) + stamp + m.group(2), page, count=1)

def feed_xml(feed):
    top = newest(feed)
    items = []
    for n in range(top, top - WINDOW, -1):
        items.append(f"""<item><title>Dispatch {feed}-{n}</title><link>/a/{feed}/{n}.html</link>
<guid isPermaLink="false">soak-{feed}-{n}</guid><pubDate>{formatdate(item_time(feed, n), usegmt=True)}</pubDate>
<description>Item {n} of soak feed {feed}.</description></item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Soak feed {feed}</title><link>/</link>
<description>talkwire soak fixture</description>{"".join(items)}</channel></rss>""", f'"f{feed}-{top}"'

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def send(self, status, body=b"", ctype="text/plain", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/robots.txt":
            return self.send(200, b"User-agent: *\nAllow: /\n")
        m = re.fullmatch(r"/feed/(\d+)\.xml", path)
        if m and int(m.group(1)) < feeds:
            body, etag = feed_xml(int(m.group(1)))
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, extra=[("ETag", etag)])
            return self.send(200, body.encode(), "application/rss+xml; charset=utf-8", [("ETag", etag)])
        m = re.fullmatch(r"/a/(\d+)/(\d+)\.html", path)
        if m:
            feed, n = int(m.group(1)), int(m.group(2))
            if feed < feeds and n <= newest(feed):
                return self.send(200, article(feed, n).encode(), "text/html; charset=utf-8")
        return self.send(404, b"not found\n")
    do_HEAD = do_GET

ThreadingHTTPServer.daemon_threads = True
lines = []
for h in range(1, hosts + 1):
    server = ThreadingHTTPServer((f"127.0.0.{h}", 0), Handler)
    lines.append(f"127.0.0.{h}:{server.server_address[1]}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
with open(out + ".tmp", "w") as f:
    f.write("\n".join(lines) + "\n")
os.rename(out + ".tmp", out)
threading.Event().wait()
PY
python3 "$work/site.py" tests/fixtures/site/articles "$FEEDS" "$HOSTS" "$ITEM_PERIOD" "$work/hosts" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/hosts" ] && break; sleep 0.1; done
[ -s "$work/hosts" ] || { echo "soak: the fixture site did not start" >&2; exit 1; }
mapfile -t hosts <"$work/hosts"

# ---- the daemon's configuration ----------------------------------------------------------------
mkdir -p "$work/config" "$work/seeds" "$work/state"
metrics_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat >"$work/config/talkwire.toml" <<EOF
[sources]
seeds_file = "../seeds/feeds.toml"
EOF
{
  for ((f = 0; f < FEEDS; f++)); do
    printf '[[source]]\nkind = "feed"\nurl = "http://%s/feed/%d.xml"\n\n' "${hosts[$((f % HOSTS))]}" "$f"
  done
} >"$work/seeds/feeds.toml"

export TALKWIRE_SOURCES__DEFAULT_INTERVAL_SECS=1
export TALKWIRE_SOURCES__MIN_INTERVAL_SECS=1
export TALKWIRE_SOURCES__MAX_BACKOFF_SECS=5
export TALKWIRE_HTTP__PER_HOST_MIN_DELAY_MS=0
export TALKWIRE_METRICS__LISTEN="127.0.0.1:$metrics_port"
unset RUST_LOG

# ---- run and watch -----------------------------------------------------------------------------
"$BIN" run --config "$work/config/talkwire.toml" --sink stdout --allow-private --state-dir "$work/state" \
  >"$work/records.jsonl" 2>"$work/talkwire.log" &
daemon_pid=$!
started=$(date +%s.%N)

status_field() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$daemon_pid/status" 2>/dev/null || echo 0; }
fds() { find "/proc/$daemon_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
records() { wc -l <"$work/records.jsonl"; }
metric_sum() { # sum of a metric's series on /metrics (optionally filtered by a label regex)
  curl -s --max-time 2 "http://127.0.0.1:$metrics_port/metrics" 2>/dev/null |
    awk -v name="$1" -v filt="${2:-}" '$1 ~ "^"name"({|$)" && (filt == "" || $1 ~ filt) { s += $2 } END { printf "%d", s }'
}
elapsed() { awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }'; }

for _ in $(seq 100); do
  curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$metrics_port/health" && break
  kill -0 "$daemon_pid" 2>/dev/null || { echo "soak: talkwire exited at start:" >&2; tail -5 "$work/talkwire.log" >&2; exit 1; }
  sleep 0.1
done

echo "soak: $DURATION s, $FEEDS feeds on ${#hosts[@]} loopback hosts, a new item per feed every $ITEM_PERIOD s" \
  "($(awk -v f="$FEEDS" -v p="$ITEM_PERIOD" 'BEGIN { printf "%.1f", f / p }') articles/s) after a backlog of $((FEEDS * 20));" \
  "polls every 1 s; talkwire pid $daemon_pid"
printf '%6s %9s %9s %5s %7s %8s %9s %7s %7s %7s\n' \
  t_s rss_kb peak_kb fds threads records rec_per_s polls polls304 queued
samples=()
last_t=0
last_r=0
sample() {
  local t r rss hwm fd th rate polls nm queued
  t=$(elapsed)
  r=$(records)
  rss=$(status_field VmRSS)
  hwm=$(status_field VmHWM)
  fd=$(fds)
  th=$(status_field Threads)
  rate=$(awk -v r="$r" -v lr="$last_r" -v t="$t" -v lt="$last_t" 'BEGIN { printf "%.2f", (t > lt) ? (r - lr) / (t - lt) : 0 }')
  polls=$(metric_sum talkwire_polls_total)
  nm=$(metric_sum talkwire_polls_total 'outcome="not_modified"')
  queued=$(metric_sum talkwire_queue_depth)
  printf '%6s %9s %9s %5s %7s %8s %9s %7s %7s %7s\n' "$t" "$rss" "$hwm" "$fd" "$th" "$r" "$rate" "$polls" "$nm" "$queued"
  samples+=("$t $rss $fd $r")
  last_t=$t
  last_r=$r
}

sample
deadline=$(($(date +%s) + DURATION))
while [ "$(date +%s)" -lt "$deadline" ]; do
  sleep $((deadline - $(date +%s) < SAMPLE_EVERY ? deadline - $(date +%s) : SAMPLE_EVERY)) || true
  kill -0 "$daemon_pid" 2>/dev/null || { echo "soak: talkwire died:" >&2; tail -5 "$work/talkwire.log" >&2; exit 1; }
  sample
done

# ---- stop and judge ----------------------------------------------------------------------------
outcomes=$(curl -s --max-time 2 "http://127.0.0.1:$metrics_port/metrics" |
  awk '/^talkwire_articles_total\{/ { match($1, /outcome="[^"]*"/); o = substr($1, RSTART + 9, RLENGTH - 10); printf "%s=%d ", o, $2 }')
fetches=$(curl -s --max-time 2 "http://127.0.0.1:$metrics_port/metrics" |
  awk '/^talkwire_fetch_responses_total\{/ { match($1, /status="[^"]*"/); o = substr($1, RSTART + 8, RLENGTH - 9); printf "%s=%d ", o, $2 }')
term_at=$(date +%s.%N)
kill -TERM "$daemon_pid"
set +e
wait "$daemon_pid"
rc=$?
set -e
daemon_pid=""
drain_s=$(awk -v a="$term_at" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
total=$(records)
run_s=$(awk -v a="$started" -v b="$term_at" 'BEGIN { printf "%.0f", b - a }')

read -r t0 rss0 fd0 _ <<<"${samples[0]}"
warm="${samples[0]}"
for s in "${samples[@]}"; do
  read -r t _ <<<"$s"
  if [ "$t" -ge $((DURATION / 3)) ]; then warm="$s"; break; fi
done
read -r tw rssw fdw rw <<<"$warm"
read -r te rsse fde re <<<"${samples[-1]}"
steady=$(awk -v a="$rw" -v b="$re" -v ta="$tw" -v tb="$te" 'BEGIN { printf "%.2f", (tb > ta) ? (b - a) / (tb - ta) : 0 }')
errors=$(grep -c '"level":"ERROR"' "$work/talkwire.log" || true)
warns=$(grep -c '"level":"WARN"' "$work/talkwire.log" || true)

echo
echo "soak: ran ${run_s} s; SIGTERM -> exit $rc after ${drain_s} s; $total records ($(awk -v r="$total" -v t="$run_s" 'BEGIN { printf "%.2f", r / t }')/s overall, ${steady}/s from t=${tw}s to t=${te}s)"
echo "soak: articles: $outcomes"
echo "soak: fetch responses: $fetches"
echo "soak: log lines: $(wc -l <"$work/talkwire.log") ($warns WARN, $errors ERROR); state file $(du -k "$work/state/talkwire.redb" | cut -f1) KB"
echo "soak: RSS start ${rss0} kB (t=${t0}s), after backlog ${rssw} kB (t=${tw}s), end ${rsse} kB (t=${te}s)"
echo "soak: fds start ${fd0}, after backlog ${fdw}, end ${fde}"

failed=""
[ "$rc" -eq 0 ] || { echo "soak: FAIL: exit status $rc after SIGTERM (expected 0)"; failed=1; }
[ "$total" -gt 0 ] || { echo "soak: FAIL: no record was published"; failed=1; }
[ "$fde" -le $((fdw + FD_SLACK)) ] || { echo "soak: FAIL: file descriptors grew from $fdw to $fde"; failed=1; }
[ "$rsse" -le $((rssw + rssw * RSS_GROWTH_PCT / 100)) ] ||
  { echo "soak: FAIL: RSS grew from $rssw kB to $rsse kB (more than $RSS_GROWTH_PCT %)"; failed=1; }
if [ -n "$failed" ]; then
  echo "soak: last log lines:"; tail -5 "$work/talkwire.log"
  exit 1
fi
echo "soak: OK"

#!/usr/bin/env bash
# HTTP benchmark of `tshoot serve` with all of ../shared/corpus loaded, beside
# the same queries in-process and nginx serving a static file (the HTTP floor).
# Needs wrk and nginx (Debian: apt-get install wrk nginx-light). Loopback only,
# bounded in time. Prints rps, p50, p99 and the server's RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
PORT="${PORT:-18181}"
NGINX_PORT="${NGINX_PORT:-18182}"
cargo build --release --quiet
TSHOOT_BENCH_SECONDS="$SECONDS_PER_RUN" TSHOOT_BENCH_THREADS=2 cargo bench --quiet --bench search_throughput

data=$(mktemp -d)
./target/release/tshoot serve --content ../shared/corpus --content content --addr "127.0.0.1:$PORT" \
  --watch false --data-dir "$data" 2>"$data/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; [ -f "$data/nginx.pid" ] && kill "$(cat "$data/nginx.pid")" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done

cat > "$data/queries.lua" <<'LUA'
local queries = {}
for line in io.lines(os.getenv("QUERIES")) do
  local locale, q = line:match("^([^\t]+)\t(.+)$")
  if q then table.insert(queries, "/api/v1/search?locale=" .. locale .. "&q=" .. q) end
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", queries[(i % #queries) + 1])
end
LUA
echo "HTTP search (8 connections, 2 wrk threads, $(wc -l < target/bench-queries.txt) distinct queries):"
QUERIES=target/bench-queries.txt wrk -t2 -c8 -d"${SECONDS_PER_RUN}s" --latency -s "$data/queries.lua" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "HTTP article page (8 connections):"
wrk -t2 -c8 -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$PORT/de-de/a/404104-deviceconnectionclosedremotely" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "server RSS: $(grep VmRSS /proc/$server/status | awk '{print $2/1024 " MB"}'), peak $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MB"}')"

mkdir -p "$data/www"
curl -s "http://127.0.0.1:$PORT/de-de/a/404104-deviceconnectionclosedremotely" > "$data/www/page.html"
cat > "$data/nginx.conf" <<NGINX
worker_processes 2;
pid $data/nginx.pid;
error_log $data/nginx-error.log;
events { worker_connections 256; }
http {
  access_log off;
  server { listen 127.0.0.1:$NGINX_PORT; root $data/www; }
}
NGINX
nginx -c "$data/nginx.conf"
sleep 0.5
echo "nginx static file, the same page (8 connections):"
wrk -t2 -c8 -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$NGINX_PORT/page.html" | grep -E "Requests/sec|50%|99%"

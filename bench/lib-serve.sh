# Sourced by the benchmarks that run `minutes serve`: small helpers, no side effects on sourcing.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# A process's resident set now and its peak (reset by `echo 5 >/proc/PID/clear_refs`), in KiB;
# its thread and open-descriptor counts.
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
thread_count() { ls "/proc/$1/task" | wc -l; }
fd_count() { ls "/proc/$1/fd" | wc -l; }
# login_token URL USER PASSWORD: a JWT from POST /api/v1/auth/login.
login_token() {
  curl -fs -X POST "$1/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"$3\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
# make_wav PATH BYTES: a WAV of exactly BYTES (48 kHz stereo 16-bit silence, a real RIFF header
# so the upload sniffer accepts it). The silence is a hole in a sparse file: writing it costs
# nothing and reading it costs no disk, so an upload measures the server, not the client.
make_wav() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
path, size = sys.argv[1], int(sys.argv[2])
data = (size - 44) // 4 * 4
with open(path, "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt " +
            struct.pack("<IHHIIHH", 16, 1, 2, 48000, 48000 * 4, 4, 16) +
            b"data" + struct.pack("<I", data))
    f.truncate(44 + data)
PY
}
# cpu_s PID: the CPU time the process has used so far (user + system), in seconds.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.1f", ($12 + $13) / hz }' "/proc/$1/stat"; }

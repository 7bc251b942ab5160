#!/usr/bin/env bash
# Lays out Minutes on an EC2/bare-metal host: the binary, the web app, systemd units, the nginx
# site, /etc/minutes with example configuration, and the `minutes` system user. Idempotent;
# existing configuration is never overwritten. ROOT=/some/dir installs under that directory
# instead of / (used by the tests); then no user is created and nothing is started.
#   sudo deploy/install.sh            # after scripts/setup.sh has built build/minutes
#   sudo systemctl enable --now minutes-api@8001 minutes-api@8002 minutes-worker
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="${ROOT:-}"
BIN="${BIN:-build/minutes}"
[ -x "$BIN" ] || { echo "install: $BIN is missing; run scripts/setup.sh and the build first" >&2; exit 2; }

install -d "$ROOT/usr/local/bin" "$ROOT/etc/systemd/system" "$ROOT/etc/minutes" \
  "$ROOT/etc/nginx/sites-available" "$ROOT/etc/nginx/sites-enabled" \
  "$ROOT/usr/local/share/minutes/web" "$ROOT/usr/local/share/doc/minutes" "$ROOT/var/lib/minutes"
install -m 0755 "$BIN" "$ROOT/usr/local/bin/minutes"
cp -r web/dist/. "$ROOT/usr/local/share/minutes/web/"
for m in swagger-ui-dist redoc; do
  install -d "$ROOT/usr/local/share/minutes/node_modules/$m"
  cp -r "web/node_modules/$m/." "$ROOT/usr/local/share/minutes/node_modules/$m/"
done
install -m 0644 deploy/systemd/minutes-api@.service deploy/systemd/minutes-worker.service \
  "$ROOT/etc/systemd/system/"
install -m 0644 deploy/nginx/minutes.conf "$ROOT/etc/nginx/sites-available/minutes"
ln -sfn ../sites-available/minutes "$ROOT/etc/nginx/sites-enabled/minutes"
install -m 0644 README.md "$ROOT/usr/local/share/doc/minutes/README.md"
[ -f "$ROOT/etc/minutes/minutes.yaml" ] || install -m 0640 deploy/minutes.yaml.example "$ROOT/etc/minutes/minutes.yaml"
[ -f "$ROOT/etc/minutes/minutes.env" ] || install -m 0600 deploy/minutes.env.example "$ROOT/etc/minutes/minutes.env"

if [ -z "$ROOT" ]; then
  id minutes >/dev/null 2>&1 || useradd --system --home-dir /var/lib/minutes --shell /usr/sbin/nologin minutes
  chown -R minutes:minutes /var/lib/minutes
  chgrp minutes /etc/minutes/minutes.yaml /etc/minutes/minutes.env
  systemctl daemon-reload 2>/dev/null || true
  echo "install: done. Edit /etc/minutes/minutes.{yaml,env}, then:"
  echo "  systemctl enable --now minutes-api@8001 minutes-api@8002 minutes-worker && systemctl reload nginx"
fi

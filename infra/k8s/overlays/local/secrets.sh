#!/usr/bin/env bash
# Writes secrets.env beside this script for the local overlay's secretGenerator, once: random database
# and S3 passwords and a fresh Ed25519 key for the gateway's access tokens. An existing file is kept.
set -euo pipefail
file="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets.env"
[ -f "$file" ] && exit 0

random() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24; }
pg_password="$(random)"
umask 077
cat >"$file" <<SECRETS
PGPASSWORD=$pg_password
GATEWAY_DATABASE_URL=postgres://relay:$pg_password@postgres:5432/relay_gateway
CONVERT_DATABASE_URL=postgres://relay:$pg_password@postgres:5432/relay_convert
CHAT_DATABASE_URL=postgres://relay:$pg_password@postgres:5432/relay_chat
S3_ACCESS_KEY_ID=relay-$(random | head -c 8)
S3_SECRET_ACCESS_KEY=$(random)
JWT_PRIVATE_KEY=$(openssl genpkey -algorithm ed25519 -outform DER | base64 -w0)
JWT_KEY_ID=k8s-local-$(random | head -c 8)
CONVERT_PASSWORD_KEY=$(head -c 32 /dev/urandom | base64 -w0)
SECRETS
echo "wrote $file" >&2

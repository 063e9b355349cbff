#!/bin/sh
# Writes the compose stack's ClickHouse logins (qtp-users.xml.template) with the admin login named by
# CLICKHOUSE_ADMIN_USER (default qtp_admin), the one setting the migrate service logs in with too.
#   render-users.sh <template> <output file>
# The clickhouse service runs it before the image's entrypoint (docker-compose.yml). A name that is not a plain
# identifier, or `default`, stops the container with exit code 2 naming the setting.
set -eu
template="$1"
out="$2"
name="${CLICKHOUSE_ADMIN_USER:-qtp_admin}"
case "$name" in
  "" | [!A-Za-z_]* | *[!A-Za-z0-9_]*)
    echo "CLICKHOUSE_ADMIN_USER: must be letters, digits and _, starting with a letter or _" >&2
    exit 2
    ;;
  default)
    echo "CLICKHOUSE_ADMIN_USER: must not be default (the loopback-only login of the container)" >&2
    exit 2
    ;;
esac
mkdir -p "$(dirname "$out")"
sed "s/__CLICKHOUSE_ADMIN_USER__/$name/g" "$template" > "$out.tmp"
mv "$out.tmp" "$out"

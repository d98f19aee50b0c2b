#!/usr/bin/env bash
# Refresh the front-end files served by the API (users may be offline: no CDN).
# Each package comes from the npm registry at a pinned version, with its licence files:
#   swagger-ui-dist (Apache-2.0)  — /docs
#   vis-network (MIT or Apache-2.0) — the entity graph of the chat page
#   axe-core (MPL-2.0)              — the accessibility check of the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch <package@version> <target dir> <files (paths inside the package)...>
  local spec=$1 target=$2; shift 2
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  mkdir -p "$work/x" "$target"
  tar -xzf "$work"/*.tgz -C "$work/x"
  for file in "$@"; do
    cp "$work/x/package/$file" "$target/"
  done
  rm -rf "$work/x" "$work"/*.tgz
  echo "$spec → $target"
}

fetch swagger-ui-dist@5.32.0 api/static/vendor/swagger-ui swagger-ui-bundle.js swagger-ui.css LICENSE
fetch vis-network@10.1.5 api/static/vendor/vis-network standalone/umd/vis-network.min.js LICENSE-MIT LICENSE-APACHE-2.0
fetch axe-core@4.14.1 api/static/vendor/axe-core axe.min.js LICENSE

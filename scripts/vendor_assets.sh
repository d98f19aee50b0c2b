#!/usr/bin/env bash
# Refresh the front-end files served by the API (users may be offline: no CDN).
# Each package comes from the npm registry at a pinned version, with its licence.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch <package@version> <target dir> <files...>
  local spec=$1 target=$2; shift 2
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  local tarball
  tarball=$(ls "$work"/*.tgz)
  mkdir -p "$work/x" "$target"
  tar -xzf "$tarball" -C "$work/x"
  for file in "$@" LICENSE; do
    cp "$work/x/package/$file" "$target/"
  done
  rm -rf "$work/x" "$tarball"
  echo "$spec → $target"
}

fetch swagger-ui-dist@5.32.0 api/static/vendor/swagger-ui swagger-ui-bundle.js swagger-ui.css

#!/usr/bin/env bash
# Refresh the front-end files served by the API (users may be offline: no CDN).
# Each package comes from the npm registry at a pinned version, with its licence files:
#   swagger-ui-dist (Apache-2.0)  — /docs
#   vis-network (MIT or Apache-2.0) — the entity graph of the chat page
#   axe-core (MPL-2.0)              — the accessibility check of the browser tests
#   @zazuko/yasgui (MIT)            — the SPARQL workbench (its package ships no licence
#                                     file: the MIT text is written beside it, naming the
#                                     authors its package.json names)
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
fetch axe-core@4.14.1 tests/ui/vendor/axe-core axe.min.js LICENSE

yasgui=@zazuko/yasgui@4.6.2
fetch "$yasgui" api/static/vendor/yasgui build/yasgui.min.js build/yasgui.min.css package.json
# The source map is not vendored: drop the comment that would make a browser ask for it.
sed -i '/^\/\/# sourceMappingURL=/d' api/static/vendor/yasgui/yasgui.min.js
node -e '
const p = require("./api/static/vendor/yasgui/package.json");
const names = [p.author, ...(p.contributors || []).map((c) => c.name || c)].join(", ");
console.log(`${p.name} ${p.version} is distributed under the ${p.license} License.

Copyright (c) ${names}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.`)' > api/static/vendor/yasgui/LICENSE
rm api/static/vendor/yasgui/package.json

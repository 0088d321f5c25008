#!/usr/bin/env bash
# Copies the pinned front-end files from frontend/package-lock.json into the tree, so the app
# serves them itself and needs no Node at run or test time. See docs/frontend.md.
#
#   scripts/update-frontend-assets.sh          install exactly the lock file, copy the files
#
# To move to a new version: change it in frontend/package.json, run `npm install
# --package-lock-only` in frontend/, then this script, then fix the paths in base.html.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/navolging/static/vendor"
test_assets="$root/navolging/lib/tests/assets"  # used by the browser tests, never served

cd "$root/frontend"
# --ignore-scripts: none of these packages needs an install script, so none may run one.
npm ci --ignore-scripts --no-audit --no-fund
modules="$root/frontend/node_modules"

version() {
  node -p "require('$modules/$1/package.json').version"
}

# copy PACKAGE DEST_ROOT DEST_NAME FILE... : files relative to the package; the destination
# folder carries the version, and older versions of the same package are removed.
copy() {
  local package="$1" dest_root="$2" name="$3"
  shift 3
  local dest
  dest="$dest_root/$name-$(version "$package")"
  find "$dest_root" -maxdepth 1 -type d -name "$name-[0-9]*" ! -path "$dest" -exec rm -rf {} +
  mkdir -p "$dest"
  for file in "$@"; do
    cp "$modules/$package/$file" "$dest/"
  done
  echo "  $package -> ${dest#"$root"/}"
}

echo "Copying:"
copy @utrecht/component-library-css "$vendor" utrecht-component-library-css \
  dist/index.css LICENSE.md
copy htmx.org "$vendor" htmx dist/htmx.min.js LICENSE
copy axe-core "$test_assets" axe-core axe.min.js LICENSE

# The templates name the versioned folders; say so when they no longer match.
base="$root/navolging/templates/base.html"
for asset in "utrecht-component-library-css-$(version @utrecht/component-library-css)" \
  "htmx-$(version htmx.org)"; do
  if ! grep -q "vendor/$asset/" "$base"; then
    echo "Now point navolging/templates/base.html at vendor/$asset/" >&2
  fi
done

# Shared shell helpers for the project's scripts. Source it; do not run it.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Installs npm dependencies from package-lock.json when node_modules is missing or stale.
ensure_node_modules() {
  local stamp="$REPO_ROOT/node_modules/.concord-lock.sha256"
  local want
  want="$(sha256sum "$REPO_ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "==> npm ci (dependencies from package-lock.json)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$want" > "$stamp"
  fi
}

# Fingerprint of everything the viewer bundle is built from: the sources of every workspace
# package (the viewer imports them through their `source` export), the app's own files, the
# shipped models' manifests are not part of it (served as they are), and the lock file.
viewer_sources_hash() {
  (cd "$REPO_ROOT" && find platform extensions modes \
      \( -name node_modules -o -name dist -o -name public -o -name models -o -name scripts \) -prune -o \
      -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.js' -o -name '*.mjs' -o -name '*.json' \
      -o -name '*.css' -o -name '*.html' \) -print \
    | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1
    sha256sum package-lock.json | cut -d' ' -f1)
}

# Builds the viewer (production bundle) into platform/app/dist, only when its sources changed
# since the last build. Vite's output goes to platform/app/dist/build.log; the console gets one
# line (or the log's tail when the build fails).
build_app() {
  local dist="$REPO_ROOT/platform/app/dist"
  local stamp="$dist/.concord-sources.sha256"
  local want
  want="$(viewer_sources_hash | sha256sum | cut -d' ' -f1)"
  if [ -f "$dist/index.html" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "==> viewer up to date (sources unchanged since the last build)"
    return 0
  fi
  echo "==> building the viewer"
  local log start
  log="$(mktemp)"
  start=$SECONDS
  # the Vite config imports @concord/core/security, which Node resolves to its built dist/
  if ! (cd "$REPO_ROOT" && node platform/cli/scripts/ensure-built.mjs \
    && node scripts/copy-ort-assets.mjs \
    && npx --no-install vite build --configLoader runner --config platform/app/vite.config.ts --logLevel warn) \
    >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "==> the viewer build failed (full log above: $log)"
    return 1
  fi
  mkdir -p "$dist"
  mv "$log" "$dist/build.log"
  echo "$want" >"$stamp"
  echo "==> viewer built in $((SECONDS - start)) s (log: platform/app/dist/build.log)"
}

build_ohif() {
  echo "==> building Concord's runtime plugins for stock OHIF (dist/ohif, ESM + UMD)"
  (cd "$REPO_ROOT" && npx --no-install tsx --conditions=source scripts/build-ohif/build.ts --umd --quiet)
}

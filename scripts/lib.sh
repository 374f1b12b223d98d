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

# Builds the viewer (production bundle) into platform/app/dist.
build_app() {
  echo "==> building the viewer"
  # the Vite config imports @concord/core/security, which Node resolves to its built dist/
  (cd "$REPO_ROOT" && node platform/cli/scripts/ensure-built.mjs) || return 1
  # onnxruntime-web's wasm/mjs files are served from the app's own public/ort/ (docs/platform-notes.md)
  if [ -f "$REPO_ROOT/scripts/copy-ort-assets.mjs" ]; then
    (cd "$REPO_ROOT" && node scripts/copy-ort-assets.mjs) || return 1
  fi
  (cd "$REPO_ROOT" && npx --no-install vite build --configLoader runner --config platform/app/vite.config.ts --logLevel warn)
}

build_ohif() {
  echo "==> building Concord's runtime plugins for stock OHIF (dist/ohif, ESM + UMD)"
  (cd "$REPO_ROOT" && npx --no-install tsx --conditions=source scripts/build-ohif/build.ts --umd --quiet)
}

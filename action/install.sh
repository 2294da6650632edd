#!/usr/bin/env bash
# The install step of the errdex GitHub Action (action.yml): finds the release to use, downloads
# its archive for this runner, checks the archive's SHA-256 against the release's SHA256SUMS,
# unpacks it and puts errdex on PATH for the following steps.
#
# Reads (from action.yml's env, never from ${{ }} in the script):
#   ERRDEX_VERSION      the `version` input: vX.Y.Z, vX, vX.Y, latest, or empty
#   ACTION_REPOSITORY   github.action_repository (owner/name of this action), may be empty
#   ACTION_REF          github.action_ref (the ref the action is used at), may be empty
#   GH_TOKEN            for gh, which reads the releases
# and the runner's RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT.
set -euo pipefail

fail() {
  echo "::error title=errdex action::$*"
  exit 1
}

# The repository the action was downloaded from (so no URL is written twice). The runner does not
# always fill github.action_repository in a composite action: fall back on the action's path
# (.../_actions/OWNER/NAME/REF), then, for `uses: ./` in errdex's own repository, on it.
repo="${ACTION_REPOSITORY:-}"
ref="${ACTION_REF:-}"
if [ -z "$repo" ]; then
  path="${GITHUB_ACTION_PATH:-}"
  path="${path//\\//}"
  case "$path" in
    */_actions/*/*/*)
      rest="${path#*/_actions/}"
      owner="${rest%%/*}"
      rest="${rest#*/}"
      repo="$owner/${rest%%/*}"
      rest="${rest#*/}"
      [ -n "$ref" ] || ref="${rest%%/*}"
      ;;
    *) repo="${GITHUB_REPOSITORY:-}" ;;
  esac
fi
[ -n "$repo" ] || fail "cannot tell which repository this action comes from"

# The release: the `version` input, else the ref the action is used at.
want="${ERRDEX_VERSION:-}"
explicit=true
if [ -z "$want" ]; then
  want="$ref"
  explicit=false
fi
case "$want" in
  [0-9]*) want="v$want" ;;
esac

# The highest release vX.Y.Z whose tag starts with $1 (`v1.` or `v1.2.`); pre-releases left out.
latest_of_line() {
  gh release list --repo "$repo" --exclude-drafts --exclude-pre-releases --limit 1000 \
    --json tagName --jq '.[].tagName' |
    grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' |
    while read -r t; do case "$t" in "$1"*) echo "$t" ;; esac; done |
    sort -t . -k 1.2,1n -k 2,2n -k 3,3n | tail -n 1
}

if [[ "$want" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  tag="$want"
elif [[ "$want" =~ ^v[0-9]+(\.[0-9]+)?$ ]]; then
  tag="$(latest_of_line "$want." || true)"
  [ -n "$tag" ] || fail "$repo has no release $want.x"
elif [[ "$want" =~ ^[0-9a-f]{40}$ ]]; then
  # Pinned by commit: the release tag at that commit.
  tag="$(gh api --paginate "repos/$repo/tags" --jq ".[] | select(.commit.sha == \"$want\") | .name" |
    grep -E '^v[0-9]+\.[0-9]+\.[0-9]+' | head -n 1 || true)"
  [ -n "$tag" ] || fail "no release tag of $repo points at $want; set the action's version input"
elif [ "$want" = latest ] || { [ "$explicit" = false ]; }; then
  # `latest`, or the action used at a branch (or locally): the latest release.
  tag="$(gh release view --repo "$repo" --json tagName --jq .tagName)"
else
  fail "version '$want' is not vX.Y.Z, vX.Y, vX or latest"
fi

# This runner's archive.
case "$RUNNER_OS/$RUNNER_ARCH" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  # Windows on Arm runs the x64 binary under emulation.
  Windows/X64 | Windows/ARM64) target=x86_64-pc-windows-msvc ;;
  *) fail "no errdex release binary for $RUNNER_OS on $RUNNER_ARCH" ;;
esac
stem="errdex-$tag-$target"
if [ "$RUNNER_OS" = Windows ]; then
  archive="$stem.zip"
  exe=errdex.exe
else
  archive="$stem.tar.gz"
  exe=errdex
fi

home="$RUNNER_TEMP/errdex-action/$tag"
bin_dir="$home/$stem"
if [ ! -f "$bin_dir/$exe" ]; then
  echo "Downloading $archive from the $tag release of $repo"
  rm -rf "$home"
  mkdir -p "$home"
  gh release download "$tag" --repo "$repo" --dir "$home" --pattern "$archive" --pattern SHA256SUMS
  expected="$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$home/SHA256SUMS")"
  [ -n "$expected" ] || fail "SHA256SUMS of $tag lists no $archive"
  if command -v sha256sum >/dev/null 2>&1; then
    actual="$(sha256sum -- "$home/$archive" | cut -d ' ' -f 1)"
  else
    actual="$(shasum -a 256 -- "$home/$archive" | cut -d ' ' -f 1)"
  fi
  actual="${actual#\\}"
  if [ "$actual" != "$expected" ]; then
    fail "$archive has SHA-256 $actual, but the release's SHA256SUMS says $expected"
  fi
  echo "SHA-256 $actual matches SHA256SUMS"
  if [ "$RUNNER_OS" = Windows ]; then
    # PowerShell, not bash, expands $env:ARCHIVE and $env:DEST.
    # shellcheck disable=SC2016
    ARCHIVE="$(cygpath -w "$home/$archive")" DEST="$(cygpath -w "$home")" \
      pwsh -NoProfile -NonInteractive -Command \
      'Expand-Archive -LiteralPath $env:ARCHIVE -DestinationPath $env:DEST -Force'
  else
    tar -xzf "$home/$archive" -C "$home"
  fi
  rm -f "$home/$archive" "$home/SHA256SUMS"
  [ -f "$bin_dir/$exe" ] || fail "$archive holds no $stem/$exe"
fi

path_dir="$bin_dir"
if [ "$RUNNER_OS" = Windows ]; then path_dir="$(cygpath -w "$bin_dir")"; fi
echo "$path_dir" >>"$GITHUB_PATH"
{
  echo "version=$tag"
  echo "path=$path_dir"
} >>"$GITHUB_OUTPUT"
"$bin_dir/$exe" --version

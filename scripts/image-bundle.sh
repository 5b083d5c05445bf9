#!/usr/bin/env bash
# The air-gapped install: every image compose.yaml runs, in one archive with a SHA-256 checksum.
#
#   On a connected machine (after `docker compose build`, or scripts/build-images.sh + build):
#     bash scripts/image-bundle.sh save [quoteflow-images.tar.gz]   # writes the archive and .sha256
#   On site, with the archive, its .sha256 and a checkout (or copy) of this repository:
#     bash scripts/image-bundle.sh load quoteflow-images.tar.gz      # verifies, then docker load
#
# Uses `docker` when it answers, else `podman` (QF_CONTAINER_CLI overrides). The list of images is
# read from compose.yaml (with the demo profile), so a new service is bundled without editing this.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmd="${1:-}"
file="${2:-quoteflow-images.tar.gz}"

if [[ -n "${QF_CONTAINER_CLI:-}" ]]; then
  cli="$QF_CONTAINER_CLI"
elif docker info >/dev/null 2>&1; then
  cli=docker
else
  cli=podman
fi

images() {
  # `config` resolves anchors, profiles and ${…} defaults; the image lines are what would run.
  docker-compose -f "$repo/compose.yaml" --profile demo config 2>/dev/null | sed -n 's/^ *image: *//p' | sort -u
}

case "$cmd" in
save)
  mapfile -t list < <(images)
  ((${#list[@]})) || { echo "no images found in compose.yaml (is docker-compose installed?)" >&2; exit 1; }
  for image in "${list[@]}"; do
    "$cli" image inspect "$image" >/dev/null 2>&1 || { echo "image $image is missing: build or pull it first" >&2; exit 1; }
  done
  extra=()
  [[ "$cli" == podman ]] && extra=(--multi-image-archive) # podman saves one image per archive otherwise
  echo "saving ${list[*]} to $file" >&2
  "$cli" save "${extra[@]}" "${list[@]}" | gzip -1 >"$file.tmp"
  mv "$file.tmp" "$file"
  (cd "$(dirname "$file")" && sha256sum "$(basename "$file")" >"$(basename "$file").sha256")
  echo "$file: $(du -h "$file" | cut -f1); checksum in $file.sha256" >&2
  ;;
load)
  [[ -r "$file" && -r "$file.sha256" ]] || { echo "need $file and $file.sha256" >&2; exit 1; }
  (cd "$(dirname "$file")" && sha256sum --check --strict "$(basename "$file").sha256") >&2 ||
    { echo "checksum mismatch: $file is damaged or not the bundle that was made; do not load it" >&2; exit 1; }
  gunzip -c "$file" | "$cli" load
  ;;
*)
  echo "usage: bash scripts/image-bundle.sh save|load [FILE]" >&2
  exit 2
  ;;
esac

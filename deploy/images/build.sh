#!/usr/bin/env bash
# Builds the Nexus images: a self-contained publish of each deployable, then the one Containerfile over it.
#
#   deploy/images/build.sh                  every image
#   deploy/images/build.sh gateway speech   only these (gateway speech ocr image inference knowledge agents ui cli)
#
# Environment:
#   BASE      base image (default mcr.microsoft.com/dotnet/runtime-deps:10.0). BASE=local builds
#             localhost/debian-base:bookworm with debootstrap when it is missing and uses it (needs root and a
#             Debian mirror, no registry).
#   ENGINE    podman (default) or docker
#   VERSION   image tag and version label (default: git describe, else 0.0.0-dev)
#   SOURCE    the source label (default: the git remote "origin", when there is one)
#   OUT       where publishes go (default artifacts/images)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/deploy/images"
engine="${ENGINE:-podman}"
base="${BASE:-mcr.microsoft.com/dotnet/runtime-deps:10.0}"
out="${OUT:-$root/artifacts/images}"
version="${VERSION:-$(git -C "$root" describe --tags --always 2>/dev/null || echo 0.0.0-dev)}"
source_url="${SOURCE:-$(git -C "$root" remote get-url origin 2>/dev/null || true)}"
revision="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"

# name|project|Debian packages its engines need|executable (when not the project's name)
images=(
  "gateway|Nexus.Gateway/Nexus.Gateway.csproj|"
  "speech|Nexus.Services/Nexus.Services.Speech/Nexus.Services.Speech.csproj|espeak-ng pocketsphinx pocketsphinx-en-us ffmpeg"
  "ocr|Nexus.Services/Nexus.Services.Ocr/Nexus.Services.Ocr.csproj|tesseract-ocr tesseract-ocr-eng"
  "image|Nexus.Services/Nexus.Services.Image/Nexus.Services.Image.csproj|"
  "inference|Nexus.Services/Nexus.Services.Inference/Nexus.Services.Inference.csproj|"
  "knowledge|Nexus.Services/Nexus.Services.Knowledge/Nexus.Services.Knowledge.csproj|poppler-utils"
  "agents|Nexus.Agents/Nexus.Agents.csproj|"
  "ui|Nexus.Ui/Nexus.Ui.csproj|"
  "cli|Nexus.Cli/Nexus.Cli.csproj|postgresql-client|nexus"
)

local_base() {
  local tag=localhost/debian-base:bookworm
  if ! "$engine" image exists "$tag" 2>/dev/null; then
    local dir
    dir="$(mktemp -d)"
    trap 'rm -rf "$dir"' RETURN
    debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3 bookworm "$dir/root" "${MIRROR:-http://deb.debian.org/debian}" >&2
    tar -C "$dir/root" -c . | "$engine" import - "$tag" >&2
  fi
  echo "$tag"
}

[ "$base" = local ] && base="$(local_base)"

wanted=("$@")
for entry in "${images[@]}"; do
  IFS='|' read -r name project packages app <<<"$entry"
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " =~ " $name " ]]; then continue; fi
  app="${app:-$(basename "$project" .csproj)}"
  context="$out/$name"
  rm -rf "$context/app"
  echo "== $name: publishing $app" >&2
  dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained -o "$context/app" -p:UseAppHost=true --nologo -v quiet
  echo "== $name: building localhost/nexus-$name:$version from $base" >&2
  "$engine" build -f "$here/Containerfile" \
    --build-arg BASE="$base" --build-arg APP="$app" --build-arg NAME="$name" --build-arg PACKAGES="$packages" \
    --build-arg VERSION="$version" --build-arg SOURCE="$source_url" --build-arg REVISION="$revision" \
    -t "localhost/nexus-$name:$version" -t "localhost/nexus-$name:latest" "$context"
done

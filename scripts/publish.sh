#!/usr/bin/env bash
# Publishes tcpshadow and tcpshadow-intercept as self-contained single-file linux-x64 binaries.
# Usage: scripts/publish.sh [OUTDIR=out]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-out}"
mkdir -p "$out"
for proj in src/DataPlane/TcpShadow.DataPlane.csproj src/Intercept/TcpShadow.Intercept.csproj; do
  dotnet publish "$proj" -c Release -r linux-x64 --self-contained true \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
    -p:EnableCompressionInSingleFile=true -p:DebugType=none -o "$out" --nologo -v quiet
done
# Publishing tcpshadow-intercept drops the referenced tcpshadow's runtimeconfig beside it; single files need none.
rm -f "$out"/*.runtimeconfig.json "$out"/*.deps.json
ls -l "$out/tcpshadow" "$out/tcpshadow-intercept"

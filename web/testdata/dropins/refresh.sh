#!/bin/sh
# Refreshes the drop-in operations that TestDropinOperations validates: packs the published
# npm packages in a temporary directory and writes their GraphQL operations here as JSON.
# Run from anywhere: sh web/testdata/dropins/refresh.sh [auth-version] [account-version]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for spec in "@dropins/storefront-auth@${1:-4.1.0}" "@dropins/storefront-account@${2:-4.2.0}"; do
	(cd "$tmp" && npm pack --silent "$spec" >/dev/null)
done
rm -f "$here"/*.json
for tgz in "$tmp"/*.tgz; do
	d="$tmp/$(basename "$tgz" .tgz)"
	mkdir -p "$d" && tar xzf "$tgz" -C "$d"
	id=$(node -p 'const p=require(process.argv[1]); p.name+"@"+p.version' "$d/package/package.json")
	name=$(echo "$id" | sed 's,^@dropins/,,')
	node "$here/extract.mjs" "$d/package" "$id" >"$here/$name.json"
	echo "$here/$name.json: $(grep -c '"name"' "$here/$name.json") operations"
done

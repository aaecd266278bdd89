#!/bin/sh
# vendor-graphiql.sh refreshes the GraphQL explorer's files under web/static/vendor/ from
# npm: GraphiQL's UMD build and the React 18 UMD builds it runs on, each with its license.
# The versions are pinned in web/graphiql.go (graphiqlVersion, reactVersion); change them
# there, run this script from anywhere in the repository, and commit the result.
#
# npm pack checks each tarball against the registry's integrity hash; the hashes are kept
# in web/static/vendor/SOURCES beside the files. The one change made to the built files:
# GraphiQL's stylesheet carries its fonts as data: URLs, which the pages' CSP (font-src
# falls back to 'self') refuses, so they are written out as .woff2/.woff files next to it and
# the stylesheet points at them.
set -eu
root=$(git rev-parse --show-toplevel)
cd "$root"
ver() { sed -n "s/^\t$1 *= *\"\(.*\)\".*/\1/p" web/graphiql.go; }
graphiql=$(ver graphiqlVersion)
react=$(ver reactVersion)
[ -n "$graphiql" ] && [ -n "$react" ] || { echo "vendor-graphiql: versions not found in web/graphiql.go" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent --json "graphiql@$graphiql" "react@$react" "react-dom@$react" >packs.json)
for p in "graphiql $graphiql" "react $react" "react-dom $react"; do
	set -- $p
	mkdir -p "$tmp/$1" && tar xzf "$tmp/$1-$2.tgz" -C "$tmp/$1"
done

vendor=web/static/vendor
rm -rf "$vendor"
g="$vendor/graphiql@$graphiql" r="$vendor/react@$react" d="$vendor/react-dom@$react"
mkdir -p "$g/fonts" "$r" "$d"
cp "$tmp/graphiql/package/graphiql.min.js" "$tmp/graphiql/package/LICENSE" "$g/"
cp "$tmp/react/package/umd/react.production.min.js" "$tmp/react/package/LICENSE" "$r/"
cp "$tmp/react-dom/package/umd/react-dom.production.min.js" "$tmp/react-dom/package/LICENSE" "$d/"
# The source map comment points at a file we do not ship.
sed -i 's|//# sourceMappingURL=.*$||' "$g/graphiql.min.js"
node - "$tmp/graphiql/package/graphiql.min.css" "$g" <<'JS'
const fs = require("fs"), crypto = require("crypto"), [src, out] = process.argv.slice(2);
const css = fs.readFileSync(src, "utf8").replace(/url\((["']?)data:font\/(woff2?);base64,([A-Za-z0-9+/=]+)\1\)/g, (m, q, kind, b64) => {
  const data = Buffer.from(b64, "base64");
  const name = crypto.createHash("sha256").update(data).digest("hex").slice(0, 16) + "." + kind;
  fs.writeFileSync(out + "/fonts/" + name, data);
  return "url(fonts/" + name + ")";
}).replace(/\/\*# sourceMappingURL=.*?\*\//g, "");
if (/data:font/.test(css)) throw new Error("a data: font is left in graphiql.min.css");
fs.writeFileSync(out + "/graphiql.min.css", css);
JS
node -e '
const packs = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
for (const p of packs) console.log(p.id + " " + p.integrity);
' "$tmp/packs.json" >"$vendor/SOURCES"
echo "vendored:"; cat "$vendor/SOURCES"

// extract.mjs PKGDIR NAME@VERSION: prints, as JSON, every GraphQL operation of an unpacked
// drop-in package, read from the TypeScript sources its source maps carry. Fragments
// interpolated with ${NAME} are resolved from the package's other /* GraphQL */ constants.
import fs from "node:fs";
import path from "node:path";

const [dir, id] = process.argv.slice(2);
const walk = (d) => fs.readdirSync(d).flatMap((f) => {
  const p = path.join(d, f);
  return fs.statSync(p).isDirectory() ? walk(p) : p.endsWith(".js.map") ? [p] : [];
});

const consts = new Map(); // NAME -> {source, text}
for (const m of walk(dir).sort()) {
  const map = JSON.parse(fs.readFileSync(m, "utf8"));
  (map.sources || []).forEach((src, i) => {
    const code = (map.sourcesContent || [])[i] || "";
    const re = /export const (\w+)\s*=\s*\/\* GraphQL \*\/\s*`([^`]*)`/g;
    for (let x; (x = re.exec(code)); ) {
      if (!consts.has(x[1])) consts.set(x[1], { source: src.replace(/^.*\/src\//, "src/"), text: x[2] });
    }
  });
}

const resolve = (name, stack = []) => {
  const c = consts.get(name);
  if (!c) throw new Error(`${id}: unresolved \${${name}} in ${stack.join(" < ")}`);
  if (stack.includes(name)) throw new Error(`${id}: fragment cycle ${stack.join(" < ")}`);
  return c.text.replace(/\$\{\s*(\w+)\s*\}/g, (_, n) => resolve(n, [...stack, name]));
};

const ops = [];
for (const [name, c] of consts) {
  if (!/^\s*(query|mutation|subscription)\b/.test(c.text)) continue; // fragments are inlined where used
  let text = resolve(name);
  // A fragment interpolated twice (through two other fragments) is kept once.
  const seen = new Set();
  text = text.replace(/(^|\n)\s*fragment (\w+) on [\s\S]*?\n\s*\}\s*(?=\n|$)/g, (frag, lead, fname) => {
    if (seen.has(fname)) return lead;
    seen.add(fname);
    return frag;
  });
  ops.push({ name, source: c.source, query: text.replace(/\n\s*\n/g, "\n").trim() + "\n" });
}
ops.sort((a, b) => (a.source + a.name).localeCompare(b.source + b.name));
process.stdout.write(JSON.stringify({ package: id, operations: ops }, null, 2) + "\n");

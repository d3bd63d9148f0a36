// Parse Mermaid flowcharts with Mermaid's own parser, headless, and print what it read:
//     node mermaid_parse.mjs PREFIX FILE...
// PREFIX is an npm prefix holding mermaid and jsdom (Mermaid sanitises labels with DOMPurify,
// which needs a DOM). One JSON line per file: the diagram type, every vertex with its label
// (entities decoded, as Mermaid draws them), every edge and subgraph; or the parse error.
// Exits 1 when a file does not parse.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [prefix, ...files] = process.argv.slice(2);
const require = createRequire(join(prefix, "package.json"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(pathToFileURL(require.resolve("mermaid")).href);
mermaid.initialize({ startOnLoad: false });

// Mermaid keeps #quot; and #35; in its model as placeholders, decoded when it draws.
const NAMED = { quot: '"', lt: "<", gt: ">", amp: "&" };
const decode = (text) =>
  String(text ?? "")
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code) => String.fromCharCode(Number(code)))
    .replace(/ﬂ°(\w+)¶ß/g, (_, name) => NAMED[name] ?? `&${name};`);

let failed = 0;
for (const file of files) {
  const text = readFileSync(file, "utf8");
  try {
    const parsed = await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    const vertices = {};
    for (const vertex of db.getVertices().values()) vertices[vertex.id] = decode(vertex.text);
    const edges = db.getEdges().map((edge) => [edge.start, edge.end, decode(edge.text)]);
    const subgraphs = db.getSubGraphs().map((graph) => [graph.id, decode(graph.title), graph.nodes]);
    const type = parsed.diagramType;
    console.log(JSON.stringify({ file, ok: true, type, vertices, edges, subgraphs }));
  } catch (error) {
    failed += 1;
    console.log(JSON.stringify({ file, ok: false, error: String(error.message ?? error) }));
  }
}
process.exit(failed ? 1 : 0);

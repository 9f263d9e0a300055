// A server module (a page, a layout, any module without "use client") may take only components
// and types from a "use client" module. Anything else it imports from there, a constant, a hook,
// a helper, arrives on the server as a client reference, a function standing in for the value:
// `limit: PAGE_SIZE` then sends a function to the API, the prefetch fails, and the page renders
// its loading state with nothing in the log but a redacted error. TypeScript cannot see this (the
// types say the value is there), so this test reads every import across the boundary.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOTS = ["app", "components", "trpc"];
const EXTENSIONS = [".tsx", ".ts"];

/** A component's name: capitalised (TRPCReactProvider too), but not an UPPER_CASE constant. */
const isComponentName = (name: string) => /^[A-Z]/.test(name) && !/^[A-Z0-9_]+$/.test(name);

function isClientModule(source: string): boolean {
  const file = ts.createSourceFile("x.tsx", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TSX);
  const first = file.statements[0];
  return (
    first !== undefined &&
    ts.isExpressionStatement(first) &&
    ts.isStringLiteral(first.expression) &&
    first.expression.text === "use client"
  );
}

/** The values (not types) a module imports by name, with the specifier each comes from. */
function valueImports(source: string): { specifier: string; name: string }[] {
  const file = ts.createSourceFile("x.tsx", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TSX);
  const found: { specifier: string; name: string }[] = [];
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly) continue;
    const specifier = statement.moduleSpecifier.text;
    if (clause.name) found.push({ specifier, name: "default" });
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) found.push({ specifier, name: "*" });
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        if (!element.isTypeOnly) found.push({ specifier, name: (element.propertyName ?? element.name).text });
      }
    }
  }
  return found;
}

function resolve(fromFile: string, specifier: string, exists: (file: string) => boolean): string | null {
  let base: string;
  if (specifier.startsWith("@/")) base = specifier.slice(2);
  else if (specifier.startsWith(".")) base = path.join(path.dirname(fromFile), specifier);
  else return null;
  for (const candidate of [
    base,
    ...EXTENSIONS.map((e) => base + e),
    ...EXTENSIONS.map((e) => path.join(base, "index" + e)),
  ]) {
    if (exists(candidate)) return candidate;
  }
  return null;
}

/** Each server module's non-component value imports from a client module, as "file: name from target". */
export function crossings(files: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [file, source] of files) {
    if (isClientModule(source) || /\.test\.tsx?$/.test(file)) continue;
    for (const { specifier, name } of valueImports(source)) {
      const target = resolve(file, specifier, (candidate) => files.has(candidate));
      if (target === null || !isClientModule(files.get(target) ?? "")) continue;
      if (name === "default" || isComponentName(name)) continue;
      problems.push(`${file}: ${name} from ${target}`);
    }
  }
  return problems;
}

function projectFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const root of ROOTS) {
    for (const entry of fs.readdirSync(root, { recursive: true, encoding: "utf8" })) {
      const file = path.join(root, entry);
      if (EXTENSIONS.some((e) => file.endsWith(e)) && !file.endsWith(".d.ts")) {
        files.set(file, fs.readFileSync(file, "utf8"));
      }
    }
  }
  return files;
}

describe("server modules take only components and types from client modules", () => {
  it("finds a constant, a hook and a namespace import crossing the boundary, and allows components and types", () => {
    const files = new Map([
      [
        "app/x/_components/view.tsx",
        '"use client";\nexport const PAGE_SIZE = 50;\nexport function View() {}\nexport function useThing() {}\nexport type TThing = string;\n',
      ],
      ["app/x/page.tsx", 'import { PAGE_SIZE, View, useThing, type TThing } from "./_components/view";\n'],
      [
        "app/x/other.ts",
        'import * as all from "@/app/x/_components/view";\nimport type { TThing } from "./_components/view";\n',
      ],
      ["app/x/_components/peer.tsx", '"use client";\nimport { PAGE_SIZE } from "./view";\n'],
    ]);
    expect(crossings(files)).toEqual([
      "app/x/page.tsx: PAGE_SIZE from app/x/_components/view.tsx",
      "app/x/page.tsx: useThing from app/x/_components/view.tsx",
      "app/x/other.ts: * from app/x/_components/view.tsx",
    ]);
  });

  it("holds across app, components and trpc", () => {
    const files = projectFiles();
    expect(files.size).toBeGreaterThan(100);
    expect(crossings(files)).toEqual([]);
  });
});

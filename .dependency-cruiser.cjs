// Layer boundaries of docs/ARCHITECTURE.md, checked on the whole import graph (transitively,
// which ESLint cannot do). `npm run lint` fails on any violation;
// tests/lint/layer-rules.test.ts shows each rule catching a planted violation.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment:
        "Rule 1: server/domain imports nothing from the rest of server/, nor Prisma, Next, pg or Node I/O. Pure libraries (zod) are fine.",
      severity: "error",
      from: { path: "^server/domain/", pathNot: "\\.test\\.ts$" },
      to: {
        pathNot: "^(server/domain/|node_modules/zod/)",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "client-imports-server-types-only",
      comment:
        "Rule 2: components/, trpc client glue and route-private components import server/ only with `import type`.",
      severity: "error",
      from: { path: "^(components/|trpc/(client|query-client)|app/.*/_components/)" },
      to: { path: "^server/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "app-never-touches-the-database",
      comment:
        "Rule 3: route handlers and pages call server/api, server/services, server/ingest or server/rest; never Prisma.",
      severity: "error",
      from: { path: "^app/" },
      to: { path: "^(server/db/|node_modules/(@prisma|pg)/)" },
    },
    {
      name: "routers-do-not-reach-the-worker-or-web",
      comment:
        "Rule 4: tRPC routers call services and db query functions; they do not import the worker, jobs handlers or the CLI.",
      severity: "error",
      from: { path: "^server/api/" },
      to: { path: "^server/(worker|cli)/" },
    },
    {
      name: "worker-stays-out-of-the-web",
      comment:
        "Rule 5: the worker never reaches app/, trpc/, server/api, server/web or anything importing server-only.",
      severity: "error",
      from: { path: "^server/worker/" },
      to: { path: "^(app/|trpc/|server/api/|server/web/|node_modules/server-only/)", reachable: true },
    },
    {
      name: "listener-stays-out-of-the-web",
      comment:
        "The ingest listener (npm run ingest) is a plain node:http process: like the worker, it never reaches app/, trpc/, server/api, server/web or anything importing server-only.",
      severity: "error",
      from: { path: "^server/listener/" },
      to: { path: "^(app/|trpc/|server/api/|server/web/|node_modules/server-only/)", reachable: true },
    },
    {
      name: "ledger-imports-no-other-service",
      comment:
        "Rule 7: server/services/ledger imports no other service. What an append does besides recording facts is a projector, assembled in server/services/projectors.ts and installed where each process starts (docs/ARCHITECTURE.md). Only the shared service error type is allowed.",
      severity: "error",
      from: { path: "^server/services/ledger/" },
      to: { path: "^server/services/", pathNot: "^server/services/(ledger/|errors\\.ts$)" },
    },
    {
      name: "send-queue-is-one-module",
      comment:
        "The send queue is one module (docs/ARCHITECTURE.md): its claim is reached through server/services/sending/send-queue.ts, never imported on its own.",
      severity: "error",
      from: { pathNot: "^server/services/sending/send-queue\\.ts$" },
      to: { path: "^server/services/sending/claim-sends\\.ts$" },
    },
    {
      name: "routes-keep-to-their-own-private-folders",
      comment:
        "A console area's private folders (_components/, _lib/) serve that area only: admin, audit, operations and status, and each tenant-scoped area under t/[scope]/. What two areas share lives in components/ (or, for the console's own chrome, app/(dashboard)/_components and _lib).",
      severity: "error",
      from: { path: "^app/\\(dashboard\\)/([^/]+)/" },
      to: {
        path: "^app/\\(dashboard\\)/[^/]+/.*_(components|lib)/",
        pathNot: "^app/\\(dashboard\\)/$1/",
      },
    },
    {
      name: "tenant-areas-keep-to-their-own-private-folders",
      comment:
        "The same inside t/[scope]/: messages, dead-letters, disputes, stalled... import no other area's _components/ or _lib/ (t/[scope]/_components is theirs to share).",
      severity: "error",
      from: { path: "^app/\\(dashboard\\)/t/\\[scope\\]/([^/]+)/" },
      to: {
        path: "^app/\\(dashboard\\)/t/\\[scope\\]/[^/]+/.*_(components|lib)/",
        pathNot: "^app/\\(dashboard\\)/t/\\[scope\\]/$1/",
      },
    },
    {
      name: "components-are-below-the-routes",
      comment: "components/ is shared by the routes, so it imports nothing from app/.",
      severity: "error",
      from: { path: "^components/" },
      to: { path: "^app/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: { pathNot: "^server/db/generated/" },
      to: { circular: true, pathNot: "^server/db/generated/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(server/db/generated/|\\.next/)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs"],
    },
  },
};

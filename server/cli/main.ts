// `npm run waybill -- <command>`: the admin CLI for operators and scripts. Every change goes
// through the same services as the console and is written to the audit trail as `cli:<user>`.
// Database: DATABASE_URL, else the system started by `npm start` (read from .waybill/).
import fs from "node:fs";
import os from "node:os";
import { Command, CommanderError } from "commander";
import { ZodError, z } from "zod";
import { parseEnv, EnvError, ZCommonEnvSchema } from "@/server/config/env";
import { createDb, type TDb } from "@/server/db/client";
import { installProjectors } from "@/server/services/projectors";
import { listApiKeys } from "@/server/db/queries/tenants";
import { readLocalSecrets, readRuntimeInfo } from "@/server/platform/local-state";
import { createSecretBox } from "@/server/platform/secret-box";
import type { TActor } from "@/server/services/actor";
import { createApiKey, revokeApiKey } from "@/server/services/api-keys";
import { ServiceError } from "@/server/services/errors";
import { ROLES } from "@/server/domain/access/permissions";
import { addSenderNumber, createTenant, findTenant } from "@/server/services/tenants";
import { changePassword, createUser, setUserDisabled } from "@/server/services/users";
import { runAuditedDrift } from "@/server/services/audit-drift";
import { verifyMessageChain } from "@/server/services/ledger/read-ledger";
import { rebuildRollups } from "@/server/services/insights/rebuild-rollups";
import { auditNumberHealth } from "@/server/services/number-health/audit-health";
import {
  createEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
} from "@/server/services/triggers/endpoints";
import { redeliver, redeliverFailed } from "@/server/services/triggers/deliveries";
import { ZCreateEndpointSchema } from "@/server/services/triggers/inputs";
import {
  createChannel,
  listChannels,
  queueTestNotification,
  removeChannel,
  updateChannel,
  ZCreateChannelSchema,
  ZUpdateChannelSchema,
} from "@/server/services/notifications/channels";
import {
  formatEvidenceVerification,
  parseEvidenceFile,
  verifyEvidenceBundle,
} from "@/server/services/evidence-verify";

type TCliIo = { out: (line: string) => void; err: (line: string) => void; readStdin: () => Promise<string> };

function resolveConfig(source: Record<string, string | undefined>) {
  const runtime = source.DATABASE_URL ? null : readRuntimeInfo();
  const local = readLocalSecrets();
  return parseEnv(ZCommonEnvSchema, {
    ...local,
    ...source,
    DATABASE_URL: source.DATABASE_URL ?? runtime?.databaseUrl,
  });
}

async function readStdinDefault(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

export function buildProgram(deps: {
  db: () => TDb;
  config: () => ReturnType<typeof resolveConfig>;
  actor: TActor;
  io: TCliIo;
}) {
  const { io } = deps;
  const print = (asJson: boolean, value: unknown, human: string) =>
    io.out(asJson ? JSON.stringify(value) : human);
  const program = new Command("waybill")
    .description("Waybill admin CLI")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .option("--json", "machine-readable output");

  program
    .command("tenant:create")
    .description("create a tenant")
    .requiredOption("--slug <slug>", "url-safe id, e.g. acme")
    .requiredOption("--name <name>", "display name")
    .action(async (opts: { slug: string; name: string }) => {
      const tenant = await createTenant(deps.db(), deps.actor, opts);
      print(program.opts().json, tenant, `created tenant ${tenant.slug} (${tenant.id})`);
    });

  program
    .command("tenant:list")
    .description("list tenants")
    .action(async () => {
      const tenants = await deps.db().tenant.findMany({
        orderBy: { slug: "asc" },
        select: { id: true, slug: true, name: true, status: true },
      });
      print(
        program.opts().json,
        tenants,
        tenants.map((t) => `${t.slug}\t${t.id}\t${t.status}\t${t.name}`).join("\n") || "(no tenants)",
      );
    });

  program
    .command("sender:add")
    .description("register a sender number (its access token is encrypted at rest)")
    .requiredOption("--tenant <slug|id>", "owning tenant")
    .requiredOption("--waba-id <id>", "WhatsApp Business Account id")
    .requiredOption("--phone-number-id <id>", "Graph API phone_number_id")
    .requiredOption("--display-number <e164>", "e.g. +15551234567")
    .option("--label <label>", "a name for people")
    .option("--access-token <token>", "Graph API access token (prefer --access-token-stdin)")
    .option("--access-token-stdin", "read the access token from standard input")
    .action(
      async (opts: {
        tenant: string;
        wabaId: string;
        phoneNumberId: string;
        displayNumber: string;
        label?: string;
        accessToken?: string;
        accessTokenStdin?: boolean;
      }) => {
        const accessToken = opts.accessTokenStdin ? await io.readStdin() : opts.accessToken;
        if (!accessToken)
          throw new ServiceError("BAD_REQUEST", "give --access-token or --access-token-stdin");
        const db = deps.db();
        const tenant = await findTenant(db, opts.tenant);
        const config = deps.config();
        const sender = await addSenderNumber(
          db,
          createSecretBox(config.WAYBILL_ENCRYPTION_KEY, config.WAYBILL_ENCRYPTION_KEYS_PREVIOUS),
          deps.actor,
          {
            tenantId: tenant.id,
            wabaId: opts.wabaId,
            phoneNumberId: opts.phoneNumberId,
            displayNumber: opts.displayNumber,
            label: opts.label,
            accessToken,
          },
        );
        print(
          program.opts().json,
          sender,
          `added ${sender.displayNumber} (phone_number_id ${sender.phoneNumberId}) to ${tenant.slug}`,
        );
      },
    );

  program
    .command("user:create")
    .description("create a console user")
    .requiredOption("--email <email>")
    .requiredOption("--name <name>")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
    .option("--tenant <slug|id>", "required for tenant_admin")
    .option("--password <password>", "prefer --password-stdin")
    .option("--password-stdin", "read the password from standard input")
    .action(
      async (opts: {
        email: string;
        name: string;
        role: string;
        tenant?: string;
        password?: string;
        passwordStdin?: boolean;
      }) => {
        const password = opts.passwordStdin ? await io.readStdin() : opts.password;
        if (!password) throw new ServiceError("BAD_REQUEST", "give --password or --password-stdin");
        const db = deps.db();
        const tenantId = opts.tenant ? (await findTenant(db, opts.tenant)).id : null;
        const role = z.enum(ROLES).parse(opts.role);
        const user = await createUser(db, deps.actor, {
          email: opts.email,
          name: opts.name,
          role,
          tenantId,
          password,
        });
        print(program.opts().json, user, `created ${user.role} ${user.email} (${user.id})`);
      },
    );

  program
    .command("user:disable")
    .description("disable a console user (signed-in sessions stop working at once)")
    .requiredOption("--email <email>")
    .requiredOption("--reason <reason>")
    .option("--enable", "re-enable instead")
    .action(async (opts: { email: string; reason: string; enable?: boolean }) => {
      const db = deps.db();
      const user = await db.user.findUnique({
        where: { email: opts.email.toLowerCase() },
        select: { id: true },
      });
      if (!user) throw new ServiceError("NOT_FOUND", `no user ${opts.email}`);
      const result = await setUserDisabled(db, deps.actor, {
        userId: user.id,
        isDisabled: !opts.enable,
        reason: opts.reason,
      });
      print(program.opts().json, result, `${opts.enable ? "enabled" : "disabled"} ${result.email}`);
    });

  program
    .command("user:set-password")
    .description("set a console user's password (every session signed in before stops working)")
    .requiredOption("--email <email>")
    .requiredOption("--password-stdin", "read the new password from stdin")
    .action(async (opts: { email: string }) => {
      const db = deps.db();
      const user = await db.user.findUnique({
        where: { email: opts.email.toLowerCase() },
        select: { id: true },
      });
      if (!user) throw new ServiceError("NOT_FOUND", `no user ${opts.email}`);
      const result = await changePassword(db, deps.actor, {
        userId: user.id,
        password: await deps.io.readStdin(),
      });
      print(program.opts().json, result, `password changed for ${result.email}; its sessions are revoked`);
    });

  program
    .command("apikey:create")
    .description("create a tenant API key (shown once)")
    .requiredOption("--tenant <slug|id>")
    .requiredOption("--name <name>")
    .action(async (opts: { tenant: string; name: string }) => {
      const db = deps.db();
      const tenant = await findTenant(db, opts.tenant);
      const key = await createApiKey(db, deps.actor, { tenantId: tenant.id, name: opts.name });
      print(
        program.opts().json,
        { id: key.id, tenantId: key.tenantId, name: key.name, apiKey: key.apiKey },
        `created key ${key.id} for ${tenant.slug}. It is shown once; store it now:\n${key.apiKey}`,
      );
    });

  program
    .command("apikey:list")
    .description("list a tenant's API keys")
    .requiredOption("--tenant <slug|id>")
    .action(async (opts: { tenant: string }) => {
      const db = deps.db();
      const tenant = await findTenant(db, opts.tenant);
      const keys = await listApiKeys(db, tenant.id);
      print(
        program.opts().json,
        keys,
        keys.map((k) => `${k.id}\t…${k.hint}\t${k.revokedAt ? "revoked" : "active"}\t${k.name}`).join("\n") ||
          "(no keys)",
      );
    });

  program
    .command("apikey:revoke")
    .description("revoke a tenant API key")
    .requiredOption("--tenant <slug|id>")
    .requiredOption("--key-id <id>")
    .requiredOption("--reason <reason>")
    .action(async (opts: { tenant: string; keyId: string; reason: string }) => {
      const db = deps.db();
      const tenant = await findTenant(db, opts.tenant);
      const result = await revokeApiKey(db, deps.actor, {
        tenantId: tenant.id,
        keyId: opts.keyId,
        reason: opts.reason,
      });
      print(program.opts().json, result, `revoked key ${result.id} of ${tenant.slug}`);
    });

  program
    .command("ledger:audit")
    .description("recompute state from the ledger and report drift (changes nothing unless --apply)")
    .option("--tenant <slug|id>", "only this tenant")
    .option("--message <id>", "only this message (needs --tenant)")
    .option("--rules <version>", "dry-run another rules version (default: current)")
    .option("--apply", "repair drifted projections, recording a state_recomputed event each")
    .option("--reason <reason>", "why (required with --apply)")
    .action(
      async (opts: {
        tenant?: string;
        message?: string;
        rules?: string;
        apply?: boolean;
        reason?: string;
      }) => {
        const db = deps.db();
        if (opts.message && !opts.tenant) throw new ServiceError("BAD_REQUEST", "--message needs --tenant");
        if (opts.apply && !opts.reason) throw new ServiceError("BAD_REQUEST", "--apply needs --reason");
        const tenant = opts.tenant ? await findTenant(db, opts.tenant) : null;
        const report = await runAuditedDrift(
          db,
          { tenantId: tenant?.id, messageId: opts.message },
          {
            rulesVersion: opts.rules === undefined ? undefined : Number(opts.rules),
            apply: Boolean(opts.apply),
            actor: deps.actor,
            reason: opts.reason,
          },
        );
        const lines = [report.text];
        for (const d of report.drifted.slice(0, 50)) {
          const change = d.diff.stateChange
            ? `${d.diff.stateChange.from} -> ${d.diff.stateChange.to}`
            : "explanation/conflicts only";
          lines.push(`  ${d.tenantId} ${d.messageId}: ${change}`);
        }
        if (report.drifted.length > 50) lines.push(`  … and ${report.drifted.length - 50} more`);
        if (opts.apply) lines.push(`repaired ${report.applied} message(s)`);
        print(
          program.opts().json,
          {
            rulesVersion: report.rulesVersion,
            checked: report.checked,
            drifted: report.drifted,
            applied: report.applied,
            summary: report.text,
          },
          lines.join("\n"),
        );
      },
    );

  program
    .command("ledger:verify")
    .description("verify a message's hash chain (chain of custody)")
    .requiredOption("--tenant <slug|id>")
    .requiredOption("--message <id>")
    .action(async (opts: { tenant: string; message: string }) => {
      const db = deps.db();
      const tenant = await findTenant(db, opts.tenant);
      const result = await verifyMessageChain(db, tenant.id, opts.message);
      print(
        program.opts().json,
        result,
        result.ok
          ? `chain intact: ${result.checkedEvents} events, head ${result.headHash}`
          : `CHAIN BROKEN at event ${result.brokenAt + 1} of ${result.checkedEvents}: ${result.reason}`,
      );
      // exit 3 through runCli's return value, like evidence:verify
      if (!result.ok) throw new CommanderError(3, "waybill.chain_broken", "the hash chain does not verify");
    });

  program
    .command("number-health:audit")
    .description(
      "re-derive every number's health from its history and report drift (changes nothing unless --apply)",
    )
    .option("--tenant <slug|id>", "only this tenant")
    .option("--rules <version>", "dry-run another rules version (default: current)")
    .option("--apply", "rewrite drifted views (audited)")
    .option("--reason <reason>", "why (required with --apply)")
    .action(async (opts: { tenant?: string; rules?: string; apply?: boolean; reason?: string }) => {
      const db = deps.db();
      if (opts.apply && !opts.reason) throw new ServiceError("BAD_REQUEST", "--apply needs --reason");
      const tenant = opts.tenant ? await findTenant(db, opts.tenant) : null;
      const result = await auditNumberHealth(
        db,
        {
          tenantId: tenant?.id ?? null,
          rulesVersion: opts.rules === undefined ? undefined : Number(opts.rules),
          apply: Boolean(opts.apply),
          actor: deps.actor,
          reason: opts.reason,
        },
        new Date(),
      );
      const lines = [
        `number health rules v${result.rulesVersion}: ${result.drifted.length} of ${result.checked} number(s) drifted`,
        ...result.drifted
          .slice(0, 50)
          .map((d) => `  ${d.tenantId} ${d.senderNumberId}: ${d.columns.join(", ")}`),
      ];
      if (opts.apply) lines.push(`repaired ${result.repaired} number(s)`);
      print(program.opts().json, result, lines.join("\n"));
    });

  program
    .command("rollup:rebuild")
    .description("recompute the insights rollups (number health, heatmaps) from the messages; audited")
    .option("--tenant <slug|id>", "only this tenant (default: every tenant)")
    .requiredOption("--reason <reason>", "why (kept in the audit trail)")
    .action(async (opts: { tenant?: string; reason: string }) => {
      const db = deps.db();
      const tenants = opts.tenant
        ? [await findTenant(db, opts.tenant)]
        : await db.tenant.findMany({ orderBy: { slug: "asc" }, select: { id: true, slug: true } });
      const reports = [];
      for (const tenant of tenants) {
        const report = await rebuildRollups(db, tenant.id, { actor: deps.actor, reason: opts.reason });
        reports.push({ slug: tenant.slug, ...report });
      }
      print(
        program.opts().json,
        reports,
        reports
          .map(
            (r) =>
              `${r.slug}: ${r.messages} messages -> ${r.senderRows} sender, ${r.templateRows} template, ${r.latencyRows} latency rollup rows (${r.droppedDeltas} pending deltas replaced)`,
          )
          .join("\n") || "(no tenants)",
      );
    });

  const boxOf = () => {
    const config = deps.config();
    return createSecretBox(config.WAYBILL_ENCRYPTION_KEY, config.WAYBILL_ENCRYPTION_KEYS_PREVIOUS);
  };
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  // plain http for a local receiver only, or anywhere in demo mode (as in the console)
  const urlPolicy = () => ({
    allowHttp: deps.config().WAYBILL_DEMO,
  });

  program
    .command("endpoint:list")
    .description("list a tenant's webhook endpoints (never their secrets)")
    .requiredOption("--tenant <slug|id>")
    .action(async (opts: { tenant: string }) => {
      const db = deps.db();
      const tenant = await findTenant(db, opts.tenant);
      const endpoints = await listEndpoints(db, tenant.id);
      print(
        program.opts().json,
        endpoints,
        endpoints
          .map(
            (e) =>
              `${e.id}\t${e.isEnabled ? "enabled" : "disabled"}\t${e.url}\t${e.eventTypes.join(",")}` +
              (e.disabledReason ? `\t${e.disabledReason}` : ""),
          )
          .join("\n") || `(no endpoints in ${tenant.slug})`,
      );
    });

  program
    .command("endpoint:create")
    .description("subscribe a webhook endpoint to event types; prints its signing secret once")
    .requiredOption("--tenant <slug|id>")
    .requiredOption("--url <url>", "https:// (http only to loopback, or in demo mode)")
    .requiredOption("--event <type>", "an event type, e.g. message.delivered (repeat for more)", collect)
    .option("--description <text>", "what it is for", "")
    .option("--sender <id>", "only events of this sender number (repeat for more)", collect)
    .option("--template <name>", "only events of messages with this template (repeat for more)", collect)
    .option("--full-numbers", "send recipients' full numbers instead of masked ones")
    .action(
      async (opts: {
        tenant: string;
        url: string;
        event: string[];
        description: string;
        sender?: string[];
        template?: string[];
        fullNumbers?: boolean;
      }) => {
        const db = deps.db();
        const tenant = await findTenant(db, opts.tenant);
        const fields = ZCreateEndpointSchema.parse({
          url: opts.url,
          description: opts.description,
          eventTypes: opts.event,
          senderNumberIds: opts.sender ?? [],
          templateNames: opts.template ?? [],
          includeFullNumbers: opts.fullNumbers ?? false,
        });
        const created = await createEndpoint(
          db,
          boxOf(),
          deps.actor,
          { tenantId: tenant.id, ...fields },
          urlPolicy(),
          new Date(),
        );
        for (const warning of created.warnings) io.err(`warning: ${warning}`);
        print(
          program.opts().json,
          { endpoint: created.endpoint, secret: created.secret, warnings: created.warnings },
          `created endpoint ${created.endpoint.id} -> ${created.endpoint.url}\n` +
            `signing secret (shown once; verify with Standard Webhooks): ${created.secret}`,
        );
      },
    );

  for (const [name, isEnabled] of [
    ["endpoint:enable", true],
    ["endpoint:disable", false],
  ] as const) {
    program
      .command(name)
      .description(
        isEnabled
          ? "enable an endpoint (its failure record starts clean)"
          : "disable an endpoint (events stop being queued for it)",
      )
      .requiredOption("--tenant <slug|id>")
      .argument("<endpoint-id>")
      .action(async (endpointId: string, opts: { tenant: string }) => {
        const db = deps.db();
        const tenant = await findTenant(db, opts.tenant);
        const { endpoint } = await updateEndpoint(
          db,
          deps.actor,
          { tenantId: tenant.id, endpointId: z.uuid().parse(endpointId), isEnabled },
          urlPolicy(),
          new Date(),
        );
        print(
          program.opts().json,
          endpoint,
          `${isEnabled ? "enabled" : "disabled"} ${endpoint.id} (${endpoint.url})`,
        );
      });
  }

  program
    .command("endpoint:rotate-secret")
    .description("issue a new signing secret; the previous one keeps signing beside it for the overlap")
    .requiredOption("--tenant <slug|id>")
    .argument("<endpoint-id>")
    .option("--overlap-hours <hours>", "how long the previous secret stays valid (0-168)", "24")
    .action(async (endpointId: string, opts: { tenant: string; overlapHours: string }) => {
      const db = deps.db();
      const tenant = await findTenant(db, opts.tenant);
      const overlapHours = z.coerce.number().min(0).max(168).parse(opts.overlapHours);
      const rotated = await rotateEndpointSecret(
        db,
        boxOf(),
        deps.actor,
        { tenantId: tenant.id, endpointId: z.uuid().parse(endpointId), overlapHours },
        new Date(),
      );
      print(
        program.opts().json,
        rotated,
        `new signing secret (shown once): ${rotated.secret}\nthe previous one signs too until ${rotated.previousExpireAt.toISOString()}`,
      );
    });

  program
    .command("endpoint:redeliver")
    .description("queue a delivery again from the start of its schedule, or every dead one of an endpoint")
    .requiredOption("--tenant <slug|id>")
    .option("--delivery <id>", "one delivery")
    .option("--endpoint <id>", "every dead (failed) delivery of this endpoint")
    .action(async (opts: { tenant: string; delivery?: string; endpoint?: string }) => {
      if (Boolean(opts.delivery) === Boolean(opts.endpoint))
        throw new ServiceError("BAD_REQUEST", "give either --delivery or --endpoint");
      const db = deps.db();
      const tenant = await findTenant(db, opts.tenant);
      const now = new Date();
      const count = opts.delivery
        ? (await redeliver(
            db,
            deps.actor,
            { tenantId: tenant.id, deliveryId: z.uuid().parse(opts.delivery) },
            now,
          ),
          1)
        : await redeliverFailed(
            db,
            deps.actor,
            { tenantId: tenant.id, endpointId: z.uuid().parse(opts.endpoint) },
            now,
          );
      print(
        program.opts().json,
        { redelivered: count },
        `queued ${count} deliver${count === 1 ? "y" : "ies"} again`,
      );
    });

  program
    .command("channel:add")
    .description(
      "add an operator channel for platform alerts: a Slack-compatible incoming webhook or an email address",
    )
    .requiredOption("--kind <kind>", "slack | email")
    .requiredOption("--target <url|address>", "the incoming-webhook URL (https) or the email address")
    .option("--description <text>", "what the channel is, for people", "")
    .option(
      "--min-severity <level>",
      "alerts of this severity and above: info | warning | critical",
      "warning",
    )
    .action(async (opts: { kind: string; target: string; description: string; minSeverity: string }) => {
      const input = ZCreateChannelSchema.parse({
        kind: opts.kind,
        target: opts.target,
        description: opts.description,
        minSeverity: opts.minSeverity,
      });
      const channel = await createChannel(deps.db(), boxOf(), deps.actor, input, urlPolicy(), new Date());
      print(
        program.opts().json,
        channel,
        `added ${channel.kind} channel ${channel.id} -> ${channel.target} (${channel.minSeverity} and above)`,
      );
    });

  program
    .command("channel:list")
    .description("list operator channels (webhook URLs masked) and what is waiting or failed")
    .action(async () => {
      const channels = await listChannels(deps.db(), boxOf());
      print(
        program.opts().json,
        channels,
        channels
          .map(
            (c) =>
              `${c.id}\t${c.kind}\t${c.isEnabled ? "enabled" : "disabled"}\t${c.minSeverity}+\t${c.target}` +
              `\tpending ${c.pending}, failed ${c.failed}${c.lastError ? `\tlast error: ${c.lastError}` : ""}`,
          )
          .join("\n") || "(no operator channels: platform alerts reach nobody outside the console)",
      );
    });

  for (const [name, isEnabled] of [
    ["channel:enable", true],
    ["channel:disable", false],
  ] as const) {
    program
      .command(name)
      .description(`${isEnabled ? "enable" : "disable"} an operator channel`)
      .argument("<channel-id>")
      .action(async (channelId: string) => {
        await updateChannel(
          deps.db(),
          deps.actor,
          ZUpdateChannelSchema.parse({ channelId, isEnabled }),
          new Date(),
        );
        print(
          program.opts().json,
          { channelId, isEnabled },
          `${isEnabled ? "enabled" : "disabled"} ${channelId}`,
        );
      });
  }

  program
    .command("channel:set-severity")
    .description("change which alerts an operator channel takes")
    .argument("<channel-id>")
    .argument("<level>", "info | warning | critical")
    .action(async (channelId: string, minSeverity: string) => {
      await updateChannel(
        deps.db(),
        deps.actor,
        ZUpdateChannelSchema.parse({ channelId, minSeverity }),
        new Date(),
      );
      print(
        program.opts().json,
        { channelId, minSeverity },
        `${channelId} now takes ${minSeverity} and above`,
      );
    });

  program
    .command("channel:remove")
    .description("delete an operator channel and its notification history")
    .argument("<channel-id>")
    .requiredOption("--reason <text>", "why (audited)")
    .action(async (channelId: string, opts: { reason: string }) => {
      await removeChannel(deps.db(), deps.actor, {
        channelId: z.uuid().parse(channelId),
        reason: z.string().trim().min(1).parse(opts.reason),
      });
      print(program.opts().json, { channelId, removed: true }, `removed ${channelId}`);
    });

  program
    .command("channel:test")
    .description("queue a test notification; the worker sends it like an alert")
    .argument("<channel-id>")
    .action(async (channelId: string) => {
      const queued = await queueTestNotification(
        deps.db(),
        deps.actor,
        { channelId: z.uuid().parse(channelId) },
        new Date(),
      );
      print(
        program.opts().json,
        queued,
        `queued test notification ${queued.notificationId}; see \`channel:list\` for its outcome`,
      );
    });

  program
    .command("evidence:verify")
    .description("verify an exported evidence bundle offline (JSON, or the HTML summary that embeds it)")
    .argument("<file>", "evidence-<message id>.json or .html")
    .option(
      "--platform-copy <file...>",
      "the platform's copy of a raw request (bytes as received) that the bundle holds a tenant slice of",
    )
    .action((file: string, opts: { platformCopy?: string[] }) => {
      let bundle: unknown;
      try {
        bundle = parseEvidenceFile(fs.readFileSync(file, "utf8"));
      } catch (error) {
        throw new ServiceError("BAD_REQUEST", `cannot read ${file}: ${(error as Error).message}`);
      }
      let platformCopies: Uint8Array[] | undefined;
      try {
        platformCopies = opts.platformCopy?.map((copy) => fs.readFileSync(copy));
      } catch (error) {
        throw new ServiceError("BAD_REQUEST", `cannot read a platform copy: ${(error as Error).message}`);
      }
      const result = verifyEvidenceBundle(bundle, { platformCopies });
      print(program.opts().json, result, formatEvidenceVerification(result));
      // exit 3, through runCli's return value (process.exitCode is overridden by process.exit)
      if (!result.ok) throw new CommanderError(3, "waybill.evidence_broken", "evidence does not verify");
    });

  return program;
}

/** Runs the CLI; returns the exit code. Expected failures print one clear line, no stack. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  io: TCliIo,
): Promise<number> {
  let db: TDb | undefined;
  let config: ReturnType<typeof resolveConfig> | undefined;
  installProjectors();
  const getConfig = () => (config ??= resolveConfig(env));
  const program = buildProgram({
    db: () => (db ??= createDb(getConfig().DATABASE_URL, { max: 2 })),
    config: getConfig,
    actor: { kind: "cli", label: env.WAYBILL_CLI_ACTOR ?? os.userInfo().username },
    io,
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ServiceError) io.err(`error: ${error.message}`);
    else if (error instanceof ZodError)
      io.err(`error: ${error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ")}`);
    else if (error instanceof EnvError)
      io.err(`error: ${error.message}\n(start the system with \`npm start\` or set DATABASE_URL)`);
    else throw error;
    return 1;
  } finally {
    await db?.$disconnect();
  }
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isEntry) {
  runCli(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    readStdin: readStdinDefault,
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

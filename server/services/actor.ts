// Who performs an action. Every audit row and every operator ledger event names one.
import type { TRole } from "@/server/domain/access/permissions";

export type TActor =
  | { kind: "user"; id: string; email: string; role: TRole; tenantId: string | null }
  | { kind: "cli"; label: string }
  | { kind: "system"; label: string };

export function actorLabel(actor: TActor): string {
  switch (actor.kind) {
    case "user":
      return `user:${actor.email}`;
    case "cli":
      return `cli:${actor.label}`;
    case "system":
      return `system:${actor.label}`;
    default: {
      const unreachable: never = actor;
      return unreachable;
    }
  }
}

export function actorId(actor: TActor): string | null {
  return actor.kind === "user" ? actor.id : null;
}

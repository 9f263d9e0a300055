// Expected failures of a use case, mapped to HTTP/tRPC codes at the edge (one mapping, in
// server/api/trpc.ts and the CLI). Bugs stay plain Errors.
export type TServiceErrorCode = "NOT_FOUND" | "CONFLICT" | "BAD_REQUEST" | "FORBIDDEN";

export class ServiceError extends Error {
  constructor(
    readonly code: TServiceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

/** PostgreSQL unique violation (23505) as raised through Prisma's pg adapter. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; cause?: { code?: unknown; originalCode?: unknown } };
  return e.code === "P2002" || e.code === "23505" || e.cause?.originalCode === "23505";
}

// operations.ingestion: webhook requests per minute over the last hour (by current status), inbox
// depth, processing lag and the requests needing attention.
import { readIngestion } from "@/server/services/operations-overview";
import { permissionProcedure } from "../../trpc";
import { ZIngestionOutputSchema } from "./operations.types";

export const getIngestion = permissionProcedure("operations.read")
  .output(ZIngestionOutputSchema)
  .query(({ ctx }) => readIngestion(ctx.db, new Date(), 60));

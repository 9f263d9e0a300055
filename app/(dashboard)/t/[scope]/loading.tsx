// Placeholder while a tenant page renders (inside the tenant wall, so a refused scope still 404s).
import { Skeleton, SkeletonRows } from "@/components/ui/skeleton";

export default function ScopeLoading() {
  return (
    <div>
      <Skeleton className="mb-2 h-7 w-48" />
      <Skeleton className="mb-6 h-4 w-96 max-w-full" />
      <SkeletonRows rows={6} />
    </div>
  );
}

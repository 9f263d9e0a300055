// Placeholder while a tenant list page renders. Kept per area, not above [messageId]: a loading
// boundary there would stream the detail page, and a missing message would answer 200, not 404.
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

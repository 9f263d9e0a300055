// Placeholder while a tenant list page renders. Each list area re-exports it as its loading.tsx;
// none sits above [messageId], where a loading boundary would stream the detail page and a
// missing message would answer 200 instead of 404.
import { Skeleton, SkeletonRows } from "@/components/ui/skeleton";

export function AreaLoading() {
  return (
    <div>
      <Skeleton className="mb-2 h-7 w-48" />
      <Skeleton className="mb-6 h-4 w-96 max-w-full" />
      <SkeletonRows rows={6} />
    </div>
  );
}

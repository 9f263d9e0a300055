// Loading state of the messages list (see _components/area-loading.tsx for why it is per area).
export { AreaLoading as default } from "../../_components/area-loading";

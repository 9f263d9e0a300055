// Loading state of this list area (see _components/area-loading.tsx for why it is per area).
export { AreaLoading as default } from "../_components/area-loading";

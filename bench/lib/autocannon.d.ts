// The part of autocannon's API the benches use (the package ships no types).
declare module "autocannon" {
  type TRequest = {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  };
  type TOptions = {
    url: string;
    connections?: number;
    duration?: number;
    overallRate?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: (TRequest & { setupRequest?: (request: TRequest) => TRequest })[];
  };
  type THistogram = { average: number; p50: number; p90: number; p99: number; max: number; total: number };
  export type TResult = {
    requests: THistogram & { sent: number };
    latency: THistogram & { p97_5: number; p99_9: number };
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    "2xx": number;
  };
  function autocannon(options: TOptions): Promise<TResult>;
  export default autocannon;
}

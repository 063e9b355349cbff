/**
 * V8 heap limits every worker process starts with (the launchers set them: the images' NODE_OPTIONS, `pnpm start`'s
 * app processes). Without them V8 lets garbage pile up to gigabytes before collecting; with them each worker stays
 * under ~256 MB RSS during a 100,000-order load at a few per cent of its throughput (docs/benchmarks.md). A process
 * started with its own NODE_OPTIONS keeps those.
 */
export const WORKER_NODE_OPTIONS = '--max-old-space-size=112 --max-semi-space-size=4';

/** The live status writer, for `btls controller` and (later) `btls serve --status-writer`. */
export { startController, type ControllerOptions, type RunningController } from './controller.js';
export { createMetrics, valueOf, type StatusMetrics } from './metrics.js';
export { serveMetrics } from './serve-metrics.js';
export { defaultTiming, type Timing } from './config.js';

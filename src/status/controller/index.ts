/** The live status writer, run by `btls controller`. */
export { startController, type ControllerOptions, type RunningController } from './controller.js';
export { createMetrics, valueOf, type StatusMetrics } from './metrics.js';
export { serveMetrics } from './serve-metrics.js';
export { defaultTiming, type Timing } from './config.js';

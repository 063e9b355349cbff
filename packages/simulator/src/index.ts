export { DEFAULT_FAULTS } from './faults.ts';
export { createWorld, DEFAULTS, startSimulator } from './simulator.ts';
export type { DayTruth, Faults, GroundTruth, RequestLogEntry, ShowTruth, Simulator, SimulatorOptions, StartOptions } from './types.ts';

export { DEFAULT_FAULTS } from './faults.ts';
export { createWorld, DEFAULTS, startSimulator } from './simulator.ts';
export type {
  BarcodeCheckin,
  CatalogueStreamTruth,
  CatalogueTruth,
  CheckinTruth,
  DayTruth,
  Faults,
  GroundTruth,
  InventoryTruth,
  PartnerTicketTruth,
  RequestCounts,
  RequestLogEntry,
  ShowTruth,
  Simulator,
  SimulatorOptions,
  StartOptions,
  WebhookConfig,
  WebhookEventType,
  WebhookLogEntry,
} from './types.ts';

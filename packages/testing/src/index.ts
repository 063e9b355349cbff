export { dockerEngineAvailable, TEST_IMAGES } from './containers.ts';
export { sample } from './metrics-sample.ts';
export { type ProcessResult, runProcess, waitForOutput } from './processes.ts';
export { type TestClickHouse, type TestRedis, testClickHouse, testRedis, uniqueName } from './servers.ts';
export { count, MIGRATIONS_DIR, testWarehouse } from './warehouse.ts';

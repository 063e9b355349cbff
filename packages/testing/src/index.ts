export { type TestClickHouse, type TestRedis, testClickHouse, testRedis, uniqueName } from './servers.ts';

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ConfigError, parseConfig, parseSentinels, redisAddress, redisEnv } from '../src/index.ts';

const schema = z.object(redisEnv);
const problems = (env: Record<string, string>) => {
  try {
    parseConfig(schema, env);
    return [];
  } catch (e) {
    return (e as ConfigError).problems;
  }
};

describe('Redis settings: one endpoint or Sentinel', () => {
  it('needs REDIS_URL or REDIS_SENTINELS', () => {
    expect(problems({})).toEqual(['REDIS_URL: is required but not set (or REDIS_SENTINELS)']);
    expect(problems({ REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([]);
    expect(problems({ REDIS_SENTINELS: 's1:26379,s2:26379' })).toEqual([]);
  });

  it('parses the Sentinels, the master name (default mymaster) and the passwords', () => {
    const cfg = parseConfig(schema, { REDIS_SENTINELS: ' s1.internal:26379, 10.0.0.2:26380 ', REDIS_SENTINEL_PASSWORD: 'sp', REDIS_PASSWORD: 'mp' });
    expect(cfg.REDIS_SENTINEL_NAME).toBe('mymaster');
    expect(parseSentinels(cfg.REDIS_SENTINELS as string)).toEqual([
      { host: 's1.internal', port: 26379 },
      { host: '10.0.0.2', port: 26380 },
    ]);
    expect(redisAddress(cfg)).toBe('master mymaster via Sentinel s1.internal:26379,10.0.0.2:26380');
    expect(redisAddress({ REDIS_URL: 'redis://:secret@r.example:6380/0' })).toBe('r.example:6380');
  });

  it('names a malformed setting', () => {
    expect(problems({ REDIS_SENTINELS: 's1' })).toEqual(['REDIS_SENTINELS: must be host:port[,host:port...] of the Sentinels']);
    expect(problems({ REDIS_SENTINELS: 's1:1', REDIS_SENTINEL_NAME: 'my master' })).toEqual([
      'REDIS_SENTINEL_NAME: may contain letters, digits, ., - and _ only',
    ]);
  });
});

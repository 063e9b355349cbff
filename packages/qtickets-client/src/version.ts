import pkg from '../package.json' with { type: 'json' };

/** This package's version, for the user agent. */
export const CLIENT_VERSION: string = pkg.version;

export const DEFAULT_USER_AGENT = `qtickets-pipeline/${CLIENT_VERSION}`;

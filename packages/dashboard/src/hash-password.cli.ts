import { parseCli } from '@qtp/shared';
import { hashPassword } from './password-hash.ts';

/** `pnpm dashboard:password`: reads a password from stdin, prints DASHBOARD_PASSWORD_HASH=... */
parseCli(
  'dashboard:password',
  `usage: echo 'a long password' | pnpm -s dashboard:password
  reads a password (at least 12 characters) from stdin and prints DASHBOARD_PASSWORD_HASH=<scrypt hash> for .env`,
  {},
);
const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const password = Buffer.concat(chunks)
  .toString('utf8')
  .replace(/\r?\n$/, '');
if (password.length < 12) {
  process.stderr.write('dashboard:password: give a password of at least 12 characters on stdin\n');
  process.exit(2);
}
process.stdout.write(`DASHBOARD_PASSWORD_HASH=${hashPassword(password)}\n`);
